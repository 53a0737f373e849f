"""Overview: portfolio health at a glance, the red projects and why, the change since the previous snapshot."""

import streamlit as st

from pmo_analytics import charts, dashboard, ui
from pmo_analytics.views import overview

st.title("Portfolio overview")
view = ui.frame()
summary = ui.summary(view)
indicators = summary["indicators"]
previous = ui.summary(view, as_of=view.previous)["kpis"] if view.previous else None
st.caption(ui.frame_caption(view))
if indicators.empty:
    st.info("No projects in this snapshot (or none match the filters). Upload a project register on the Import page.")
    st.stop()

cards = overview.kpi_cards(summary["kpis"], dashboard.kpi_deltas(summary["kpis"], previous))
for row in (cards[:5], cards[5:]):
    for column, card in zip(st.columns(5), row, strict=False):
        column.metric(card.label, card.value, card.delta, delta_color=card.delta_color, border=True)

red = overview.red_projects(indicators)
with st.container(border=True):
    st.subheader(f"Red projects ({len(red)})" if len(red) else "No red projects")
    if len(red):
        st.dataframe(
            red.assign(link=red["project"].map(ui.project_link))[
                ["link", "name", "portfolio", "why", "cpi", "spi_t", "manager"]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "link": ui.project_link_column(),
                "name": "Name",
                "portfolio": "Portfolio",
                "manager": "Manager",
                "why": st.column_config.TextColumn("Why red", width="large"),
                "cpi": st.column_config.NumberColumn("CPI", format="%.2f"),
                "spi_t": st.column_config.NumberColumn("SPI(t)", format="%.2f"),
            },
            key="red_projects",
        )

left, right = st.columns([3, 2])
with left:
    st.subheader("Cost against schedule")
    st.caption("Each bubble is a project (area = budget). Click one to open it.")
    event = st.plotly_chart(
        ui.summary_chart(charts.quadrant, view, bands=ui.health_settings().cost),  # cached: a bubble per project
        width="stretch",
        on_select="rerun",
        selection_mode="points",
        key="quadrant",
    )
    points = event.selection.points if event and event.selection else []
    if points and points[0].get("customdata"):
        st.switch_page("app_pages/project.py", query_params={"project": str(points[0]["customdata"][0])})
with right:
    st.subheader("Health")
    st.plotly_chart(charts.health_counts(summary["totals"]), width="stretch", key="health_counts")
    _, portfolio_history = ui.trends(view)
    st.plotly_chart(charts.health_trend(portfolio_history), width="stretch", key="health_trend")

st.subheader("All projects")
ui.project_table(indicators, key="projects")

"""Report: the monthly management report as an Excel workbook, for the snapshot and filters in the sidebar."""

import streamlit as st

from pmo_analytics import dashboard, ui
from pmo_analytics.charts.style import health_label
from pmo_analytics.formatting import format_count, format_date
from pmo_analytics.report import XLSX_MIME, sheet_overview, write_report
from pmo_analytics.report_content import filters_text
from pmo_analytics.views.overview import kpi_cards

view = ui.frame()
st.title("Management report", anchor=False)

# Assembled once per snapshot, filters and database version (ui's cache); a rerun only draws it.
content = ui.report_content(view)

compared = f"compared with **{format_date(view.previous)}**" if view.previous else "no earlier snapshot to compare with"
st.markdown(
    f"The board pack as of **{format_date(view.as_of)}**, {compared}. Filters: **{filters_text(content.filters)}**. "
    "Change the snapshot or the filters in the sidebar and the report follows."
)

if content.projects.empty:
    st.info(
        "No projects in this snapshot match the filters, so the report would be empty. Widen the filters, or upload a "
        "project register on the Import page.",
        icon=":material/filter_alt_off:",
    )

with st.container(border=True):
    st.subheader("Key figures", anchor=False)
    cards = kpi_cards(content.kpis, dashboard.kpi_deltas(content.kpis, content.previous_kpis))
    for row in (cards[:5], cards[5:]):
        for column, card in zip(st.columns(5), row, strict=False):
            column.metric(card.label, card.value, card.delta, delta_color=card.delta_color, border=True)
    counts = content.health_counts
    st.markdown(
        "**Health:** "
        + " · ".join(f"{health_label(row.health)} {format_count(row.projects)}" for row in counts.itertuples())
    )

st.subheader("What the workbook contains", anchor=False)
st.dataframe(
    sheet_overview(content),
    hide_index=True,
    width="stretch",
    column_config={
        "sheet": st.column_config.TextColumn("Sheet", width="small"),
        "rows": st.column_config.NumberColumn("Rows", width="small", format="%d"),
        "description": st.column_config.TextColumn("What it shows", width="large"),
    },
)

# The workbook is written when the button is clicked (Streamlit runs the callable then), not on every rerun.
st.download_button(
    "Download the report (Excel)",
    data=lambda: write_report(content),
    file_name=f"pmo_report_{view.as_of.isoformat()}.xlsx",
    mime=XLSX_MIME,
    type="primary",
    icon=":material/download:",
    on_click="ignore",
    key="report_download",
)
st.caption(
    "Also from the command line: `python -m pmo_analytics report --out report.xlsx --as-of "
    f"{view.as_of.isoformat()}` (all projects, no filters)."
)

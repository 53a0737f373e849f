"""Budget: the S-curve with the eac projection, budget against actual and forecast, cpi/spi_t trend, variances."""

import streamlit as st

from pmo_analytics import charts, ui
from pmo_analytics.views import budget

ALL = "all"  # the selectbox value for every project in the (filtered) view
TOP = 15  # budget bars shown before "show all"

st.title("Budget")
view = ui.frame()
summary = ui.summary(view)
indicators, totals = summary["indicators"], summary["totals"]
st.caption(ui.frame_caption(view))
if indicators.empty:
    st.info("No projects in this snapshot (or none match the filters). Upload a project register on the Import page.")
    st.stop()

choices = budget.project_choices(indicators)
selected = st.selectbox(
    "Project or group",
    [ALL, *choices],
    format_func=lambda key: f"All projects in view ({len(choices)})" if key == ALL else choices[key],
    key="budget_project",
    help="The sidebar filters make the group: a portfolio, a programme, a manager's projects.",
)
project_id = None if selected == ALL else selected
figures = budget.selection_figures(indicators, totals, project_id)
previous = None
if view.previous:
    before = ui.summary(view, as_of=view.previous)
    previous = budget.selection_figures(before["indicators"], before["totals"], project_id)
cards = budget.selection_cards(figures, previous)
for row in (cards[:5], cards[5:]):
    for column, card in zip(st.columns(5), row, strict=False):
        column.metric(card.label, card.value, card.delta, delta_color=card.delta_color, help=card.help, border=True)

left, right = st.columns([3, 2])
with left, st.container(border=True):
    st.subheader("S-curve")
    curves = ui.view_data(budget.s_curve_data, view, project_ids=(project_id,) if project_id else None)
    st.caption(
        "Cumulative planned value, earned value and actual cost per month. The dashed line from the last actual "
        "cost runs to the forecast (eac) at earned schedule's forecast finish; the dotted line is the budget."
    )
    for note in budget.curve_notes(indicators, project_id):
        st.caption(note)
    st.plotly_chart(
        charts.s_curve(
            curves, view.as_of, eac=figures["eac"], finish_date=figures["forecast_finish_date"], bac=figures["bac"]
        ),
        width="stretch",
        key="s_curve",
    )
with right, st.container(border=True):
    st.subheader("Cost and schedule performance")
    st.caption("cpi and spi_t at each snapshot; the shaded bands are the health thresholds, 1.0 is on plan.")
    history = budget.performance_history(*ui.trends(view), project_id=project_id)
    st.plotly_chart(
        charts.performance_trend(history, bands=ui.health_settings().cost), width="stretch", key="performance_trend"
    )

with st.container(border=True):
    st.subheader("Budget, actual cost and forecast per project")
    controls = st.columns([3, 2])
    order = controls[0].radio(
        "Order", list(budget.BAR_ORDERS), format_func=budget.BAR_ORDERS.get, horizontal=True, key="budget_bar_order"
    )
    show_all = controls[1].toggle(f"Show all {len(indicators)} projects", key="budget_show_all")
    ranking = budget.budget_ranking(indicators, order, limit=None if show_all else TOP)
    if not show_all and len(indicators) > TOP:
        st.caption(f"The first {TOP} of {len(indicators)} projects.")
    st.plotly_chart(charts.budget_bars(ranking), width="stretch", key="budget_bars")

with st.container(border=True):
    st.subheader("Variances per project")
    st.caption(
        "Amounts in thousands of euro, worst cost variance first; click a column to sort. cv = ev - ac and "
        "sv = ev - pv (negative: over budget, behind plan); vac = bac - eac; tcpi is the cost efficiency the rest "
        "of the work needs to finish within budget. Notes say why a figure is undefined."
    )
    table = budget.variance_table(indicators, per=1_000)
    money = {
        name: st.column_config.NumberColumn(label, format="€ %,.0f k")
        for name, label in {
            "bac": "BAC",
            "ac": "AC",
            "ev": "EV",
            "pv": "PV",
            "cv": "CV",
            "sv": "SV",
            "eac": "EAC",
            "vac": "VAC",
        }.items()
    }
    ratios = {
        name: st.column_config.NumberColumn(label, format="%.2f")
        for name, label in {"cpi": "CPI", "spi": "SPI", "spi_t": "SPI(t)", "tcpi": "TCPI"}.items()
    }
    st.dataframe(
        table.assign(project_id=table["project_id"].map(ui.project_link)),
        hide_index=True,
        width="stretch",
        column_config={
            "project_id": ui.project_link_column(),
            "project_name": st.column_config.TextColumn("Name"),
            "portfolio": st.column_config.TextColumn("Portfolio"),
            "health": st.column_config.TextColumn("Health"),
            **money,
            **ratios,
            "notes": st.column_config.TextColumn("Notes", width="large"),
        },
        key="variance_table",
    )

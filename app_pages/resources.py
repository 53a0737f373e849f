"""Resources: next month's over-allocations first, utilisation per person or team per period (a page of rows at a
time, the most loaded first, with a search by name), capacity against demand, and every over-allocation in the
window with the projects that cause it."""

import pandas as pd
import streamlit as st

from pmo_analytics import charts, dashboard, ui
from pmo_analytics.charts.resources import period_labels
from pmo_analytics.formatting import format_count, format_date, format_hours
from pmo_analytics.views import resources

PROJECT_LINK = ui.project_link_column("Main project")
PERIOD_WORDS = {"week": "Week", "month": "Month", "quarter": "Quarter"}
PLURALS = {"person": "people", "team": "teams"}
ORDER_WORDS = {"peak": "Highest utilisation", "excess": "Most hours over capacity", "name": "Name"}
ORDER_CAPTIONS = {
    "peak": "highest peak utilisation first",
    "excess": "most hours over capacity first (summed over the over-allocated periods)",
    "name": "by name",
}
HOURS = "%,.0f h"
OVER_ALLOCATION_COLUMNS = ["person_name", "team", "period", "allocated_hours", "available_hours", "utilisation_percent",
                           "excess_hours", "main_project", "projects"]  # fmt: skip


def over_allocation_table(rows: pd.DataFrame, period: str, key: str) -> None:
    """What a team lead reads: one row per over-allocated person per period, the projects behind it."""
    st.dataframe(
        rows.assign(
            period=period_labels(rows["period_start"], period) if len(rows) else [],
            utilisation_percent=rows["utilisation"] * 100,  # 1.07 -> 107 (%): whole percentages read faster
            main_project=ui.project_links(rows["main_project_id"]),
        )[OVER_ALLOCATION_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={
            "person_name": "Person",
            "team": "Team",
            "period": PERIOD_WORDS[period],
            "allocated_hours": st.column_config.NumberColumn("Allocated", format=HOURS),
            "available_hours": st.column_config.NumberColumn("Available", format=HOURS),
            "utilisation_percent": st.column_config.NumberColumn("Utilisation", format="%.0f%%"),
            "excess_hours": st.column_config.NumberColumn("Over by", format=HOURS),
            "projects": st.column_config.TextColumn("Projects (hours in the period, largest first)", width="large"),
            "main_project": PROJECT_LINK,
        },
        key=key,
    )


st.title("Resources")
view = ui.frame()
tables = ui.tables(view)
st.caption(
    f"As of {view.as_of:%d %B %Y}"
    + (
        " · filtered: "
        + ", ".join(f"{dashboard.FILTERS[k]} = {', '.join(v)}" for k, v in view.filters if v)
        + " (people working on these projects, with all their allocations)"
        if view.is_filtered
        else ""
    )
)
if tables["allocations"].empty:
    st.info(
        "No resource plan in this snapshot (or nobody works on the filtered projects): upload a resource plan "
        "(allocations per person per project, and a people list with teams and weekly hours) on the Import page.",
        icon=":material/upload_file:",
    )
    st.stop()

controls = st.columns([2, 2, 3, 2], vertical_alignment="bottom")
period = controls[0].segmented_control(
    "Period",
    list(resources.PERIODS),
    default="month",
    required=True,
    format_func=PERIOD_WORDS.get,
    key="period",
    bind="query-params",
)
by = controls[1].segmented_control(
    "Rows",
    list(resources.GROUPS),
    default="person",
    required=True,
    format_func=str.capitalize,
    key="group_by",
    bind="query-params",
)
teams = tuple(
    controls[2].multiselect("Teams", ui.view_data(resources.team_names, view), placeholder="All teams", key="teams")
)
only_over = controls[3].toggle("Only the over-allocated", key="only_over", help="Rows over-allocated at least once")

# The first thing a team lead needs: who is over-allocated next month, and on which projects.
month_start, _ = resources.next_month(view.as_of)
upcoming = ui.view_data(resources.next_month_over_allocations, view, teams=teams)
with st.container(border=True):
    month = f"{month_start:%B %Y}"
    if upcoming.empty:
        st.subheader(f"Next month ({month}): nobody over-allocated")
        st.caption("Every person's allocated hours fit within their available hours.")
    else:
        people = "person" if len(upcoming) == 1 else "people"
        st.subheader(f"Next month ({month}): {format_count(len(upcoming))} {people} over-allocated")
        st.caption(
            f"{format_hours(upcoming['excess_hours'].sum())} over capacity in total; the most over-allocated first. "
            "Choose your team above to see only its people."
        )
        over_allocation_table(upcoming, "month", "next_month")

start, end = resources.resource_window(view.as_of, period)
rows = {"period": period, "by": by, "teams": teams, "only_over": only_over}  # what the heatmap's rows are
with st.container(border=True):
    st.subheader(f"Utilisation per {by} per {period}")
    st.caption(
        f"{format_date(start)} to {format_date(end)}: allocated hours / available hours. "
        "Blue up to 100%, orange to red beyond; ▲ marks an over-allocation."
    )
    shown = st.columns([2, 1, 3, 2], vertical_alignment="bottom")
    order = shown[0].selectbox("Sort by", resources.HEATMAP_ORDERS, format_func=ORDER_WORDS.get, key="heatmap_order")
    count = shown[1].selectbox(
        "Per page",
        resources.HEATMAP_SIZES,
        index=resources.HEATMAP_SIZES.index(resources.HEATMAP_PAGE),
        key="heatmap_rows",
    )
    search = shown[2].text_input(f"Find a {by}", placeholder="Part of a name", key="heatmap_search").strip()
    ranking = ui.view_data(resources.heatmap_ranking, view, **rows, order=order, search=search)
    total = len(ranking)
    firsts = list(range(0, max(total, 1), count))
    # Another list (period, filters, order, search, page size): back to its first page.
    context = (view.as_of, view.filters, *rows.values(), order, search, count)
    if st.session_state.get("heatmap_context") != context or st.session_state.get("heatmap_first") not in firsts:
        st.session_state["heatmap_first"] = 0
    st.session_state["heatmap_context"] = context
    first = shown[3].selectbox(
        "Showing",
        firsts,
        format_func=lambda at: f"{at + 1:,}–{min(at + count, total):,} of {total:,}" if total else "none",
        key="heatmap_first",
        disabled=len(firsts) == 1,
    )
    noun = by if total == 1 else PLURALS[by]
    if total == 0:
        st.info(f"No {by} whose name holds “{search}”." if search else f"No {PLURALS[by]} to show.")
    else:
        over_count = int((ranking["over_periods"] > 0).sum())
        st.caption(
            f"Showing {first + 1:,}–{min(first + count, total):,} of {total:,} {noun}"
            + (f" whose name holds “{search}”" if search else "")
            + f", {ORDER_CAPTIONS[order]}; {format_count(over_count)} over-allocated at least once in the window."
        )
        heatmap = ui.view_chart(
            charts.resource_heatmap,
            resources.heatmap_load,
            view,
            chart_params={"period": period},
            **rows,
            order=order,
            search=search,
            first=first,
            count=count,
        )  # cached with its data
        st.plotly_chart(heatmap, width="stretch", key="resource_heatmap")

with st.container(border=True):
    st.subheader("Capacity against demand")
    # Everyone, or one of the rows the heatmap shows (in its order): anyone else is found with its search.
    names = [None, *ranking[ranking.columns[0]].iloc[first : first + count].dropna()]
    if st.session_state.get("capacity_for") not in names:  # a person no longer on the heatmap's page
        st.session_state["capacity_for"] = None
    who = st.selectbox(
        "For",
        names,
        format_func=lambda name: name or "Everyone",
        key="capacity_for",
        help=f"Everyone, or one of the {PLURALS[by]} the heatmap shows: find anyone with its search.",
    )
    capacity = ui.view_chart(
        charts.capacity_vs_demand,
        resources.capacity_demand,
        view,
        chart_params={"period": period},
        period=period,
        by=by,
        teams=teams,
        name=who,
    )  # cached with its data: building the figure takes longer than the data (plotly's template and checks)
    st.plotly_chart(capacity, width="stretch", key="capacity_demand")

over = ui.view_data(resources.over_allocations, view, period=period, teams=teams)
with st.container(border=True):
    st.subheader(f"Over-allocations per {period} ({format_count(len(over))})")
    if over.empty:
        st.success(f"Nobody is over-allocated from {format_date(start)} to {format_date(end)}.")
    else:
        st.caption(f"Per person, {format_date(start)} to {format_date(end)}, by {period} then name.")
        over_allocation_table(over, period, "over_allocations")
        with st.expander("Every project behind these over-allocations"):
            causes = ui.view_data(resources.over_allocation_projects, view, period=period, teams=teams)
            st.dataframe(
                causes.assign(
                    period=period_labels(causes["period_start"], period),
                    project=ui.project_links(causes["project_id"]),
                )[["person_name", "team", "period", "project", "project_name", "project_hours", "share"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "person_name": "Person",
                    "team": "Team",
                    "period": PERIOD_WORDS[period],
                    "project": ui.project_link_column(),
                    "project_name": "Project name",
                    "project_hours": st.column_config.NumberColumn("Hours", format=HOURS),
                    "share": st.column_config.NumberColumn("Share of the person's hours", format="percent"),
                },
                key="over_allocation_projects",
            )

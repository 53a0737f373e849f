"""Schedule: the portfolio timeline (baseline against forecast), late and slipping milestones, milestone trend."""

import streamlit as st

from pmo_analytics import charts, ui
from pmo_analytics.formatting import format_count, format_date, format_days
from pmo_analytics.views import schedule

st.title("Schedule")
view = ui.frame()
tables = ui.tables(view)
indicators = ui.summary(view)["indicators"]
st.caption(ui.frame_caption(view))
if indicators.empty:
    st.info("No projects in this snapshot (or none match the filters). Upload a project register on the Import page.")
    st.stop()

# Against the previous snapshot, cached: 8,700 milestones at 2,000 projects.
changes = ui.history_data(schedule.latest_milestone_changes, view)
headline = schedule.schedule_headline(indicators, changes)
formats = {"average_finish_slip_days": format_days}
for column, (key, label) in zip(st.columns(len(headline)), schedule.SCHEDULE_HEADLINE.items(), strict=True):
    column.metric(label, formats.get(key, format_count)(headline[key]), border=True)

with st.container(border=True):
    st.subheader("Timeline")
    basis = st.radio(
        "Forecast finish",
        list(schedule.FORECAST_BASES),
        format_func=lambda key: schedule.FORECAST_BASES[key][1],
        horizontal=True,
        key="schedule_forecast_basis",
        help="Reported: the forecast finish in the project register. Earned schedule: the finish the cost data "
        "implies (the planned duration divided by spi_t).",
    )
    forecast_column, basis_label = schedule.FORECAST_BASES[basis]
    st.caption(
        "Grey: the baseline, from start to planned finish. On it, in the project's health colour: from start to the "
        f"actual finish, else the forecast finish ({basis_label.lower()}). Dotted line: {view.as_of:%d %b %Y}. "
        "Click a bar to open the project."
    )
    missing = schedule.projects_without_finish(indicators, forecast_column)
    if len(missing):
        st.caption(
            f"No forecast finish for {len(missing)} project(s), only their baseline is drawn: "
            + ", ".join(
                f"{name} ({pid})" for pid, name in zip(missing["project_id"], missing["project_name"], strict=True)
            )
        )
    event = st.plotly_chart(
        ui.summary_chart(charts.timeline, view, as_of=view.as_of, forecast_column=forecast_column),  # cached
        width="stretch",
        on_select="rerun",
        selection_mode="points",
        key="timeline",
    )
    points = event.selection.points if event and event.selection else []
    if points and points[0].get("customdata"):
        st.switch_page("app_pages/project.py", query_params={"project": str(points[0]["customdata"][0])})

with st.container(border=True):
    st.subheader("Late and slipping milestones")
    include_done = st.toggle("Include milestones finished late", key="schedule_include_done")
    watchlist = schedule.milestone_watchlist(changes, include_done=include_done)
    if tables["milestones"].empty:
        st.info(
            "No milestones in this snapshot: upload a milestone list (an MS Project export or a register with a "
            "milestones sheet) on the Import page.",
            icon=":material/upload_file:",
        )
    elif watchlist.empty:
        st.success("No milestone is overdue or slipping.", icon=":material/check_circle:")
    else:
        moved = (
            f"Moved: days later (+) or earlier (-) than the snapshot of {format_date(view.previous)} said."
            if view.previous
            else "Moved: not known, this is the first snapshot."
        )
        st.caption(
            "Overdue: open and its baseline date has passed. Slipping: open and forecast after its baseline. " + moved
        )
        st.dataframe(
            watchlist.assign(link=watchlist["project_id"].map(ui.project_link))[
                [
                    "link",
                    "project_name",
                    "milestone_name",
                    "state",
                    "baseline_date",
                    "forecast_date",
                    "actual_date",
                    "slip_days",
                    "slip_since_days",
                    "notes",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "link": ui.project_link_column(),
                "project_name": st.column_config.TextColumn("Name"),
                "milestone_name": st.column_config.TextColumn("Milestone", width="medium"),
                "state": st.column_config.TextColumn("State"),
                "baseline_date": st.column_config.DateColumn("Baseline", format="D MMM YYYY"),
                "forecast_date": st.column_config.DateColumn("Forecast", format="D MMM YYYY"),
                "actual_date": st.column_config.DateColumn("Actual", format="D MMM YYYY"),
                "slip_days": st.column_config.NumberColumn(
                    "Slip", format="%+d days", help="Forecast (or actual) minus baseline."
                ),
                "slip_since_days": st.column_config.NumberColumn("Moved since last snapshot", format="%+d days"),
                "notes": st.column_config.TextColumn("Notes", width="medium"),
            },
            key="milestone_watchlist",
        )

with st.container(border=True):
    st.subheader("Milestone trend analysis")
    # Every snapshot up to the as-of date, each through the cached, filtered tables.
    trend = ui.history_data(schedule.milestone_trend_of, view)
    choices = ui.history_data(schedule.mta_projects, view)  # most slip first
    if not choices:
        st.info(
            "No milestone dates in any snapshot yet: upload a milestone list on the Import page each month, and "
            "this chart shows how each forecast moved from report to report.",
            icon=":material/upload_file:",
        )
    else:
        project_id = st.selectbox(
            "Project",
            list(choices),
            index=0,
            format_func=choices.get,
            key="mta_project",
            help="Listed by how far the project's milestone dates moved over the reports, most first.",
        )
        st.caption(
            "Each line is a milestone: across, the report date; up, the date that report forecast. A flat line holds "
            "its date, a rising line slips, and a milestone reaches the dashed diagonal when it is done (star: the "
            "actual date). Milestones done before the first report are left out."
        )
        st.plotly_chart(
            charts.milestone_trend_chart(schedule.project_mta(trend, project_id)), width="stretch", key="mta"
        )

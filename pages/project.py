"""Project: everything about one project on one page. Reached by ?project=ID and by clicking a project elsewhere."""

import streamlit as st

from pmo_analytics import charts, dashboard, ui
from pmo_analytics.formatting import MISSING, format_count, format_date
from pmo_analytics.views import overview
from pmo_analytics.views import project as views

# Streamlit's badge colours for the health statuses (the word and icon go with them, never colour alone).
BADGE_COLOURS = {"green": "green", "amber": "orange", "red": "red", "grey": "gray"}
MONEY = "€ %,.0f"
DATE = "D MMM YYYY"

view = ui.frame()
tables = ui.tables(view)
summary = ui.summary(view)
indicators = summary["indicators"]
options = views.project_options(tables["projects"])

st.page_link("pages/overview.py", label="Back to the overview", icon=":material/arrow_back:")

# Other pages link with ?project=1011; the selectbox (bound to the URL) writes its label "1011 — name" there.
# A bare id is not one of its labels, so hand it to the widget through session state before it is drawn.
in_url = st.query_params.get("project")
requested = views.requested_project(in_url, options)
missing = None
if in_url is not None and in_url not in options.values():
    if requested in options:
        st.session_state["project"] = requested
    elif requested is not None:
        missing = requested
        st.session_state["project"] = None
elif st.session_state.get("project") not in (None, *options):
    missing = str(st.session_state["project"])  # chosen earlier, now outside the snapshot or the filters
    st.session_state["project"] = None

chosen = st.selectbox(
    "Project",
    list(options),
    index=None,
    format_func=lambda project_id: options.get(project_id, project_id),
    key="project",
    bind="query-params",
    placeholder="Choose a project (type to search by number or name)",
)

if chosen is None:
    if missing is not None:
        projects_in_snapshot = ui.load_table("projects", view.as_of)["project_id"].astype("str").tolist()
        st.error(
            views.missing_project_message(missing, projects_in_snapshot, view.as_of, view.is_filtered),
            icon=":material/search_off:",
        )
    elif options:
        st.info("Choose a project above, or click one on the overview.", icon=":material/folder_open:")
    if indicators.empty:
        st.info(
            "No projects in this snapshot (or none match the filters): upload a project register on the Import page."
        )
        st.stop()
    table = overview.project_table(indicators)
    st.dataframe(
        table.assign(project=table["project"].map(ui.project_link)),
        hide_index=True,
        width="stretch",
        column_config={
            "project": st.column_config.LinkColumn("Project", display_text=r"project=(.*)$"),
            "why": st.column_config.TextColumn("Why", width="large"),
            "cpi": st.column_config.NumberColumn("CPI", format="%.2f"),
            "spi_t": st.column_config.NumberColumn("SPI(t)", format="%.2f"),
            "bac": st.column_config.NumberColumn("Budget", format=MONEY),
            "eac": st.column_config.NumberColumn("EAC", format=MONEY),
            "finish_slip_days": st.column_config.NumberColumn("Finish slip (days)", format="%d"),
            "open_risks": st.column_config.NumberColumn("Open risks", format="%d"),
        },
        key="project_list",
    )
    st.stop()

row = views.project_row(indicators, chosen)
previous_row = views.project_row(ui.summary(view, as_of=view.previous)["indicators"], chosen) if view.previous else None

# --- header ------------------------------------------------------------------------------------------------
st.title(str(row["project_name"]) if isinstance(row["project_name"], str) else chosen)
place = " › ".join(str(row[name]) for name in ("portfolio", "programme", "department") if isinstance(row[name], str))
st.caption(f"Project {chosen}" + (f" · {place}" if place else "") + f" · as of {format_date(view.as_of)}")
status = row["status"].replace("_", " ").capitalize() if isinstance(row["status"], str) else MISSING
facts = {
    "Manager": row["project_manager"],
    "Sponsor": row["sponsor"],
    "Phase": row["phase"],
    "Status": status,
    "Planned finish": format_date(row["planned_finish_date"]),
}
for column, (label, value) in zip(st.columns(len(facts)), facts.items(), strict=True):
    column.markdown(f"**{label}**  \n{value if isinstance(value, str) and value else MISSING}")

with st.container(border=True):
    for column, component in zip(st.columns(4), views.health_components(row).itertuples(), strict=True):
        column.markdown(f"**{component.title} health**  \n:{BADGE_COLOURS[component.status]}-badge[{component.label}]")
        column.caption(component.reason)
    disagreement = views.status_disagreement(row)
    if disagreement:
        st.warning(disagreement, icon=":material/compare_arrows:")
    elif isinstance(row["reported_status"], str):
        st.caption(f"The project's own report agrees: {charts.health_label(row['reported_status'])}.")

# --- EVM figures -------------------------------------------------------------------------------------------
st.subheader("Earned value")
st.caption(
    f"Change since {format_date(view.previous)}."
    if previous_row is not None
    else "No earlier snapshot of this project."
)
cards = views.evm_cards(row, previous_row)
for group in dict.fromkeys(card.group for card in cards):
    st.markdown(f"**{group}**")
    for column, card in zip(st.columns(6), [card for card in cards if card.group == group], strict=False):
        column.metric(
            card.label,
            card.value,
            card.delta,
            delta_color=card.delta_color,
            delta_arrow=card.delta_arrow,
            help=card.help,
            border=True,
        )

left, right = st.columns(2)
with left:
    st.subheader("S-curve")
    curve = ui.view_data(dashboard.s_curve, view, project_ids=(chosen,))
    figure = charts.s_curve(curve, view.as_of, eac=row["eac"], finish_date=row["forecast_finish_date"], bac=row["bac"])
    st.plotly_chart(figure, width="stretch", key="s_curve")
with right:
    st.subheader("CPI and SPI(t) over snapshots")
    history = views.project_history(ui.trends(view)[0], chosen)
    st.plotly_chart(
        charts.performance_trend(history, bands=ui.health_settings().cost), width="stretch", key="performance_trend"
    )

# --- milestones, risks, issues, people ---------------------------------------------------------------------
milestones = ui.view_data(views.project_milestones, view, project_id=chosen)
risks = ui.view_data(views.project_risks, view, project_id=chosen)
issues = ui.view_data(views.project_issues, view, project_id=chosen)
people = ui.view_data(views.project_people, view, project_id=chosen)
open_risks, open_issues = int(risks["is_open"].sum()), int(issues["is_open"].sum())
tab_milestones, tab_risks, tab_issues, tab_people = st.tabs(
    [
        f"Milestones ({format_count(len(milestones))}, {format_count(int((milestones['state'] == 'Late').sum()))} overdue)",
        f"Risks ({format_count(open_risks)} open)",
        f"Issues ({format_count(open_issues)} open)",
        f"People ({format_count(len(people))})",
    ]
)

with tab_milestones:
    if milestones.empty:
        st.info(
            "No milestones for this project in this snapshot: upload a milestone list (an MS Project export or a "
            "register with milestone dates) on the Import page.",
            icon=":material/flag:",
        )
    else:
        st.dataframe(
            milestones.drop(columns=["is_done", "is_late", "is_slipping"]),
            hide_index=True,
            width="stretch",
            column_config={
                "milestone_id": st.column_config.TextColumn("ID"),
                "milestone_name": st.column_config.TextColumn("Milestone", width="large"),
                "baseline_date": st.column_config.DateColumn("Baseline", format=DATE),
                "forecast_date": st.column_config.DateColumn("Forecast", format=DATE),
                "actual_date": st.column_config.DateColumn("Done on", format=DATE),
                "state": st.column_config.TextColumn(
                    "State",
                    help="Late: past its baseline and not done, or done "
                    "after it. Slipping: the forecast is after the baseline.",
                ),
                "slip_days": st.column_config.NumberColumn("Slip (days)", format="%+d"),
                "note": st.column_config.TextColumn("Note"),
            },
            key="milestones",
        )
        st.markdown("**Milestone trend analysis**")
        st.caption("Each line is a milestone's date as forecast in each snapshot: rising lines are slipping.")
        snapshots = [
            (day, ui.view_data(views.project_milestone_rows, view, as_of=day, project_id=chosen))
            for day in view.dates
            if day <= view.as_of
        ]
        mta = views.project_milestone_trend(snapshots, chosen)
        st.plotly_chart(charts.milestone_trend_chart(mta), width="stretch", key="milestone_trend")

with tab_risks:
    if risks.empty:
        st.info(
            "No risks registered for this project: upload a risk register on the Import page.",
            icon=":material/warning:",
        )
    else:
        st.dataframe(
            risks.drop(columns=["is_open"]),
            hide_index=True,
            width="stretch",
            column_config={
                "risk_id": st.column_config.TextColumn("ID"),
                "title": st.column_config.TextColumn("Risk", width="large"),
                "probability": st.column_config.NumberColumn("Probability", format="percent"),
                "probability_level": st.column_config.NumberColumn("P (1-5)", format="%d"),
                "impact_level": st.column_config.NumberColumn("I (1-5)", format="%d"),
                "score": st.column_config.NumberColumn("Score", format="%d", help="probability level x impact level"),
                "zone": st.column_config.TextColumn("Zone", help="High >= 15, Medium >= 8"),
                "impact_amount": st.column_config.NumberColumn("Impact", format=MONEY),
                "expected_value": st.column_config.NumberColumn(
                    "Expected value", format=MONEY, help="probability x impact"
                ),
                "due_date": st.column_config.DateColumn("Due", format=DATE),
            },
            key="risks",
        )

with tab_issues:
    if issues.empty:
        st.info(
            "No issues registered for this project: upload an issue log on the Import page.", icon=":material/report:"
        )
    else:
        st.dataframe(
            issues.drop(columns=["is_open"]),
            hide_index=True,
            width="stretch",
            column_config={
                "issue_id": st.column_config.TextColumn("ID"),
                "title": st.column_config.TextColumn("Issue", width="large"),
                "age_days": st.column_config.NumberColumn(
                    "Age (days)", format="%d", help="open: days since raised; closed: days it took to resolve"
                ),
                "raised_date": st.column_config.DateColumn("Raised", format=DATE),
                "resolved_date": st.column_config.DateColumn("Resolved", format=DATE),
            },
            key="issues",
        )

with tab_people:
    if people.empty:
        st.info(
            "Nobody is allocated to this project in the resource plan: upload a resource plan on the Import page.",
            icon=":material/groups:",
        )
    else:
        start, end = views.coming_months(view.as_of, 3)
        st.caption(
            f"Hours on this project from {format_date(start)} to {format_date(end)}; peak load is the person's "
            "highest monthly load over all their projects in those months."
        )
        month_columns = views.month_labels(view.as_of, 3)
        st.dataframe(
            people,
            hide_index=True,
            width="stretch",
            column_config={
                "person_name": st.column_config.TextColumn("Person"),
                **{month: st.column_config.NumberColumn(month, format="%.0f h") for month in month_columns},
                "project_hours": st.column_config.NumberColumn("Total", format="%.0f h"),
                "first_date": st.column_config.DateColumn("Allocated from", format=DATE),
                "last_date": st.column_config.DateColumn("until", format=DATE),
                "peak_utilisation": st.column_config.ProgressColumn(
                    "Peak load (all projects)", format="percent", min_value=0.0, max_value=1.5
                ),
                "over_allocated": st.column_config.CheckboxColumn("Over-allocated"),
            },
            key="people",
        )

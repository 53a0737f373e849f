"""Project: everything about one project on one page. Reached by ?project=ID and by clicking a project elsewhere."""

import streamlit as st

from pmo_analytics import charts, ui
from pmo_analytics.formatting import MISSING, format_count, format_date
from pmo_analytics.views import budget
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

st.page_link("app_pages/overview.py", label="Back to the overview", icon=":material/arrow_back:")
heading = st.empty()  # the project's name once one is chosen, above the selectbox


def _put_choice_in_url() -> None:
    """?project= follows the selectbox, as the bare id (?project=1011), so the address can be mailed."""
    if st.session_state.get("project") is None:
        st.query_params.pop("project", None)
    else:
        st.query_params["project"] = st.session_state["project"]


# The URL decides which project is shown: links from other pages (ui.project_link, st.page_link) give ?project=1011.
# Not bind="query-params": a bound selectbox keeps its label "1011 — name" in the URL and drops a bare id.
in_url = st.query_params.get("project")
requested = views.requested_project(in_url, options)
missing = None
if requested is not None and requested not in options:
    missing = requested  # unknown, or hidden by the filters: say so, and offer the list
    st.session_state["project"] = None
elif requested is not None and st.session_state.get("project") != requested:
    st.session_state["project"] = requested
elif st.session_state.get("project") not in (None, *options):
    st.session_state["project"] = None

chosen = st.selectbox(
    "Project",
    list(options),
    index=None,
    format_func=lambda project_id: options.get(project_id, project_id),
    key="project",
    on_change=_put_choice_in_url,
    placeholder="Choose a project (type to search by number or name)",
)
if chosen is not None and in_url != chosen:
    st.query_params["project"] = chosen  # "1011 — name" from an old link becomes ?project=1011

if chosen is None:
    heading.title("Project")
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
    ui.project_table(indicators, key="project_list")
    st.stop()

row = views.project_row(indicators, chosen)
if row is None:  # listed in the register but without indicators: say so rather than fail
    st.error(f"Project {chosen} has no figures in this snapshot.", icon=":material/error:")
    st.stop()
previous_row = views.project_row(ui.summary(view, as_of=view.previous)["indicators"], chosen) if view.previous else None

# --- header ------------------------------------------------------------------------------------------------
heading.title(str(row["project_name"]) if isinstance(row["project_name"], str) else chosen)
place = " › ".join(str(row[name]) for name in ("portfolio", "programme", "department") if isinstance(row[name], str))
st.caption(f"Project {chosen}" + (f" · {place}" if place else ""))
st.caption(ui.frame_caption(view))
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
if previous_row is not None:
    st.caption(
        f"Arrows: the change since {format_date(view.previous)}. Hover over ? for how a figure is computed, or why it is missing."
    )
else:
    st.caption("No earlier snapshot of this project, so no change to show. Hover over ? for how a figure is computed.")
cards = views.evm_cards(row, previous_row)
for group in dict.fromkeys(card.group for card in cards):
    st.markdown(f"**{group}**")
    in_group = [card for card in cards if card.group == group]
    for row_cards in (in_group[start : start + 4] for start in range(0, len(in_group), 4)):
        for column, card in zip(st.columns(4), row_cards, strict=False):
            column.metric(
                card.label,
                card.value,
                card.delta,
                delta_color=card.delta_color,
                delta_arrow=card.delta_arrow,
                help=card.help,
                border=True,
                height="stretch",
            )

left, right = st.columns(2)
with left, st.container(border=True):
    st.subheader("S-curve")
    st.caption(
        "Cumulative planned value, earned value and actual cost per month; the dashed line runs from the last "
        "actual cost to the forecast (eac) at earned schedule's forecast finish, the dotted line is the budget."
    )
    for note in budget.curve_notes(indicators, chosen):
        st.caption(note)
    curve = ui.view_data(budget.s_curve_data, view, project_ids=(chosen,))
    figure = charts.s_curve(curve, view.as_of, eac=row["eac"], finish_date=row["forecast_finish_date"], bac=row["bac"])
    st.plotly_chart(figure, width="stretch", key="s_curve")
with right, st.container(border=True):
    st.subheader("CPI and SPI(t) over snapshots")
    st.caption("The project's cpi and spi_t at each snapshot; the shaded bands are the health thresholds.")
    history = budget.performance_history(*ui.trends(view), project_id=chosen)
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
        shown = [
            "milestone_id",
            "milestone_name",
            "state",
            "baseline_date",
            "forecast_date",
            "actual_date",
            "slip_days",
        ]
        st.dataframe(
            milestones,
            hide_index=True,
            width="stretch",
            column_order=[*shown, *(["note"] if milestones["note"].ne("").any() else [])],
            column_config={
                "milestone_id": st.column_config.TextColumn("ID"),
                "milestone_name": st.column_config.TextColumn("Milestone", width="large"),
                "state": st.column_config.TextColumn(
                    "State",
                    help="Late: past its baseline and not done, or done after it. Slipping: forecast after baseline.",
                ),
                "baseline_date": st.column_config.DateColumn("Baseline", format=DATE),
                "forecast_date": st.column_config.DateColumn("Forecast", format=DATE),
                "actual_date": st.column_config.DateColumn("Done on", format=DATE),
                "slip_days": st.column_config.NumberColumn("Slip (days)", format="%+d", help="against the baseline"),
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
            risks,
            hide_index=True,
            width="stretch",
            column_order=[
                "risk_id",
                "title",
                "status",
                "score",
                "zone",
                "probability",
                "impact_amount",
                "expected_value",
                "owner",
                "due_date",
                "category",
                "probability_level",
                "impact_level",
                "response",
            ],  # fmt: skip
            column_config={
                "risk_id": st.column_config.TextColumn("ID"),
                "title": st.column_config.TextColumn("Risk", width="large"),
                "status": st.column_config.TextColumn("Status"),
                "score": st.column_config.NumberColumn("Score", format="%d", help="probability level x impact level"),
                "zone": st.column_config.TextColumn("Zone", help="High: score >= 15, Medium: >= 8"),
                "probability": st.column_config.NumberColumn("Probability", format="percent"),
                "impact_amount": st.column_config.NumberColumn("Impact", format=MONEY),
                "expected_value": st.column_config.NumberColumn(
                    "Expected value", format=MONEY, help="probability x impact"
                ),
                "owner": st.column_config.TextColumn("Owner"),
                "due_date": st.column_config.DateColumn("Due", format=DATE),
                "category": st.column_config.TextColumn("Category"),
                "probability_level": st.column_config.NumberColumn("P (1-5)", format="%d"),
                "impact_level": st.column_config.NumberColumn("I (1-5)", format="%d"),
                "response": st.column_config.TextColumn("Response", width="large"),
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
            issues,
            hide_index=True,
            width="stretch",
            column_order=[
                "issue_id",
                "title",
                "priority",
                "status",
                "age_days",
                "owner",
                "raised_date",
                "resolved_date",
            ],
            column_config={
                "issue_id": st.column_config.TextColumn("ID"),
                "title": st.column_config.TextColumn("Issue", width="large"),
                "priority": st.column_config.TextColumn("Priority"),
                "status": st.column_config.TextColumn("Status"),
                "age_days": st.column_config.NumberColumn(
                    "Age (days)", format="%d", help="open: days since raised; closed: days it took to resolve"
                ),
                "owner": st.column_config.TextColumn("Owner"),
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
            "highest monthly load over all their projects in those months (100% = their available hours)."
        )
        st.dataframe(
            people.assign(peak_utilisation=people["peak_utilisation"] * 100),  # 1.07 -> 107 (%)
            hide_index=True,
            width="stretch",
            column_config={
                "person_name": st.column_config.TextColumn("Person"),
                "team": st.column_config.TextColumn("Team"),
                "role": st.column_config.TextColumn("Role"),
                **{
                    month: st.column_config.NumberColumn(month, format="%.0f h")
                    for month in views.month_labels(view.as_of, 3)
                },
                "project_hours": st.column_config.NumberColumn("Total", format="%.0f h"),
                "first_date": st.column_config.DateColumn("Allocated from", format=DATE),
                "last_date": st.column_config.DateColumn("Until", format=DATE),
                "peak_utilisation": st.column_config.ProgressColumn(
                    "Peak load (all projects)", format="%.0f%%", min_value=0.0, max_value=150.0
                ),
                "over_allocated": st.column_config.CheckboxColumn("Over-allocated"),
            },
            key="people",
        )

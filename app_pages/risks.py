"""Risks & issues: the 5x5 matrix (click a cell for its risks), top risks, exposure, open issues, the trend."""

import pandas as pd
import streamlit as st

from pmo_analytics import charts, dashboard, ui
from pmo_analytics.formatting import format_count, format_money
from pmo_analytics.views import risks

PROJECT_LINK = ui.project_link_column()
MONEY = "€ %,.0f"
RISK_COLUMNS = ["risk_id", "project", "project_name", "title", "score", "probability", "impact_amount",
                "expected_value", "owner", "response", "due_date"]  # fmt: skip


def risk_table(rows: pd.DataFrame, key: str) -> None:
    """Risks with a link to their project: one row per risk."""
    st.dataframe(
        rows.assign(project=rows["project_id"].astype("str").map(ui.project_link))[RISK_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={
            "risk_id": "Risk",
            "project": PROJECT_LINK,
            "project_name": "Project name",
            "title": st.column_config.TextColumn("Title", width="large"),
            "score": st.column_config.NumberColumn("Score", format="%d"),
            "probability": st.column_config.NumberColumn("Probability", format="percent"),
            "impact_amount": st.column_config.NumberColumn("Impact", format=MONEY),
            "expected_value": st.column_config.NumberColumn("Expected value", format=MONEY),
            "owner": "Owner",
            "response": "Response",
            "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
        },
        key=key,
    )


st.title("Risks & issues")
view = ui.frame()
tables = ui.tables(view)
thresholds = ui.health_settings().risk
st.caption(
    f"As of {view.as_of:%d %B %Y}"
    + (
        " · filtered: " + ", ".join(f"{dashboard.FILTERS[k]} = {', '.join(v)}" for k, v in view.filters if v)
        if view.is_filtered
        else ""
    )
)

# Headline figures with the change since the previous snapshot, from the trend over every snapshot so far.
trend = ui.history_data(risks.risk_trend_of, view)
data = ui.view_data(risks.risk_page, view)
issue_list = data["open_issues"]
previous_issues = ui.view_data(risks.open_issue_list, view, as_of=view.previous) if view.previous else None
now = trend.iloc[-1]
before = trend.iloc[-2] if len(trend) > 1 else None
columns = st.columns(4)
columns[0].metric(
    "Open risks",
    format_count(now["open_risks"]),
    None if before is None else format_count(now["open_risks"] - before["open_risks"], signed=True),
    delta_color="inverse",
    border=True,
)
columns[1].metric(
    f"Open high risks (score ≥ {risks.HIGH_RISK_SCORE})",
    format_count(now["open_high_risks"]),
    None if before is None else format_count(now["open_high_risks"] - before["open_high_risks"], signed=True),
    delta_color="inverse",
    border=True,
)
columns[2].metric(
    "Risk exposure",
    format_money(now["risk_exposure"]),
    None if before is None else format_money(now["risk_exposure"] - before["risk_exposure"], signed=True),
    delta_color="inverse",
    border=True,
    help="Sum of probability x impact amount over the open risks.",
)
columns[3].metric(
    "Open issues",
    format_count(len(issue_list)),
    None if previous_issues is None else format_count(len(issue_list) - len(previous_issues), signed=True),
    delta_color="inverse",
    border=True,
)

st.header("Risks")
if tables["risks"].empty:
    st.info(
        "No risks in this snapshot (or none on the filtered projects): upload a risk register on the Import page.",
        icon=":material/upload_file:",
    )
else:
    matrix = data["matrix"]
    cells = risks.matrix_cells(matrix, thresholds)
    labels = dict(zip(zip(cells["probability_level"], cells["impact_level"], strict=True), cells["label"], strict=True))
    left, right = st.columns([2, 3])
    with left, st.container(border=True):
        st.subheader("Risk matrix")
        st.caption("Open risks by probability and impact. Click a cell to list its risks.")
        event = st.plotly_chart(
            charts.risk_heatmap(matrix, thresholds),
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key="risk_matrix",
        )
        points = event.selection.points if event and event.selection else []
        clicked = tuple(int(v) for v in points[0]["customdata"][:2]) if points and points[0].get("customdata") else None
        # A new click chooses the cell; the list below stays the keyboard's way to the same drill-down.
        if clicked is None:
            st.session_state.pop("risk_cell_clicked", None)  # cleared: the next click on any cell counts
        elif clicked != st.session_state.get("risk_cell_clicked"):
            st.session_state["risk_cell_clicked"] = clicked
            st.session_state["risk_cell"] = clicked if clicked in labels else None
            if clicked not in labels:
                st.caption(f"No open risks with probability {clicked[0]} and impact {clicked[1]}.")
        if st.session_state.get("risk_cell") not in labels:  # a filter or date change emptied the chosen cell
            st.session_state["risk_cell"] = None
        cell = st.selectbox(
            "Show the risks of cell",
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder="Click a cell, or choose one here",
            key="risk_cell",
        )
    with right, st.container(border=True):
        st.subheader("Top risks")
        by_score, by_value = st.tabs(["By score", "By expected value"])
        for tab, by in ((by_score, "score"), (by_value, "expected_value")):
            with tab:
                st.plotly_chart(
                    charts.top_risks_bar(data[f"top_by_{by}"], by, thresholds), width="stretch", key=f"top_risks_{by}"
                )

    if cell is not None:
        with st.container(border=True):
            st.subheader(f"Open risks with probability {cell[0]} and impact {cell[1]}")
            st.caption(labels[cell] + ". Largest expected value first.")
            risk_table(
                ui.view_data(risks.cell_risks, view, probability_level=cell[0], impact_level=cell[1]), "cell_risks"
            )

    with st.container(border=True):
        st.subheader("Exposure per project")
        st.caption(
            "Sum of the expected values (probability x impact amount) of each project's open risks. "
            "Click a bar to open the project."
        )
        event = st.plotly_chart(
            charts.exposure_bar(data["exposure"]),
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key="exposure",
        )
        points = event.selection.points if event and event.selection else []
        if points and points[0].get("customdata"):
            st.switch_page("app_pages/project.py", query_params={"project": str(points[0]["customdata"][0])})
        with st.expander("Top risks as a table"):
            risk_table(data["top_table"], "top_risk_table")

st.header("Issues")
if tables["issues"].empty:
    st.info(
        "No issues in this snapshot (or none on the filtered projects): upload an issue log on the Import page.",
        icon=":material/upload_file:",
    )
elif issue_list.empty:
    st.success("No open issues on this date.", icon=":material/check_circle:")
else:
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.subheader("Open issues by priority")
        st.plotly_chart(
            charts.issues_by_priority(data["issues_by_project"]),
            width="stretch",
            key="issues_priority",
        )
    with right, st.container(border=True):
        st.subheader("How long they have been open")
        st.plotly_chart(charts.issue_age_histogram(issue_list), width="stretch", key="issue_age")
    st.subheader(f"Open issues, oldest first ({len(issue_list)})")
    st.dataframe(
        issue_list.assign(project=issue_list["project_id"].astype("str").map(ui.project_link))[
            ["issue_id", "project", "project_name", "title", "priority", "age_days", "owner", "raised_date"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "issue_id": "Issue",
            "project": PROJECT_LINK,
            "project_name": "Project name",
            "title": st.column_config.TextColumn("Title", width="large"),
            "priority": "Priority",
            "age_days": st.column_config.NumberColumn("Open for (days)", format="%d"),
            "owner": "Owner",
            "raised_date": st.column_config.DateColumn("Raised", format="D MMM YYYY"),
        },
        key="open_issues",
    )

st.header("Risk trend")
st.caption("Open risks, open high risks and total exposure in every snapshot up to this one.")
st.plotly_chart(risks.risk_trend_figure(trend), width="stretch", key="risk_trend")

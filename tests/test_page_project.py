"""The project page over the demo portfolio: ?project=ID, the header, EVM cards, S-curve, trend, tabs, unknown IDs.

Expected figures are computed independently from the store with the indicator functions, not read from the page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from figures import figures, values
from streamlit.testing.v1 import AppTest

from pmo_analytics.formatting import format_date, format_money, format_ratio
from pmo_analytics.indicators.portfolio import project_indicators
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
# 1010 "Digitaal factuurproces": reports green while its figures are red (spi_t 0.78), with risks, issues,
# milestones and people; 1011 "Contractmanagementsysteem" is green in both.
PROJECT, OTHER = "1010", "1011"


def _project_page(query: dict[str, str] | None = None, **state: object) -> AppTest:
    """The project page, reached as a link from another page would: the query string set before the first run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("app_pages/project.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _indicators(db: Path, as_of: dt.date) -> pd.DataFrame:
    return project_indicators(Store(db).load_tables(None, as_of), as_of).set_index("project_id")


def _metrics(at: AppTest) -> dict[str, object]:
    return {metric.label: metric for metric in at.metric}


def test_a_link_opens_the_project_with_its_header_health_and_evm_figures(app_env):
    store = Store(app_env)
    as_of, previous = store.snapshot_dates()[-1], store.snapshot_dates()[-2]
    expected, before = _indicators(app_env, as_of).loc[PROJECT], _indicators(app_env, previous).loc[PROJECT]
    at = _project_page({"project": PROJECT})
    assert at.selectbox(key="project").value == PROJECT
    assert [title.value for title in at.title] == [expected["project_name"]]
    assert f"Project {PROJECT}" in at.caption[0].value and expected["portfolio"] in at.caption[0].value
    text = " ".join(markdown.value for markdown in at.markdown)
    assert expected["project_manager"] in text and expected["sponsor"] in text
    # red overall and for schedule, with the rule that decided it; the report said green
    assert expected["health_overall"] == "red" and "✖ Off track" in text
    assert any(reason.startswith("schedule red: spi_t") for reason in expected["health_reasons"])
    assert any(caption.value.startswith("schedule red: spi_t") for caption in at.caption)
    assert [w.value for w in at.warning] == ["The project reports ● On track; the figures say ✖ Off track."]

    metrics = _metrics(at)
    assert metrics["Budget (bac)"].value == format_money(expected["bac"])
    assert metrics["Planned value (pv)"].value == format_money(expected["pv"])
    assert metrics["Earned value (ev)"].value == format_money(expected["ev"])
    assert metrics["Actual cost (ac)"].value == format_money(expected["ac"])
    assert metrics["Forecast (eac)"].value == format_money(expected["eac"])
    assert metrics["CPI"].value == format_ratio(expected["cpi"])
    assert metrics["SPI(t)"].value == format_ratio(expected["spi_t"]) == "0.78"
    assert metrics["Forecast finish"].value == format_date(expected["forecast_finish_date"])
    # the change since the previous snapshot: ac grew by this month's actual cost
    assert metrics["Actual cost (ac)"].delta == format_money(expected["ac"] - before["ac"], signed=True)
    assert metrics["Earned value (ev)"].delta == format_money(expected["ev"] - before["ev"], signed=True)
    # the planned duration has passed: tspi is undefined, shown as a dash with the reason as help
    assert pd.isna(expected["tspi"])
    assert metrics["TSPI"].value == "—"
    assert metrics["TSPI"].help.startswith(expected["reasons"]["tspi"])


def test_the_s_curve_and_trend_follow_the_project(app_env):
    store = Store(app_env)
    dates = store.snapshot_dates()
    as_of = dates[-1]
    expected = _indicators(app_env, as_of).loc[PROJECT]
    at = _project_page({"project": PROJECT})
    charts = figures(at)
    curve = {trace["meta"]: trace for trace in charts["s_curve"]["data"]}
    # the last known ac is the project's actual cost summed over its cost periods through October 2026
    cost = store.load_table("cost_periods", as_of)
    cost = cost[(cost["project_id"] == PROJECT) & (cost["period_date"] <= pd.Timestamp(as_of))]
    ac = [value for value in values(curve["ac"]["y"]) if value is not None and value == value]
    assert ac[-1] == pytest.approx(cost["actual_cost"].sum())
    assert ac[-1] == pytest.approx(expected["ac"])
    # the eac projection ends at (earned schedule's forecast finish, eac); the bac line at the budget
    assert values(curve["eac"]["y"])[-1] == pytest.approx(expected["eac"])
    assert pd.Timestamp(values(curve["eac"]["x"])[-1]) == expected["forecast_finish_date"]
    assert values(curve["bac"]["y"]) == pytest.approx([expected["bac"], expected["bac"]])
    # one cpi point per snapshot that has the project; the last is today's cpi
    trend = {trace["name"]: trace for trace in charts["performance_trend"]["data"]}
    cpi = values(trend["Cost performance (cpi)"]["y"])
    with_project = [d for d in dates if PROJECT in set(store.load_table("projects", d)["project_id"])]
    assert len(cpi) == len(with_project)
    assert cpi[-1] == pytest.approx(expected["cpi"])


def test_the_tabs_list_the_projects_milestones_risks_issues_and_people(app_env):
    store = Store(app_env)
    dates = store.snapshot_dates()
    tables = store.load_tables(None, dates[-1])
    at = _project_page({"project": PROJECT})
    # each table is told by its key column (AppTest does not expose a dataframe's key)
    by_column = {"milestone_name": "milestones", "risk_id": "risks", "issue_id": "issues", "person_name": "people"}
    frames = {
        name: frame.value for frame in at.dataframe for column, name in by_column.items() if column in frame.value
    }
    mine = {name: frame[frame["project_id"] == PROJECT] for name, frame in tables.items() if "project_id" in frame}
    assert len(frames["milestones"]) == len(mine["milestones"]) == 4
    assert len(frames["risks"]) == len(mine["risks"])
    assert len(frames["issues"]) == len(mine["issues"])
    assert sorted(frames["people"]["person_name"]) == sorted(mine["allocations"]["person_name"].unique())
    # open risks first; open issues first
    open_risks = int((mine["risks"]["status"] == "open").sum())
    assert frames["risks"]["status"].head(open_risks).eq("open").all()
    open_issues = int((mine["issues"]["status"] == "open").sum())
    assert frames["issues"]["status"].head(open_issues).eq("open").all()
    # the MTA chart: the diagonal plus one line per milestone, one point per snapshot holding it
    mta = figures(at)["milestone_trend"]["data"]
    assert [trace.get("meta") for trace in mta].count("diagonal") == 1
    lines = [trace for trace in mta if trace.get("meta") != "diagonal"]
    assert len(lines) == 4
    assert all(len(values(line["x"])) == len(dates) for line in lines)  # 1010 has its 4 milestones in all 12


def test_switching_the_project_changes_the_figures(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    indicators = _indicators(app_env, as_of)
    at = _project_page({"project": PROJECT})
    at.selectbox(key="project").set_value(OTHER)
    at.run()
    assert not at.exception
    assert [title.value for title in at.title] == [indicators.loc[OTHER, "project_name"]]
    metrics = _metrics(at)
    assert metrics["Budget (bac)"].value == format_money(indicators.loc[OTHER, "bac"]) == "€ 520.0 k"
    assert metrics["CPI"].value == format_ratio(indicators.loc[OTHER, "cpi"])
    assert not at.warning  # 1011 reports green and is green


def test_the_as_of_choice_changes_the_figures(app_env):
    as_of = dt.date(2026, 3, 31)
    expected = _indicators(app_env, as_of).loc[PROJECT]
    latest = _indicators(app_env, Store(app_env).snapshot_dates()[-1]).loc[PROJECT]
    at = _project_page({"project": PROJECT}, as_of=as_of.isoformat())
    metrics = _metrics(at)
    assert metrics["Actual cost (ac)"].value == format_money(expected["ac"]) != format_money(latest["ac"])
    assert metrics["Earned value (ev)"].value == format_money(expected["ev"])
    assert metrics["SPI(t)"].value == format_ratio(expected["spi_t"])
    # the S-curve's actual cost stops at March 2026
    curve = {trace["meta"]: trace for trace in figures(at)["s_curve"]["data"]}
    ac = [value for value in values(curve["ac"]["y"]) if value is not None and value == value]
    assert ac[-1] == pytest.approx(expected["ac"])


def test_an_unknown_project_is_named_and_the_list_offered(app_env):
    at = _project_page({"project": "9999"})
    assert [error.value for error in at.error] == [
        'Project "9999" is not in the snapshot of 31 Oct 2026. It may have been added later or removed, or the '
        "link has a typo: choose one of the projects below."
    ]
    assert at.selectbox(key="project").value is None
    listed = next(frame.value for frame in at.dataframe)
    assert len(listed) == 40  # every project of the snapshot, with a link
    assert listed["project"].iloc[0].startswith("project?project=")
    assert not at.metric


def test_a_project_hidden_by_the_filters_says_so(app_env):
    # 1007 is in "Infrastructuur & Huisvesting", not in the filtered portfolio
    at = _project_page({"project": "1007"}, portfolio=["Bedrijfsvoering"])
    assert len(at.error) == 1 and at.error[0].value.startswith('Project "1007" is hidden by the filters')
    listed = next(frame.value for frame in at.dataframe)
    assert len(listed) == 10  # the Bedrijfsvoering projects


def test_without_a_project_the_page_offers_the_list(app_env):
    at = _project_page()
    assert at.selectbox(key="project").value is None
    assert not at.error and at.info[0].value.startswith("Choose a project")
    assert len(next(frame.value for frame in at.dataframe)) == 40

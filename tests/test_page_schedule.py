"""The schedule page over the demo portfolio: timeline, late and slipping milestones, milestone trend analysis.

Every expected figure is worked out here from the stored tables (plain pandas over Store.load_tables), not read
from the page or from the page's own data functions.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from figures import figures, values
from streamlit.testing.v1 import AppTest

from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
DAY_MS = 86_400_000


def _schedule(**preset: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in preset.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("app_pages/schedule.py")
    at.run()
    assert not at.exception, at.exception
    return at


@cache
def _tables(db: str, as_of: dt.date, portfolio: str | None = None) -> dict[str, pd.DataFrame]:
    tables = Store(db).load_tables(None, as_of)
    if portfolio is None:
        return tables
    ids = tables["projects"].loc[tables["projects"]["portfolio"] == portfolio, "project_id"]
    return {
        name: frame[frame["project_id"].isin(ids)] if "project_id" in frame else frame for name, frame in tables.items()
    }


def _dated(milestones: pd.DataFrame) -> pd.Series:
    """A milestone's date in one report: actual, else forecast, else baseline."""
    return milestones["actual_date"].fillna(milestones["forecast_date"]).fillna(milestones["baseline_date"])


def _movement(db: Path, as_of: dt.date, portfolio: str | None = None) -> pd.Series:
    """Days each project's milestone dates moved from the first report to the last, summed. Index project_id."""
    reports = []
    for date in [d for d in Store(db).snapshot_dates() if d <= as_of]:
        milestones = _tables(str(db), date, portfolio)["milestones"]
        reports.append(milestones.assign(date=_dated(milestones), report=pd.Timestamp(date)))
    history = pd.concat(reports).sort_values("report")
    first = history.groupby(["project_id", "milestone_id"])["date"].first()
    last = history.groupby(["project_id", "milestone_id"])["date"].last()
    return ((last - first).dt.days.groupby(level="project_id").sum()).sort_values(ascending=False, kind="stable")


def _open_late_or_slipping(milestones: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    open_ = milestones["actual_date"].isna()
    due = milestones["baseline_date"].fillna(milestones["forecast_date"])
    late = open_ & (due < pd.Timestamp(as_of))
    slipping = open_ & (milestones["forecast_date"] > milestones["baseline_date"])
    return milestones.assign(late=late, slipping=slipping)[late | slipping]


def _timeline_bars(figure: dict) -> tuple[dict[str, float], dict[str, float]]:
    """(baseline length in days per label, forecast length in days per label) from the timeline's traces."""
    baseline, forecast = {}, {}
    for trace in figure["data"]:
        target = baseline if trace["name"] == "Baseline (planned)" else forecast
        for label, length in zip(values(trace["y"]), values(trace["x"]), strict=True):
            target[label] = length / DAY_MS
    return baseline, forecast


def test_the_timeline_draws_each_projects_baseline_and_reported_forecast(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    projects = _tables(str(app_env), as_of)["projects"].set_index("project_name")
    at = _schedule()
    timeline = figures(at)["timeline"]
    baseline, forecast = _timeline_bars(timeline)
    # One baseline bar per project (40), as long as planned finish - start.
    assert len(baseline) == len(projects) == 40
    expected_baseline = (projects["planned_finish_date"] - projects["start_date"]).dt.days
    assert baseline == expected_baseline.astype(float).to_dict()
    # The forecast bar runs to the actual finish, else the forecast the file reported; 2 projects have neither.
    finish = projects["actual_finish_date"].fillna(projects["forecast_finish_date"])
    expected_forecast = (finish - projects["start_date"]).dt.days.dropna()
    assert len(forecast) == len(expected_forecast) == 38
    assert forecast == expected_forecast.astype(float).to_dict()
    assert [s["x0"][:10] for s in timeline["layout"]["shapes"] if s.get("name") == "as_of"] == [as_of.isoformat()]
    assert any("No forecast finish for 2 project(s)" in caption.value for caption in at.caption)


def test_the_earned_schedule_basis_draws_the_cost_datas_forecast(app_env):
    from pmo_analytics.indicators.portfolio import project_indicators

    as_of = Store(app_env).snapshot_dates()[-1]
    indicators = project_indicators(_tables(str(app_env), as_of), as_of).set_index("project_name")
    at = _schedule()
    at.radio(key="schedule_forecast_basis").set_value("earned_schedule").run()
    assert not at.exception
    _, forecast = _timeline_bars(figures(at)["timeline"])
    finish = indicators["actual_finish_date"].fillna(indicators["forecast_finish_date"])
    expected = (finish - indicators["start_date"]).dt.days.dropna()
    assert forecast == expected.astype(float).to_dict()
    assert len(forecast) == len(expected) == 37  # 1038-1040 have not started: no spi_t, no forecast
    assert any("No forecast finish for 3 project(s)" in caption.value for caption in at.caption)


def test_late_and_slipping_milestones_with_their_movement_since_the_previous_snapshot(app_env):
    dates = Store(app_env).snapshot_dates()
    as_of, previous = dates[-1], dates[-2]
    milestones = _tables(str(app_env), as_of)["milestones"]
    expected = _open_late_or_slipping(milestones, as_of)
    at = _schedule()
    table = at.dataframe[0].value
    assert len(table) == len(expected) == 37
    metrics = {metric.label: metric.value for metric in at.metric}
    overdue = int(expected["late"].sum())
    assert metrics["Milestones overdue"] == str(overdue)
    assert metrics["Milestones slipping"] == str(len(expected) - overdue)
    # Slip = forecast - baseline; moved = this forecast - the previous snapshot's date of the same milestone.
    before = _tables(str(app_env), previous)["milestones"]
    before = before.assign(before=_dated(before)).set_index(["project_id", "milestone_id"])["before"]
    now = expected.set_index(["project_id", "milestone_id"])
    moved = (_dated(now) - before.reindex(now.index)).dt.days
    by_name = now.assign(slip=(now["forecast_date"] - now["baseline_date"]).dt.days, moved=moved)
    shown = table.assign(project=table["link"].str.removeprefix("project?project="))
    shown = shown.set_index(["project", "milestone_name"])
    for (project_id, _), row in by_name.iterrows():
        page_row = shown.loc[(project_id, row["milestone_name"])]
        assert page_row["slip_days"] == row["slip"]
        assert page_row["slip_since_days"] == row["moved"]
    assert metrics["Milestones moved later"] == str(int(((_dated(milestones.set_index(["project_id", "milestone_id"]))
                                                          - before).dt.days > 0).sum()))  # fmt: skip
    # Overdue ones first.
    assert table["state"].tolist()[:overdue] == ["Overdue"] * overdue
    at.toggle(key="schedule_include_done").set_value(True).run()
    done_late = int((milestones["actual_date"] > milestones["baseline_date"]).sum())
    assert len(at.dataframe[0].value) == len(expected) + done_late


def test_the_mta_chart_opens_on_the_project_with_most_slip_and_follows_the_choice(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    movement = _movement(app_env, as_of)
    at = _schedule()
    choice = at.selectbox(key="mta_project")
    assert choice.value == movement.index[0]
    assert choice.options[0].endswith(f"dates moved +{movement.iloc[0]} days")  # listed most slip first
    mta = figures(at)["mta"]
    assert mta["data"][0]["meta"] == "diagonal"
    # One line per milestone of that project, the ones done before the first report (30 Nov 2025) left out.
    first_report = pd.Timestamp(Store(app_env).snapshot_dates()[0])
    milestones = _tables(str(app_env), as_of)["milestones"]
    mine = milestones[milestones["project_id"] == movement.index[0]]
    kept = mine[~(mine["actual_date"] < first_report)]
    assert sorted(t["name"] for t in mta["data"][1:]) == sorted(kept["milestone_name"])
    assert all(len(values(t["x"])) == 12 for t in mta["data"][1:])  # one point per monthly report

    other = movement.index[1]
    choice.set_value(other).run()
    assert not at.exception
    theirs = milestones[milestones["project_id"] == other]
    names = sorted(t["name"] for t in figures(at)["mta"]["data"][1:])
    assert names == sorted(theirs.loc[~(theirs["actual_date"] < first_report), "milestone_name"])


def test_a_portfolio_filter_changes_every_figure(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    tables = _tables(str(app_env), as_of, "Bedrijfsvoering")
    at = _schedule(portfolio=["Bedrijfsvoering"])
    baseline, _ = _timeline_bars(figures(at)["timeline"])
    assert sorted(baseline) == sorted(tables["projects"]["project_name"]) and len(baseline) == 10
    table = at.dataframe[0].value
    assert len(table) == len(_open_late_or_slipping(tables["milestones"], as_of))
    assert set(table["link"].str.removeprefix("project?project=")) <= set(tables["projects"]["project_id"])
    assert at.selectbox(key="mta_project").value == _movement(app_env, as_of, "Bedrijfsvoering").index[0]


@pytest.mark.parametrize("as_of", ["2026-03-31", "2025-11-30"])
def test_the_as_of_choice_changes_every_figure(app_env, as_of):
    date = dt.date.fromisoformat(as_of)
    tables = _tables(str(app_env), date)
    at = _schedule(as_of=as_of)
    timeline = figures(at)["timeline"]
    assert [s["x0"][:10] for s in timeline["layout"]["shapes"] if s.get("name") == "as_of"] == [as_of]
    expected = _open_late_or_slipping(tables["milestones"], date)
    assert len(at.dataframe[0].value) == len(expected)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Milestones overdue"] == str(int(expected["late"].sum()))
    # The MTA reads the reports up to the as-of date only: Nov 2025 .. Mar 2026 is 5 reports.
    reports = [d for d in Store(app_env).snapshot_dates() if d <= date]
    lines = figures(at)["mta"]["data"][1:]
    assert {len(values(t["x"])) for t in lines} == {len(reports)}
    if as_of == "2025-11-30":  # one report: nothing has moved yet, and nothing to compare with
        assert metrics["Milestones moved later"] == "0"
        assert at.dataframe[0].value["slip_since_days"].isna().all()
    else:
        assert at.selectbox(key="mta_project").value == _movement(app_env, date).index[0]

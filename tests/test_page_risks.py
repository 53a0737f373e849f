"""The Risks & issues page over the demo portfolio: the 5x5 matrix and its cells, top risks, exposure, issues,
the trend, filters and the as-of choice.

Expected figures are computed independently from the store with the indicator functions, not read from the page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from figures import figures, values
from streamlit.testing.v1 import AppTest
from workbooks import budget_grid

from pmo_analytics.formatting import format_count, format_money
from pmo_analytics.indicators.risk import issue_ages, risk_exposure, risk_matrix, risk_scores, top_risks
from pmo_analytics.ingest.pipeline import import_files
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = "Bedrijfsvoering"


def _risks_page(**preset: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in preset.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("app_pages/risks.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _tables(db: Path, as_of: dt.date, portfolio: str | None = None) -> dict[str, pd.DataFrame]:
    """The risks and issues of a snapshot, of one portfolio's projects when given."""
    store = Store(db)
    tables = store.load_tables(["projects", "risks", "issues"], as_of)
    if portfolio:
        ids = tables["projects"].loc[tables["projects"]["portfolio"] == portfolio, "project_id"]
        tables = {name: frame[frame["project_id"].isin(ids)] for name, frame in tables.items()}
    return tables


def _heatmap_counts(at: AppTest) -> list[list[int]]:
    heatmap = next(t for t in figures(at)["risk_matrix"]["data"] if t["type"] == "heatmap")
    return [[int(v) for v in row] for row in values(heatmap["z"])]


def test_the_matrix_and_the_headline_figures_match_the_register(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    tables = _tables(app_env, as_of)
    at = _risks_page()
    # z[p-1][i-1] is the number of open risks with probability level p and impact level i.
    assert _heatmap_counts(at) == risk_matrix(tables["risks"]).to_numpy().tolist()
    scored = risk_scores(tables["risks"])
    open_risks = scored[scored["is_open"]]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Open risks"] == format_count(len(open_risks))
    assert metrics["Open high risks (score ≥ 15)"] == format_count(int((open_risks["score"] >= 15).sum()))
    assert metrics["Risk exposure"] == format_money(open_risks["expected_value"].sum())
    assert metrics["Open issues"] == format_count(int(issue_ages(tables["issues"], as_of)["is_open"].sum()))


def test_the_cell_list_shows_the_risks_of_the_chosen_cell(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    scored = risk_scores(_tables(app_env, as_of)["risks"])
    open_risks = scored[scored["is_open"]]
    at = _risks_page()
    cells = at.selectbox(key="risk_cell")
    # One option per cell holding open risks; the highest score first.
    counts = risk_matrix(_tables(app_env, as_of)["risks"])
    assert len(cells.options) == int((counts.to_numpy() > 0).sum())
    top_score = int(open_risks["score"].max())
    assert f"score {top_score} " in cells.options[0]
    assert cells.value is None and not any(s.value.startswith("Open risks with") for s in at.subheader)
    # The busiest cell: its risks, largest expected value first.
    busiest = counts.stack().idxmax()  # (probability level, impact level)
    cells.set_value(tuple(int(level) for level in busiest))
    at.run()
    assert not at.exception
    assert f"Open risks with probability {busiest[0]} and impact {busiest[1]}" in [s.value for s in at.subheader]
    # The cell's table comes first of the risk tables (the top-risk table sits lower, in an expander).
    listed = next(df.value for df in at.dataframe if "risk_id" in df.value.columns)
    expected = open_risks[
        (open_risks["probability_level"] == busiest[0]) & (open_risks["impact_level"] == busiest[1])
    ].sort_values("expected_value", ascending=False)
    assert len(listed) == int(counts.loc[busiest]) == len(expected)
    assert listed["risk_id"].tolist() == expected["risk_id"].tolist()
    assert listed["project"].str.startswith("project?project=").all()


def test_top_risks_are_ranked_by_score_and_by_expected_value(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    risks = _tables(app_env, as_of)["risks"]
    at = _risks_page()
    drawn = figures(at)
    for by in ("score", "expected_value"):
        expected = top_risks(risks, 10, by)
        bars = drawn[f"top_risks_{by}"]["data"][0]
        assert [row[0] for row in values(bars["customdata"])] == expected["risk_id"].tolist()
        assert values(bars["x"]) == pytest.approx(expected[by].astype("float64").tolist())
    # By score the bars never rise; by expected value neither.
    scores = values(drawn["top_risks_score"]["data"][0]["x"])
    assert scores == sorted(scores, reverse=True)


def test_exposure_per_project_and_the_issue_charts(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    tables = _tables(app_env, as_of)
    exposure = risk_exposure(tables["risks"])
    exposure = exposure[exposure["open_risks"] > 0].sort_values("risk_exposure", ascending=False)
    at = _risks_page()
    drawn = figures(at)
    bars = drawn["exposure"]["data"][0]
    assert values(bars["x"]) == pytest.approx(exposure["risk_exposure"].tolist())
    assert sorted(row[0] for row in values(bars["customdata"])) == sorted(exposure["project_id"].tolist())
    # Open issues per priority: the stacked bars add up to the open issues; the histogram holds every one.
    aged = issue_ages(tables["issues"], as_of)
    still_open = aged[aged["is_open"]]
    by_priority = drawn["issues_priority"]["data"]
    totals = {t["name"]: sum(values(t["x"])) for t in by_priority}
    assert totals == still_open["priority"].value_counts().to_dict()
    ages = sorted(v for t in drawn["issue_age"]["data"] for v in values(t["x"]))
    assert ages == sorted(still_open["age_days"].tolist())
    table = next(df.value for df in at.dataframe if "issue_id" in df.value.columns)
    oldest_first = still_open.sort_values(["age_days", "issue_id"], ascending=[False, True])  # same age: by id
    assert table["issue_id"].tolist() == oldest_first["issue_id"].tolist()


def test_the_trend_has_one_point_per_snapshot(app_env):
    store = Store(app_env)
    dates = store.snapshot_dates()
    expected_open, expected_high, expected_exposure = [], [], []
    for date in dates:
        scored = risk_scores(store.load_table("risks", date))
        open_risks = scored[scored["is_open"]]
        expected_open.append(len(open_risks))
        expected_high.append(int((open_risks["score"] >= 15).sum()))
        expected_exposure.append(float(open_risks["expected_value"].sum()))
    at = _risks_page()
    traces = {t["name"]: t for t in figures(at)["risk_trend"]["data"]}
    assert values(traces["Open risks"]["y"]) == expected_open
    assert values(traces["Open high risks (score >= 15)"]["y"]) == expected_high
    assert values(traces["Total exposure (€)"]["y"]) == pytest.approx(expected_exposure)
    assert len(values(traces["Open risks"]["x"])) == len(dates) == 12


def test_a_portfolio_filter_changes_the_figures(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    everyone = risk_matrix(_tables(app_env, as_of)["risks"]).to_numpy()
    filtered = risk_matrix(_tables(app_env, as_of, PORTFOLIO)["risks"]).to_numpy()
    assert not np.array_equal(everyone, filtered)
    at = _risks_page(portfolio=[PORTFOLIO])
    assert _heatmap_counts(at) == filtered.tolist()
    exposure_ids = {row[0] for row in values(figures(at)["exposure"]["data"][0]["customdata"])}
    portfolio_ids = set(_tables(app_env, as_of, PORTFOLIO)["projects"]["project_id"])
    assert exposure_ids <= portfolio_ids


def test_the_as_of_choice_changes_the_figures(app_env):
    as_of = dt.date(2026, 3, 31)
    tables = _tables(app_env, as_of)
    at = _risks_page(as_of=as_of.isoformat())
    assert _heatmap_counts(at) == risk_matrix(tables["risks"]).to_numpy().tolist()
    # The trend stops at the chosen snapshot: Nov 2025 .. Mar 2026 is five snapshots.
    trend = {t["name"]: t for t in figures(at)["risk_trend"]["data"]}
    assert len(values(trend["Open risks"]["x"])) == 5


def test_a_snapshot_without_risks_or_issues_says_what_to_upload(tmp_path, monkeypatch):
    db = tmp_path / "pmo.duckdb"
    import_files([budget_grid(tmp_path / "financien.xlsx")], dt.date(2026, 2, 28), Store(db))
    monkeypatch.setenv("PMO_DB", str(db))
    at = _risks_page()
    messages = [i.value for i in at.info]
    assert any("No risks in this snapshot" in m and "risk register" in m for m in messages)
    assert any("No issues in this snapshot" in m for m in messages)
    assert "risk_matrix" not in figures(at)
    assert {m.label: m.value for m in at.metric}["Open risks"] == "0"

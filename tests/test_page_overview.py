"""The overview page over the demo portfolio: KPI cards, red projects, the quadrant, filters and the as-of choice.

Expected figures are computed independently from the store with the indicator functions, not read from the page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from figures import figures, values
from streamlit.testing.v1 import AppTest

from pmo_analytics.formatting import format_count, format_money
from pmo_analytics.indicators.portfolio import portfolio_totals, project_indicators
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _overview(**preset: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in preset.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _expected(db: Path, as_of: dt.date, portfolio: str | None = None) -> tuple[pd.DataFrame, pd.Series]:
    tables = Store(db).load_tables(None, as_of)
    if portfolio:
        ids = tables["projects"].loc[tables["projects"]["portfolio"] == portfolio, "project_id"]
        tables = {k: v[v["project_id"].isin(ids)] if "project_id" in v else v for k, v in tables.items()}
        tables["people"] = Store(db).load_table("people", as_of)
    indicators = project_indicators(tables, as_of)
    return indicators, portfolio_totals(indicators, tables, as_of).iloc[0]


def test_kpis_red_projects_and_quadrant_match_the_indicators(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    indicators, totals = _expected(app_env, as_of)
    at = _overview()
    metrics = {m.label: m for m in at.metric}
    assert metrics["Projects"].value == format_count(len(indicators))
    assert metrics["Budget (BAC)"].value == format_money(totals["bac"])
    assert metrics["Forecast (EAC)"].value == format_money(totals["eac"])
    assert metrics["Portfolio CPI"].value == f"{totals['cpi']:.2f}"
    red = int((indicators["health_overall"] == "red").sum())
    assert metrics["Red projects"].value == str(red)
    # The previous snapshot had one project fewer in the register: the card says so.
    previous = Store(app_env).load_table("projects", Store(app_env).snapshot_dates()[-2])
    assert metrics["Projects"].delta == f"+{len(indicators) - len(previous)}"
    # Every red project is listed with why.
    red_table = next(df.value for df in at.dataframe if "link" in df.value.columns)
    assert len(red_table) == red
    assert red_table["why"].str.contains("red:").all()
    # One bubble per project with both cpi and spi_t, whatever its colour.
    quadrant = figures(at)["quadrant"]
    placed = indicators["cpi"].notna() & indicators["spi_t"].notna()
    points = sum(
        sum(1 for x, y in zip(values(t["x"]), values(t["y"]), strict=True) if x == x and y == y)  # NaN != NaN
        for t in quadrant["data"]
        if t.get("type") == "scatter" and t.get("customdata")
    )
    assert points == int(placed.sum())


def test_a_portfolio_filter_changes_the_figures(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    indicators, totals = _expected(app_env, as_of, portfolio="Bedrijfsvoering")
    at = _overview(portfolio=["Bedrijfsvoering"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projects"] == format_count(len(indicators)) == "10"
    assert metrics["Budget (BAC)"] == format_money(totals["bac"])


@pytest.mark.parametrize("as_of", ["2026-03-31", "2025-11-30"])
def test_the_as_of_choice_changes_the_figures(app_env, as_of):
    date = dt.date.fromisoformat(as_of)
    indicators, totals = _expected(app_env, date)
    at = _overview(as_of=as_of)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Projects"].value == format_count(len(indicators))
    assert metrics["Actual cost"].value == format_money(totals["ac"])
    if as_of == "2025-11-30":  # the first snapshot has nothing to compare with
        assert not metrics["Projects"].delta

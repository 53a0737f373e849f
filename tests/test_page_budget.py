"""The budget page over the demo portfolio: S-curve with eac, cpi/spi_t trend, budget bars, variance table.

Expected figures come from the stored tables: sums of cost_periods in plain pandas, and the indicator engine's
project_indicators / portfolio_totals per snapshot (the engine has its own hand-worked tests).
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from figures import figures, values
from streamlit.testing.v1 import AppTest

from pmo_analytics.formatting import format_money, format_ratio
from pmo_analytics.indicators.portfolio import portfolio_totals, project_indicators
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _budget(**preset: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in preset.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("app_pages/budget.py")
    at.run()
    assert not at.exception, at.exception
    return at


@cache
def _expected(db: str, as_of: dt.date, portfolio: str | None = None) -> tuple[dict, pd.DataFrame, pd.Series]:
    """(tables, indicators, totals) of one snapshot, optionally of one portfolio's projects."""
    tables = Store(db).load_tables(None, as_of)
    if portfolio is not None:
        ids = tables["projects"].loc[tables["projects"]["portfolio"] == portfolio, "project_id"]
        tables = {k: v[v["project_id"].isin(ids)] if "project_id" in v else v for k, v in tables.items()}
    indicators = project_indicators(tables, as_of)
    return tables, indicators, portfolio_totals(indicators, tables, as_of).iloc[0]


def _trace(figure: dict, meta: str) -> dict:
    return next(trace for trace in figure["data"] if trace.get("meta") == meta)


def _at(trace: dict, date: dt.date) -> float:
    """The trace's y on the last day of ``date``'s month (the S-curve dates each month at its last day)."""
    month_end = (pd.Timestamp(date) + pd.offsets.MonthEnd(0)).strftime("%Y-%m-%d")
    points = dict(zip((str(x)[:10] for x in values(trace["x"])), values(trace["y"]), strict=True))
    return points[month_end]


def test_the_s_curve_and_cards_of_the_whole_portfolio(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    tables, indicators, totals = _expected(str(app_env), as_of)
    at = _budget()
    curve = figures(at)["s_curve"]
    # pv climbs to the whole plan: the sum of every planned_value in the budget grid (35.6 M).
    assert values(_trace(curve, "pv")["y"])[-1] == pytest.approx(tables["cost_periods"]["planned_value"].sum())
    # At the as-of month the cumulative ev and ac are the indicators' sums; nothing is drawn after it.
    assert _at(_trace(curve, "ev"), as_of) == pytest.approx(indicators["ev"].sum())
    assert _at(_trace(curve, "ac"), as_of) == pytest.approx(indicators["ac"].sum())
    assert math.isnan(values(_trace(curve, "ac")["y"])[-1])
    # The eac projection runs from the last actual cost to the portfolio's eac at its forecast finish.
    eac = _trace(curve, "eac")
    assert values(eac["y"]) == pytest.approx([indicators["ac"].sum(), totals["eac"]])
    assert str(values(eac["x"])[1])[:10] == pd.Timestamp(totals["forecast_finish_date"]).strftime("%Y-%m-%d")
    assert values(_trace(curve, "bac")["y"]) == pytest.approx([totals["bac"]] * 2)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Budget (BAC)"] == format_money(totals["bac"]) == "€ 35.6 M"
    assert metrics["Forecast (EAC)"] == format_money(totals["eac"])
    assert metrics["CPI"] == format_ratio(totals["cpi"])
    assert metrics["SPI(t)"] == format_ratio(totals["spi_t"])


def test_the_performance_trend_is_the_portfolio_totals_of_each_snapshot(app_env):
    dates = Store(app_env).snapshot_dates()
    at = _budget()
    trend = figures(at)["performance_trend"]
    cpi = next(t for t in trend["data"] if t["name"].endswith("(cpi)"))
    spi_t = next(t for t in trend["data"] if t["name"].endswith("(spi_t)"))
    expected = [_expected(str(app_env), date)[2] for date in dates]
    assert [str(x)[:10] for x in values(cpi["x"])] == [date.isoformat() for date in dates]
    assert values(cpi["y"]) == pytest.approx([totals["cpi"] for totals in expected])
    assert values(spi_t["y"]) == pytest.approx([totals["spi_t"] for totals in expected])


def test_choosing_a_project_redraws_the_s_curve_the_cards_and_the_trend(app_env):
    dates = Store(app_env).snapshot_dates()
    as_of = dates[-1]
    tables, indicators, _ = _expected(str(app_env), as_of)
    project = indicators.set_index("project_id").loc["1016"]
    at = _budget()
    at.selectbox(key="budget_project").set_value("1016").run()
    assert not at.exception
    curve = figures(at)["s_curve"]
    cost = tables["cost_periods"][tables["cost_periods"]["project_id"] == "1016"]
    assert values(_trace(curve, "pv")["y"])[-1] == pytest.approx(cost["planned_value"].sum())
    assert _at(_trace(curve, "ac"), as_of) == pytest.approx(cost["actual_cost"].sum())  # no cost booked ahead
    assert values(_trace(curve, "eac")["y"])[1] == pytest.approx(project["eac"])
    assert values(_trace(curve, "bac")["y"]) == pytest.approx([project["bac"]] * 2)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Budget (BAC)"] == format_money(project["bac"])
    assert metrics["CPI"] == format_ratio(project["cpi"])
    # The trend follows the project: its own cpi at each snapshot that knows it.
    cpi = next(t for t in figures(at)["performance_trend"]["data"] if t["name"].endswith("(cpi)"))
    history = [_expected(str(app_env), d)[1].set_index("project_id")["cpi"].get("1016") for d in dates]
    assert values(cpi["y"]) == pytest.approx([c for c in history if c is not None], nan_ok=True)


def test_budget_bars_overrun_first_and_the_variance_table(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    _, indicators, _ = _expected(str(app_env), as_of)
    at = _budget()
    bars = figures(at)["budget_bars"]
    budget_trace = next(t for t in bars["data"] if t["name"] == "Budget (bac)")
    worst = indicators.sort_values("vac", kind="stable").head(15)
    assert values(budget_trace["y"]) == worst["project_name"].tolist()  # the largest overrun (lowest vac) on top
    assert values(budget_trace["x"]) == pytest.approx(worst["bac"].tolist())
    at.toggle(key="budget_show_all").set_value(True).run()
    assert len(values(next(t for t in figures(at)["budget_bars"]["data"])["y"])) == 40

    table = at.dataframe[0].value
    assert len(table) == 40
    rows = table.assign(project=table["project_id"].str.removeprefix("project?project=")).set_index("project")
    expected = indicators.set_index("project_id")
    assert rows["bac"].to_dict() == pytest.approx((expected["bac"] / 1_000).to_dict())  # in € k
    assert rows["cpi"].dropna().to_dict() == pytest.approx(expected["cpi"].dropna().to_dict())
    # worst cost variance first
    assert rows.index[0] == expected["cv"].idxmin()
    # an undefined figure says why: tcpi once the budget is spent
    spent = expected.index[expected["ac"] >= expected["bac"]][0]
    assert "tcpi undefined: ac >= bac (the budget is spent)" in rows.loc[spent, "notes"]


def test_a_portfolio_filter_changes_every_figure(app_env):
    as_of = Store(app_env).snapshot_dates()[-1]
    tables, indicators, totals = _expected(str(app_env), as_of, "Bedrijfsvoering")
    at = _budget(portfolio=["Bedrijfsvoering"])
    curve = figures(at)["s_curve"]
    assert values(_trace(curve, "pv")["y"])[-1] == pytest.approx(tables["cost_periods"]["planned_value"].sum())
    assert _at(_trace(curve, "ev"), as_of) == pytest.approx(indicators["ev"].sum())
    assert values(_trace(curve, "eac")["y"])[1] == pytest.approx(totals["eac"])
    assert len(at.dataframe[0].value) == 10
    assert {m.label: m.value for m in at.metric}["Budget (BAC)"] == format_money(totals["bac"])
    assert at.selectbox(key="budget_project").options[0] == "All projects in view (10)"


def test_the_as_of_choice_changes_every_figure(app_env):
    dates = Store(app_env).snapshot_dates()
    as_of = dt.date(2026, 3, 31)
    tables, indicators, totals = _expected(str(app_env), as_of)
    at = _budget(as_of=as_of.isoformat())
    curve = figures(at)["s_curve"]
    ac = _trace(curve, "ac")
    known = [str(x)[:10] for x, y in zip(values(ac["x"]), values(ac["y"]), strict=True) if not math.isnan(y)]
    assert known[-1] == "2026-03-31"  # actual cost stops at the as-of month
    assert _at(ac, as_of) == pytest.approx(indicators["ac"].sum())
    assert {m.label: m.value for m in at.metric}["Forecast (EAC)"] == format_money(totals["eac"])
    cpi = next(t for t in figures(at)["performance_trend"]["data"] if t["name"].endswith("(cpi)"))
    assert len(values(cpi["y"])) == len([d for d in dates if d <= as_of]) == 5

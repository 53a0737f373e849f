"""Earned schedule (Lipke): the core on a daily curve, projects and groups by month, edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.indicators.earned_schedule import (
    ES_COLUMNS,
    earned_schedule,
    earned_schedule_from_curve,
    earned_schedule_from_curves,
    finish_dates,
    group_earned_schedule,
)
from pmo_analytics.indicators.evm import as_of_month, earned_value
from pmo_analytics.schema import COST_PERIODS, PROJECTS, Table

AS_OF = "2026-03-15"


def store_frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    """Rows shaped like the store returns them (dates datetime64[ns], text str, amounts float64)."""
    frame = pd.DataFrame(rows, columns=table.column_names)
    for column in table.columns:
        if column.kind == "date":
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ns]")
        elif column.kind in ("amount", "number", "percent", "probability"):
            frame[column.name] = frame[column.name].astype("float64")
        else:
            frame[column.name] = frame[column.name].astype("str")
    return frame.assign(import_id=1, source_row=range(2, len(frame) + 2))


def projects_frame(*rows: dict) -> pd.DataFrame:
    return store_frame(PROJECTS, [{"project_name": row["project_id"], **row} for row in rows])


def periods_frame(*rows: tuple) -> pd.DataFrame:
    """(project_id, period_date, planned_value, actual_cost, earned_value) tuples; None is a blank cell."""
    names = ["project_id", "period_date", "planned_value", "actual_cost", "earned_value"]
    return store_frame(COST_PERIODS, [dict(zip(names, row, strict=True)) for row in rows])


# --- the core on any period length ------------------------------------------------------------------------


def test_daily_curve_two_tasks():
    # Two tasks of 1,000 planned over days 1-10 and 11-20, accruing linearly: 100 a day, 2,000 in all.
    # EV 1,330 at day 15: pv_13 = 1,300 <= 1,330 < pv_14 = 1,400, so es = 13 + 30 / 100 = 13.3;
    # spi_t = 13.3 / 15; sv_t = 13.3 - 15; ieac_t = 20 / spi_t; tspi = (20 - 13.3) / (20 - 15) = 1.34.
    result = earned_schedule_from_curve(np.arange(1, 21) * 100.0, ev=1330.0, at=15.0)
    assert result.es == pytest.approx(13.3)
    assert result.spi_t == pytest.approx(0.886667, abs=5e-7)
    assert result.sv_t == pytest.approx(-1.7)
    assert result.ieac_t == pytest.approx(22.5564, abs=5e-5)
    assert (result.pd, result.tspi, result.reasons) == (20.0, pytest.approx(1.34), {})


# Each case: cumulative pv curve, ev, at, figure, expected (NaN: undefined), its reason (None: defined).
CORE_CASES = {
    "everything earned: es = pd": ([100.0, 200.0], 200.0, 2.0, "es", 2.0, None),
    "ev above the plan is capped at pd": ([100.0, 200.0], 250.0, 2.0, "es", 2.0, None),
    "nothing earned": ([100.0, 200.0], 0.0, 1.0, "es", 0.0, None),
    # A period planning nothing: c is the LAST period whose pv <= ev, so es = 2 + 0 / 100.
    "flat stretch of the plan": ([100.0, 100.0, 200.0], 100.0, 2.0, "es", 2.0, None),
    # A negative correction is read as the running maximum [100, 100, 200]: es = 0 + 90 / 100.
    "curve dips": ([100.0, 80.0, 200.0], 90.0, 1.0, "es", 0.9, None),
    "leading periods without plan": ([0.0, 0.0, 100.0], 50.0, 3.0, "es", 2.5, None),
    "not started: at 0": ([100.0, 200.0], 0.0, 0.0, "spi_t", np.nan, "spi_t undefined: at is 0 (the plan has not started)"),
    "started early: at 0": ([100.0, 200.0], 50.0, 0.0, "sv_t", 0.5, None),
    "no spi_t, no ieac_t": ([100.0, 200.0], 0.0, 0.0, "ieac_t", np.nan, "ieac_t undefined: spi_t undefined"),
    "nothing earned after a month": ([100.0, 200.0], 0.0, 1.0, "ieac_t", np.nan, "ieac_t undefined: spi_t is 0 (nothing earned yet)"),
    "past the planned duration": ([100.0, 200.0], 150.0, 3.0, "tspi", np.nan, "tspi undefined: at >= pd (the planned duration has passed)"),
    "at the planned duration": ([100.0, 200.0], 150.0, 2.0, "tspi", np.nan, "tspi undefined: at >= pd (the planned duration has passed)"),
    "ev unknown": ([100.0, 200.0], np.nan, 1.0, "es", np.nan, "es undefined: ev unknown"),
    "ev unknown: sv_t": ([100.0, 200.0], np.nan, 1.0, "sv_t", np.nan, "sv_t undefined: es undefined"),
    "empty curve": ([], 10.0, 1.0, "pd", np.nan, "pd undefined: no period has planned value"),
    "all-zero curve": ([0.0, 0.0], 10.0, 1.0, "es", np.nan, "es undefined: no period has planned value"),
}  # fmt: skip


@pytest.mark.parametrize(("curve", "ev", "at", "figure", "expected", "reason"), CORE_CASES.values(), ids=CORE_CASES)
def test_core_edge_cases(curve, ev, at, figure, expected, reason):
    result = earned_schedule_from_curve(curve, ev, at)
    assert getattr(result, figure) == pytest.approx(expected, nan_ok=True)
    assert result.reasons.get(figure) == reason
    figures = ["es", "at", "pd", "sv_t", "spi_t", "tspi", "ieac_t"]
    assert {name for name in figures if np.isnan(getattr(result, name))} == set(result.reasons)


@pytest.mark.parametrize(
    ("first_month", "ieac_t", "expected"),
    [
        ("2026-01", 6.0, "2026-06-30"),  # six whole months: the last day of June
        ("2026-01", 6.5, "2026-07-16"),  # 0.5 x 31 = 15.5 days into July: work ends on the 16th
        ("2026-02", 0.5, "2026-02-14"),  # 0.5 x 28 = 14 days
        ("2024-02", 0.5, "2024-02-15"),  # leap year: 0.5 x 29 = 14.5 -> the 15th
        ("2025-10", 5.0, "2026-02-28"),
        ("2026-01", np.nan, None),
        ("2026-01", 1e9, None),  # "never": no date rather than an overflow
    ],
)
def test_finish_dates(first_month, ieac_t, expected):
    result = pd.Timestamp(finish_dates(np.array([float(as_of_month(f"{first_month}-01"))]), np.array([ieac_t]))[0])
    assert (result == pd.Timestamp(expected)) if expected else pd.isna(result)


# --- a monthly portfolio worked out by hand ---------------------------------------------------------------


def monthly_portfolio() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The portfolio of test_evm: A behind (cost periods), B on plan (linear), C finished late."""
    projects = projects_frame(
        {"project_id": "A", "portfolio": "Infra", "budget": 1200.0},
        {
            "project_id": "B",
            "portfolio": "Infra",
            "budget": 1200.0,
            "percent_complete": 75.0,
            "actual_cost": 1000.0,
            "start_date": "2026-01-01",
            "planned_finish_date": "2026-04-30",
        },
        {"project_id": "C", "portfolio": "IT", "budget": 400.0, "actual_finish_date": "2026-02-20"},
    )
    a = [("A", "2026-01-01", 300.0, 250.0, 200.0), ("A", "2026-02-01", 300.0, 350.0, 250.0)]
    a += [("A", "2026-03-31", 300.0, None, None), ("A", "2026-04-30", 300.0, None, None)]
    c = [("C", f"{month}-01", planned, 100.0, earned) for month, planned, earned in (
        ("2025-10", 100.0, 50.0), ("2025-11", 100.0, 50.0), ("2025-12", 100.0, 100.0),
        ("2026-01", 100.0, 100.0), ("2026-02", 0.0, 100.0),
    )]  # fmt: skip
    return projects, periods_frame(*a, *c)


def test_monthly_portfolio_by_hand():
    projects, periods = monthly_portfolio()
    result = earned_schedule(projects, periods, AS_OF)
    # A: cumulative pv 300, 600, 900, 1200; ev 450 -> c = 1, es = 1 + 150 / 300 = 1.5. at = Jan..Mar = 3,
    #   pd 4, spi_t 0.5, tspi (4 - 1.5) / (4 - 3) = 2.5, ieac_t 4 / 0.5 = 8 months from 2026-01 -> 2026-08-31.
    # B (linear, 10 a day): months 310, 280, 310, 300 -> cumulative 310, 590, 900, 1200; ev 900 -> es = 3.
    #   at 3, spi_t 1, tspi (4 - 3) / (4 - 3) = 1, ieac_t 4 -> 2026-04-30, its planned finish.
    # C: plan Oct-Jan 100 a month (February's 0 is not planned value: pd 4); ev 400 -> es = pd = 4.
    #   It finished on 2026-02-20, so time stops in February: at = Oct..Feb = 5, spi_t 0.8, sv_t -1,
    #   ieac_t 4 / 0.8 = 5 -> 2026-02-28; its spi is 1.0 (test below) yet it finished a month late.
    expected = pd.DataFrame(
        {
            "project_id": pd.Series(["A", "B", "C"], dtype="str"),
            "es": [1.5, 3.0, 4.0],
            "at": [3.0, 3.0, 5.0],
            "pd": [4.0, 4.0, 4.0],
            "sv_t": [-1.5, 0.0, -1.0],
            "spi_t": [0.5, 1.0, 0.8],
            "tspi": [2.5, 1.0, np.nan],
            "ieac_t": [8.0, 4.0, 5.0],
            "first_period_date": pd.to_datetime(["2026-01-01", "2026-01-01", "2025-10-01"]).astype("datetime64[ns]"),
            "forecast_finish_date": pd.to_datetime(["2026-08-31", "2026-04-30", "2026-02-28"]).astype("datetime64[ns]"),
            "reasons": [{}, {}, {"tspi": "tspi undefined: at >= pd (the planned duration has passed)"}],
        }
    )
    pd.testing.assert_frame_equal(result, expected, rtol=1e-12)


def test_late_finish_spi_is_one_but_spi_t_is_not():
    projects, periods = monthly_portfolio()
    spi = earned_value(projects, periods, AS_OF).set_index("project_id").loc["C", "spi"]
    spi_t = earned_schedule(projects, periods, AS_OF).set_index("project_id").loc["C", "spi_t"]
    assert (spi, spi_t) == (1.0, pytest.approx(0.8))
    # A year later nothing changes: time stopped at the actual finish (without that, at would be 17).
    later = earned_schedule(projects, periods, "2027-03-15").set_index("project_id").loc["C"]
    assert (later["at"], later["spi_t"]) == (5.0, pytest.approx(0.8))


def test_project_not_started():
    # Planned June-July 2026 at 50 a month, nothing earned by 2026-03-15: at 0, spi_t undefined.
    projects = projects_frame({"project_id": "N", "budget": 100.0, "percent_complete": 0.0})
    periods = periods_frame(("N", "2026-06-01", 50.0, None, None), ("N", "2026-07-01", 50.0, None, None))
    row = earned_schedule(projects, periods, AS_OF).iloc[0]
    assert (row["es"], row["at"], row["pd"], row["sv_t"], row["tspi"]) == (0.0, 0.0, 2.0, 0.0, 1.0)
    assert np.isnan(row["spi_t"]) and pd.isna(row["forecast_finish_date"])
    assert row["reasons"] == {
        "spi_t": "spi_t undefined: at is 0 (the plan has not started)",
        "ieac_t": "ieac_t undefined: spi_t undefined",
        "forecast_finish_date": "forecast_finish_date undefined: ieac_t undefined",
    }


def test_project_without_any_plan():
    projects = projects_frame({"project_id": "X", "percent_complete": 10.0})
    row = earned_schedule(projects, periods_frame(), AS_OF).iloc[0]
    assert row[["es", "at", "pd", "spi_t"]].isna().all() and pd.isna(row["first_period_date"])
    assert row["reasons"]["spi_t"] == "spi_t undefined: pv unknown"


def test_group_earned_schedule_on_summed_curves():
    projects, periods = monthly_portfolio()
    groups = group_earned_schedule(projects, periods, AS_OF, by="portfolio").set_index("portfolio")
    # Infra = A + B: months 610, 580, 610, 600 -> cumulative 610, 1190, 1800, 2400; ev 450 + 900 = 1350
    # -> c = 2, es = 2 + 160 / 610 = 138/61; at 3; ieac_t = 4 / (es / 3) = 732/138 = 5.3043 months from
    # 2026-01: 0.3043 x 30 = 9.13 days into June -> 2026-06-10.
    infra = groups.loc["Infra"]
    assert (infra["es"], infra["at"], infra["pd"]) == (pytest.approx(138 / 61), 3.0, 4.0)
    assert infra["ieac_t"] == pytest.approx(732 / 138)
    assert infra["forecast_finish_date"] == pd.Timestamp("2026-06-10")
    # IT is C alone, which finished: its time stops in February as for the project.
    assert groups.loc["IT", ["es", "at", "spi_t"]].tolist() == pytest.approx([4.0, 5.0, 0.8])
    # All three: Oct-Dec 100, Jan 710, Feb 580, Mar 610, Apr 600 -> cumulative 100, 200, 300, 1010, 1590,
    # 2200, 2800; ev 1750 -> es = 5 + 160 / 610; at Oct..Mar = 6; pd 7.
    total = group_earned_schedule(projects, periods, AS_OF).iloc[0]
    assert (total["group"], total["projects"], total["projects_left_out"]) == ("all", 3, 0)
    assert (total["es"], total["at"], total["pd"]) == (pytest.approx(5 + 160 / 610), 6.0, 7.0)


def test_group_leaves_out_projects_without_ev_or_plan():
    projects = projects_frame(
        {"project_id": "P", "department": "Ops", "budget": 200.0, "percent_complete": 50.0,
         "start_date": "2026-01-01", "planned_finish_date": "2026-02-28"},
        {"project_id": "Q", "department": "Ops", "budget": 200.0},  # no plan dates, no progress
        {"project_id": "R", "department": None, "budget": 100.0},
    )  # fmt: skip
    groups = group_earned_schedule(projects, periods_frame(), "2026-01-31", by="department")
    assert groups["department"].isna().tolist() == [False, True]  # the blank department last, as NaN
    ops, blank = groups.iloc[0], groups.iloc[1]
    # P alone: Jan 31 days / 59 x 200 = 105.08, ev 100 -> es = 100 / (200 x 31 / 59) = 0.9516.
    assert (ops["projects"], ops["projects_left_out"]) == (2, 1)
    assert ops["es"] == pytest.approx(100 / (200 * 31 / 59))
    assert blank["reasons"]["es"] == "es undefined: no project in the group has both a pv curve and ev"
    with pytest.raises(ValueError, match="no such column"):
        group_earned_schedule(projects, periods_frame(), "2026-01-31", by="colour")


def test_empty_tables_give_empty_frames_with_the_columns():
    result = earned_schedule(projects_frame(), periods_frame(), AS_OF)
    assert list(result.columns) == ES_COLUMNS and len(result) == 0
    groups = group_earned_schedule(projects_frame(), periods_frame(), AS_OF, by="portfolio")
    assert list(groups.columns[:3]) == ["portfolio", "projects", "projects_left_out"] and len(groups) == 0


# --- the vectorised path gives the reference's figures and reasons ------------------------------------------

FIGURES = ["es", "at", "pd", "sv_t", "spi_t", "tspi", "ieac_t"]


def assert_same_as_reference(row: pd.Series, curve: list[float], ev: float, at: float) -> None:
    """The row's figures are exactly (NaN where NaN) those of earned_schedule_from_curve, and so are its reasons."""
    reference = earned_schedule_from_curve(curve, ev, at)
    expected = np.array([getattr(reference, name) for name in FIGURES])
    np.testing.assert_array_equal(row[FIGURES].to_numpy(dtype="float64"), expected)
    assert {k: v for k, v in row["reasons"].items() if k in FIGURES} == reference.reasons


# Every core case, the daily curve, ev 0 after leading periods without plan, a negative ev, a curve starting negative (read by the reference alone), one holding NaN,
# and curves of 3, 40 and 100 periods so that several blocks of padded width (4, 64, 128) are used.
MANY_CURVES = [(curve, ev, at) for curve, ev, at, *_ in CORE_CASES.values()] + [
    (list(np.arange(1, 21) * 100.0), 1330.0, 15.0),
    ([-50.0, 100.0, 200.0], 120.0, 2.0),
    ([100.0, np.nan, 200.0], 120.0, 2.0),
    ([100.0, 200.0, 300.0], 300.0, 5.0),
    ([0.0, 0.0, 100.0], 0.0, 3.0),  # nothing earned before a late first plan: es 0, not 2
    ([100.0, 200.0], -10.0, 1.0),  # a negative ev (a correction): es 0
    (list(np.arange(1, 41) * 25.0), 512.5, 30.0),
    (list(np.arange(1, 101) * 10.0), 995.0, 120.0),
]


def test_earned_schedule_from_curves_matches_the_single_curve_reference():
    curves, evs, ats = zip(*MANY_CURVES, strict=True)
    result = earned_schedule_from_curves(list(curves), list(evs), list(ats))
    assert list(result.columns) == [*FIGURES, "reasons"] and len(result) == len(MANY_CURVES)
    for position, (curve, ev, at) in enumerate(MANY_CURVES):
        assert_same_as_reference(result.iloc[position], curve, ev, at)
    # Spot checks by hand: the daily curve gives 13 + 30 / 100; 512.5 on 25 a period: c = 20, es = 20 + 12.5 / 25.
    assert result["es"].iloc[len(CORE_CASES)] == pytest.approx(13.3)
    assert result["es"].iloc[-2] == pytest.approx(20.5)


def test_projects_match_the_reference_project_by_project():
    projects, periods = monthly_portfolio()
    extra_projects = projects_frame(
        {"project_id": "D", "budget": 250.0},  # dipping plan
        {"project_id": "N", "budget": 100.0, "percent_complete": 0.0},  # not started
        {"project_id": "Z", "budget": 100.0, "percent_complete": 10.0},  # plans nothing: pv 0 in every month
    )
    extra_periods = periods_frame(
        ("D", "2026-01-01", 200.0, None, 100.0),
        ("D", "2026-02-01", -50.0, None, 60.0),
        ("D", "2026-03-01", 100.0, None, None),
        ("N", "2026-06-01", 50.0, None, None),
        ("N", "2026-07-01", 50.0, None, None),
        ("Z", "2026-01-01", 0.0, None, None),
        ("Z", "2026-02-01", 0.0, None, None),
    )
    projects = pd.concat([projects, extra_projects], ignore_index=True)
    periods = pd.concat([periods, extra_periods], ignore_index=True)
    # Each project's cumulative curve from its first planned month (worked out by hand), ev, and at as of
    # 2026-03-15 and 2026-06-15 (at beyond pd for A, B and D). C finished on 2026-02-20: at stops at Feb = 5.
    cases = {
        "A": ([300.0, 600.0, 900.0, 1200.0], 450.0, {AS_OF: 3.0, "2026-06-15": 6.0}),
        "B": ([310.0, 590.0, 900.0, 1200.0], 900.0, {AS_OF: 3.0, "2026-06-15": 6.0}),
        "C": ([100.0, 200.0, 300.0, 400.0], 400.0, {AS_OF: 5.0, "2026-06-15": 5.0}),  # ev >= total pv
        "D": ([200.0, 150.0, 250.0], 160.0, {AS_OF: 3.0, "2026-06-15": 6.0}),  # dips, read as 200, 200, 250
        "N": ([50.0, 100.0], 0.0, {AS_OF: 0.0, "2026-06-15": 1.0}),  # not started on 15 March
    }
    for as_of in (AS_OF, "2026-06-15"):
        result = earned_schedule(projects, periods, as_of).set_index("project_id")
        for project, (curve, ev, ats) in cases.items():
            # B's ev is 75% of 1,200 = 900 whatever the date; A, C and D's come from the cost periods.
            assert_same_as_reference(result.loc[project], curve, ev, ats[as_of])
        # Z's pv is 0 in every month: no curve at all, every figure undefined.
        assert result.loc["Z", FIGURES].isna().all()
        assert result.loc["Z", "reasons"]["es"] == "es undefined: pv unknown"
    # D by hand as of 15 March: running max 200, 200, 250; ev 160 -> c = 0, es = 160 / 200 = 0.8.
    assert earned_schedule(projects, periods, AS_OF).set_index("project_id").loc["D", "es"] == pytest.approx(0.8)

"""Earned value: textbook examples, a monthly portfolio worked out by hand, group totals and edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.indicators.common import build_reasons, json_number, merge_reasons, safe_divide
from pmo_analytics.indicators.evm import (
    EVM_COLUMNS,
    FIGURES,
    TCPI_SPENT,
    earned_value,
    evm_figures,
    group_earned_value,
    is_member,
    planned_value_curves,
)
from pmo_analytics.schema import COST_PERIODS, PROJECTS, Table

AS_OF = "2026-03-15"


def store_frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    """Rows shaped like the store returns them: every contract column (dates datetime64[ns], text str,
    amounts float64) plus provenance columns the indicators must ignore."""
    frame = pd.DataFrame(rows, columns=table.column_names)
    for column in table.columns:
        if column.kind == "date":
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ns]")
        elif column.kind in ("amount", "number", "percent", "probability"):
            frame[column.name] = frame[column.name].astype("float64")
        else:
            frame[column.name] = frame[column.name].astype("str")
    provenance = {"import_id": 1, "source_file": "export.xlsx", "source_sheet": table.name, "extra": "{}"}
    return frame.assign(**provenance, source_row=range(2, len(frame) + 2))


def projects_frame(*rows: dict) -> pd.DataFrame:
    return store_frame(PROJECTS, [{"project_name": row["project_id"], **row} for row in rows])


def periods_frame(*rows: tuple) -> pd.DataFrame:
    """(project_id, period_date, planned_value, actual_cost, earned_value) tuples; None is a blank cell."""
    names = ["project_id", "period_date", "planned_value", "actual_cost", "earned_value"]
    return store_frame(COST_PERIODS, [dict(zip(names, row, strict=True)) for row in rows])


# --- common -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (6.0, 3.0, 2.0),
        (0.0, 5.0, 0.0),  # a zero numerator is a real 0
        (1.0, 0.0, np.nan),  # never inf
        (0.0, 0.0, np.nan),
        (1.0, np.nan, np.nan),
        (np.nan, 2.0, np.nan),
        (1.0, None, np.nan),
        (np.inf, 1.0, np.nan),
    ],
)
def test_safe_divide_scalars_and_series(numerator, denominator, expected):
    assert safe_divide(numerator, denominator) == pytest.approx(expected, nan_ok=True)
    series = safe_divide(pd.Series([numerator], dtype="float64"), pd.Series([denominator], dtype="float64"))
    pd.testing.assert_series_equal(series, pd.Series([expected], dtype="float64"))


def test_safe_divide_mixes_series_and_scalars():
    pd.testing.assert_series_equal(safe_divide(pd.Series([3.0, 0.0]), 0.0), pd.Series([np.nan, np.nan]))
    pd.testing.assert_series_equal(safe_divide(6.0, pd.Series([3.0, 0.0])), pd.Series([2.0, np.nan]))


def test_reasons_first_cause_wins_and_merge():
    index = pd.Index(["a", "b", "c"])
    ac = pd.Series([0.0, np.nan, 5.0], index=index)
    reasons = build_reasons(
        index,
        [
            ("cpi", ac == 0, "cpi undefined: ac is 0"),
            ("cpi", ac.isna(), pd.Series(["x", "cpi undefined: ac unknown", "y"], index=index)),
            ("cpi", ac.isna() | (ac == 0), "never used: a cause above already applies"),
        ],
    )
    assert reasons.tolist() == [{"cpi": "cpi undefined: ac is 0"}, {"cpi": "cpi undefined: ac unknown"}, {}]
    merged = merge_reasons(reasons, pd.Series([{"es": "e"}, {}, {"cpi": "z"}], index=index))
    assert merged.tolist() == [
        {"cpi": "cpi undefined: ac is 0", "es": "e"},
        {"cpi": "cpi undefined: ac unknown"},
        {"cpi": "z"},
    ]
    assert [json_number(v) for v in (np.float64("nan"), np.inf, np.int64(3), 1.5, None)] == [None, None, 3, 1.5, None]


# --- textbook examples ------------------------------------------------------------------------------------


def test_microsoft_project_example():
    """Microsoft, "Applying earned value analysis to your project" (Project 2003): a 4-day $100 task,
    status Wednesday: BCWS 75, ACWP 70, 60% complete so BCWP 60."""
    result = evm_figures(pd.DataFrame({"bac": [100.0], "pv": [75.0], "ev": [60.0], "ac": [70.0]})).iloc[0]
    assert result["cv"] == pytest.approx(-10)
    assert result["sv"] == pytest.approx(-15)
    assert result["cpi"] == pytest.approx(0.857143, abs=5e-7)
    assert result["spi"] == pytest.approx(0.8)
    assert result["eac"] == pytest.approx(116.6667, abs=5e-5)
    assert result["vac"] == pytest.approx(-16.6667, abs=5e-5)
    assert result["tcpi"] == pytest.approx(1.333333, abs=5e-7)
    # Not in the article, by hand: 70 + (100 - 60) = 110; 70 + 40 / (60/70 x 0.8) = 70 + 58.3333.
    assert result["eac_ac_plus_remaining"] == pytest.approx(110)
    assert result["eac_composite"] == pytest.approx(70 + 40 / (60 / 70 * 0.8))


def test_microsoft_example_through_earned_value():
    # The same task as four monthly periods of 25 with status in the third: pv 75; 60% of a 100 budget
    # earned; 70 spent according to the project register (no actuals in the periods).
    projects = projects_frame({"project_id": "MS", "budget": 100.0, "percent_complete": 60.0, "actual_cost": 70.0})
    periods = periods_frame(*[("MS", f"2026-0{m}-01", 25.0, None, None) for m in (1, 2, 3, 4)])
    row = earned_value(projects, periods, AS_OF).iloc[0]
    assert (row["pv"], row["ev"], row["ac"]) == (75.0, 60.0, 70.0)
    assert (row["pv_source"], row["ev_source"], row["ac_source"]) == ("cost_periods", "percent_complete", "projects")
    assert (row["cpi"], row["tcpi"]) == (pytest.approx(60 / 70), pytest.approx(40 / 30))


def test_gray_and_larson_period_12():
    """Gray & Larson, Project Management: the managerial process, EVM exercise at period 12."""
    result = evm_figures(pd.DataFrame({"bac": [248.0], "pv": [158.0], "ev": [148.0], "ac": [210.0]})).iloc[0]
    assert result["cpi"] == pytest.approx(0.7048, abs=5e-5)
    assert result["spi"] == pytest.approx(0.9367, abs=5e-5)
    assert result["eac"] == pytest.approx(351.9, abs=0.05)
    assert result["vac"] == pytest.approx(-103.9, abs=0.05)


# --- a monthly portfolio worked out by hand ---------------------------------------------------------------


def monthly_portfolio() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A: cost periods Jan-Apr 2026 planning 300 a month, earned 200 + 250 (March blank), spent 250 + 350.
    B: no cost periods; 1,200 from 2026-01-01 to 2026-04-30 (120 days: 10 a day), 75% complete, 1,000 spent.
    C: planned Oct 2025 - Jan 2026 at 100 a month, earned 50, 50, 100, 100, 100: finished late in February
       (2026-02-20), 100 spent each month."""
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
    result = earned_value(projects, periods, AS_OF)
    # A (as of March 15, all of March counts): pv 300 x 3 = 900, ev 200 + 250 = 450 (blank March adds
    #   nothing), ac 600. spi 0.5, cpi 0.75, eac 1200 / 0.75 = 1600, eac_composite 600 + 750 / 0.375 = 2600,
    #   tcpi (1200 - 450) / (1200 - 600) = 1.25.
    # B (linear): pv through March = (31 + 28 + 31) days x 10 = 900; ev 75% x 1200 = 900; ac 1000.
    #   cpi 0.9, eac 1200 / 0.9 = 4000/3, eac_ac_plus_remaining 1000 + 300 = 1300, tcpi 300 / 200 = 1.5.
    # C (finished late): pv 400, ev 400 -> spi 1.0 however late it was; ac 500 > bac 400 -> tcpi undefined.
    expected = pd.DataFrame(
        {
            "project_id": pd.Series(["A", "B", "C"], dtype="str"),
            "bac": [1200.0, 1200.0, 400.0],
            "pv": [900.0, 900.0, 400.0],
            "ev": [450.0, 900.0, 400.0],
            "ac": [600.0, 1000.0, 500.0],
            "sv": [-450.0, 0.0, 0.0],
            "cv": [-150.0, -100.0, -100.0],
            "spi": [0.5, 1.0, 1.0],
            "cpi": [0.75, 0.9, 0.8],
            "sv_pct": [-50.0, 0.0, 0.0],
            "cv_pct": [-100 / 3, -100 / 9, -25.0],
            "eac": [1600.0, 4000 / 3, 500.0],
            "eac_ac_plus_remaining": [1350.0, 1300.0, 500.0],
            "eac_composite": [2600.0, 4000 / 3, 500.0],
            "etc": [1000.0, 1000 / 3, 0.0],
            "vac": [-400.0, -400 / 3, -100.0],
            "tcpi": [1.25, 1.5, np.nan],
            "bac_source": pd.Series(["budget"] * 3, dtype="str"),
            "pv_source": pd.Series(["cost_periods", "linear", "cost_periods"], dtype="str"),
            "ev_source": pd.Series(["earned_value", "percent_complete", "earned_value"], dtype="str"),
            "ac_source": pd.Series(["cost_periods", "projects", "cost_periods"], dtype="str"),
            "reasons": [{}, {}, {"tcpi": TCPI_SPENT}],
        }
    )
    pd.testing.assert_frame_equal(result, expected, rtol=1e-12)


def test_linear_curve_spreads_by_calendar_day():
    # 3,100 from 2026-01-17 to 2026-02-15 is 30 days: January 17-31 (15 days) 1,550, February 1-15 1,550.
    projects = projects_frame(
        {"project_id": "L", "budget": 3100.0, "start_date": "2026-01-17", "planned_finish_date": "2026-02-15"}
    )
    curves = planned_value_curves(projects, periods_frame())
    assert curves["period_date"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert curves["planned_value"].tolist() == pytest.approx([1550.0, 1550.0])
    assert earned_value(projects, periods_frame(), "2026-01-20")["pv"].item() == pytest.approx(1550.0)


def test_group_totals_are_ratios_of_sums():
    projects, periods = monthly_portfolio()
    groups = group_earned_value(earned_value(projects, periods, AS_OF), projects, "portfolio")
    infra = groups.set_index("portfolio").loc["Infra"]
    # Infra = A + B: ev 450 + 900 = 1350, ac 600 + 1000 = 1600, cpi 1350 / 1600 = 0.84375,
    # not the mean of 0.75 and 0.9 (0.825). spi 1350 / 1800 = 0.75; eac 2400 / 0.84375 = 2844.44;
    # eac_composite 1600 + 1050 / (0.84375 x 0.75); tcpi (2400 - 1350) / (2400 - 1600) = 1.3125.
    assert infra["cpi"] == pytest.approx(0.84375)
    assert infra["cpi"] != pytest.approx((0.75 + 0.9) / 2)
    assert infra[["bac", "pv", "ev", "ac", "spi", "tcpi"]].tolist() == pytest.approx(
        [2400, 1800, 1350, 1600, 0.75, 1.3125]
    )
    assert infra["eac"] == pytest.approx(2400 / 0.84375)
    assert infra["eac_composite"] == pytest.approx(1600 + 1050 / (0.84375 * 0.75))
    assert (infra["projects"], infra["projects_with_unknowns"]) == (2, 0)
    assert groups["portfolio"].tolist() == ["IT", "Infra"]  # sorted
    # The whole portfolio: 1750 / 2100; tcpi (2800 - 1750) / (2800 - 2100) = 1.5.
    total = group_earned_value(earned_value(projects, periods, AS_OF), projects, None).iloc[0]
    assert (total["group"], total["projects"]) == ("all", 3)
    assert (total["cpi"], total["tcpi"]) == (pytest.approx(1750 / 2100), pytest.approx(1.5))


def test_group_leaves_unknown_figures_out_of_each_ratio():
    # Q has no ac anywhere: group cpi uses only P (80 / 100), while spi uses both (80 + 50) / (100 + 100).
    projects = projects_frame(
        {"project_id": "P", "department": "Ops", "budget": 200.0, "percent_complete": 40.0, "actual_cost": 100.0},
        {"project_id": "Q", "department": "Ops", "budget": 200.0, "percent_complete": 25.0},
        {"project_id": "R", "department": None, "budget": 10.0},
    )
    periods = periods_frame(("P", "2026-01-01", 100.0, None, None), ("Q", "2026-01-01", 100.0, None, None))
    groups = group_earned_value(earned_value(projects, periods, "2026-01-31"), projects, "department")
    ops = groups.iloc[0]
    assert (ops["department"], ops["projects_with_unknowns"]) == ("Ops", 1)
    assert (ops["ac"], ops["cpi"], ops["spi"]) == (100.0, pytest.approx(0.8), pytest.approx(0.65))
    blank = groups.iloc[1]  # R has no department: its own group, keyed NaN; no ev, pv or ac known
    assert pd.isna(blank["department"]) and pd.isna(blank["spi"])
    assert blank["reasons"]["spi"] == "spi undefined: no project has ev and pv known"
    with pytest.raises(ValueError, match="no such column"):
        group_earned_value(earned_value(projects, periods, "2026-01-31"), projects, "colour")


# --- edge cases -------------------------------------------------------------------------------------------

# Each case: project row, cost period rows, as-of date, figure, expected value (NaN: undefined), its reason.
EDGE_CASES = {
    "zero pv (periods start after as_of)": (
        {"budget": 100.0, "percent_complete": 10.0, "actual_cost": 5.0},
        [("2026-06-01", 100.0, None, None)],
        "2026-03-15",
        "spi",
        np.nan,
        "spi undefined: pv is 0",
    ),
    "zero ac": (
        {"budget": 100.0, "percent_complete": 10.0, "actual_cost": 0.0},
        [("2026-03-01", 100.0, None, None)],
        "2026-03-15",
        "cpi",
        np.nan,
        "cpi undefined: ac is 0",
    ),
    "ac above bac": (
        {"budget": 100.0},
        [("2026-03-01", 100.0, 130.0, 90.0)],
        "2026-03-15",
        "tcpi",
        np.nan,
        TCPI_SPENT,
    ),
    "ac equal to bac": (
        {"budget": 100.0},
        [("2026-03-01", 100.0, 100.0, 90.0)],
        "2026-03-15",
        "tcpi",
        np.nan,
        TCPI_SPENT,
    ),
    "nothing earned yet: eac undefined": (
        {"budget": 100.0},
        [("2026-03-01", 100.0, 30.0, 0.0)],
        "2026-03-15",
        "eac",
        np.nan,
        "eac undefined: cpi is 0",
    ),
    "NaN budget, no periods": (
        {"budget": None, "start_date": "2026-01-01", "planned_finish_date": "2026-12-31"},
        [],
        "2026-03-15",
        "pv",
        np.nan,
        "pv unknown: no cost_periods and no budget to spread",
    ),
    "NaN budget, bac from planned values": (
        {"budget": None},
        [("2026-03-01", 60.0, None, None), ("2026-04-01", 40.0, None, None)],
        "2026-03-15",
        "bac",
        100.0,
        None,
    ),
    "linear spread without dates": (
        {"budget": 100.0, "start_date": "2026-01-01"},
        [],
        "2026-03-15",
        "pv",
        np.nan,
        "pv unknown: no cost_periods, and start_date or planned_finish_date is missing for a linear spread",
    ),
    "finish before start": (
        {"budget": 100.0, "start_date": "2026-05-01", "planned_finish_date": "2026-01-01"},
        [],
        "2026-03-15",
        "pv",
        np.nan,
        "pv unknown: no cost_periods, and planned_finish_date is before start_date",
    ),
    "no earned value, no percent complete": (
        {"budget": 100.0},
        [("2026-03-01", 100.0, 10.0, None)],
        "2026-03-15",
        "ev",
        np.nan,
        "ev unknown: no earned_value in cost_periods and no percent_complete",
    ),
    "blank earned values fall back to percent complete": (
        {"budget": 200.0, "percent_complete": 30.0},
        [("2026-03-01", 100.0, 10.0, None)],
        "2026-03-15",
        "ev",
        60.0,
        None,
    ),
    "earned values exist but none yet: ev 0": (
        {"budget": 200.0, "percent_complete": 30.0},
        [("2026-03-01", 100.0, 10.0, None), ("2026-04-01", 100.0, None, 50.0)],
        "2026-03-15",
        "ev",
        0.0,
        None,
    ),
    "no actual cost anywhere": (
        {"budget": 100.0, "percent_complete": 10.0},
        [("2026-03-01", 100.0, None, None)],
        "2026-03-15",
        "ac",
        np.nan,
        "ac unknown: no actual_cost in cost_periods or projects",
    ),
    "one period only": (
        {"budget": 100.0},
        [("2026-03-31", 100.0, 50.0, 40.0)],
        "2026-03-01",
        "spi",
        0.4,
        None,
    ),
}


@pytest.mark.parametrize(
    ("project", "rows", "as_of", "figure", "expected", "reason"), EDGE_CASES.values(), ids=EDGE_CASES
)
def test_edge_cases(project, rows, as_of, figure, expected, reason):
    projects = projects_frame({"project_id": "E", **project})
    periods = periods_frame(*[("E", *row) for row in rows])
    result = earned_value(projects, periods, as_of).iloc[0]
    assert result[figure] == pytest.approx(expected, nan_ok=True)
    assert result["reasons"].get(figure) == reason
    # Every undefined figure says why; no figure is ever infinite.
    assert {name for name in FIGURES if pd.isna(result[name])} == set(result["reasons"])
    assert all(np.isfinite(result[name]) for name in FIGURES if pd.notna(result[name]))


def test_empty_tables_give_empty_frames_with_the_columns():
    result = earned_value(projects_frame(), periods_frame(), AS_OF)
    assert list(result.columns) == EVM_COLUMNS and len(result) == 0
    assert result["bac"].dtype == "float64" and result["project_id"].dtype == "str"
    groups = group_earned_value(result, projects_frame(), "portfolio")
    assert list(groups.columns[:3]) == ["portfolio", "projects", "projects_with_unknowns"] and len(groups) == 0


def test_cost_periods_of_unknown_projects_and_duplicate_rows():
    # Two rows for A in March (two cost categories) add up; Z is not in projects and is ignored.
    projects = projects_frame({"project_id": "A", "budget": 100.0})
    periods = periods_frame(("A", "2026-03-01", 20.0, 10.0, 5.0), ("A", "2026-03-20", 30.0, 15.0, 10.0))
    periods = pd.concat([periods, periods_frame(("Z", "2026-03-01", 999.0, 999.0, 999.0))], ignore_index=True)
    result = earned_value(projects, periods, AS_OF)
    assert result[["project_id", "pv", "ac", "ev"]].values.tolist() == [["A", 50.0, 25.0, 15.0]]


@pytest.mark.parametrize(
    ("values", "pool", "expected"),
    [
        (["A", "B", None, "C"], ["A", "C"], [True, False, False, True]),  # a blank id is in no pool of ids
        (["A", "B", None, "C"], ["A", None], [True, False, True, False]),  # unless the pool holds a blank
        (["A", "B"], [], [False, False]),
        ([], ["A"], []),
    ],
)
def test_is_member_is_isin(values, pool, expected):
    series, index = pd.Series(values, dtype="str"), pd.Index(pool, dtype="str")
    assert is_member(series, index).tolist() == expected == series.isin(index).tolist()
    assert is_member(pd.Index(values, dtype="str"), series.iloc[:0]).tolist() == [False] * len(values)
    # Not strings: pandas' isin does it.
    assert is_member(pd.Series([1, 2]), [2]).tolist() == [False, True]

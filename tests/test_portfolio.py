"""Portfolio indicators: one hand-worked row per project, totals as ratios of sums, change since last snapshot."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.indicators.portfolio import (
    INDICATOR_COLUMNS,
    INDICATOR_KEYS,
    TOTAL_FIGURES,
    changes,
    portfolio_totals,
    previous_snapshot,
    project_indicators,
)

# DESIGN.md, "Command line": the keys of `indicators --format json`, copied by hand.
DESIGN_KEYS = [
    "project_id",
    "project_name",
    "as_of",
    "bac",
    "pv",
    "ev",
    "ac",
    "sv",
    "cv",
    "spi",
    "cpi",
    "eac",
    "etc",
    "vac",
    "tcpi",
    "es",
    "at",
    "pd",
    "sv_t",
    "spi_t",
    "tspi",
    "ieac_t",
    "forecast_finish_date",
    "finish_slip_days",
    "milestones_late",
    "open_risks",
    "risk_exposure",
    "open_issues",
    "health_cost",
    "health_schedule",
    "health_risk",
    "health_overall",
    "health_reasons",
]

AS_OF = "2026-02-20"


def _tables() -> dict[str, pd.DataFrame]:
    """Three projects as of 2026-02-20.

    P1: budget 400 planned 100 a month Jan-Apr; Jan ac 110 ev 100, Feb ac 120 ev 90. One milestone late,
        one slipping; one open risk 3 x 5 (probability 0.5 x 2,000); one open issue.
    P2: no cost periods: 1,200 spread linearly over 2026 (365 days), 20% complete, actual cost 200,
        forecast finish a month after the planned one.
    P3: a name only.
    """
    return {
        "projects": contract_frame(
            "projects",
            [
                {
                    "project_id": "P1",
                    "project_name": "Alpha",
                    "portfolio": "Infra",
                    "budget": 400.0,
                    "start_date": "2026-01-01",
                    "planned_finish_date": "2026-04-30",
                    "reported_status": "amber",
                },
                {
                    "project_id": "P2",
                    "project_name": "Beta",
                    "portfolio": "Infra",
                    "budget": 1200.0,
                    "percent_complete": 20.0,
                    "actual_cost": 200.0,
                    "start_date": "2026-01-01",
                    "planned_finish_date": "2026-12-31",
                    "forecast_finish_date": "2027-01-31",
                    "reported_status": "amber",
                },
                {"project_id": "P3", "project_name": "Gamma", "reported_status": "green"},
            ],
        ),
        "cost_periods": contract_frame(
            "cost_periods",
            [
                {
                    "project_id": "P1",
                    "period_date": "2026-01-01",
                    "planned_value": 100.0,
                    "actual_cost": 110.0,
                    "earned_value": 100.0,
                },
                {
                    "project_id": "P1",
                    "period_date": "2026-02-01",
                    "planned_value": 100.0,
                    "actual_cost": 120.0,
                    "earned_value": 90.0,
                },
                {"project_id": "P1", "period_date": "2026-03-01", "planned_value": 100.0},
                {"project_id": "P1", "period_date": "2026-04-01", "planned_value": 100.0},
            ],
        ),
        "milestones": contract_frame(
            "milestones",
            [
                {"project_id": "P1", "milestone_name": "Design", "baseline_date": "2026-02-01"},
                {
                    "project_id": "P1",
                    "milestone_name": "Build",
                    "baseline_date": "2026-06-01",
                    "forecast_date": "2026-06-15",
                },
            ],
        ),
        "risks": contract_frame(
            "risks",
            [
                {
                    "risk_id": "R-1",
                    "project_id": "P1",
                    "title": "Supplier",
                    "probability_level": 3,
                    "impact_level": 5,
                    "impact_amount": 2000.0,
                },
                {
                    "risk_id": "R-2",
                    "project_id": "P1",
                    "title": "Old",
                    "probability_level": 5,
                    "impact_level": 5,
                    "impact_amount": 9999.0,
                    "status": "closed",
                },
            ],
        ),
        "issues": contract_frame(
            "issues",
            [
                {
                    "issue_id": "I-1",
                    "project_id": "P1",
                    "title": "Test rig",
                    "status": "open",
                    "raised_date": "2026-02-10",
                },
                {
                    "issue_id": "I-2",
                    "project_id": "P1",
                    "title": "Licence",
                    "status": "closed",
                    "raised_date": "2026-01-05",
                },
            ],
        ),
    }


def test_json_keys_are_exactly_the_design_list():
    assert INDICATOR_KEYS == DESIGN_KEYS
    assert INDICATOR_COLUMNS[: len(DESIGN_KEYS)] == DESIGN_KEYS
    assert len(set(INDICATOR_COLUMNS)) == len(INDICATOR_COLUMNS)


def test_project_indicators_hand_worked():
    frame = project_indicators(_tables(), AS_OF)
    assert list(frame.columns) == INDICATOR_COLUMNS
    assert frame["project_id"].tolist() == ["P1", "P2", "P3"]
    rows = frame.set_index("project_id")

    # P1: pv 100 + 100 = 200, ev 100 + 90 = 190, ac 110 + 120 = 230.
    # cpi 190/230, eac 400/cpi, tcpi (400-190)/(400-230) = 210/170.
    # es: cumulative pv 100, 200, ...; ev 190 lies 90/100 into month 2 -> es 1.9, at 2, spi_t 0.95 (green:
    # the band is inclusive), tspi (4-1.9)/(4-2) = 1.05, ieac_t 4/0.95 = 4.2105 months from 2026-01 ->
    # May 2026 plus 0.2105 x 31 = 6.5 days -> 2026-05-07.
    p1 = rows.loc["P1"]
    expected = {
        "bac": 400.0, "pv": 200.0, "ev": 190.0, "ac": 230.0, "sv": -10.0, "cv": -40.0, "spi": 0.95,
        "cpi": 190 / 230, "eac": 400 * 230 / 190, "etc": 400 * 230 / 190 - 230, "vac": 400 - 400 * 230 / 190,
        "tcpi": 210 / 170, "es": 1.9, "at": 2.0, "pd": 4.0, "sv_t": -0.1, "spi_t": 0.95, "tspi": 1.05,
        "ieac_t": 4 / 0.95,
    }  # fmt: skip
    assert p1[list(expected)].astype("float64").to_dict() == pytest.approx(expected)
    assert p1["forecast_finish_date"] == pd.Timestamp("2026-05-07")
    assert p1["as_of"] == pd.Timestamp(AS_OF)
    assert np.isnan(p1["finish_slip_days"])  # the file gives no forecast finish
    assert (p1["milestones_late"], p1["milestones_slipping"], p1["milestones"]) == (1, 1, 2)
    # Open R-1: 3 x 5 = 15, probability level 3 -> 0.5 x 2,000 = 1,000; closed R-2 does not count.
    assert (p1["open_risks"], p1["risk_exposure"], p1["max_score"], p1["open_high_risks"]) == (1, 1000.0, 15, 1)
    assert (p1["open_issues"], p1["oldest_issue_age_days"]) == (1, 10.0)  # raised 10 Feb, as of 20 Feb
    assert p1["health_reasons"] == [
        "cost red: cpi 0.83 < 0.90",
        "schedule green: spi_t 0.95 in 0.95-1.05",
        "risk red: open risk R-1 scores 15 >= 15",
    ]
    assert (p1["health_overall"], p1["reported_status"], p1["status_disagrees"]) == ("red", "amber", True)
    assert (p1["pv_source"], p1["ev_source"]) == ("cost_periods", "earned_value")

    # P2: pv = 1,200 x 59/365 days (Jan + Feb); ev = 20% x 1,200 = 240; ac 200 -> cpi 1.2 (underspend: red).
    # es: 240 lies (240 - 1,200 x 59/365) / (1,200 x 31/365) = (73 - 59)/31 = 14/31 into March -> 2 + 14/31.
    p2 = rows.loc["P2"]
    expected = {
        "pv": 1200 * 59 / 365, "ev": 240.0, "ac": 200.0, "cpi": 1.2, "spi": 73 / 59, "eac": 1000.0, "vac": 200.0,
        "tcpi": 960 / 1000, "es": 2 + 14 / 31, "at": 2.0, "pd": 12.0, "spi_t": (2 + 14 / 31) / 2,
        "finish_slip_days": 31.0,
    }  # fmt: skip
    assert p2[list(expected)].astype("float64").to_dict() == pytest.approx(expected)
    assert p2["pv_source"] == "linear"
    assert p2["health_reasons"] == [
        "cost red: cpi 1.20 > 1.10",
        "schedule red: spi_t 1.23 > 1.10",
        "risk grey: no risks registered for this project",
    ]

    # P3: nothing known; counts are 0, figures NaN with reasons, health grey and not compared with "green".
    p3 = rows.loc["P3"]
    assert p3[["bac", "pv", "ev", "ac", "cpi", "spi_t", "es"]].isna().all()
    assert (p3["milestones_late"], p3["open_risks"], p3["risk_exposure"], p3["open_issues"]) == (0, 0, 0.0, 0)
    assert p3["reasons"]["bac"] == "bac unknown: no budget and no planned_value in cost_periods"
    assert (p3["health_overall"], p3["status_disagrees"]) == ("grey", False)


def test_portfolio_totals_are_ratios_of_sums():
    tables = _tables()
    indicators = project_indicators(tables, AS_OF)
    totals = portfolio_totals(indicators, tables, AS_OF, by="portfolio")
    assert totals["portfolio"].iloc[0] == "Infra" and pd.isna(totals["portfolio"].iloc[1])  # blank group last
    infra = totals.iloc[0]
    # ev 190 + 240 = 430 against ac 230 + 200 = 430: cpi 1.0, not the mean of 0.826 and 1.2.
    assert (infra["projects"], infra["bac"], infra["ev"], infra["ac"], infra["cpi"]) == (2, 1600.0, 430.0, 430.0, 1.0)
    assert infra["spi"] == pytest.approx(430 / (200 + 1200 * 59 / 365))
    # es on the summed curve: Jan 100 + 1,200 x 31/365, Feb 100 + 1,200 x 28/365; ev 430 lies beyond Feb
    # (393.97) by 36.03 of March's 100 + 1,200 x 31/365.
    march = 100 + 1200 * 31 / 365
    assert infra["es"] == pytest.approx(2 + (430 - 200 - 1200 * 59 / 365) / march)
    assert infra["spi_t"] == pytest.approx(infra["es"] / 2)
    assert (infra["open_risks"], infra["risk_exposure"], infra["open_issues"], infra["milestones_late"]) == (
        1,
        1000.0,
        1,
        1,
    )
    assert (infra["health_red"], infra["health_grey"], infra["status_disagrees"]) == (2, 0, 2)
    assert infra["average_finish_slip_days"] == 31.0  # only P2 has a slip
    blank = totals.iloc[1]
    assert (blank["projects"], blank["health_grey"], blank["open_risks"]) == (1, 1, 0)
    assert np.isnan(blank["cpi"]) and "cpi" in blank["reasons"]

    everything = portfolio_totals(indicators, tables, AS_OF)
    assert everything["group"].tolist() == ["all"]
    assert (everything.loc[0, "projects"], everything.loc[0, "cpi"], everything.loc[0, "health_red"]) == (3, 1.0, 2)


def _previous_tables() -> dict[str, pd.DataFrame]:
    """The snapshot of 2026-01-20: P1 with January only, P2 at 10%, P4 (since dropped); P3 not yet there."""
    tables = _tables()
    projects = tables["projects"]
    legacy = contract_frame(
        "projects", [{"project_id": "P4", "project_name": "Delta", "portfolio": "Legacy", "budget": 50.0}]
    )
    previous_projects = pd.concat([projects.iloc[:2], legacy], ignore_index=True)
    previous_projects = previous_projects.assign(percent_complete=[np.nan, 10.0, np.nan])
    risks = contract_frame(
        "risks", [{"risk_id": "R-9", "project_id": "P4", "title": "x", "probability_level": 1, "impact_level": 1}]
    )
    return {
        "projects": previous_projects,
        "cost_periods": tables["cost_periods"].assign(
            actual_cost=[110.0, np.nan, np.nan, np.nan], earned_value=[100.0, np.nan, np.nan, np.nan]
        ),
        "risks": risks,
    }


def test_changes_per_project_since_the_previous_snapshot():
    current = project_indicators(_tables(), AS_OF)
    previous = project_indicators(_previous_tables(), "2026-01-20")
    delta = changes(current, previous).set_index("project_id")
    assert delta.index.tolist() == ["P1", "P2", "P3", "P4"]  # current first, then the ones gone
    p1 = delta.loc["P1"]
    # ac 110 -> 230; cpi 100/110 -> 190/230; open risks 0 -> 1.
    assert (p1["ac_previous"], p1["ac"], p1["ac_change"]) == (110.0, 230.0, 120.0)
    assert p1["cpi_change"] == pytest.approx(190 / 230 - 100 / 110)
    assert (p1["open_risks_previous"], p1["open_risks_change"]) == (0.0, 1.0)
    # Before: cpi 0.909 amber, spi_t 1.0 green, no risks registered (grey) -> amber; now red.
    assert (p1["health_overall_previous"], p1["health_overall"], p1["health_trend"]) == ("amber", "red", "worse")
    assert (p1["is_new"], p1["is_gone"]) == (False, False)
    p3, p4 = delta.loc["P3"], delta.loc["P4"]
    assert (p3["is_new"], p3["is_gone"], p3["project_name"]) == (True, False, "Gamma")
    assert np.isnan(p3["bac_change"]) and pd.isna(p3["health_trend"])
    assert (p4["is_new"], p4["is_gone"], p4["project_name"], p4["bac_previous"]) == (False, True, "Delta", 50.0)
    assert np.isnan(p4["bac"])


def test_changes_per_portfolio_total():
    tables, previous_tables = _tables(), _previous_tables()
    now = portfolio_totals(project_indicators(tables, AS_OF), tables, AS_OF, by="portfolio")
    before = portfolio_totals(
        project_indicators(previous_tables, "2026-01-20"), previous_tables, "2026-01-20", by="portfolio"
    )
    delta = changes(now, before, keys=["portfolio"], figures=TOTAL_FIGURES)
    infra = delta[delta["portfolio"] == "Infra"].iloc[0]
    # ac: (110 + 200) -> (230 + 200); red projects: P1 amber, P2 red (cpi 120/200 = 0.6) -> both red.
    assert (infra["ac_previous"], infra["ac"], infra["ac_change"]) == (310.0, 430.0, 120.0)
    assert (infra["health_red_previous"], infra["health_red"], infra["health_red_change"]) == (1.0, 2.0, 1.0)
    assert "health_overall" not in delta.columns
    assert delta.loc[delta["portfolio"].isna(), "is_new"].tolist() == [True]  # P3 has no portfolio
    assert delta.loc[delta["portfolio"] == "Legacy", "is_gone"].tolist() == [True]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-03-31", dt.date(2026, 2, 28)),
        ("2026-03-15", dt.date(2026, 2, 28)),
        ("2026-02-28", dt.date(2026, 1, 31)),
        ("2026-01-31", None),  # one snapshot only: nothing to compare with
        ("2025-12-31", None),
    ],
)
def test_previous_snapshot(as_of, expected):
    dates = [dt.date(2026, 1, 31), dt.date(2026, 3, 31), dt.date(2026, 2, 28)]
    assert previous_snapshot(dates, as_of) == expected


def test_empty_tables_give_an_empty_frame_with_every_column():
    frame = project_indicators({"projects": contract_frame("projects", [])}, AS_OF)
    assert frame.empty and list(frame.columns) == INDICATOR_COLUMNS

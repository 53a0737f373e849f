"""dashboard.py: filters, KPIs and their change, over-allocated people, trends over snapshots. Tiny tables, hand numbers."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics import dashboard


def _tables() -> dict[str, pd.DataFrame]:
    """Two projects in two portfolios; Ann works on both, Bob on P2 only, Cy on nothing."""
    return {
        "projects": contract_frame(
            "projects",
            [
                {
                    "project_id": "P1",
                    "project_name": "Alpha",
                    "portfolio": "A",
                    "budget": 1000.0,
                    "start_date": pd.Timestamp("2026-01-01"),
                    "planned_finish_date": pd.Timestamp("2026-04-30"),
                },
                {
                    "project_id": "P2",
                    "project_name": "Beta",
                    "portfolio": "B",
                    "budget": 3000.0,
                    "start_date": pd.Timestamp("2026-01-01"),
                    "planned_finish_date": pd.Timestamp("2026-06-30"),
                },
            ],
        ),
        "cost_periods": contract_frame(
            "cost_periods",
            [
                # P1: pv 250 a month Jan-Apr; through February ev 400, ac 500.
                *(
                    {"project_id": "P1", "period_date": pd.Timestamp(f"2026-0{m}-01"), "planned_value": 250.0}
                    for m in (1, 2, 3, 4)
                ),
                # P2: pv 500 a month Jan-Jun; through February ev 1000, ac 800.
                *(
                    {"project_id": "P2", "period_date": pd.Timestamp(f"2026-0{m}-01"), "planned_value": 500.0}
                    for m in range(1, 7)
                ),
            ],
        ).assign(
            earned_value=[200.0, 200.0, None, None, 500.0, 500.0, None, None, None, None],
            actual_cost=[250.0, 250.0, None, None, 400.0, 400.0, None, None, None, None],
        ),
        "milestones": contract_frame("milestones", []),
        "risks": contract_frame(
            "risks",
            [
                {"risk_id": "R1", "project_id": "P1", "title": "Late supplier"},
                {"risk_id": "R2", "project_id": "P2", "title": "Scope"},
            ],
        ),
        "issues": contract_frame("issues", []),
        "people": contract_frame("people", [{"person_name": n, "weekly_hours": 40.0} for n in ("Ann", "Bob", "Cy")]),
        "allocations": contract_frame(
            "allocations",
            [
                {"person_name": "Ann", "project_id": "P1", "period_date": pd.Timestamp("2026-03-01"), "hours": 100.0},
                {"person_name": "Ann", "project_id": "P2", "period_date": pd.Timestamp("2026-03-01"), "hours": 100.0},
                {"person_name": "Bob", "project_id": "P2", "period_date": pd.Timestamp("2026-03-01"), "hours": 50.0},
            ],
        ),
    }


def test_filter_keeps_the_projects_their_rows_and_the_whole_load_of_their_people():
    out = dashboard.filter_tables(_tables(), {"portfolio": ["A"], "department": []})
    assert out["projects"]["project_id"].tolist() == ["P1"]
    assert out["risks"]["risk_id"].tolist() == ["R1"]
    assert set(out["cost_periods"]["project_id"]) == {"P1"}
    # Ann works on P1, so she is kept with all her allocations (P2's too): her load is about her, not one portfolio.
    assert out["people"]["person_name"].tolist() == ["Ann"]
    assert out["allocations"]["project_id"].tolist() == ["P1", "P2"]


def test_no_filter_keeps_everything():
    tables = _tables()
    out = dashboard.filter_tables(tables, {"portfolio": []})
    assert {k: len(v) for k, v in out.items()} == {k: len(v) for k, v in tables.items()}


def test_filter_options_are_sorted_distinct_values():
    assert dashboard.filter_options(_tables()["projects"])["portfolio"] == ["A", "B"]


def test_over_allocated_people_in_the_coming_months():
    # March 2026 has 22 working days: 40 h a week = 8 h a day -> 176 h available.
    # Ann has 100 + 100 = 200 h: 200 / 176 = 1.136364, over; Bob 50 h is not.
    over = dashboard.over_allocated_people(_tables(), dt.date(2026, 3, 15), months=3)
    assert over["person_name"].tolist() == ["Ann"]
    assert over["months_over"].tolist() == [1]
    assert over["worst_utilisation"].iloc[0] == pytest.approx(200 / 176)


def test_kpis_and_their_change():
    tables = _tables()
    summary = dashboard.snapshot_summary(tables, dt.date(2026, 2, 28))
    kpis = summary["kpis"]
    # Through February: ev 400 + 1000 = 1400, ac 500 + 800 = 1300 -> portfolio cpi 1400/1300 (a ratio of sums,
    # not the mean of 0.8 and 1.25).
    assert kpis["projects"] == 2
    assert kpis["bac"] == 4000.0
    assert kpis["ac"] == 1300.0
    assert kpis["cpi"] == pytest.approx(1400 / 1300)
    deltas = dashboard.kpi_deltas(kpis, {**kpis, "projects": 1.0, "cpi": float("nan")})
    assert deltas["projects"] == 1.0
    assert deltas["cpi"] is None  # unknown before: no change to show
    assert deltas["bac"] == 0.0
    assert set(dashboard.kpi_deltas(kpis, None).values()) == {None}


def test_trends_over_two_snapshots():
    tables = _tables()
    projects, portfolio = dashboard.trends([(dt.date(2026, 1, 31), tables), (dt.date(2026, 2, 28), tables)])
    assert len(projects) == 4  # 2 projects x 2 snapshots
    assert projects["as_of"].dt.date.unique().tolist() == [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]
    # January: ev 200 + 500 = 700, ac 250 + 400 = 650; February: 1400 / 1300.
    assert portfolio["cpi"].tolist() == pytest.approx([700 / 650, 1400 / 1300])
    empty_projects, empty_portfolio = dashboard.trends([])
    assert empty_projects.empty and empty_portfolio.empty
    assert not math.isnan(portfolio["bac"].iloc[0])


def test_summary_and_trends_from_figures_computed_once():
    tables = _tables()
    jan, feb = dt.date(2026, 1, 31), dt.date(2026, 2, 28)
    figures = {day: dashboard.snapshot_figures(tables, day) for day in (jan, feb)}
    indicators, totals = figures[feb]
    assert totals["cpi"].iloc[0] == pytest.approx(1400 / 1300)  # as in test_kpis_and_their_change
    # The summary takes the figures given, not its own: given P1's row alone, it counts 1 project.
    only_p1 = indicators[indicators["project_id"] == "P1"]
    summary = dashboard.snapshot_summary(tables, feb, figures=(only_p1, totals))
    assert summary["kpis"]["projects"] == 1.0
    assert summary["indicators"] is only_p1
    # The trend from figures: one row per project per date, the portfolio cpi of each date (700/650, 1400/1300).
    projects, portfolio = dashboard.trends_from_figures([(day, *figures[day]) for day in (jan, feb)])
    assert projects["project_id"].tolist() == ["P1", "P2", "P1", "P2"]
    assert projects["cpi"].tolist() == pytest.approx([200 / 250, 500 / 400, 400 / 500, 1000 / 800])
    assert portfolio["cpi"].tolist() == pytest.approx([700 / 650, 1400 / 1300])
    assert portfolio["as_of"].tolist() == [pd.Timestamp(jan), pd.Timestamp(feb)]
    empty_projects, empty_portfolio = dashboard.trends_from_figures([])
    assert empty_projects.columns.tolist() == dashboard.HISTORY_COLUMNS and empty_portfolio.empty

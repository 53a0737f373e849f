"""The schedule and budget pages' data functions on tiny tables, every expected number worked out in a comment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.indicators.portfolio import portfolio_totals, project_indicators
from pmo_analytics.indicators.schedule import milestone_trend
from pmo_analytics.views import budget, schedule

AS_OF = pd.Timestamp("2026-03-15")


# --- schedule ------------------------------------------------------------------------------------------


def _projects() -> pd.DataFrame:
    return contract_frame(
        "projects",
        [
            {
                "project_id": "P1",
                "project_name": "Archief",
                "start_date": "2026-01-01",
                "planned_finish_date": "2026-06-30",
            },
            {
                "project_id": "P2",
                "project_name": "Balie",
                "start_date": "2026-01-01",
                "planned_finish_date": "2026-12-31",
            },
        ],
    )


def _milestones(forecast_m2: str = "2026-04-20") -> pd.DataFrame:
    return contract_frame(
        "milestones",
        [
            # done 5 days after its baseline: "Done late", slip 5
            {"project_id": "P1", "milestone_id": "1", "milestone_name": "Design", "baseline_date": "2026-02-01",
             "forecast_date": "2026-02-06", "actual_date": "2026-02-06"},
            # open, forecast 20 days after the baseline, not yet due (baseline 1 Apr > as of 15 Mar): "Slipping"
            {"project_id": "P1", "milestone_id": "2", "milestone_name": "Build", "baseline_date": "2026-04-01",
             "forecast_date": forecast_m2},
            # open, baseline 1 Mar passed on 15 Mar: "Overdue"; forecast 10 Mar -> slip 9 days
            {"project_id": "P2", "milestone_id": "3", "milestone_name": "Tender", "baseline_date": "2026-03-01",
             "forecast_date": "2026-03-10"},
            # open, on its baseline: "On plan"
            {"project_id": "P2", "milestone_id": "4", "milestone_name": "Go live", "baseline_date": "2026-12-01",
             "forecast_date": "2026-12-01"},
        ],
    )  # fmt: skip


def test_milestone_changes_states_slips_and_movement_since_the_previous_snapshot():
    previous = _milestones(forecast_m2="2026-04-13")  # "Build" was forecast a week earlier last month
    changes = schedule.milestone_changes({"projects": _projects(), "milestones": _milestones()}, AS_OF, previous)
    assert changes["state"].tolist() == ["Done late", "Slipping", "Overdue", "On plan"]
    # slip = (actual, else forecast) - baseline: 6 Feb - 1 Feb = 5; 20 Apr - 1 Apr = 19; 10 Mar - 1 Mar = 9; 0
    assert changes["slip_days"].tolist() == [5.0, 19.0, 9.0, 0.0]
    # "Build" moved from 13 Apr to 20 Apr: +7; the others held their dates
    assert changes["slip_since_days"].tolist() == [0.0, 7.0, 0.0, 0.0]
    assert changes["project_name"].tolist() == ["Archief", "Archief", "Balie", "Balie"]
    assert changes["notes"].tolist() == ["", "", "", ""]


def test_without_a_previous_snapshot_the_movement_is_undefined_and_says_why():
    changes = schedule.milestone_changes({"projects": _projects(), "milestones": _milestones()}, AS_OF)
    assert changes["slip_since_days"].isna().all()
    assert set(changes["notes"]) == {"no previous snapshot"}


def test_a_milestone_without_a_baseline_has_no_slip_and_a_note():
    milestones = contract_frame(
        "milestones", [{"project_id": "P1", "milestone_name": "Kick-off", "forecast_date": "2026-05-01"}]
    )
    changes = schedule.milestone_changes({"projects": _projects(), "milestones": milestones}, AS_OF, milestones)
    assert math.isnan(changes["slip_days"].iloc[0])
    assert changes["notes"].iloc[0] == "no baseline date"
    assert changes["slip_since_days"].iloc[0] == 0.0  # matched on project + name, same date


@pytest.mark.parametrize(
    ("include_done", "expected"),
    [
        (False, ["Tender", "Build"]),  # overdue first, then slipping
        (True, ["Tender", "Build", "Design"]),  # done late last
    ],
)
def test_the_watchlist_keeps_late_and_slipping_milestones_overdue_first(include_done, expected):
    changes = schedule.milestone_changes({"projects": _projects(), "milestones": _milestones()}, AS_OF)
    watchlist = schedule.milestone_watchlist(changes, include_done=include_done)
    assert watchlist["milestone_name"].tolist() == expected


def test_the_watchlist_puts_the_larger_slip_first_within_a_state():
    milestones = contract_frame(
        "milestones",
        [
            {"project_id": "P1", "milestone_name": "A", "baseline_date": "2026-05-01", "forecast_date": "2026-05-03"},
            {"project_id": "P2", "milestone_name": "B", "baseline_date": "2026-05-01", "forecast_date": "2026-05-31"},
        ],
    )
    changes = schedule.milestone_changes({"projects": _projects(), "milestones": milestones}, AS_OF)
    assert schedule.milestone_watchlist(changes)["milestone_name"].tolist() == ["B", "A"]  # 30 days before 2


def test_schedule_headline_counts():
    previous = _milestones(forecast_m2="2026-04-13")
    changes = schedule.milestone_changes({"projects": _projects(), "milestones": _milestones()}, AS_OF, previous)
    indicators = pd.DataFrame(
        {
            "finish_slip_days": [10.0, -4.0, 30.0, np.nan],
            "actual_finish_date": pd.to_datetime([None, None, "2026-02-01", None]),
        }
    )
    headline = schedule.schedule_headline(indicators, changes)
    assert headline == {
        "projects_finishing_late": 1.0,  # the 30-day one has finished; -4 is early
        "average_finish_slip_days": 12.0,  # (10 - 4 + 30) / 3
        "milestones_overdue": 1.0,  # Tender
        "milestones_slipping": 1.0,  # Build (Tender slips too, but it is overdue: counted once, as overdue)
        "milestones_moved_later": 1.0,  # Build, +7
    }


def test_projects_without_finish_are_those_with_neither_an_actual_nor_the_chosen_forecast():
    indicators = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3"],
            "project_name": ["Archief", "Balie", "Cloud"],
            "actual_finish_date": pd.to_datetime(["2026-02-01", None, None]),
            "reported_forecast_finish_date": pd.to_datetime([None, "2026-09-01", None]),
            "forecast_finish_date": pd.to_datetime([None, None, "2026-10-01"]),
        }
    )
    reported = schedule.projects_without_finish(indicators, "reported_forecast_finish_date")
    assert reported["project_id"].tolist() == ["P3"]
    earned = schedule.projects_without_finish(indicators, "forecast_finish_date")
    assert earned["project_id"].tolist() == ["P2"]


def _trend() -> pd.DataFrame:
    january = contract_frame(
        "milestones",
        [
            {"project_id": "P1", "milestone_id": "1", "milestone_name": "Build", "baseline_date": "2026-04-01",
             "forecast_date": "2026-04-01"},
            {"project_id": "P1", "milestone_id": "2", "milestone_name": "Design", "baseline_date": "2025-12-01",
             "actual_date": "2025-12-05"},
            {"project_id": "P2", "milestone_id": "3", "milestone_name": "Tender", "baseline_date": "2026-03-01",
             "forecast_date": "2026-03-01"},
        ],
    )  # fmt: skip
    february = january.assign(forecast_date=pd.to_datetime(["2026-04-11", None, "2026-03-04"]))
    march = january.assign(forecast_date=pd.to_datetime(["2026-04-21", None, "2026-02-27"]))
    return milestone_trend([("2026-01-31", january), ("2026-02-28", february), ("2026-03-31", march)])


def test_mta_slip_by_project_sums_each_milestones_movement_from_first_to_last_report():
    slip = schedule.mta_slip_by_project(_trend())
    # P1: Build 1 Apr -> 21 Apr = 20, Design done 5 Dec throughout = 0 -> 20; P2: Tender 1 Mar -> 27 Feb = -2
    assert slip.to_dict("list") == {"project_id": ["P1", "P2"], "milestones": [2, 1], "slip_days": [20.0, -2.0]}


def test_mta_slip_of_no_trend_is_empty():
    assert schedule.mta_slip_by_project(milestone_trend([])).empty


def test_project_mta_leaves_out_milestones_done_before_the_first_report():
    rows = schedule.project_mta(_trend(), "P1")
    assert set(rows["milestone_name"]) == {"Build"}  # Design was done on 5 Dec, before the 31 Jan report
    assert rows["forecast_date"].tolist() == [pd.Timestamp(d) for d in ("2026-04-01", "2026-04-11", "2026-04-21")]
    assert schedule.project_mta(_trend(), "P9").empty


def test_mta_choices_label_projects_in_slip_order():
    slip = schedule.mta_slip_by_project(_trend())
    indicators = pd.DataFrame({"project_id": ["P2"], "project_name": ["Balie"]})
    assert schedule.mta_choices(slip, indicators) == {
        "P1": "P1 · dates moved +20 days",  # no longer in the indicators: named by its id
        "P2": "Balie (P2) · dates moved -2 days",
    }


def test_mta_projects_labels_from_the_last_snapshots_projects():
    # _trend()'s three reports as whole snapshots; the last one names P1 only ("Archief").
    months = {"2026-01-31": ("2026-04-01", "2026-03-01"), "2026-02-28": ("2026-04-11", "2026-03-04"),
              "2026-03-31": ("2026-04-21", "2026-02-27")}  # fmt: skip
    snapshots = []
    for as_of, (build, tender) in months.items():
        milestones = contract_frame(
            "milestones",
            [{"project_id": "P1", "milestone_id": "1", "milestone_name": "Build", "baseline_date": "2026-04-01",
              "forecast_date": build},
             {"project_id": "P2", "milestone_id": "3", "milestone_name": "Tender", "baseline_date": "2026-03-01",
              "forecast_date": tender}],
        )  # fmt: skip
        projects = contract_frame("projects", [{"project_id": "P1", "project_name": "Archief"}])
        snapshots.append((pd.Timestamp(as_of), {"projects": projects, "milestones": milestones}))
    # P1: Build 1 Apr -> 21 Apr = +20 days; P2: Tender 1 Mar -> 27 Feb = -2 days, not in the last register
    assert schedule.mta_projects(snapshots) == {
        "P1": "Archief (P1) · dates moved +20 days",
        "P2": "P2 · dates moved -2 days",
    }
    assert schedule.mta_projects([]) == {}


# --- budget --------------------------------------------------------------------------------------------


def _budget_tables() -> dict[str, pd.DataFrame]:
    projects = contract_frame(
        "projects",
        [
            {"project_id": "A", "project_name": "Archief", "portfolio": "Beheer", "budget": 300.0,
             "start_date": "2026-01-01", "planned_finish_date": "2026-03-31"},
            # no cost periods: pv spread linearly over Jan-Apr 2026 (120 days: 31, 28, 31, 30 -> 31 x 400/120 ...)
            {"project_id": "B", "project_name": "Balie", "portfolio": "Beheer", "budget": 120.0,
             "start_date": "2026-01-01", "planned_finish_date": "2026-04-30", "percent_complete": 50.0,
             "actual_cost": 70.0},
        ],
    )  # fmt: skip
    cost = contract_frame(
        "cost_periods",
        [
            {"project_id": "A", "period_date": "2026-01-01", "planned_value": 100.0, "actual_cost": 110.0,
             "earned_value": 90.0},
            {"project_id": "A", "period_date": "2026-02-01", "planned_value": 100.0, "actual_cost": 100.0,
             "earned_value": 100.0},
            {"project_id": "A", "period_date": "2026-03-01", "planned_value": 100.0, "actual_cost": 50.0,
             "earned_value": 60.0},
        ],
    )  # fmt: skip
    return {"projects": projects, "cost_periods": cost}


def test_s_curve_data_accumulates_pv_over_the_plan_and_ev_ac_through_the_as_of_month():
    curves = budget.s_curve_data(_budget_tables(), pd.Timestamp("2026-02-10"))
    assert curves["period_end_date"].tolist() == [pd.Timestamp(d) for d in ("2026-01-31", "2026-02-28",
                                                                             "2026-03-31", "2026-04-30")]  # fmt: skip
    # B's 120 over 1 Jan-30 Apr (120 days): 31, 28, 31, 30 per month; A 100 per month through March.
    assert curves["pv"].tolist() == pytest.approx([131.0, 259.0, 390.0, 420.0])
    # A's ev month by month (90, 100); B's 50% x 120 = 60 and its 70 of actual cost enter in February.
    assert curves["ev"].tolist()[:2] == pytest.approx([90.0, 250.0])
    assert curves["ac"].tolist()[:2] == pytest.approx([110.0, 280.0])
    assert curves[["ev", "ac"]].iloc[2:].isna().all().all()  # nothing is earned or spent after February yet


def test_s_curve_as_of_point_equals_the_indicators_sums():
    tables = _budget_tables()
    as_of = pd.Timestamp("2026-03-31")
    indicators = project_indicators(tables, as_of)
    at_as_of = budget.s_curve_data(tables, as_of).set_index("period_end_date").loc[as_of]
    assert at_as_of["ev"] == pytest.approx(indicators["ev"].sum())  # 250 + 60 = 310
    assert at_as_of["ac"] == pytest.approx(indicators["ac"].sum())  # 260 + 70 = 330


def test_s_curve_of_one_project_and_of_none():
    one = budget.s_curve_data(_budget_tables(), pd.Timestamp("2026-02-10"), project_ids=("A",))
    assert one["pv"].tolist() == pytest.approx([100.0, 200.0, 300.0])
    assert one["ac"].tolist()[:2] == pytest.approx([110.0, 210.0])
    empty = budget.s_curve_data(_budget_tables(), pd.Timestamp("2026-02-10"), project_ids=("Z",))
    assert empty.empty and list(empty.columns) == budget.CURVE_COLUMNS


def test_curve_notes_name_the_projects_that_enter_in_the_as_of_month():
    indicators = project_indicators(_budget_tables(), pd.Timestamp("2026-02-10"))
    assert budget.curve_notes(indicators, "A") == []
    notes = budget.curve_notes(indicators)
    assert notes[0].startswith("1 project reports progress as percent complete only")
    assert notes[1].startswith("1 project gives one actual cost total")
    assert budget.curve_notes(indicators, "B")[0].startswith("This project reports")


def _indicators() -> tuple[pd.DataFrame, pd.DataFrame]:
    tables = _budget_tables()
    indicators = project_indicators(tables, pd.Timestamp("2026-02-10"))
    return indicators, portfolio_totals(indicators, tables, pd.Timestamp("2026-02-10"))


def test_selection_figures_of_the_view_are_the_totals_and_of_a_project_its_row():
    indicators, totals = _indicators()
    whole = budget.selection_figures(indicators, totals)
    # bac 300 + 120; ev 190 + 60 = 250; ac 210 + 70 = 280; cpi = 250 / 280 (ratio of sums)
    assert (whole["bac"], whole["ev"], whole["ac"]) == (420.0, 250.0, 280.0)
    assert whole["cpi"] == pytest.approx(250.0 / 280.0)
    project = budget.selection_figures(indicators, totals, "A")
    assert project["cpi"] == pytest.approx(190.0 / 210.0)
    assert project["eac"] == pytest.approx(300.0 / (190.0 / 210.0))
    unknown = budget.selection_figures(indicators, totals, "Z")
    assert math.isnan(unknown["bac"]) and unknown["forecast_finish_date"] is None


def test_selection_cards_show_the_change_and_why_a_figure_is_undefined():
    current = {name: float("nan") for name in budget.SELECTION_FIGURES} | {
        "cpi": 0.93,
        "bac": 1_200_000.0,
        "tcpi": 1.101,
    }
    current["reasons"] = {"eac": "eac undefined: cpi undefined", "cpi": "never shown: cpi is defined"}
    previous = {name: float("nan") for name in budget.SELECTION_FIGURES} | {
        "cpi": 0.95,
        "bac": 1_000_000.0,
        "tcpi": 1.1,
    }
    cards = {card.key: card for card in budget.selection_cards(current, previous)}
    assert (cards["cpi"].value, cards["cpi"].delta, cards["cpi"].help) == ("0.93", "-0.02", None)
    assert (cards["bac"].value, cards["bac"].delta) == ("€ 1.2 M", "+€ 200.0 k")
    assert (cards["eac"].value, cards["eac"].delta, cards["eac"].help) == ("—", None, "eac undefined: cpi undefined")
    assert (cards["tcpi"].value, cards["tcpi"].delta) == ("1.10", None)  # +0.001 reads "0.00": no change to show
    assert all(card.delta is None for card in budget.selection_cards(current))


def test_performance_history_of_the_view_or_one_project():
    project_history = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2026-02-28", "2026-01-31", "2026-02-28"]),
            "project_id": ["A", "A", "B"],
            "cpi": [0.9, 0.8, 1.1],
            "spi_t": [1.0, 0.95, 1.2],
        }
    )
    portfolio_history = pd.DataFrame({"as_of": pd.to_datetime(["2026-01-31"]), "cpi": [0.85], "spi_t": [0.97]})
    one = budget.performance_history(project_history, portfolio_history, "A")
    assert one["cpi"].tolist() == [0.8, 0.9]  # oldest first
    assert budget.performance_history(project_history, portfolio_history)["cpi"].tolist() == [0.85]


@pytest.mark.parametrize(
    ("order", "limit", "expected"),
    [
        ("overrun", None, ["C", "A", "B"]),  # vac -50, -10, then B's undefined vac last
        ("budget", None, ["B", "A", "C"]),  # bac 500, 300, 100
        ("name", None, ["B", "C", "A"]),  # casefolded: balie < cloud < zarchief
        ("budget", 2, ["B", "A"]),
    ],
)
def test_budget_ranking(order, limit, expected):
    indicators = pd.DataFrame(
        {
            "project_id": ["A", "B", "C"],
            "project_name": ["zArchief", "Balie", "Cloud"],
            "bac": [300.0, 500.0, 100.0],
            "ac": [100.0, 50.0, 90.0],
            "eac": [310.0, np.nan, 150.0],
            "vac": [-10.0, np.nan, -50.0],
        }
    )
    assert budget.budget_ranking(indicators, order, limit)["project_id"].tolist() == expected


def test_budget_ranking_refuses_an_unknown_order():
    with pytest.raises(ValueError, match="unknown order"):
        budget.budget_ranking(pd.DataFrame(columns=["project_id", "project_name", "bac", "ac", "eac", "vac"]), "size")


def test_variance_table_in_thousands_with_notes_worst_cost_variance_first():
    tables = _budget_tables()
    tables["projects"] = pd.concat(
        [
            tables["projects"],
            contract_frame("projects", [{"project_id": "C", "project_name": "Cloud", "budget": 50.0}]),
        ],
        ignore_index=True,
    )
    indicators = project_indicators(tables, pd.Timestamp("2026-02-10"))
    table = budget.variance_table(indicators, per=1_000)
    assert list(table.columns) == budget.VARIANCE_COLUMNS
    # cv: A 190 - 210 = -20, B 60 - 70 = -10; C has no ev or ac: undefined, last
    assert table["project_id"].tolist() == ["A", "B", "C"]
    assert table["cv"].tolist()[:2] == pytest.approx([-0.020, -0.010])
    assert table["bac"].tolist() == pytest.approx([0.3, 0.12, 0.05])
    assert table["cpi"].iloc[0] == pytest.approx(190.0 / 210.0)  # ratios are not scaled
    assert table["notes"].iloc[0] == ""
    assert "cpi undefined" in table["notes"].iloc[2]
    assert "tspi" not in table["notes"].iloc[2]  # only the table's own figures are explained


def test_project_choices_are_ordered_by_name():
    indicators = pd.DataFrame({"project_id": ["2", "1", "3"], "project_name": ["balie", "Cloud", None]})
    # a project without a name is labelled by its id, and sorted by it ("3" < "balie" < "cloud")
    assert budget.project_choices(indicators) == {"3": "3", "2": "balie (2)", "1": "Cloud (1)"}

"""The Risks & issues and Resources pages' data (pmo_analytics/views/risks.py, resources.py) on tiny tables
worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.charts.resources import NO_TEAM
from pmo_analytics.views import resources, risks

AS_OF = dt.date(2026, 10, 31)

PROJECTS = contract_frame(
    "projects",
    [{"project_id": "P1", "project_name": "Alpha"}, {"project_id": "P2", "project_name": "Beta"}],
)
RISKS = contract_frame(
    "risks",
    [
        # level 4 x 5 = 20 (High); 0.7 x 100,000 = 70,000
        {"risk_id": "R1", "project_id": "P1", "title": "Supplier late", "probability_level": 4, "impact_level": 5,
         "impact_amount": 100_000.0, "status": "open"},
        # 0.75 -> level 4; 4 x 5 = 20; 0.75 x 200,000 = 150,000
        {"risk_id": "R2", "project_id": "P2", "title": "Key person leaves", "probability": 0.75, "impact_level": 5,
         "impact_amount": 200_000.0, "status": "open"},
        # 1 x 2 = 2 (Low); 0.1 x 10,000 = 1,000
        {"risk_id": "R3", "project_id": "P1", "title": "Printer jam", "probability_level": 1, "impact_level": 2,
         "impact_amount": 10_000.0, "status": "open"},
        # closed: on no figure
        {"risk_id": "R4", "project_id": "P2", "title": "Old news", "probability_level": 5, "impact_level": 5,
         "impact_amount": 1_000_000.0, "status": "closed"},
        # a project outside the register (filtered out): no name; 3 x 3 = 9, no amount
        {"risk_id": "R5", "project_id": "P9", "title": "Unknown owner", "probability_level": 3, "impact_level": 3,
         "status": "open"},
    ],
)  # fmt: skip
ISSUES = contract_frame(
    "issues",
    [
        {"issue_id": "I1", "project_id": "P1", "title": "Late delivery", "priority": "Hoog", "status": "open",
         "raised_date": "2026-10-01"},  # 30 days old
        {"issue_id": "I2", "project_id": "P1", "title": "Licence", "priority": "Laag", "status": "open",
         "raised_date": "2026-09-01"},  # 60 days old
        {"issue_id": "I3", "project_id": "P2", "title": "Fixed", "priority": "Hoog", "status": "closed",
         "raised_date": "2026-08-01", "resolved_date": "2026-08-15"},
    ],
)  # fmt: skip
TABLES = {"projects": PROJECTS, "risks": RISKS, "issues": ISSUES}


# --- risks -----------------------------------------------------------------------------------------------------


def test_matrix_cells_list_the_occupied_cells_highest_score_first():
    cells = risks.matrix_cells(risks.matrix(TABLES, AS_OF))
    # R1 and R2 share (4, 5); R5 is (3, 3) = 9 (Medium, >= 8); R3 is (1, 2); the closed R4 is nowhere.
    expected = pd.DataFrame(
        {
            "probability_level": [4, 3, 1],
            "impact_level": [5, 3, 2],
            "open_risks": [2, 1, 1],
            "score": [20, 9, 2],
            "zone": ["High", "Medium", "Low"],
            "label": [
                "Probability 4 x impact 5 · score 20 (High) · 2 risks",
                "Probability 3 x impact 3 · score 9 (Medium) · 1 risk",
                "Probability 1 x impact 2 · score 2 (Low) · 1 risk",
            ],
        }
    ).astype({"zone": "str", "label": "str"})
    pd.testing.assert_frame_equal(cells, expected, check_dtype=False)


def test_cell_risks_are_the_open_risks_of_the_cell_largest_expected_value_first():
    rows = risks.cell_risks(TABLES, AS_OF, probability_level=4, impact_level=5)
    # R2 150,000 before R1 70,000; the names come from the register.
    assert rows["risk_id"].tolist() == ["R2", "R1"]
    assert rows["project_name"].tolist() == ["Beta", "Alpha"]
    assert rows["expected_value"].tolist() == pytest.approx([150_000.0, 70_000.0])
    assert risks.cell_risks(TABLES, AS_OF, probability_level=5, impact_level=5).empty  # only the closed R4 is there


def test_ranked_risks_by_score_and_by_expected_value():
    by_score = risks.ranked_risks(TABLES, AS_OF, by="score", n=3)
    # scores 20, 20 (tie broken by expected value: R2 150,000 first), 9
    assert by_score["risk_id"].tolist() == ["R2", "R1", "R5"]
    by_value = risks.ranked_risks(TABLES, AS_OF, by="expected_value", n=10)
    # 150,000, 70,000, 1,000, then R5 without a value last
    assert by_value["risk_id"].tolist() == ["R2", "R1", "R3", "R5"]
    assert by_value["project_name"].isna().tolist() == [False, False, False, True]


def test_exposure_by_project_largest_first_with_names():
    exposure = risks.exposure_by_project(TABLES, AS_OF)
    # P2 150,000 (R4 closed); P1 70,000 + 1,000 = 71,000; P9 has an open risk but no value: NaN, last.
    assert exposure["project_id"].tolist() == ["P2", "P1", "P9"]
    assert exposure["project_name"].iloc[:2].tolist() == ["Beta", "Alpha"]
    np.testing.assert_allclose(exposure["risk_exposure"], [150_000.0, 71_000.0, np.nan])
    assert exposure["open_risks"].tolist() == [1, 2, 1]


def test_open_issues_oldest_first_and_by_priority():
    listed = risks.open_issue_list(TABLES, AS_OF)
    assert listed["issue_id"].tolist() == ["I2", "I1"]  # 60 days, then 30 days; I3 is closed
    assert listed["age_days"].tolist() == [60.0, 30.0]
    assert listed["project_name"].tolist() == ["Alpha", "Alpha"]
    per_priority = risks.issues_by_project(TABLES, AS_OF)
    assert per_priority[["project_id", "project_name", "priority", "open_issues"]].values.tolist() == [
        ["P1", "Alpha", "Hoog", 1],
        ["P1", "Alpha", "Laag", 1],
    ]


def test_with_project_names_keeps_rows_and_puts_the_name_after_the_id():
    frame = pd.DataFrame({"risk_id": ["R1", "R2"], "project_id": ["P9", "P1"], "score": [4, 6]})
    named = risks.with_project_names(frame, PROJECTS)
    assert named.columns.tolist() == ["risk_id", "project_id", "project_name", "score"]
    assert named["project_name"].isna().tolist() == [True, False]
    assert named["project_name"].iloc[1] == "Alpha"


def test_risk_trend_counts_and_sums_each_snapshot():
    earlier = RISKS[RISKS["risk_id"].isin(["R1", "R4"])]
    trend = risks.risk_trend([(dt.date(2026, 9, 30), earlier), (AS_OF, RISKS)])
    # 30 Sep: only R1 open (R4 closed): 1 open, 1 high (20 >= 15), exposure 70,000.
    # 31 Oct: R1, R2, R3, R5 open; high R1 and R2; exposure 70,000 + 150,000 + 1,000 = 221,000 (R5 has no value).
    expected = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2026-09-30", "2026-10-31"]).astype("datetime64[ns]"),
            "open_risks": [1, 4],
            "open_high_risks": [1, 2],
            "risk_exposure": [70_000.0, 221_000.0],
        }
    )
    pd.testing.assert_frame_equal(trend, expected)


def test_risk_trend_of_snapshots_without_risks_is_zero():
    empty = RISKS.iloc[:0]
    trend = risks.risk_trend([(AS_OF, empty)])
    assert trend[["open_risks", "open_high_risks", "risk_exposure"]].values.tolist() == [[0, 0, 0.0]]


def test_risk_trend_figure_draws_the_counts_and_the_exposure():
    trend = risks.risk_trend([(dt.date(2026, 9, 30), RISKS[RISKS["risk_id"] == "R1"]), (AS_OF, RISKS)])
    figure = risks.risk_trend_figure(trend)
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name["Open risks"].y) == [1, 4]
    assert list(by_name["Open high risks (score >= 15)"].y) == [1, 2]
    assert list(by_name["Total exposure (€)"].y) == [70_000.0, 221_000.0]


def test_risk_page_bundles_the_page_frames():
    data = risks.risk_page(TABLES, AS_OF, top=2)
    assert data["top_by_score"]["risk_id"].tolist() == ["R2", "R1"]
    assert data["top_by_expected_value"]["risk_id"].tolist() == ["R2", "R1"]
    assert data["top_table"]["risk_id"].tolist() == ["R2", "R1", "R5", "R3"]
    assert int(data["matrix"].loc[4, 5]) == 2
    assert data["open_issues"]["issue_id"].tolist() == ["I2", "I1"]


def test_risk_page_without_risk_or_issue_tables():
    data = risks.risk_page({"projects": PROJECTS}, AS_OF)
    assert int(data["matrix"].to_numpy().sum()) == 0
    assert data["exposure"].empty and data["open_issues"].empty


# --- resources -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "period", "periods", "window"),
    [
        # Saturday 31 Oct 2026 -> Monday 26 Oct; 26 weeks -> Sunday 25 Apr 2027
        (AS_OF, "week", None, (dt.date(2026, 10, 26), dt.date(2027, 4, 25))),
        (AS_OF, "month", None, (dt.date(2026, 10, 1), dt.date(2027, 9, 30))),
        (AS_OF, "quarter", None, (dt.date(2026, 10, 1), dt.date(2027, 9, 30))),  # Q4 2026 .. Q3 2027
        (dt.date(2026, 5, 10), "quarter", None, (dt.date(2026, 4, 1), dt.date(2027, 3, 31))),
        (dt.date(2026, 12, 5), "month", 2, (dt.date(2026, 12, 1), dt.date(2027, 1, 31))),  # across the year
        (dt.date(2026, 3, 31), "week", 52, (dt.date(2026, 3, 30), dt.date(2027, 3, 28))),  # the command line's
    ],
)
def test_resource_window(as_of, period, periods, window):
    assert resources.resource_window(as_of, period, periods) == window


def test_resource_window_rejects_an_unknown_period():
    with pytest.raises(ValueError, match="period"):
        resources.resource_window(AS_OF, "year")


@pytest.mark.parametrize(
    ("as_of", "month"),
    [
        (AS_OF, (dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
        (dt.date(2026, 12, 15), (dt.date(2027, 1, 1), dt.date(2027, 1, 31))),
        (dt.date(2027, 1, 31), (dt.date(2027, 2, 1), dt.date(2027, 2, 28))),
    ],
)
def test_next_month(as_of, month):
    assert resources.next_month(as_of) == month


# Ann (team Build, 40 h a week) and Bob (team Run, 20 h a week) in November 2026: 21 working days
# (Mon 2 - Mon 30 Nov). Ann: 100 h on P1 + 80 h on P2 = 180 h against 8 x 21 = 168 h: over by 12, 107.1%.
# Bob: 50 h on P1 against 4 x 21 = 84 h: 59.5%. October 2026 has 22 working days and no allocations.
PEOPLE = contract_frame(
    "people",
    [
        {"person_name": "Ann", "team": "Build", "weekly_hours": 40.0},
        {"person_name": "Bob", "team": "Run", "weekly_hours": 20.0},
    ],
)
ALLOCATIONS = contract_frame(
    "allocations",
    [
        {"person_name": "Ann", "project_id": "P1", "period_date": "2026-11-01", "hours": 100.0},
        {"person_name": "Ann", "project_id": "P2", "period_date": "2026-11-01", "hours": 80.0},
        {"person_name": "Bob", "project_id": "P1", "period_date": "2026-11-01", "hours": 50.0},
    ],
)
TEAM_TABLES = {"projects": PROJECTS, "people": PEOPLE, "allocations": ALLOCATIONS}
NOVEMBER = pd.Timestamp("2026-11-01")


def test_utilisation_covers_the_window_for_everyone():
    load = resources.utilisation(TEAM_TABLES, AS_OF, period="month", by="person")
    assert len(load) == 2 * 12  # two people x Oct 2026 .. Sep 2027
    november = load[load["period_start"] == NOVEMBER].set_index("person_name")
    assert november["allocated_hours"].tolist() == pytest.approx([180.0, 50.0])
    assert november["available_hours"].tolist() == pytest.approx([168.0, 84.0])
    assert november["over_allocated"].tolist() == [True, False]


def test_utilisation_of_chosen_teams_only():
    load = resources.utilisation(TEAM_TABLES, AS_OF, period="month", by="team", teams=("Run",))
    assert set(load["team"]) == {"Run"}
    assert load.loc[load["period_start"] == NOVEMBER, "utilisation"].tolist() == pytest.approx([50 / 84])


@pytest.mark.parametrize(("by", "rows"), [("person", {"Ann"}), ("team", {"Build"})])
def test_utilisation_of_the_over_allocated_only(by, rows):
    load = resources.utilisation(TEAM_TABLES, AS_OF, period="month", by=by, only_over=True)
    group = "person_name" if by == "person" else "team"
    assert set(load[group]) == rows  # Bob (team Run) is never over
    assert len(load) == 12  # every month of the window, not only the over-allocated one


def test_period_totals_sum_everyone():
    load = resources.utilisation(TEAM_TABLES, AS_OF, period="month")
    totals = resources.period_totals(load).iloc[:2]
    # October: nothing allocated, (8 + 4) x 22 = 264 available; November: 230 of (8 + 4) x 21 = 252.
    assert totals["period_start"].tolist() == [pd.Timestamp("2026-10-01"), NOVEMBER]
    assert totals["allocated_hours"].tolist() == pytest.approx([0.0, 230.0])
    assert totals["available_hours"].tolist() == pytest.approx([264.0, 252.0])
    assert totals["over_allocated"].tolist() == [False, False]  # Bob's spare hours cover Ann's excess in total


@pytest.mark.parametrize(
    ("by", "name", "november_allocated"),
    [(None, None, 230.0), ("person", "Ann", 180.0), ("person", "Bob", 50.0), ("team", "Build", 180.0)],
)
def test_capacity_demand_for_everyone_or_one(by, name, november_allocated):
    rows = resources.capacity_demand(TEAM_TABLES, AS_OF, period="month", by=by or "person", name=name)
    assert len(rows) == 12
    assert rows.loc[rows["period_start"] == NOVEMBER, "allocated_hours"].tolist() == pytest.approx([november_allocated])


def test_over_allocations_name_the_projects_largest_first():
    over = resources.over_allocations(TEAM_TABLES, AS_OF, period="month")
    assert len(over) == 1
    row = over.iloc[0]
    assert (row["person_name"], row["team"], row["period_start"]) == ("Ann", "Build", NOVEMBER)
    assert (row["allocated_hours"], row["available_hours"]) == pytest.approx((180.0, 168.0))
    assert row["utilisation"] == pytest.approx(180 / 168)
    assert row["excess_hours"] == pytest.approx(12.0)
    assert row["projects"] == "Alpha (P1) 100 h; Beta (P2) 80 h"
    assert (row["main_project_id"], row["main_project_name"]) == ("P1", "Alpha")


def test_over_allocations_of_a_project_outside_the_register_show_its_id():
    tables = {**TEAM_TABLES, "projects": PROJECTS[PROJECTS["project_id"] == "P1"]}
    over = resources.over_allocations(tables, AS_OF, period="month")
    assert over["projects"].tolist() == ["Alpha (P1) 100 h; P2 80 h"]


def test_over_allocations_by_week_split_the_month():
    over = resources.over_allocations(TEAM_TABLES, AS_OF, period="week")
    # 180 h over 21 days is 8.571 h a day against 8: the four whole weeks of 2-27 Nov hold 42.86 h against 40.
    # The week of Mon 30 Nov has one November day (8.57 h against 40 h): not over.
    assert over["period_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
    ]
    assert over["person_name"].unique().tolist() == ["Ann"]


def test_over_allocations_of_another_team_are_empty():
    over = resources.over_allocations(TEAM_TABLES, AS_OF, period="month", teams=("Run",))
    assert over.empty
    assert over.columns.tolist() == resources.OVER_ALLOCATION_COLUMNS


def test_next_month_over_allocations():
    upcoming = resources.next_month_over_allocations(TEAM_TABLES, AS_OF)
    assert upcoming["person_name"].tolist() == ["Ann"]
    assert upcoming["period_start"].tolist() == [NOVEMBER]
    # As of 30 November the next month is December, when nobody has work.
    assert resources.next_month_over_allocations(TEAM_TABLES, dt.date(2026, 11, 30)).empty


def test_over_allocation_projects_one_row_per_project():
    causes = resources.over_allocation_projects(TEAM_TABLES, AS_OF, period="month")
    assert causes[["person_name", "project_id", "project_name"]].values.tolist() == [
        ["Ann", "P1", "Alpha"],
        ["Ann", "P2", "Beta"],
    ]
    assert causes["project_hours"].tolist() == pytest.approx([100.0, 80.0])
    assert causes["share"].tolist() == pytest.approx([100 / 180, 80 / 180])


def test_team_and_group_names():
    assert resources.team_names(TEAM_TABLES, AS_OF) == ["Build", "Run"]
    load = resources.utilisation(TEAM_TABLES, AS_OF, by="team")
    assert resources.group_names(load) == ["Build", "Run"]


def test_no_resource_tables():
    assert resources.utilisation({"projects": PROJECTS}, AS_OF).empty
    assert resources.over_allocations({"projects": PROJECTS}, AS_OF).empty
    assert resources.team_names({}, AS_OF) == []


# --- the heatmap's pages: who needs attention first --------------------------------------------------------------


def _load_rows(rows: list[tuple[str, str, float, float]], group: str = "person_name") -> pd.DataFrame:
    """A resource_load frame from (name, month, allocated, available) rows, utilisation and over_allocated as
    resource_load writes them: allocated / available (NaN when nothing is available), over when strictly above."""
    frame = pd.DataFrame(rows, columns=[group, "period_start", "allocated_hours", "available_hours"])
    frame = frame.astype({group: "str", "period_start": "datetime64[ns]"})
    ratio = frame["allocated_hours"] / frame["available_hours"].replace(0.0, np.nan)
    return frame.assign(utilisation=ratio, over_allocated=frame["allocated_hours"] > frame["available_hours"])


# Two months each, listed out of order (Nov before Oct, people mixed):
#   Ann  50/40 = 125% (over by 10), 20/40 = 50%           peak 125%, 10 h over in 1 month
#   Bob  25/20 = 125% (over by 5),  30/20 = 150% (by 10)  peak 150%, 15 h over in 2 months
#   Cor  36/40 = 90%,               32/40 = 80%           peak  90%,  0 h over
#   Dan 100/80 = 125% (over by 20),  0/80 = 0%            peak 125%, 20 h over in 1 month
#   Eve   8/0 (no hours available, 8 allocated: over by 8), 0/0  peak inf, 8 h over
#   Fay   0/0, 0/0 (nothing available, nothing allocated)  peak NaN: last
LOAD = _load_rows(
    [
        ("Ann", "2026-11-01", 20.0, 40.0), ("Bob", "2026-10-01", 25.0, 20.0), ("Ann", "2026-10-01", 50.0, 40.0),
        ("Bob", "2026-11-01", 30.0, 20.0), ("Cor", "2026-10-01", 36.0, 40.0), ("Cor", "2026-11-01", 32.0, 40.0),
        ("Dan", "2026-11-01", 0.0, 80.0), ("Dan", "2026-10-01", 100.0, 80.0), ("Eve", "2026-10-01", 8.0, 0.0),
        ("Eve", "2026-11-01", 0.0, 0.0), ("Fay", "2026-10-01", 0.0, 0.0), ("Fay", "2026-11-01", 0.0, 0.0),
    ]
)  # fmt: skip


@pytest.mark.parametrize(
    ("order", "names"),
    [
        # peak: Eve (inf), Bob 150%, Dan and Ann both 125% -> Dan's 20 h over before Ann's 10, Cor 90%, Fay (none)
        ("peak", ["Eve", "Bob", "Dan", "Ann", "Cor", "Fay"]),
        # excess: Dan 20, Bob 15, Ann 10, Eve 8, then Cor and Fay with 0 h by peak: 90% before none
        ("excess", ["Dan", "Bob", "Ann", "Eve", "Cor", "Fay"]),
        ("name", ["Ann", "Bob", "Cor", "Dan", "Eve", "Fay"]),
    ],
)
def test_rank_rows_puts_the_most_loaded_first(order, names):
    ranking = resources.rank_rows(LOAD, order)
    assert ranking["person_name"].tolist() == names
    by_name = ranking.set_index("person_name")
    assert by_name.loc[["Ann", "Bob", "Dan", "Eve", "Cor"], "excess_hours"].tolist() == pytest.approx(
        [10.0, 15.0, 20.0, 8.0, 0.0]
    )
    assert by_name.loc[["Ann", "Bob", "Cor", "Eve"], "over_periods"].tolist() == [1, 2, 0, 1]
    assert by_name.loc[["Bob", "Cor"], "peak_utilisation"].tolist() == pytest.approx([1.5, 0.9])
    assert by_name.loc["Eve", "peak_utilisation"] == np.inf and np.isnan(by_name.loc["Fay", "peak_utilisation"])


def test_rank_rows_finds_part_of_a_name_in_any_case():
    # "A" is in Ann, Dan and Fay (not in Bob, Cor, Eve): in peak order Dan (125%, 20 h), Ann (125%, 10 h), Fay
    assert resources.rank_rows(LOAD, "peak", search=" A ")["person_name"].tolist() == ["Dan", "Ann", "Fay"]
    assert resources.rank_rows(LOAD, "peak", search="xyz").empty


def test_rank_rows_refuses_an_unknown_order():
    with pytest.raises(ValueError, match="order"):
        resources.rank_rows(LOAD, "salary")


def test_rows_of_one_page_in_rank_order_each_month_in_date_order():
    ranking = resources.rank_rows(LOAD, "peak")  # Eve, Bob, Dan, Ann, Cor, Fay
    page = resources.rows_of(LOAD, ranking, first=2, count=2)  # the 3rd and 4th: Dan, Ann
    assert page["person_name"].tolist() == ["Dan", "Dan", "Ann", "Ann"]
    assert page["period_start"].dt.strftime("%b").tolist() == ["Oct", "Nov", "Oct", "Nov"]
    assert page["allocated_hours"].tolist() == [100.0, 0.0, 50.0, 20.0]
    # The last page holds what is left: 6 people, 4 a page -> Cor and Fay on the second.
    assert resources.rows_of(LOAD, ranking, first=4, count=4)["person_name"].unique().tolist() == ["Cor", "Fay"]


def test_rows_of_teams_keep_the_people_without_a_team():
    # Build: 90 of 80 h (112.5%, 10 h over); no team: 30 of 40 h (75%), searched as "(no team)"
    load = _load_rows([("Build", "2026-10-01", 90.0, 80.0), (None, "2026-10-01", 30.0, 40.0)], group="team")
    ranking = resources.rank_rows(load, "peak")
    assert ranking["team"].iloc[0] == "Build" and pd.isna(ranking["team"].iloc[1])
    assert resources.rank_rows(load, "peak", search="no team")["excess_hours"].tolist() == [0.0]
    assert resources.rows_of(load, ranking, first=1, count=1)["allocated_hours"].tolist() == [30.0]
    assert resources.NO_TEAM == NO_TEAM  # searched as the heatmap writes it


def test_heatmap_ranking_and_load_of_the_tables():
    # November: Ann 180 of 168 h (107%, 12 h over), Bob 50 of 84 h (60%): Ann first.
    ranking = resources.heatmap_ranking(TEAM_TABLES, AS_OF, period="month")
    assert ranking["person_name"].tolist() == ["Ann", "Bob"]
    assert ranking["excess_hours"].tolist() == pytest.approx([12.0, 0.0])
    assert ranking["peak_utilisation"].tolist() == pytest.approx([180 / 168, 50 / 84])
    page = resources.heatmap_load(TEAM_TABLES, AS_OF, period="month", first=1, count=50)  # Bob's 12 months
    assert page["person_name"].unique().tolist() == ["Bob"] and len(page) == 12
    assert page.loc[page["period_start"] == NOVEMBER, "allocated_hours"].tolist() == pytest.approx([50.0])

"""Resource load: proration over working days, ISO weeks, months, quarters, teams, over-allocation with floats.

Working days are counted by hand on the calendar (2026-04-06 and 2026-12-28 are Mondays).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.indicators.resources import (
    allocation_hours_per_day,
    is_over_allocated,
    over_allocation_causes,
    resource_load,
)

NO_PEOPLE = contract_frame("people", [])


def allocation(**values: object) -> dict[str, object]:
    return {"person_name": "Ann", "project_id": "P1", **values}


def test_planview_proration_over_a_holiday() -> None:
    # Planview: 20 hours from Mon 6 Apr to Fri 17 Apr with Mon 6 Apr a holiday: 9 working days,
    # 20 / 9 = 2.2222 a day; week of 6 Apr holds 4 of them (8.8889 h), week of 13 Apr 5 (11.1111 h).
    allocations = contract_frame(
        "allocations", [allocation(start_date="2026-04-06", finish_date="2026-04-17", hours=20.0)]
    )
    spread = allocation_hours_per_day(allocations, holidays=["2026-04-06"]).iloc[0]
    assert spread["working_days"] == 9
    assert spread["hours_per_day"] == pytest.approx(2.222222)
    load = resource_load(allocations, NO_PEOPLE, period="week", holidays=["2026-04-06"])
    expected = pd.DataFrame(
        {
            "person_name": pd.Series(["Ann", "Ann"], dtype="str"),
            "period_start": pd.to_datetime(["2026-04-06", "2026-04-13"]).astype("datetime64[ns]"),
            "allocated_hours": [8.888889, 11.111111],
            "available_hours": [32.0, 40.0],  # 40 h a week by default; the holiday leaves 4 x 8
            "utilisation": [8.888889 / 32, 11.111111 / 40],
            "over_allocated": [False, False],
        }
    )
    pd.testing.assert_frame_equal(load, expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("allocated", "available", "over"),
    [
        (0.4 + 0.2 + 0.1, 0.7, False),  # 0.7000000000000001 in binary floating point: equal, not above
        (0.4 + 0.2 + 0.2, 0.7, True),
        (0.7, 0.7, False),
        (0.7001, 0.7, True),
        (1.0, 0.0, True),  # anything booked when nothing is available
        (0.0, 0.0, False),
    ],
)
def test_is_over_allocated_tolerates_float_noise(allocated, available, over) -> None:
    result = is_over_allocated(pd.Series([allocated]), pd.Series([available]))
    assert result.tolist() == [over]


PART_TIMER = contract_frame("people", [{"person_name": "Ann", "team": "Data", "weekly_hours": 28.0}])  # 0.7 FTE


def week_of_fte(*ftes: float) -> pd.DataFrame:
    # Mon 2 Mar .. Fri 6 Mar 2026, one allocation per project P1, P2, ...
    return contract_frame(
        "allocations",
        [
            allocation(project_id=f"P{n}", start_date="2026-03-02", finish_date="2026-03-06", fte=fte)
            for n, fte in enumerate(ftes, 1)
        ],
    )


def test_fte_allocations_summing_to_capacity_are_not_over_allocated() -> None:
    # 0.4 + 0.2 + 0.1 FTE x 40 h = 16 + 8 + 4 = 28 h against 28 available
    row = resource_load(week_of_fte(0.4, 0.2, 0.1), PART_TIMER).iloc[0]
    assert row["allocated_hours"] == pytest.approx(28.0)
    assert row["available_hours"] == 28.0
    assert row["utilisation"] == pytest.approx(1.0)
    assert not row["over_allocated"]
    assert over_allocation_causes(week_of_fte(0.4, 0.2, 0.1), PART_TIMER).empty


def test_hours_summing_to_capacity_with_float_noise_are_not_over_allocated() -> None:
    # 0.4 + 0.2 + 0.1 h on Mon 2 Mar against 3.5 h a week = 0.7 h that day; the sum comes out as
    # 0.7000000000000002, which a bare ">" would call over-allocated.
    people = contract_frame("people", [{"person_name": "Ann", "weekly_hours": 3.5}])
    day = {"start_date": "2026-03-02", "finish_date": "2026-03-02"}
    allocations = contract_frame(
        "allocations", [allocation(project_id=p, hours=h, **day) for p, h in [("P1", 0.4), ("P2", 0.2), ("P3", 0.1)]]
    )
    row = resource_load(allocations, people, start="2026-03-02", end="2026-03-02").iloc[0]
    assert row["allocated_hours"] == pytest.approx(0.7)
    assert row["available_hours"] == pytest.approx(0.7)
    assert not row["over_allocated"]


def test_over_allocation_and_its_causes() -> None:
    # 0.4 + 0.2 + 0.2 FTE = 16 + 8 + 8 = 32 h against 28: 114.29%; P1 gives half of it
    allocations = week_of_fte(0.4, 0.2, 0.2)
    row = resource_load(allocations, PART_TIMER).iloc[0]
    assert row["over_allocated"]
    assert row["utilisation"] == pytest.approx(32 / 28)
    causes = over_allocation_causes(allocations, PART_TIMER)
    expected = pd.DataFrame(
        {
            "person_name": pd.Series(["Ann"] * 3, dtype="str"),
            "period_start": pd.to_datetime(["2026-03-02"] * 3).astype("datetime64[ns]"),
            "project_id": pd.Series(["P1", "P2", "P3"], dtype="str"),
            "project_hours": [16.0, 8.0, 8.0],
            "share": [0.5, 0.25, 0.25],
            "allocated_hours": [32.0] * 3,
            "available_hours": [28.0] * 3,
            "utilisation": [32 / 28] * 3,
        }
    )
    pd.testing.assert_frame_equal(causes, expected)


def test_iso_week_across_the_year_boundary_and_the_months_it_spans() -> None:
    # Mon 28 Dec 2026 .. Sun 3 Jan 2027 is ISO week 53 of 2026: 5 working days (28-31 Dec, 1 Jan), 25 h -> 5 a day
    allocations = contract_frame(
        "allocations", [allocation(start_date="2026-12-28", finish_date="2027-01-03", hours=25.0)]
    )
    weekly = resource_load(allocations, NO_PEOPLE, period="week")
    assert weekly["period_start"].tolist() == [pd.Timestamp("2026-12-28")]
    assert weekly[["allocated_hours", "available_hours"]].to_numpy().tolist() == [[25.0, 40.0]]
    # December: 4 of those days (20 h) of 23 working days (Tue 1 .. Thu 31: 4 x 5 + 3); January: 1 day (5 h) of 21
    monthly = resource_load(allocations, NO_PEOPLE, period="month")
    assert monthly["period_start"].tolist() == [pd.Timestamp("2026-12-01"), pd.Timestamp("2027-01-01")]
    np.testing.assert_allclose(monthly["allocated_hours"], [20.0, 5.0])
    np.testing.assert_allclose(monthly["available_hours"], [23 * 8.0, 21 * 8.0])


def test_a_period_date_covers_its_month_and_sums_into_its_quarter() -> None:
    # period 15 Feb 2026 -> all of February: 20 working days (1 Feb is a Sunday, 28 days) x 0.5 FTE x 8 h = 80 h.
    # Q1 2026 has 22 + 20 + 22 = 64 working days -> 512 h available.
    allocations = contract_frame("allocations", [allocation(period_date="2026-02-15", fte=0.5)])
    spread = allocation_hours_per_day(allocations).iloc[0]
    assert (spread["span_start_date"], spread["span_finish_date"]) == (
        pd.Timestamp("2026-02-01"),
        pd.Timestamp("2026-02-28"),
    )
    assert (spread["working_days"], spread["hours_per_day"], spread["allocated_hours"]) == (20.0, 4.0, 80.0)
    quarterly = resource_load(allocations, NO_PEOPLE, period="quarter")
    assert quarterly["period_start"].tolist() == [pd.Timestamp("2026-01-01")]
    assert quarterly[["allocated_hours", "available_hours"]].to_numpy().tolist() == [[80.0, 512.0]]
    assert quarterly["utilisation"].tolist() == [80 / 512]


def test_start_and_end_clip_allocated_and_available_hours() -> None:
    # 10 h a day Mon 2 .. Fri 13 Mar; asked for Wed 4 .. Tue 10 Mar: week of 2 Mar keeps Wed-Fri (3 days),
    # week of 9 Mar keeps Mon-Tue (2 days)
    allocations = contract_frame(
        "allocations", [allocation(start_date="2026-03-02", finish_date="2026-03-13", hours=100.0)]
    )
    load = resource_load(allocations, NO_PEOPLE, start="2026-03-04", end="2026-03-10")
    assert load[["allocated_hours", "available_hours"]].to_numpy().tolist() == [[30.0, 24.0], [20.0, 16.0]]
    assert load["over_allocated"].tolist() == [True, True]


def test_team_load_sums_its_people_and_a_person_without_a_people_row_gets_40_hours() -> None:
    people = contract_frame(
        "people",
        [
            {"person_name": "Ann", "team": "Data", "weekly_hours": 40.0},
            {"person_name": "Bea", "team": "Data", "weekly_hours": 20.0},
        ],
    )
    week = {"start_date": "2026-03-02", "finish_date": "2026-03-06"}
    allocations = contract_frame(
        "allocations",
        [
            allocation(hours=30.0, **week),
            allocation(person_name="Bea", project_id="P2", hours=30.0, **week),  # 30 of her 20 h
            allocation(person_name="Cas", project_id="P2", hours=10.0, **week),  # not in people: 40 h, no team
        ],
    )
    by_person = resource_load(allocations, people)
    assert by_person[["person_name", "available_hours", "over_allocated"]].to_numpy().tolist() == [
        ["Ann", 40.0, False],
        ["Bea", 20.0, True],
        ["Cas", 40.0, False],
    ]
    # team Data: 30 + 30 = 60 h of 40 + 20 = 60: exactly full; Cas alone in the team-less group
    by_team = resource_load(allocations, people, by="team")
    assert by_team["team"].isna().tolist() == [False, True]
    assert by_team[["allocated_hours", "available_hours", "over_allocated"]].to_numpy().tolist() == [
        [60.0, 60.0, False],
        [10.0, 40.0, False],
    ]
    bea = over_allocation_causes(allocations, people)
    assert bea[["person_name", "project_id", "project_hours", "share"]].to_numpy().tolist() == [
        ["Bea", "P2", 30.0, 1.0]
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (allocation(hours=8.0), "no span: give start and finish dates, or a period"),
        (allocation(start_date="2026-03-06", finish_date="2026-03-02", hours=8.0), "finish date before start date"),
        (
            allocation(start_date="2026-03-07", finish_date="2026-03-08", hours=8.0),
            "no working days in the span",
        ),  # Sat-Sun
        (allocation(start_date="2026-03-02", finish_date="2026-03-06"), "no hours or fte"),
    ],
)
def test_allocations_that_cannot_be_spread_say_why_and_book_nothing(row, reason) -> None:
    allocations = contract_frame(
        "allocations", [row, allocation(start_date="2026-03-02", finish_date="2026-03-06", hours=8.0)]
    )
    spread = allocation_hours_per_day(allocations)
    assert np.isnan(spread["hours_per_day"][0])
    assert spread["reasons"][0] == {"hours_per_day": reason}
    # only the good row (8 h in the week of 2 Mar) is booked
    assert resource_load(allocations, NO_PEOPLE)["allocated_hours"].tolist() == [8.0]


def test_people_without_allocations_still_show_their_capacity() -> None:
    load = resource_load(
        contract_frame("allocations", []), PART_TIMER, period="month", start="2026-02-01", end="2026-02-28"
    )
    assert load[["person_name", "allocated_hours", "available_hours"]].to_numpy().tolist() == [["Ann", 0.0, 20 * 5.6]]


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
@pytest.mark.parametrize("by", ["person", "team"])
def test_empty_tables_give_empty_frames_with_the_columns(period, by) -> None:
    group = "person_name" if by == "person" else "team"
    load = resource_load(contract_frame("allocations", []), NO_PEOPLE, period=period, by=by)
    assert list(load.columns) == [
        group,
        "period_start",
        "allocated_hours",
        "available_hours",
        "utilisation",
        "over_allocated",
    ]
    assert load.empty
    causes = over_allocation_causes(contract_frame("allocations", []), NO_PEOPLE, period=period, by=by)
    assert list(causes.columns)[:4] == [group, "period_start", "project_id", "project_hours"]
    assert causes.empty


def test_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="period"):
        resource_load(contract_frame("allocations", []), NO_PEOPLE, period="day")

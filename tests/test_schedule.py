"""Schedule indicators: finish slip, late/slipping milestones, slip since the previous snapshot, MTA data.

Every expected number is counted by hand on a calendar; the comment beside it shows the count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.indicators.schedule import (
    finish_slip,
    milestone_counts,
    milestone_slip_since,
    milestone_status,
    milestone_trend,
)

AS_OF = "2026-03-15"


def dates(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]")


def test_finish_slip_days_and_percent_of_planned_duration() -> None:
    projects = contract_frame(
        "projects",
        [
            # 1 Jan -> 2 Mar is 31 + 28 + 1 = 60 days; forecast 17 Mar is 15 days late = 25% of 60
            {
                "project_id": "P1",
                "project_name": "A",
                "start_date": "2026-01-01",
                "planned_finish_date": "2026-03-02",
                "forecast_finish_date": "2026-03-17",
            },
            # the actual finish (25 Feb, 5 days early) overrides the forecast; no start date -> no percent
            {
                "project_id": "P2",
                "project_name": "B",
                "planned_finish_date": "2026-03-02",
                "forecast_finish_date": "2026-04-01",
                "actual_finish_date": "2026-02-25",
            },
            {"project_id": "P3", "project_name": "C", "start_date": "2026-01-01", "forecast_finish_date": "2026-03-17"},
            {"project_id": "P4", "project_name": "D", "start_date": "2026-01-01", "planned_finish_date": "2026-03-02"},
        ],
    )
    result = finish_slip(projects)
    expected = pd.DataFrame(
        {
            "project_id": pd.Series(["P1", "P2", "P3", "P4"], dtype="str"),
            "finish_date": dates("2026-03-17", "2026-02-25", "2026-03-17", None),
            "is_finished": [False, True, False, False],
            "finish_slip_days": [15.0, -5.0, np.nan, np.nan],
            "finish_slip_percent": [25.0, np.nan, np.nan, np.nan],
            "reasons": [
                {},
                {"finish_slip_percent": "no start date"},
                {"finish_slip_days": "no planned finish date", "finish_slip_percent": "finish slip unknown"},
                {"finish_slip_days": "no forecast or actual finish date", "finish_slip_percent": "finish slip unknown"},
            ],
        }
    )
    pd.testing.assert_frame_equal(result[expected.columns], expected)


def test_finish_slip_percent_needs_a_positive_planned_duration() -> None:
    projects = contract_frame(
        "projects",
        [
            {
                "project_id": "P1",
                "project_name": "A",
                "start_date": "2026-03-02",
                "planned_finish_date": "2026-03-02",
                "forecast_finish_date": "2026-03-09",
            }
        ],
    )
    row = finish_slip(projects).iloc[0]
    assert row["finish_slip_days"] == 7.0
    assert np.isnan(row["finish_slip_percent"])
    assert row["reasons"] == {"finish_slip_percent": "planned finish is not after the start date"}


MILESTONES = [
    # baseline 1 Mar has passed on 15 Mar without an actual: late; forecast 20 Mar: slipping 19 days
    {
        "project_id": "P1",
        "milestone_id": "1",
        "milestone_name": "Design",
        "baseline_date": "2026-03-01",
        "forecast_date": "2026-03-20",
    },
    # due 1 Apr, forecast 11 Apr: not late yet, slipping 10 days
    {
        "project_id": "P1",
        "milestone_id": "2",
        "milestone_name": "Build",
        "baseline_date": "2026-04-01",
        "forecast_date": "2026-04-11",
    },
    # done 5 Feb against a baseline of 1 Feb: late by 4 days, no longer slipping
    {
        "project_id": "P1",
        "milestone_id": "3",
        "milestone_name": "Kick-off",
        "baseline_date": "2026-02-01",
        "actual_date": "2026-02-05",
    },
    # done 30 Jan, 2 days before its 1 Feb baseline
    {
        "project_id": "P2",
        "milestone_id": "1",
        "milestone_name": "Start",
        "baseline_date": "2026-02-01",
        "actual_date": "2026-01-30",
    },
    # no baseline: due on its forecast, 10 Mar, which has passed -> late; slip unknown
    {"project_id": "P2", "milestone_id": "2", "milestone_name": "Test", "forecast_date": "2026-03-10"},
]


def test_milestone_status_late_slipping_and_slip_days() -> None:
    result = milestone_status(contract_frame("milestones", MILESTONES), AS_OF)
    expected = pd.DataFrame(
        {
            "milestone_name": pd.Series(["Design", "Build", "Kick-off", "Start", "Test"], dtype="str"),
            "is_done": [False, False, True, True, False],
            "is_late": [True, False, True, False, True],
            "is_slipping": [True, True, False, False, False],
            "slip_days": [19.0, 10.0, 4.0, -2.0, np.nan],
            "reasons": [{}, {}, {}, {}, {"slip_days": "no baseline date"}],
        }
    )
    pd.testing.assert_frame_equal(result[expected.columns], expected)


def test_milestone_counts_per_project() -> None:
    # P1: Design and Kick-off late, Design and Build slipping; P2: Test late
    result = milestone_counts(contract_frame("milestones", MILESTONES), AS_OF)
    expected = pd.DataFrame(
        {
            "project_id": pd.Series(["P1", "P2"], dtype="str"),
            "milestones": [3, 2],
            "milestones_done": [1, 1],
            "milestones_late": [2, 1],
            "milestones_slipping": [2, 0],
        }
    )
    pd.testing.assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("baseline", "forecast", "actual", "is_late", "is_slipping"),
    [
        ("2026-03-15", None, None, False, False),  # due on the as-of date itself: not late yet
        ("2026-03-14", None, None, True, False),  # due the day before
        ("2026-03-14", "2026-03-14", "2026-03-14", False, False),  # done on time
        ("2026-04-01", "2026-03-20", None, False, False),  # forecast earlier than baseline
        (None, None, None, False, False),  # no dates at all: nothing to be late against
    ],
)
def test_milestone_late_edges(baseline, forecast, actual, is_late, is_slipping) -> None:
    milestones = contract_frame(
        "milestones",
        [
            {
                "project_id": "P1",
                "milestone_name": "M",
                "baseline_date": baseline,
                "forecast_date": forecast,
                "actual_date": actual,
            }
        ],
    )
    row = milestone_status(milestones, AS_OF).iloc[0]
    assert (row["is_late"], row["is_slipping"]) == (is_late, is_slipping)


def test_milestone_slip_since_previous_snapshot() -> None:
    previous = contract_frame(
        "milestones",
        [
            {"project_id": "P1", "milestone_id": "1", "milestone_name": "Design ready", "forecast_date": "2026-03-20"},
            {"project_id": "P1", "milestone_name": "Go live", "forecast_date": "2026-06-01"},
            {"project_id": "P2", "milestone_id": "7", "milestone_name": "Build", "baseline_date": "2026-05-01"},
        ],
    )
    current = contract_frame(
        "milestones",
        [
            # same id, renamed: matched on the id; 20 -> 27 Mar is +7
            {
                "project_id": "P1",
                "milestone_id": "1",
                "milestone_name": "Design approved",
                "forecast_date": "2026-03-27",
            },
            # no id: matched on the name; the actual 25 May overrides the forecast: 1 Jun -> 25 May is -7
            {
                "project_id": "P1",
                "milestone_name": "Go live",
                "forecast_date": "2026-06-15",
                "actual_date": "2026-05-25",
            },
            # the previous snapshot had only a baseline (1 May); forecast now 11 May: +10
            {
                "project_id": "P2",
                "milestone_id": "7",
                "milestone_name": "Build",
                "baseline_date": "2026-05-01",
                "forecast_date": "2026-05-11",
            },
            {"project_id": "P1", "milestone_name": "Handover", "forecast_date": "2026-07-01"},
        ],
    )
    result = milestone_slip_since(previous, current)
    expected = pd.DataFrame(
        {
            "milestone_name": pd.Series(["Design approved", "Go live", "Build", "Handover"], dtype="str"),
            "previous_forecast_date": dates("2026-03-20", "2026-06-01", "2026-05-01", None),
            "forecast_date": dates("2026-03-27", "2026-05-25", "2026-05-11", "2026-07-01"),
            "slip_since_days": [7.0, -7.0, 10.0, np.nan],
            "reasons": [{}, {}, {}, {"slip_since_days": "not in the previous snapshot"}],
        }
    )
    pd.testing.assert_frame_equal(result[expected.columns], expected)


def test_milestone_trend_actual_overrides_forecast() -> None:
    def snapshot(forecast: str, actual: str | None = None) -> pd.DataFrame:
        return contract_frame(
            "milestones",
            [
                {
                    "project_id": "P1",
                    "milestone_name": "Go live",
                    "baseline_date": "2026-05-01",
                    "forecast_date": forecast,
                    "actual_date": actual,
                }
            ],
        )

    snapshots = [
        (pd.Timestamp("2026-03-31"), snapshot("2026-05-15", actual="2026-05-10")),  # done 10 May: that date wins
        (pd.Timestamp("2026-01-31"), snapshot("2026-05-01")),
        (pd.Timestamp("2026-02-28"), snapshot("2026-05-15")),
    ]
    result = milestone_trend(snapshots)
    expected = pd.DataFrame(
        {
            "project_id": pd.Series(["P1"] * 3, dtype="str"),
            "milestone_name": pd.Series(["Go live"] * 3, dtype="str"),
            "report_date": dates("2026-01-31", "2026-02-28", "2026-03-31"),
            "forecast_date": dates("2026-05-01", "2026-05-15", "2026-05-10"),
            "is_actual": [False, False, True],
        }
    )
    pd.testing.assert_frame_equal(result[expected.columns], expected)


def test_milestone_trend_of_no_snapshots_has_the_columns() -> None:
    result = milestone_trend([])
    assert list(result.columns) == [
        "project_id",
        "milestone_id",
        "milestone_name",
        "report_date",
        "forecast_date",
        "is_actual",
    ]
    assert result.empty


@pytest.mark.parametrize(
    ("compute", "columns"),
    [
        (
            lambda: finish_slip(contract_frame("projects", [])),
            ["project_id", "finish_slip_days", "finish_slip_percent", "reasons"],
        ),
        (
            lambda: milestone_status(contract_frame("milestones", []), AS_OF),
            ["milestone_name", "is_late", "is_slipping", "slip_days"],
        ),
        (lambda: milestone_counts(contract_frame("milestones", []), AS_OF), ["project_id", "milestones_late"]),
        (
            lambda: milestone_slip_since(contract_frame("milestones", []), contract_frame("milestones", [])),
            ["milestone_name", "slip_since_days", "reasons"],
        ),
        (
            lambda: milestone_trend([(pd.Timestamp(AS_OF), contract_frame("milestones", []))]),
            ["report_date", "forecast_date", "is_actual"],
        ),
    ],
)
def test_empty_tables_give_empty_frames_with_the_columns(compute, columns) -> None:
    result = compute()
    assert result.empty
    assert set(columns) <= set(result.columns)

"""Risk and issue indicators on a 4-risk register and a 5-issue log; every figure worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.indicators.risk import (
    issue_ages,
    issue_counts,
    level_to_probability,
    open_issues,
    probability_to_level,
    risk_exposure,
    risk_matrix,
    risk_scores,
    top_risks,
)

AS_OF = "2026-03-15"

RISKS = [
    # probability 0.35 -> level 2; score 2 x 4 = 8; expected value 0.35 x 10,000 = 3,500
    {
        "risk_id": "R1",
        "project_id": "P1",
        "title": "Supplier late",
        "probability": 0.35,
        "impact_level": 4,
        "impact_amount": 10_000.0,
        "status": "open",
    },
    # level 4 -> probability 0.7; score 4 x 5 = 20; 0.7 x 20,000 = 14,000; blank status counts as open
    {
        "risk_id": "R2",
        "project_id": "P1",
        "title": "Key person leaves",
        "probability_level": 4,
        "impact_level": 5,
        "impact_amount": 20_000.0,
    },
    # closed: scored (5 x 3 = 15, 0.9 x 1,000 = 900) but in no open-risk figure
    {
        "risk_id": "R3",
        "project_id": "P1",
        "title": "Licence cost",
        "probability": 0.9,
        "probability_level": 5,
        "impact_level": 3,
        "impact_amount": 1_000.0,
        "status": "closed",
    },
    # probability 0.6 -> level 3; score 3 x 5 = 15; no amount -> no expected value
    {
        "risk_id": "R4",
        "project_id": "P2",
        "title": "Permit refused",
        "probability": 0.6,
        "impact_level": 5,
        "status": "open",
    },
]


def risks() -> pd.DataFrame:
    return contract_frame("risks", RISKS)


def test_risk_scores() -> None:
    result = risk_scores(risks())
    expected = pd.DataFrame(
        {
            "risk_id": pd.Series(["R1", "R2", "R3", "R4"], dtype="str"),
            "probability": [0.35, 0.7, 0.9, 0.6],
            "probability_level": pd.array([2, 4, 5, 3], dtype="Int8"),
            "score": pd.array([8, 20, 15, 15], dtype="Int64"),
            "expected_value": [3_500.0, 14_000.0, 900.0, np.nan],
            "is_open": [True, True, False, True],
            "reasons": [{}, {}, {}, {"expected_value": "no impact amount"}],
        }
    )
    pd.testing.assert_frame_equal(result[expected.columns], expected)


def test_risk_exposure_per_project() -> None:
    # P1: R1 + R2 open: 3,500 + 14,000 = 17,500, highest score 20, one >= 15. P2: R4 has no amount.
    result = risk_exposure(risks())
    expected = pd.DataFrame(
        {
            "project_id": pd.Series(["P1", "P2"], dtype="str"),
            "open_risks": [2, 1],
            "risk_exposure": [17_500.0, np.nan],
            "open_risks_without_value": [0, 1],
            "max_score": pd.array([20, 15], dtype="Int64"),
            "open_high_risks": [1, 1],
            "reasons": [{}, {"risk_exposure": "no open risk has a probability and impact amount"}],
        }
    )
    pd.testing.assert_frame_equal(result, expected)


def test_risk_exposure_of_a_project_with_only_closed_risks_is_zero() -> None:
    closed = contract_frame(
        "risks",
        [
            {
                "project_id": "P9",
                "title": "Old",
                "probability": 0.5,
                "impact_level": 5,
                "impact_amount": 100.0,
                "status": "closed",
            }
        ],
    )
    row = risk_exposure(closed).iloc[0]
    assert (row["open_risks"], row["risk_exposure"], row["open_high_risks"]) == (0, 0.0, 0)
    assert row["max_score"] is pd.NA


def test_risk_matrix_counts_open_risks_on_all_25_cells() -> None:
    # open: R1 at (2, 4), R2 at (4, 5), R4 at (3, 5); R3 is closed
    result = risk_matrix(risks())
    expected = pd.DataFrame(
        0, index=pd.RangeIndex(1, 6, name="probability_level"), columns=pd.RangeIndex(1, 6, name="impact_level")
    )
    expected.loc[2, 4] = 1
    expected.loc[4, 5] = 1
    expected.loc[3, 5] = 1
    pd.testing.assert_frame_equal(result, expected.astype("int64"), check_index_type=False, check_column_type=False)
    assert result.shape == (5, 5)
    assert result.to_numpy().sum() == 3


@pytest.mark.parametrize(
    ("by", "expected_ids"),
    [
        ("score", ["R2", "R4"]),  # 20, then 15 (closed R3 also scores 15 but is not open)
        ("expected_value", ["R2", "R1"]),  # 14,000, then 3,500; R4 has none and comes last
    ],
)
def test_top_risks(by, expected_ids) -> None:
    assert top_risks(risks(), n=2, by=by)["risk_id"].tolist() == expected_ids


def test_top_risks_rejects_an_unknown_ranking() -> None:
    with pytest.raises(ValueError, match="score"):
        top_risks(risks(), by="impact")


@pytest.mark.parametrize(
    ("probability", "level"),
    [(0.0, 1), (0.2, 1), (0.21, 2), (0.35, 2), (0.6, 3), (0.8, 4), (0.81, 5), (1.0, 5), (np.nan, pd.NA)],
)
def test_probability_to_level_bands(probability, level) -> None:
    expected = pd.Series([level], dtype="Int8")
    pd.testing.assert_series_equal(probability_to_level(pd.Series([probability])), expected)


def test_level_to_probability_takes_the_middle_of_each_band() -> None:
    result = level_to_probability(pd.Series([1, 2, 3, 4, 5, None], dtype="Int8"))
    np.testing.assert_allclose(result.to_numpy(), [0.1, 0.3, 0.5, 0.7, 0.9, np.nan])


ISSUES = [
    # open, raised 1 Mar: 14 days old on 15 Mar
    {
        "issue_id": "I1",
        "project_id": "P1",
        "title": "Test server down",
        "priority": "High",
        "status": "open",
        "raised_date": "2026-03-01",
    },
    # blank status, not resolved: open, raised 13 Feb: 15 + 15 = 30 days old
    {"issue_id": "I2", "project_id": "P1", "title": "Scope dispute", "priority": "High", "raised_date": "2026-02-13"},
    # closed: age is 1 -> 11 Jan = 10 days
    {
        "issue_id": "I3",
        "project_id": "P1",
        "title": "Access",
        "priority": "Low",
        "status": "closed",
        "raised_date": "2026-01-01",
        "resolved_date": "2026-01-11",
    },
    # blank status but resolved 10 Mar, before the as-of date: closed, 1 -> 10 Mar = 9 days
    {
        "issue_id": "I4",
        "project_id": "P2",
        "title": "Invoice",
        "raised_date": "2026-03-01",
        "resolved_date": "2026-03-10",
    },
    # open without a raised date: age unknown
    {"issue_id": "I5", "project_id": "P2", "title": "Vendor", "priority": "Medium", "status": "open"},
]


def test_issue_ages() -> None:
    result = issue_ages(contract_frame("issues", ISSUES), AS_OF)
    assert result["is_open"].tolist() == [True, True, False, False, True]
    np.testing.assert_allclose(result["age_days"].to_numpy(), [14.0, 30.0, 10.0, 9.0, np.nan])
    assert result["reasons"].tolist() == [{}, {}, {}, {}, {"age_days": "no raised date"}]


def test_open_issues_by_priority() -> None:
    # P1 High: I1 (14 d) and I2 (30 d): oldest 30, average 22. P2 Medium: I5, age unknown.
    result = open_issues(contract_frame("issues", ISSUES), AS_OF)
    expected = pd.DataFrame(
        {
            "project_id": pd.Series(["P1", "P2"], dtype="str"),
            "priority": pd.Series(["High", "Medium"], dtype="str"),
            "open_issues": [2, 1],
            "oldest_age_days": [30.0, np.nan],
            "average_age_days": [22.0, np.nan],
        }
    )
    pd.testing.assert_frame_equal(result, expected)


def test_issue_counts_per_project() -> None:
    result = issue_counts(contract_frame("issues", ISSUES), AS_OF)
    expected = pd.DataFrame(
        {"project_id": pd.Series(["P1", "P2"], dtype="str"), "open_issues": [2, 1], "oldest_age_days": [30.0, np.nan]}
    )
    pd.testing.assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("compute", "columns"),
    [
        (lambda: risk_scores(contract_frame("risks", [])), ["score", "expected_value", "is_open", "reasons"]),
        (
            lambda: risk_exposure(contract_frame("risks", [])),
            ["project_id", "open_risks", "risk_exposure", "max_score"],
        ),
        (lambda: top_risks(contract_frame("risks", [])), ["risk_id", "score", "expected_value"]),
        (lambda: issue_ages(contract_frame("issues", []), AS_OF), ["is_open", "age_days", "reasons"]),
        (lambda: open_issues(contract_frame("issues", []), AS_OF), ["project_id", "priority", "open_issues"]),
        (lambda: issue_counts(contract_frame("issues", []), AS_OF), ["project_id", "open_issues", "oldest_age_days"]),
    ],
)
def test_empty_tables_give_empty_frames_with_the_columns(compute, columns) -> None:
    result = compute()
    assert result.empty
    assert set(columns) <= set(result.columns)


def test_empty_risk_matrix_is_25_zeros() -> None:
    result = risk_matrix(contract_frame("risks", []))
    assert result.shape == (5, 5)
    assert result.to_numpy().sum() == 0

"""Risk and issue indicators: scores, expected values, exposure per project, the 5x5 matrix, issue ages.

Pure functions over the ``risks`` and ``issues`` tables as the store returns them (levels Int8 1-5,
probability 0-1, status "open"/"closed" or blank). A blank status counts as open: a register lists
what is still in play unless it says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd

from pmo_analytics.indicators.common import REASONS, build_reasons
from pmo_analytics.schema import level_to_probability, probability_to_level

DateLike = dt.date | pd.Timestamp | str

LEVELS = range(1, 6)
HIGH_RISK_SCORE = 15  # DESIGN.md: risk health is red when an open risk scores >= 15


def _is_open(status: pd.Series) -> pd.Series:
    """status "open", or blank -> True; "closed" -> False."""
    return (status.isna() | (status == "") | (status == "open")).astype(bool)


def risk_scores(risks: pd.DataFrame) -> pd.DataFrame:
    """Score and expected value of each risk. One row per risk: the input columns plus the figures.

    probability_level = the given level, else from probability (0-0.2 -> 1, ..., 0.8-1 -> 5)
    probability       = the given probability, else from the level (1 -> 0.1, ..., 5 -> 0.9)
    score             = probability_level x impact_level  (1-25; 4 x 5 = 20)
    expected_value    = probability x impact_amount        (0.3 x 10,000 = 3,000)
    is_open           = status open or blank
    """
    probability_level = risks["probability_level"].astype("Int8")
    probability_level = probability_level.fillna(probability_to_level(risks["probability"]))
    probability = risks["probability"].astype("float64")
    probability = probability.fillna(level_to_probability(risks["probability_level"]))
    impact_level = risks["impact_level"].astype("Int8")
    score = (probability_level.astype("Int64") * impact_level.astype("Int64")).astype("Int64")
    expected_value = probability * risks["impact_amount"].astype("float64")
    reasons = build_reasons(
        risks.index,
        [
            ("score", probability_level.isna(), "no probability or probability level"),
            ("score", impact_level.isna(), "no impact level"),
            ("expected_value", probability.isna(), "no probability or probability level"),
            ("expected_value", risks["impact_amount"].isna(), "no impact amount"),
        ],
    )
    return risks.assign(
        probability=probability,
        probability_level=probability_level,
        impact_level=impact_level,
        score=score,
        expected_value=expected_value,
        is_open=_is_open(risks["status"]),
        **{REASONS: reasons},
    ).reset_index(drop=True)


def risk_exposure(risks: pd.DataFrame) -> pd.DataFrame:
    """Open-risk figures per project. One row per project that has risks (blank project_id: one row too).

    open_risks       = number of open risks
    risk_exposure    = sum of the expected values of open risks; NaN with a reason when open risks exist
                       but none has an expected value (0.0 when the project has no open risk)
    open_risks_without_value = open risks left out of the exposure for want of probability or amount
    max_score        = highest score of an open risk (NA when none is scored)
    open_high_risks  = open risks scoring >= 15
    """
    scored = risk_scores(risks)
    open_risks = scored[scored["is_open"]].assign(
        without_value=lambda frame: frame["expected_value"].isna(),
        is_high=lambda frame: (frame["score"] >= HIGH_RISK_SCORE).fillna(False).astype(bool),
    )
    per_project = open_risks.groupby("project_id", sort=False, dropna=False).agg(
        open_risks=("is_open", "size"),
        risk_exposure=("expected_value", "sum"),
        valued_risks=("expected_value", "count"),
        open_risks_without_value=("without_value", "sum"),
        max_score=("score", "max"),
        open_high_risks=("is_high", "sum"),
    )
    # Projects whose risks are all closed still get a row: nothing open, exposure 0.
    projects = scored["project_id"].drop_duplicates()
    per_project = per_project.reindex(pd.Index(projects, name="project_id"))
    no_open = per_project["open_risks"].isna()
    per_project = per_project.assign(
        open_risks=per_project["open_risks"].fillna(0).astype("int64"),
        open_risks_without_value=per_project["open_risks_without_value"].fillna(0).astype("int64"),
        open_high_risks=per_project["open_high_risks"].fillna(0).astype("int64"),
        # no open risk -> 0.0; open risks but none with a value -> NaN (unknown, not zero)
        risk_exposure=per_project["risk_exposure"]
        .astype("float64")
        .where(per_project["valued_risks"] > 0)
        .where(~no_open, 0.0),
        max_score=per_project["max_score"].astype("Int64"),
    )
    per_project = per_project.sort_index().reset_index()
    reasons = build_reasons(
        per_project.index,
        [("risk_exposure", per_project["risk_exposure"].isna(), "no open risk has a probability and impact amount")],
    )
    columns = ["project_id", "open_risks", "risk_exposure", "open_risks_without_value", "max_score", "open_high_risks"]
    return per_project[columns].assign(**{REASONS: reasons})


def risk_matrix(risks: pd.DataFrame) -> pd.DataFrame:
    """Counts of open risks on the 5x5 grid. One row per probability level (1-5), one column per impact level (1-5).

    Every cell is present, zeros included; risks missing either level are not on the grid.
    ``matrix.loc[4, 5]`` is the number of open risks with probability level 4 and impact level 5.
    """
    scored = risk_scores(risks)
    placed = scored[scored["is_open"] & scored["probability_level"].notna() & scored["impact_level"].notna()]
    grid = pd.crosstab(placed["probability_level"].astype("int64"), placed["impact_level"].astype("int64"))
    grid = grid.reindex(index=LEVELS, columns=LEVELS, fill_value=0).astype("int64")
    grid.index.name = "probability_level"
    grid.columns.name = "impact_level"
    return grid


def top_risks(risks: pd.DataFrame, n: int = 10, by: Literal["score", "expected_value"] = "score") -> pd.DataFrame:
    """The ``n`` open risks ranked highest by ``by`` (ties broken by the other figure). One row per risk.

    Unscored risks come last. Columns as :func:`risk_scores`.
    """
    if by not in ("score", "expected_value"):
        raise ValueError(f"top_risks ranks by 'score' or 'expected_value', not {by!r}")
    other = "expected_value" if by == "score" else "score"
    scored = risk_scores(risks)
    ranked = scored[scored["is_open"]].sort_values([by, other], ascending=False, na_position="last", kind="stable")
    return ranked.head(n).reset_index(drop=True)


def issue_ages(issues: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """Whether each issue is open on ``as_of`` and how old it is. One row per issue: the input columns plus the figures.

    is_open  = status open, or blank status and not resolved on or before as_of
    age_days = as_of - raised_date for an open issue; resolved_date - raised_date for a closed one
               (raised 1 March, as_of 15 March, open -> 14.0)
    """
    as_of = pd.Timestamp(as_of)
    status = issues["status"]
    blank = status.isna() | (status == "")
    resolved = issues["resolved_date"].notna() & (issues["resolved_date"] <= as_of)
    is_open = ((status == "open") | (blank & ~resolved)).astype(bool)
    age_end = pd.Series(as_of, index=issues.index).where(is_open, issues["resolved_date"])
    age_days = ((age_end - issues["raised_date"]) / pd.Timedelta(days=1)).astype("float64")
    raised_later = issues["raised_date"] > as_of
    age_days = age_days.where(~raised_later)
    reasons = build_reasons(
        issues.index,
        [
            ("age_days", issues["raised_date"].isna(), "no raised date"),
            ("age_days", raised_later, "raised after the as-of date"),
            ("age_days", ~is_open & issues["resolved_date"].isna(), "closed without a resolved date"),
        ],
    )
    return issues.assign(is_open=is_open, age_days=age_days, **{REASONS: reasons}).reset_index(drop=True)


def open_issues(issues: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """Open issues by priority on ``as_of``. One row per project per priority that has open issues.

    Columns: project_id, priority (as written in the file; NA when blank), open_issues,
    oldest_age_days and average_age_days (over the open issues with a raised date).
    """
    aged = issue_ages(issues, as_of)
    still_open = aged[aged["is_open"]]
    grouped = still_open.groupby(["project_id", "priority"], sort=True, dropna=False)
    return (
        grouped.agg(
            open_issues=("is_open", "size"),
            oldest_age_days=("age_days", "max"),
            average_age_days=("age_days", "mean"),
        )
        .reset_index()
        .astype({"open_issues": "int64", "oldest_age_days": "float64", "average_age_days": "float64"})
    )


def issue_counts(issues: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """Open issues on ``as_of``. One row per project that has issues: project_id, open_issues, oldest_age_days.

    A project whose issues are all closed has open_issues 0 and oldest_age_days NaN.
    """
    aged = issue_ages(issues, as_of)
    open_age = aged["age_days"].where(aged["is_open"])
    grouped = aged.assign(open_age=open_age).groupby("project_id", sort=True, dropna=False)
    return (
        grouped.agg(open_issues=("is_open", "sum"), oldest_age_days=("open_age", "max"))
        .reset_index()
        .astype({"open_issues": "int64", "oldest_age_days": "float64"})
    )

"""Schedule indicators: finish slip, late and slipping milestones, slip since the previous snapshot, MTA data.

Pure functions over the ``projects`` and ``milestones`` tables as the store returns them (dates as
datetime64, NaT when empty). Slips are in calendar days: positive is late, negative is early.

A milestone's current date is its actual date, else its forecast, else its baseline: a hand-made register
with one "Datum" column stores that date as the baseline, and it is the date the PMO updates each month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from pmo_analytics.indicators.common import REASONS, build_reasons, safe_divide

DateLike = dt.date | pd.Timestamp | str

ONE_DAY = pd.Timedelta(days=1)
MILESTONE_KEY = ["project_id", "milestone_id", "milestone_name"]


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Calendar days from ``earlier`` to ``later`` as float64, NaN where either date is missing."""
    return ((later - earlier) / ONE_DAY).astype("float64")


def finish_slip(projects: pd.DataFrame) -> pd.DataFrame:
    """Finish slip of each project. One row per project.

    finish_date          = actual_finish_date, else forecast_finish_date
    finish_slip_days     = finish_date - planned_finish_date  (calendar days; 14.0 is two weeks late)
    planned_duration_days = planned_finish_date - start_date
    finish_slip_percent  = 100 x finish_slip_days / planned_duration_days  (the health fallback without spi_t)
    A missing date leaves the figure NaN and names the cause in ``reasons``.
    """
    has_actual = projects["actual_finish_date"].notna()
    finish_date = projects["actual_finish_date"].where(has_actual, projects["forecast_finish_date"])
    slip_days = _days(finish_date, projects["planned_finish_date"])
    duration_days = _days(projects["planned_finish_date"], projects["start_date"])
    positive_duration = duration_days.where(duration_days > 0)
    slip_percent = 100.0 * safe_divide(slip_days, positive_duration)
    reasons = build_reasons(
        projects.index,
        [
            ("finish_slip_days", projects["planned_finish_date"].isna(), "no planned finish date"),
            ("finish_slip_days", finish_date.isna(), "no forecast or actual finish date"),
            ("finish_slip_percent", slip_days.isna(), "finish slip unknown"),
            ("finish_slip_percent", projects["start_date"].isna(), "no start date"),
            ("finish_slip_percent", duration_days <= 0, "planned finish is not after the start date"),
        ],
    )
    return pd.DataFrame(
        {
            "project_id": projects["project_id"],
            "start_date": projects["start_date"],
            "planned_finish_date": projects["planned_finish_date"],
            "finish_date": finish_date,
            "is_finished": has_actual,
            "finish_slip_days": slip_days,
            "planned_duration_days": duration_days,
            "finish_slip_percent": slip_percent,
            REASONS: reasons,
        },
        index=projects.index,
    ).reset_index(drop=True)


def milestone_status(milestones: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """Late and slipping flags of each milestone on ``as_of``. One row per milestone.

    is_done     = an actual date is given
    is_late     = done after its baseline date, or not done while its due date (baseline, else forecast)
                  lies before as_of: baseline 1 March, no actual, as_of 15 March -> late
    is_slipping = not done and forecast after baseline
    slip_days   = (actual, else forecast) - baseline in calendar days; NaN with a reason when a date is missing
    """
    as_of = pd.Timestamp(as_of)
    baseline = milestones["baseline_date"]
    actual = milestones["actual_date"]
    forecast = milestones["forecast_date"]
    is_done = actual.notna()
    due_date = baseline.where(baseline.notna(), forecast)
    is_late = (is_done & (actual > baseline)) | (~is_done & (due_date < as_of))
    is_slipping = ~is_done & (forecast > baseline)
    slip_days = _days(actual.where(is_done, forecast), baseline)
    reasons = build_reasons(
        milestones.index,
        [
            ("slip_days", baseline.isna(), "no baseline date"),
            ("slip_days", actual.isna() & forecast.isna(), "no forecast or actual date"),
        ],
    )
    return pd.DataFrame(
        {
            "project_id": milestones["project_id"],
            "milestone_id": milestones["milestone_id"],
            "milestone_name": milestones["milestone_name"],
            "baseline_date": baseline,
            "forecast_date": forecast,
            "actual_date": actual,
            "is_done": is_done.astype(bool),
            "is_late": is_late.astype(bool),
            "is_slipping": is_slipping.astype(bool),
            "slip_days": slip_days,
            REASONS: reasons,
        },
        index=milestones.index,
    ).reset_index(drop=True)


def milestone_counts(milestones: pd.DataFrame, as_of: DateLike) -> pd.DataFrame:
    """Milestone counts on ``as_of`` (see :func:`milestone_status`). One row per project with milestones.

    Columns: project_id, milestones, milestones_done, milestones_late, milestones_slipping.
    A project without milestones has no row: a caller joining on projects reads that as 0.
    """
    status = milestone_status(milestones, as_of)
    counts = (
        status.groupby("project_id", sort=True, dropna=False)
        .agg(
            milestones=("milestone_name", "size"),
            milestones_done=("is_done", "sum"),
            milestones_late=("is_late", "sum"),
            milestones_slipping=("is_slipping", "sum"),
        )
        .reset_index()
    )
    return counts.astype(
        {c: "int64" for c in ("milestones", "milestones_done", "milestones_late", "milestones_slipping")}
    )


def _current_date(milestones: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(actual, else forecast, else baseline date; is_actual) of each milestone."""
    is_actual = milestones["actual_date"].notna()
    date = milestones["actual_date"].where(is_actual, milestones["forecast_date"])
    date = date.where(date.notna(), milestones["baseline_date"])
    return date, is_actual


def milestone_slip_since(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """How far each milestone's date moved since the previous snapshot. One row per milestone of ``current``.

    A milestone is matched on project_id + milestone_id where both snapshots give an id, else on
    project_id + milestone_name. Its date is the actual date, else forecast, else baseline.
    slip_since_days = forecast_date - previous_forecast_date  (7.0: moved a week later since last time)
    """
    current = current.reset_index(drop=True)
    current_date, _ = _current_date(current)
    previous_date, _ = _current_date(previous)
    earlier = previous[MILESTONE_KEY].assign(previous_forecast_date=previous_date)
    has_id = current["milestone_id"].notna() & (current["milestone_id"] != "")

    def match(keys: list[str], usable: pd.Series) -> tuple[pd.Series, pd.Series]:
        """(previous date, is_matched) per current row, matching ``keys`` where ``usable``."""
        candidates = earlier.dropna(subset=keys).drop_duplicates(keys)[[*keys, "previous_forecast_date"]]
        # candidates are unique on keys, so the left merge keeps one row per current row, in order
        merged = current[keys].merge(candidates, on=keys, how="left", indicator=True)
        is_matched = (merged["_merge"] == "both").to_numpy() & usable.to_numpy()
        return (
            pd.Series(merged["previous_forecast_date"].to_numpy(), index=current.index),
            pd.Series(is_matched, index=current.index),
        )

    id_date, id_matched = match(["project_id", "milestone_id"], has_id)
    name_date, name_matched = match(["project_id", "milestone_name"], pd.Series(True, index=current.index))
    previous_forecast = id_date.where(id_matched, name_date.where(name_matched)).astype("datetime64[ns]")
    matched = id_matched | name_matched
    reasons = build_reasons(
        current.index,
        [
            ("slip_since_days", ~matched, "not in the previous snapshot"),
            ("slip_since_days", previous_forecast.isna(), "no date in the previous snapshot"),
            ("slip_since_days", current_date.isna(), "no date in this snapshot"),
        ],
    )
    return pd.DataFrame(
        {
            "project_id": current["project_id"],
            "milestone_id": current["milestone_id"],
            "milestone_name": current["milestone_name"],
            "previous_forecast_date": previous_forecast,
            "forecast_date": current_date,
            "slip_since_days": _days(current_date, previous_forecast),
            REASONS: reasons,
        }
    )


TREND_COLUMNS = ["project_id", "milestone_id", "milestone_name", "report_date", "forecast_date", "is_actual"]


def milestone_trend(snapshots: Sequence[tuple[DateLike, pd.DataFrame]]) -> pd.DataFrame:
    """Milestone trend analysis (MTA) data. One row per milestone per report date.

    ``snapshots`` is [(report date, milestones table as of that date), ...] in any order.
    forecast_date is the actual date once there is one (is_actual True), else the forecast, else the
    baseline; a milestone with no date at all in a snapshot has no row for that report date.
    """
    frames = []
    for report_date, milestones in snapshots:
        date, is_actual = _current_date(milestones)
        frames.append(
            pd.DataFrame(
                {
                    "project_id": milestones["project_id"],
                    "milestone_id": milestones["milestone_id"],
                    "milestone_name": milestones["milestone_name"],
                    "report_date": pd.Timestamp(report_date),
                    "forecast_date": date,
                    "is_actual": is_actual.astype(bool),
                }
            )
        )
    if not frames:
        return _empty_trend()
    trend = pd.concat(frames, ignore_index=True)
    trend = trend[trend["forecast_date"].notna()]
    trend = trend.astype({"report_date": "datetime64[ns]", "forecast_date": "datetime64[ns]", "is_actual": bool})
    return trend.sort_values(["project_id", "milestone_name", "report_date"], kind="stable").reset_index(drop=True)


def _empty_trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": pd.Series(dtype="str"),
            "milestone_id": pd.Series(dtype="str"),
            "milestone_name": pd.Series(dtype="str"),
            "report_date": pd.Series(dtype="datetime64[ns]"),
            "forecast_date": pd.Series(dtype="datetime64[ns]"),
            "is_actual": pd.Series(dtype=bool),
        }
    )


__all__ = [
    "finish_slip",
    "milestone_counts",
    "milestone_slip_since",
    "milestone_status",
    "milestone_trend",
]

"""The schedule page's data: the timeline's forecast basis, late and slipping milestones, MTA per project.

Pure functions over the contract tables, ``project_indicators`` rows and ``milestone_trend`` rows; the page
collects the snapshots through ui.py's caches, calls these and draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pmo_analytics.formatting import format_days
from pmo_analytics.indicators.common import REASONS
from pmo_analytics.indicators.schedule import milestone_slip_since, milestone_status, milestone_trend

# The finish date the timeline draws: key -> (indicator column, label for people).
# A PMO expects the date the project reported; earned schedule's forecast is the cost data's opinion.
FORECAST_BASES: dict[str, tuple[str, str]] = {
    "reported": ("reported_forecast_finish_date", "Reported by the project"),
    "earned_schedule": ("forecast_finish_date", "Earned schedule (from cost data)"),
}

MILESTONE_COLUMNS = [
    "project_id",
    "project_name",
    "milestone_id",
    "milestone_name",
    "state",
    "baseline_date",
    "forecast_date",
    "actual_date",
    "slip_days",
    "slip_since_days",
    "is_done",
    "is_late",
    "is_slipping",
    "notes",
]

# What a milestone's flags mean to a reader, in the order the list shows them.
STATES = ("Overdue", "Slipping", "Done late", "Done", "On plan")


def projects_without_finish(indicators: pd.DataFrame, forecast_column: str) -> pd.DataFrame:
    """The projects the timeline draws with only a baseline: no actual finish and no date in ``forecast_column``.

    One row per such project: project_id, project_name.
    """
    actual = indicators.get("actual_finish_date", pd.Series(pd.NaT, index=indicators.index))
    forecast = indicators.get(forecast_column, pd.Series(pd.NaT, index=indicators.index))
    missing = actual.isna() & forecast.isna()
    return indicators.loc[missing, ["project_id", "project_name"]].reset_index(drop=True)


def _state(status: pd.DataFrame) -> pd.Series:
    """ "Overdue": open and its due date passed; "Slipping": open, forecast after baseline; "Done late"."""
    choices = [
        ~status["is_done"] & status["is_late"],
        ~status["is_done"] & status["is_slipping"],
        status["is_done"] & status["is_late"],
        status["is_done"],
    ]
    return pd.Series(np.select(choices, list(STATES[:4]), STATES[4]), index=status.index, dtype="str")


def _notes(*reasons: pd.Series) -> pd.Series:
    """The reasons of undefined figures as one text per row: "no baseline date; not in the previous snapshot"."""
    rows = []
    for mappings in zip(*(series.to_numpy() for series in reasons), strict=True):
        texts = [text for mapping in mappings if isinstance(mapping, Mapping) for text in mapping.values()]
        rows.append("; ".join(dict.fromkeys(texts)))
    return pd.Series(rows, index=reasons[0].index, dtype="str")


def milestone_changes(
    tables: Mapping[str, pd.DataFrame], as_of: dt.date | pd.Timestamp, previous_milestones: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every milestone's state on ``as_of`` and how far it moved since the previous snapshot. One row per milestone.

    Columns ``MILESTONE_COLUMNS``: the flags and slip_days of ``milestone_status`` (slip_days = actual, else
    forecast, minus baseline), state (``STATES``: baseline 1 Mar, no actual, as of 15 Mar -> "Overdue"),
    slip_since_days of ``milestone_slip_since`` (7.0: a week later than the previous snapshot said; NaN without
    a previous snapshot), project_name from the projects table, and notes saying why a figure is missing.
    """
    milestones = tables["milestones"].reset_index(drop=True)
    status = milestone_status(milestones, as_of)
    if previous_milestones is not None:
        since = milestone_slip_since(previous_milestones, milestones)
        slip_since, since_reasons = since["slip_since_days"], since[REASONS]
    else:
        slip_since = pd.Series(np.nan, index=status.index, dtype="float64")
        since_reasons = pd.Series([{"slip_since_days": "no previous snapshot"}] * len(status), index=status.index)
    names = tables["projects"].drop_duplicates("project_id").set_index("project_id")["project_name"]
    return status.assign(
        project_name=status["project_id"].map(names).astype("str"),
        state=_state(status),
        slip_since_days=slip_since.astype("float64").to_numpy(),
        notes=_notes(status[REASONS], since_reasons),
    )[MILESTONE_COLUMNS]


def milestone_watchlist(changes: pd.DataFrame, include_done: bool = False) -> pd.DataFrame:
    """The late and slipping milestones: open ones that are overdue or slipping (with ``include_done`` also those
    finished after their baseline). One row per milestone, overdue first, then the largest slip, then project."""
    wanted = ~changes["is_done"] & (changes["is_late"] | changes["is_slipping"])
    if include_done:
        wanted |= changes["is_done"] & changes["is_late"]
    rank = changes["state"].map({state: i for i, state in enumerate(STATES)})
    return (
        changes.loc[wanted]
        .assign(_rank=rank[wanted], _slip=-changes.loc[wanted, "slip_days"])
        .sort_values(["_rank", "_slip", "project_id", "milestone_name"], na_position="last", kind="stable")
        .drop(columns=["_rank", "_slip"])
        .reset_index(drop=True)
    )


SCHEDULE_HEADLINE = {
    "projects_finishing_late": "Projects finishing late",
    "average_finish_slip_days": "Average finish slip",
    "milestones_overdue": "Milestones overdue",
    "milestones_slipping": "Milestones slipping",
    "milestones_moved_later": "Milestones moved later",
}


def schedule_headline(indicators: pd.DataFrame, changes: pd.DataFrame) -> dict[str, float]:
    """The schedule page's cards (``SCHEDULE_HEADLINE`` keys).

    projects_finishing_late   unfinished projects whose forecast finish lies after the planned finish
    average_finish_slip_days  mean finish_slip_days over the projects that know it (finished ones included)
    milestones_overdue        open milestones whose due date has passed (state "Overdue")
    milestones_slipping       open milestones forecast after their baseline, not yet due (state "Slipping")
    milestones_moved_later    milestones whose date moved later since the previous snapshot (slip_since_days > 0)
    """
    slip = indicators["finish_slip_days"].astype("float64")
    unfinished = indicators["actual_finish_date"].isna()
    return {
        "projects_finishing_late": float((unfinished & (slip > 0)).sum()),
        "average_finish_slip_days": float(slip.mean()) if slip.notna().any() else float("nan"),
        "milestones_overdue": float((changes["state"] == "Overdue").sum()),
        "milestones_slipping": float((changes["state"] == "Slipping").sum()),
        "milestones_moved_later": float((changes["slip_since_days"] > 0).sum()),
    }


def _milestone_key(trend: pd.DataFrame) -> pd.Series:
    """project + milestone id (else name), as the MTA chart draws one line per milestone."""
    milestone = trend["milestone_id"].where(trend["milestone_id"].notna(), trend["milestone_name"]).astype("str")
    return trend["project_id"].astype("str") + "\x00" + milestone


def mta_slip_by_project(trend: pd.DataFrame) -> pd.DataFrame:
    """How far each project's milestone dates moved over the reports of ``trend`` (``milestone_trend`` rows).

    One row per project: project_id, milestones, slip_days = the sum over its milestones of (date in the last
    report - date in the first report): two milestones moved 10 and 5 days later -> 15.0. Most slip first.
    """
    if trend.empty:
        return pd.DataFrame(
            {"project_id": pd.Series(dtype="str"), "milestones": pd.Series(dtype="int64"), "slip_days": []}
        )
    ordered = trend.assign(_key=_milestone_key(trend)).sort_values("report_date", kind="stable")
    per_milestone = ordered.groupby("_key", sort=False).agg(
        project_id=("project_id", "first"), first=("forecast_date", "first"), last=("forecast_date", "last")
    )
    moved = ((per_milestone["last"] - per_milestone["first"]) / pd.Timedelta(days=1)).astype("float64")
    per_project = (
        per_milestone.assign(moved=moved)
        .groupby("project_id", sort=True)
        .agg(milestones=("moved", "size"), slip_days=("moved", "sum"))
        .reset_index()
    )
    return per_project.sort_values(["slip_days", "project_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def mta_choices(slip: pd.DataFrame, indicators: pd.DataFrame) -> dict[str, str]:
    """Project id -> label for the MTA project choice, in ``mta_slip_by_project`` order (most slip first):
    {"1016": "Werkplekvernieuwing (1016) · dates moved +302 days", ...}. A project no longer in the
    indicators is named by its id."""
    names = indicators.drop_duplicates("project_id").set_index("project_id")["project_name"]
    choices = {}
    for project_id, days in zip(slip["project_id"].astype("str"), slip["slip_days"], strict=True):
        name = names.get(project_id)
        label = f"{name} ({project_id})" if isinstance(name, str) and name else project_id
        choices[project_id] = f"{label} · dates moved {format_days(days, signed=True)}"
    return choices


def mta_projects(snapshots: Sequence[tuple[dt.date, Mapping[str, pd.DataFrame]]]) -> dict[str, str]:
    """``mta_choices`` over snapshots of whole tables (what ui.history_data passes, oldest first), the projects
    named as in the last snapshot: the page's project list, cached with the trend (2,000 labels at 2,000
    projects are 40 ms of a rerun otherwise)."""
    if not snapshots:
        return {}
    slip = mta_slip_by_project(milestone_trend_of(snapshots))
    return mta_choices(slip, snapshots[-1][1]["projects"])


def project_mta(trend: pd.DataFrame, project_id: str) -> pd.DataFrame:
    """The MTA rows of one project (``milestone_trend`` rows), without the milestones already done before the
    first report: they are flat lines under the diagonal that stretch the date axis and never move."""
    rows = trend[trend["project_id"] == project_id]
    if rows.empty:
        return rows.reset_index(drop=True)
    first_report = rows["report_date"].min()
    keys = _milestone_key(rows)
    done_before = rows["is_actual"] & (rows["forecast_date"] < first_report)
    always_done_before = done_before.groupby(keys).transform("all")
    return rows.loc[~always_done_before].reset_index(drop=True)


__all__ = [
    "FORECAST_BASES",
    "MILESTONE_COLUMNS",
    "SCHEDULE_HEADLINE",
    "STATES",
    "latest_milestone_changes",
    "milestone_changes",
    "milestone_watchlist",
    "mta_projects",
    "mta_choices",
    "mta_slip_by_project",
    "project_mta",
    "projects_without_finish",
    "schedule_headline",
]


def latest_milestone_changes(snapshots: Sequence[tuple[dt.date, Mapping[str, pd.DataFrame]]]) -> pd.DataFrame:
    """``milestone_changes`` of the last of ``snapshots`` (oldest first, as ui.history_data passes them) against the
    one before it, which is the frame's previous snapshot; no earlier snapshot -> movement undefined."""
    as_of, tables = snapshots[-1]
    previous = snapshots[-2][1]["milestones"] if len(snapshots) > 1 else None
    return milestone_changes(tables, as_of, previous)


def milestone_trend_of(snapshots: Sequence[tuple[dt.date, Mapping[str, pd.DataFrame]]]) -> pd.DataFrame:
    """indicators.schedule.milestone_trend over snapshots of whole tables (what ui.history_data passes)."""
    return milestone_trend([(as_of, tables["milestones"]) for as_of, tables in snapshots])

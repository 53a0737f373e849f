"""What the monthly management report holds, as plain frames: one per sheet. report.py writes them with openpyxl.

Pure functions (tables in, frames out), so the page can show what the report will contain without writing it.
``tables`` are dicts as ``Store.load_tables`` returns them (already filtered when the report is for a filter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_analytics import dashboard
from pmo_analytics.indicators.health import AMBER, GREEN, GREY, RED, HealthSettings
from pmo_analytics.indicators.portfolio import changes
from pmo_analytics.indicators.resources import over_allocation_causes
from pmo_analytics.indicators.risk import issue_ages, risk_scores
from pmo_analytics.indicators.schedule import milestone_slip_since, milestone_status
from pmo_analytics.schema import TABLES

Tables = Mapping[str, pd.DataFrame]
HEALTH_COMPONENTS = ("cost", "schedule", "risk")  # the order of the three strings in health_reasons
HEALTH_RANK = {RED: 0, AMBER: 1, GREEN: 2, GREY: 3}  # worst first
TREND_RANK = {"worse": 0, "better": 1, "same": 2}
# The over-allocation window of dashboard.over_allocated_people (the as-of month and the two after it), so the
# Resources sheet lists exactly the people the "Over-allocated people" KPI counts.
RESOURCE_MONTHS = 3
# The Trend sheet covers at most this many snapshots up to the as-of date: a year of monthly ones and the same
# month a year before.
TREND_SNAPSHOTS = 13


@dataclass(frozen=True)
class ReportContent:
    """Everything the workbook shows. Frames hold raw values (NaN where unknown); report.py formats them."""

    as_of: dt.date
    previous_as_of: dt.date | None
    filters: dict[str, list[str]]
    settings: HealthSettings
    kpis: dict[str, float]
    previous_kpis: dict[str, float] | None
    health_counts: pd.DataFrame  # one row per status (red, amber, green, grey): projects, previous, change
    red_projects: pd.DataFrame  # one row per red project, with why_red
    projects: pd.DataFrame  # project_indicators, worst health first
    changes: pd.DataFrame | None  # indicators.portfolio.changes, None without a previous snapshot
    milestones: pd.DataFrame  # one row per late or slipping milestone
    risks: pd.DataFrame  # one row per open risk, highest score first
    issues: pd.DataFrame  # one row per open issue, oldest first
    resources: pd.DataFrame  # one row per over-allocated person per month per project causing it
    resource_window: tuple[dt.date, dt.date]
    history: pd.DataFrame | None = field(default=None)  # one row per snapshot date (portfolio totals)


def _table(tables: Tables, name: str) -> pd.DataFrame:
    """The table, or an empty one with the contract columns when the snapshot has none."""
    if name in tables:
        return tables[name]
    kinds = {"date": "datetime64[ns]", "amount": "float64", "number": "float64", "percent": "float64"}
    kinds |= {"probability": "float64", "level": "Int8"}
    return pd.DataFrame({c.name: pd.Series(dtype=kinds.get(c.kind, "str")) for c in TABLES[name].columns})


def _with_project_names(frame: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with project_name looked up by project_id (blank for a project not in ``projects``)."""
    names = projects.drop_duplicates("project_id").set_index("project_id")["project_name"]
    return frame.assign(project_name=frame["project_id"].map(names).astype("str"))


def why_red(indicators: pd.DataFrame) -> pd.Series:
    """The rules that made each project red, joined: "cost red: cpi 0.87 < 0.90; schedule red: spi_t 0.80 < 0.90".

    Only the red components' reasons (health_reasons holds one per component: cost, schedule, risk); "" for a
    project that is not red.
    """
    texts = []
    for _, row in indicators.iterrows():
        reasons = row["health_reasons"] if isinstance(row["health_reasons"], list) else []
        red = [
            reason
            for component, reason in zip(HEALTH_COMPONENTS, reasons, strict=False)
            if row[f"health_{component}"] == RED
        ]
        texts.append("; ".join(red))
    return pd.Series(texts, index=indicators.index, dtype="str")


def _worst_first(indicators: pd.DataFrame) -> pd.DataFrame:
    rank = indicators["health_overall"].map(HEALTH_RANK).fillna(len(HEALTH_RANK))
    return indicators.assign(_rank=rank).sort_values(["_rank", "project_id"], kind="stable").drop(columns="_rank")


def health_counts(indicators: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Projects per overall health, now and in the previous snapshot. One row per status, worst first.

    Columns: health, projects, previous (NaN without a previous snapshot), change = projects - previous.
    """
    statuses = list(HEALTH_RANK)
    now = indicators["health_overall"].value_counts().reindex(statuses, fill_value=0).astype("float64")
    if previous is None:
        before = pd.Series(np.nan, index=statuses)
    else:
        before = previous["health_overall"].value_counts().reindex(statuses, fill_value=0).astype("float64")
    return pd.DataFrame(
        {
            "health": statuses,
            "projects": now.to_numpy(),
            "previous": before.to_numpy(),
            "change": (now - before).to_numpy(),
        }
    )


def late_milestones(tables: Tables, as_of: dt.date, previous_tables: Tables | None = None) -> pd.DataFrame:
    """Late or slipping milestones on ``as_of``. One row per milestone: open ones first, the largest slip first.

    state: "late" (open and its due date has passed), "slipping" (open, forecast after baseline, not yet due),
    "done late" (finished after its baseline; these count in the Projects sheet's milestones_late too).
    slip_since_days: how far its date moved since the previous snapshot (NaN without one).
    """
    milestones = _table(tables, "milestones")
    status = milestone_status(milestones, as_of)
    if previous_tables is not None:
        since = milestone_slip_since(_table(previous_tables, "milestones"), milestones)
        status = status.assign(slip_since_days=since["slip_since_days"].to_numpy())
    else:
        status = status.assign(slip_since_days=np.nan)
    shown = status[status["is_late"] | status["is_slipping"]]
    state = np.select([~shown["is_done"] & shown["is_late"], ~shown["is_done"]], ["late", "slipping"], "done late")
    order = {"late": 0, "slipping": 1, "done late": 2}
    shown = shown.assign(state=pd.Series(state, index=shown.index, dtype="str"))
    shown = shown.assign(_rank=shown["state"].map(order), _slip=-shown["slip_days"].fillna(-np.inf))
    shown = shown.sort_values(["_rank", "_slip", "project_id", "milestone_name"], kind="stable")
    return _with_project_names(shown.drop(columns=["_rank", "_slip"]), _table(tables, "projects")).reset_index(
        drop=True
    )


def open_risks(tables: Tables) -> pd.DataFrame:
    """Open risks, scored. One row per risk: the highest score first, then the highest expected value."""
    scored = risk_scores(_table(tables, "risks"))
    shown = scored[scored["is_open"]].sort_values(
        ["score", "expected_value", "project_id"], ascending=[False, False, True], na_position="last", kind="stable"
    )
    return _with_project_names(shown, _table(tables, "projects")).reset_index(drop=True)


def open_issues(tables: Tables, as_of: dt.date) -> pd.DataFrame:
    """Open issues with their age in days on ``as_of``. One row per issue, the oldest first."""
    aged = issue_ages(_table(tables, "issues"), as_of)
    shown = aged[aged["is_open"]].sort_values(
        ["age_days", "project_id"], ascending=[False, True], na_position="last", kind="stable"
    )
    return _with_project_names(shown, _table(tables, "projects")).reset_index(drop=True)


def over_allocation_window(as_of: dt.date, months: int = RESOURCE_MONTHS) -> tuple[dt.date, dt.date]:
    """First and last day of the months checked for over-allocation: 2026-10-31 -> 2026-10-01 .. 2026-12-31."""
    start = pd.Timestamp(as_of).to_period("M").start_time
    end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    return start.date(), end.date()


def over_allocations(tables: Tables, as_of: dt.date, months: int = RESOURCE_MONTHS) -> pd.DataFrame:
    """Over-allocated people per month in the window, with the projects that fill those months.

    One row per person per month per project (largest contributor first), from
    ``over_allocation_causes``; team and project_name looked up.
    """
    start, end = over_allocation_window(as_of, months)
    people = _table(tables, "people")
    causes = over_allocation_causes(_table(tables, "allocations"), people, "month", "person", start, end)
    teams = people.drop_duplicates("person_name").set_index("person_name")["team"]
    causes = causes.assign(team=causes["person_name"].map(teams).astype("str"))
    return _with_project_names(causes, _table(tables, "projects"))


def project_changes(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """``changes`` of two project_indicators frames, the projects whose health got worse first."""
    changed = changes(current, previous)
    rank = changed["health_trend"].map(TREND_RANK).fillna(len(TREND_RANK))
    return changed.assign(_rank=rank).sort_values(["_rank", "project_id"], kind="stable").drop(columns="_rank")


def report_content(
    tables: Tables,
    as_of: dt.date,
    previous_tables: Tables | None = None,
    previous_as_of: dt.date | None = None,
    settings: HealthSettings | None = None,
    history: pd.DataFrame | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    summary: Mapping[str, object] | None = None,
    previous_summary: Mapping[str, object] | None = None,
) -> ReportContent:
    """Every sheet's frame for the snapshot ``as_of`` compared with ``previous_as_of``.

    ``summary`` / ``previous_summary`` are ``dashboard.snapshot_summary`` of the same tables and settings when
    the caller has them already (the page's cache); otherwise they are computed here. ``history`` is the
    portfolio history of ``dashboard.trends`` (one row per snapshot date), shown as the Trend sheet.
    """
    settings = settings or HealthSettings()
    as_of = pd.Timestamp(as_of).date()
    current = summary or dashboard.snapshot_summary(tables, as_of, settings)
    previous = None
    if previous_tables is not None and previous_as_of is not None:
        previous = previous_summary or dashboard.snapshot_summary(previous_tables, previous_as_of, settings)
    else:
        previous_as_of, previous_tables = None, None
    indicators: pd.DataFrame = current["indicators"]  # type: ignore[assignment]
    previous_indicators: pd.DataFrame | None = previous["indicators"] if previous else None  # type: ignore[assignment]
    red = _worst_first(indicators[indicators["health_overall"] == RED])
    return ReportContent(
        as_of=as_of,
        previous_as_of=pd.Timestamp(previous_as_of).date() if previous_as_of is not None else None,
        filters={name: list(values) for name, values in (filters or {}).items() if values},
        settings=settings,
        kpis=dict(current["kpis"]),  # type: ignore[arg-type]
        previous_kpis=dict(previous["kpis"]) if previous else None,  # type: ignore[arg-type]
        health_counts=health_counts(indicators, previous_indicators),
        red_projects=red.assign(why_red=why_red(red)),
        projects=_worst_first(indicators),
        changes=project_changes(indicators, previous_indicators) if previous_indicators is not None else None,
        milestones=late_milestones(tables, as_of, previous_tables),
        risks=open_risks(tables),
        issues=open_issues(tables, as_of),
        resources=over_allocations(tables, as_of),
        resource_window=over_allocation_window(as_of),
        history=history.sort_values("as_of").tail(TREND_SNAPSHOTS).reset_index(drop=True)
        if history is not None
        else None,
    )


def filters_text(filters: Mapping[str, Sequence[str]]) -> str:
    """ "Portfolio: Bedrijfsvoering, ICT · Phase: Uitvoering"; "none (all projects)" without a filter."""
    parts = [f"{label}: {', '.join(filters[name])}" for name, label in dashboard.FILTERS.items() if filters.get(name)]
    return " · ".join(parts) if parts else "none (all projects)"


__all__ = [
    "RESOURCE_MONTHS",
    "TREND_SNAPSHOTS",
    "ReportContent",
    "filters_text",
    "health_counts",
    "late_milestones",
    "open_issues",
    "open_risks",
    "over_allocation_window",
    "over_allocations",
    "report_content",
    "why_red",
]

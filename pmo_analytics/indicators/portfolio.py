"""Every indicator of every project in one frame, portfolio totals, and the change since the previous snapshot.

Pure functions over the tables as ``Store.load_tables`` returns them; the caller loads the snapshots.
``project_indicators`` is what the overview page, the report and ``indicators --format json`` show: its
first columns are exactly the JSON keys of DESIGN.md (``INDICATOR_KEYS``), the rest serve the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from pmo_analytics.indicators.common import REASONS, merge_reasons
from pmo_analytics.indicators.earned_schedule import SCHEDULE_FIGURES, earned_schedule, group_earned_schedule
from pmo_analytics.indicators.evm import FIGURES, earned_value, group_earned_value
from pmo_analytics.indicators.health import SEVERITY, HealthSettings, project_health
from pmo_analytics.indicators.risk import issue_counts, risk_exposure
from pmo_analytics.indicators.schedule import finish_slip, milestone_counts
from pmo_analytics.schema import TABLES

DateLike = dt.date | pd.Timestamp | str

# DESIGN.md, "Command line": the keys of `indicators --format json`, in this order.
INDICATOR_KEYS = [
    "project_id",
    "project_name",
    "as_of",
    "bac",
    "pv",
    "ev",
    "ac",
    "sv",
    "cv",
    "spi",
    "cpi",
    "eac",
    "etc",
    "vac",
    "tcpi",
    "es",
    "at",
    "pd",
    "sv_t",
    "spi_t",
    "tspi",
    "ieac_t",
    "forecast_finish_date",
    "finish_slip_days",
    "milestones_late",
    "open_risks",
    "risk_exposure",
    "open_issues",
    "health_cost",
    "health_schedule",
    "health_risk",
    "health_overall",
    "health_reasons",
]
PROJECT_FIELDS = ["portfolio", "programme", "department", "project_manager", "sponsor", "phase", "status", "priority"]
EXTRA_COLUMNS = [
    *PROJECT_FIELDS,
    "reported_status",
    "status_disagrees",
    "schedule_basis",
    "sv_pct",
    "cv_pct",
    "eac_ac_plus_remaining",
    "eac_composite",
    "bac_source",
    "pv_source",
    "ev_source",
    "ac_source",
    "percent_complete",
    "start_date",
    "first_period_date",
    "planned_finish_date",
    "reported_forecast_finish_date",  # the forecast the file carried; forecast_finish_date is earned schedule's
    "actual_finish_date",
    "finish_slip_percent",
    "milestones",
    "milestones_done",
    "milestones_slipping",
    "open_high_risks",
    "max_score",
    "open_risks_without_value",
    "oldest_issue_age_days",
    REASONS,
]
INDICATOR_COLUMNS = [*INDICATOR_KEYS, *EXTRA_COLUMNS]

# The figures whose change since the previous snapshot the overview and the monthly report show.
HEADLINE_FIGURES = [
    "bac",
    "ac",
    "eac",
    "cpi",
    "spi_t",
    "finish_slip_days",
    "open_risks",
    "risk_exposure",
    "open_issues",
    "milestones_late",
]
COUNT_FIGURES = ["milestones_late", "open_risks", "risk_exposure", "open_issues", "status_disagrees"]
HEALTH_COUNTS = [f"health_{name}" for name in ("green", "amber", "red", "grey")]
TOTAL_FIGURES = [
    "bac",
    "ac",
    "eac",
    "cpi",
    "spi",
    "spi_t",
    "average_finish_slip_days",
    "open_risks",
    "risk_exposure",
    "open_issues",
    "milestones_late",
    *HEALTH_COUNTS,
]

_STORE_DTYPES = {"date": "datetime64[ns]", "amount": "float64", "number": "float64", "percent": "float64"}
_STORE_DTYPES |= {"probability": "float64", "level": "Int8"}


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """The table from ``tables``, or an empty one with the contract columns when the caller has none."""
    if name in tables:
        return tables[name]
    columns = TABLES[name].columns
    return pd.DataFrame({c.name: pd.Series(dtype=_STORE_DTYPES.get(c.kind, "str")) for c in columns})


def _counts(frame: pd.DataFrame, ids: pd.Index, columns: list[str]) -> pd.DataFrame:
    """Count columns per project, 0 for a project without rows (no milestones -> 0 late)."""
    rows = frame.drop_duplicates("project_id").set_index("project_id").reindex(ids)
    return rows[columns].fillna(0).astype("int64")


def project_indicators(
    tables: Mapping[str, pd.DataFrame], as_of: DateLike, settings: HealthSettings | None = None
) -> pd.DataFrame:
    """EVM, earned schedule, schedule, risk, issue and health figures as of a date. One row per project.

    ``tables`` holds projects, cost_periods, milestones, risks and issues as ``Store.load_tables`` gives
    them (a missing one counts as empty). Columns: ``INDICATOR_KEYS`` (DESIGN.md's JSON keys) then
    ``EXTRA_COLUMNS``. forecast_finish_date is the earned-schedule forecast (first planned month + ieac_t);
    finish_slip_days compares the file's forecast or actual finish with the planned finish. Projects with no
    milestones, risks or issues count 0 of them (risk_exposure 0.0). ``reasons`` merges every undefined
    figure's reason; ``health_reasons`` says which rule and figure decided each health component.
    """
    as_of = pd.Timestamp(as_of).normalize().as_unit("ns")
    projects = _table(tables, "projects")
    cost_periods = _table(tables, "cost_periods")
    risks = _table(tables, "risks")
    ev = earned_value(projects, cost_periods, as_of)
    es = earned_schedule(projects, cost_periods, as_of, earned=ev)
    slip = finish_slip(projects)
    exposure = risk_exposure(risks)
    health = project_health(ev, es, slip, exposure, projects, settings, risks=risks)

    ids = pd.Index(ev["project_id"], name="project_id")
    info = projects.drop_duplicates("project_id").set_index("project_id").reindex(ids)
    ev_rows, es_rows = ev.set_index("project_id"), es.set_index("project_id")
    slip_rows = slip.drop_duplicates("project_id").set_index("project_id").reindex(ids)
    exposure_rows = exposure.drop_duplicates("project_id").set_index("project_id").reindex(ids)
    milestones = milestone_counts(_table(tables, "milestones"), as_of)
    issues = issue_counts(_table(tables, "issues"), as_of)
    issue_rows = issues.drop_duplicates("project_id").set_index("project_id").reindex(ids)

    frame = pd.concat(
        [
            info[["project_name"]],
            ev_rows[FIGURES + ["bac_source", "pv_source", "ev_source", "ac_source"]],
            es_rows[[*SCHEDULE_FIGURES, "first_period_date", "forecast_finish_date"]],
            slip_rows[["finish_slip_days", "finish_slip_percent"]],
            _counts(milestones, ids, ["milestones", "milestones_done", "milestones_late", "milestones_slipping"]),
            _counts(exposure, ids, ["open_risks", "open_risks_without_value", "open_high_risks"]),
            _counts(issues, ids, ["open_issues"]),
            health.set_index("project_id").reindex(ids),
        ],
        axis=1,
    )
    frame = frame.assign(
        as_of=as_of,
        # No risk registered -> 0.0; open risks none of which has a value -> NaN (risk_exposure's reason).
        risk_exposure=exposure_rows["risk_exposure"].astype("float64").where(exposure_rows["open_risks"].notna(), 0.0),
        max_score=exposure_rows["max_score"].astype("Int64"),
        oldest_issue_age_days=issue_rows["oldest_age_days"].astype("float64"),
        percent_complete=info["percent_complete"].astype("float64"),
        start_date=info["start_date"],
        planned_finish_date=info["planned_finish_date"],
        reported_forecast_finish_date=info["forecast_finish_date"],
        actual_finish_date=info["actual_finish_date"],
        **{name: info[name] for name in PROJECT_FIELDS},
        **{REASONS: merge_reasons(ev_rows[REASONS], es_rows[REASONS], slip_rows[REASONS], exposure_rows[REASONS])},
    )
    return frame.reset_index()[INDICATOR_COLUMNS]


def portfolio_totals(
    indicators: pd.DataFrame, tables: Mapping[str, pd.DataFrame], as_of: DateLike, by: str | None = None
) -> pd.DataFrame:
    """Totals per portfolio, programme or department (``by``), or for all projects. One row per group.

    EVM figures are ratios of sums (``group_earned_value``), earned schedule is the group's summed pv curve
    against its summed ev (``group_earned_schedule``: that needs the cost periods, hence ``tables``).
    Counts are sums (milestones_late, open_risks, risk_exposure over the projects that know it, open_issues,
    status_disagrees); average_finish_slip_days is the mean over the projects with a known slip (days are
    not a ratio); health_green .. health_grey count the projects by health_overall. The key column is ``by``,
    or ``group`` = "all"; projects with a blank group value form the group NaN, listed last.
    """
    key = by or "group"
    evm = group_earned_value(indicators, indicators, by)
    schedule = group_earned_schedule(
        _table(tables, "projects"), _table(tables, "cost_periods"), as_of, by, earned=indicators[["project_id", "ev"]]
    )
    group = indicators[by] if by is not None else pd.Series("all", index=indicators.index, dtype="str")
    grouped = indicators.assign(**{key: group}).groupby(key, dropna=False, sort=True)
    counts = grouped[COUNT_FIGURES].sum(min_count=1).astype({"risk_exposure": "float64"})
    counts = counts.fillna({name: 0 for name in COUNT_FIGURES if name != "risk_exposure"})
    health = pd.crosstab(group.fillna("\x00blank"), indicators["health_overall"]).reindex(
        columns=[name.removeprefix("health_") for name in HEALTH_COUNTS], fill_value=0
    )
    health.index = health.index.where(health.index != "\x00blank", np.nan)
    health.columns = HEALTH_COUNTS
    extras = counts.assign(average_finish_slip_days=grouped["finish_slip_days"].mean())
    extras = extras.join(health.rename_axis(key)).reset_index()
    schedule_columns = [key, "projects_left_out", *SCHEDULE_FIGURES, "first_period_date", "forecast_finish_date"]
    totals = (
        evm.drop(columns=REASONS)
        .merge(schedule[schedule_columns], on=key, how="left")
        .merge(extras, on=key, how="left")
        .astype(
            {
                **{name: "int64" for name in COUNT_FIGURES if name != "risk_exposure"},
                **dict.fromkeys(HEALTH_COUNTS, "int64"),
            }
        )
    )
    schedule_reasons = schedule.set_index(key)[REASONS].reindex(totals[key]).reset_index(drop=True)
    return totals.assign(**{REASONS: merge_reasons(evm[REASONS], schedule_reasons)})


# --- change since the previous snapshot -------------------------------------------------------------------


def previous_snapshot(dates: Iterable[DateLike], as_of: DateLike) -> dt.date | None:
    """The latest snapshot date strictly before ``as_of``; None when there is none.

    ``previous_snapshot([2026-01-31, 2026-02-28, 2026-03-31], 2026-03-31)`` -> 2026-02-28;
    with as_of 2026-03-15 -> 2026-02-28 too (the snapshot shown on 15 March is 28 February's).
    """
    as_of_date = pd.Timestamp(as_of).date()
    earlier = [pd.Timestamp(date).date() for date in dates if pd.Timestamp(date).date() < as_of_date]
    return max(earlier) if earlier else None


def _trend(before: pd.Series, after: pd.Series) -> pd.Series:
    """ "worse" / "better" / "same" per row from two health columns; NA where either is grey or missing."""
    rank_before, rank_after = before.map(SEVERITY).astype("float64"), after.map(SEVERITY).astype("float64")
    trend = np.select(
        [rank_after > rank_before, rank_after < rank_before, rank_after == rank_before],
        ["worse", "better", "same"],
        None,
    )
    return pd.Series(trend, index=before.index, dtype="str")


def changes(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    keys: Sequence[str] = ("project_id",),
    figures: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each figure before and after, and its change. One row per key in either snapshot, current ones first.

    Works on two ``project_indicators`` frames (keys project_id; figures default to ``HEADLINE_FIGURES``)
    and on two ``portfolio_totals`` frames (keys e.g. ("portfolio",); pass ``figures=TOTAL_FIGURES``).
    Figures missing from either frame are skipped. For each figure: ``<figure>_previous``, ``<figure>`` and
    ``<figure>_change`` = now - before (NaN when either is unknown; cpi 0.91 -> 0.86 gives -0.05).
    health_overall_previous / health_overall and health_trend ("worse", "better", "same"; NA when either
    side is grey or missing) where both frames have health_overall. is_new: only in current; is_gone:
    only in previous. project_name (when present) is taken from current, else previous.
    """
    keys = list(keys)
    wanted = HEADLINE_FIGURES if figures is None else list(figures)
    figures = [name for name in wanted if name in current.columns and name in previous.columns]
    has_health = "health_overall" in current.columns and "health_overall" in previous.columns
    labels = [name for name in ("project_name",) if name in current.columns and name not in keys]
    carried = [*labels, *figures, *(["health_overall"] if has_health else [])]
    now = current[[*keys, *carried]].drop_duplicates(keys).assign(_in_current=True)
    before = previous[[*keys, *carried]].drop_duplicates(keys).assign(_in_previous=True)
    merged = now.merge(before, on=keys, how="outer", suffixes=("", "_previous"), sort=False)
    in_current = merged["_in_current"].eq(True)
    merged = pd.concat([merged[in_current], merged[~in_current]], ignore_index=True)
    in_current, in_previous = merged["_in_current"].eq(True), merged["_in_previous"].eq(True)
    columns: dict[str, pd.Series] = {name: merged[name] for name in keys}
    for name in labels:
        columns[name] = merged[name].where(in_current, merged[f"{name}_previous"])
    columns["is_new"] = (in_current & ~in_previous).astype(bool)
    columns["is_gone"] = (in_previous & ~in_current).astype(bool)
    for name in figures:
        after = pd.to_numeric(merged[name], errors="coerce").astype("float64")
        before_values = pd.to_numeric(merged[f"{name}_previous"], errors="coerce").astype("float64")
        columns |= {f"{name}_previous": before_values, name: after, f"{name}_change": after - before_values}
    if has_health:
        health_before = merged["health_overall_previous"].astype("str")
        health_after = merged["health_overall"].astype("str")
        columns |= {"health_overall_previous": health_before, "health_overall": health_after}
        columns["health_trend"] = _trend(health_before, health_after)
    return pd.DataFrame(columns)


__all__ = [
    "HEADLINE_FIGURES",
    "INDICATOR_COLUMNS",
    "INDICATOR_KEYS",
    "TOTAL_FIGURES",
    "changes",
    "portfolio_totals",
    "previous_snapshot",
    "project_indicators",
]

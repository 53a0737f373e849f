"""The project page's data: everything about one project, shaped for cards and tables.

Pure functions. Those shaped ``fn(tables, as_of, project_id=...)`` are called through ``ui.view_data`` (cached
per snapshot and filters); the others take what the page already has (``ui.summary``'s indicators, the
project's milestones of each snapshot). The S-curve and the cpi/spi_t trend come from ``views.budget``, so the
project page and the budget page draw the same curve for a project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_analytics.charts.risk import priorities_of, priority_order
from pmo_analytics.charts.style import ZONE_LABELS, health_label, health_style, risk_zone
from pmo_analytics.formatting import MISSING, format_date, format_days, format_money, format_ratio
from pmo_analytics.indicators.common import REASONS
from pmo_analytics.indicators.health import AMBER, GREY, RED
from pmo_analytics.indicators.resources import allocation_hours_per_day, resource_load
from pmo_analytics.indicators.risk import issue_ages, risk_scores
from pmo_analytics.indicators.schedule import milestone_status, milestone_trend

Tables = Mapping[str, pd.DataFrame]
LABEL_SEPARATOR = " — "  # "1011 — Contractmanagementsysteem"


# --- choosing the project ----------------------------------------------------------------------------------


def project_options(projects: pd.DataFrame) -> dict[str, str]:
    """Project id -> "ID — name", sorted by id: {"1011": "1011 — Contractmanagementsysteem", ...}.

    A project without a name is listed by its id alone.
    """
    rows = projects.dropna(subset=["project_id"]).drop_duplicates("project_id").sort_values("project_id")
    return {
        str(pid): f"{pid}{LABEL_SEPARATOR}{name}" if isinstance(name, str) and name.strip() else str(pid)
        for pid, name in zip(rows["project_id"], rows["project_name"], strict=True)
    }


def requested_project(value: str | None, options: Mapping[str, str]) -> str | None:
    """The project id a ``?project=`` value names: a bare id ("1011") or the selectbox's label
    ("1011 — Contractmanagementsysteem", also when the name has changed since). None when blank."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if text in options:
        return text
    return text.split(LABEL_SEPARATOR, 1)[0].strip()


def missing_project_message(project_id: str, snapshot_ids: Sequence[str], as_of: dt.date, is_filtered: bool) -> str:
    """Why a requested project is not shown: not in this snapshot at all, or hidden by the sidebar filters.

    ("9999", ["1001"], 2026-10-31, False) -> 'Project "9999" is not in the snapshot of 31 Oct 2026. ...'
    """
    if project_id in set(snapshot_ids) and is_filtered:
        return (
            f'Project "{project_id}" is hidden by the filters in the sidebar. Clear them to see it, or choose '
            "one of the projects below."
        )
    return (
        f'Project "{project_id}" is not in the snapshot of {format_date(as_of)}. It may have been added later or '
        "removed, or the link has a typo: choose one of the projects below."
    )


# --- header and health -------------------------------------------------------------------------------------


def project_row(indicators: pd.DataFrame, project_id: str) -> pd.Series | None:
    """The project's row of ``project_indicators`` (None when it has none)."""
    rows = indicators[indicators["project_id"] == project_id]
    return None if rows.empty else rows.iloc[0]


HEALTH_COMPONENTS = {"overall": "Overall", "cost": "Cost", "schedule": "Schedule", "risk": "Risk"}


def health_components(row: pd.Series) -> pd.DataFrame:
    """Overall, cost, schedule and risk health with their reasons. One row per component.

    Columns: component ("cost"), title ("Cost"), status ("red"), label ("✖ Off track") and reason
    ("cost red: cpi 0.86 < 0.90"); overall's reason names the components that made it worse than green.
    """
    reasons = [str(text) for text in (row.get("health_reasons") if _is_list(row.get("health_reasons")) else [])]
    by_component = {name: next((r for r in reasons if r.startswith(f"{name} ")), "") for name in HEALTH_COMPONENTS}
    status = {name: health_style(row.get(f"health_{name}")).status for name in HEALTH_COMPONENTS}  # NaN -> grey
    worse = [by_component[name] for name in ("cost", "schedule", "risk") if status[name] in (AMBER, RED)]
    if worse:
        by_component["overall"] = "; ".join(worse)
    else:
        by_component["overall"] = (
            "no figure to judge it by" if status["overall"] == GREY else "no component is amber or red"
        )
    return pd.DataFrame(
        {
            "component": list(HEALTH_COMPONENTS),
            "title": list(HEALTH_COMPONENTS.values()),
            "status": [status[name] for name in HEALTH_COMPONENTS],
            "label": [health_label(status[name]) for name in HEALTH_COMPONENTS],
            "reason": [by_component[name] for name in HEALTH_COMPONENTS],
        }
    )


def status_disagreement(row: pd.Series) -> str | None:
    """A sentence when the project reports another status than the figures give, else None:
    "The project reports ● On track; the figures say ✖ Off track."."""
    if not bool(row.get("status_disagrees", False)):
        return None
    return (
        f"The project reports {health_label(row.get('reported_status'))}; "
        f"the figures say {health_label(row.get('health_overall'))}."
    )


def _is_list(value: object) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


# --- EVM cards ---------------------------------------------------------------------------------------------


def _months(value: object, signed: bool = False) -> str:
    """Earned-schedule periods are months: 14.25 -> "14.3 months"; -1.0 -> "-1.0 months"."""
    text = format_ratio(value, decimals=1, signed=signed)
    return text if text == MISSING else f"{text} months"


_TCPI = "tcpi = (bac - ev) / (bac - ac): the cpi the rest of the work needs to finish within budget"
_TSPI = "tspi = (pd - es) / (pd - at): the spi_t the rest of the work needs to finish on time"
_COMPOSITE = "eac = ac + (bac - ev) / (cpi x spi): the rest at today's cost and schedule performance"
_PROGRESS, _PERFORMANCE, _FORECAST, _SCHEDULE = "Budget and progress", "Performance", "Forecast", "Earned schedule"
# figure -> (group, label, formatter, a rise is good "normal" / bad "inverse" / neither "off", definition);
# in the order shown, four cards to a row.
EVM_FIGURES: dict[str, tuple[str, str, Callable[..., str], str, str]] = {
    "bac": (_PROGRESS, "Budget (bac)", format_money, "off", "budget at completion"),
    "pv": (_PROGRESS, "Planned value (pv)", format_money, "off", "the budget of the work planned to date"),
    "ev": (_PROGRESS, "Earned value (ev)", format_money, "off", "the budget of the work done to date"),
    "ac": (_PROGRESS, "Actual cost (ac)", format_money, "off", "what the work done has cost"),
    "cv": (_PERFORMANCE, "Cost variance (cv)", format_money, "normal", "cv = ev - ac; negative is over budget"),
    "cpi": (_PERFORMANCE, "CPI", format_ratio, "normal", "cpi = ev / ac; below 1.0 is over budget"),
    "sv": (_PERFORMANCE, "Schedule variance (sv)", format_money, "normal", "sv = ev - pv; negative is behind"),
    "spi": (_PERFORMANCE, "SPI", format_ratio, "normal", "spi = ev / pv; back to 1.0 at the end, however late"),
    "eac": (_FORECAST, "Forecast (eac)", format_money, "inverse", "estimate at completion = bac / cpi"),
    "etc": (_FORECAST, "To complete (etc)", format_money, "off", "estimate to complete = eac - ac"),
    "vac": (_FORECAST, "Variance at completion (vac)", format_money, "normal", "vac = bac - eac; negative: overrun"),
    "tcpi": (_FORECAST, "TCPI", format_ratio, "inverse", _TCPI),
    "eac_ac_plus_remaining": (_FORECAST, "eac: ac + rest at budget", format_money, "inverse", "eac = ac + (bac - ev)"),
    "eac_composite": (_FORECAST, "eac: cpi x spi", format_money, "inverse", _COMPOSITE),
    "es": (_SCHEDULE, "Earned schedule (es)", _months, "off", "when the plan expected today's ev"),
    "at": (_SCHEDULE, "Actual time (at)", _months, "off", "months from the first planned month to today"),
    "pd": (_SCHEDULE, "Planned duration (pd)", _months, "off", "months with planned value"),
    "sv_t": (_SCHEDULE, "Schedule variance (sv_t)", _months, "normal", "sv_t = es - at; negative is behind"),
    "spi_t": (_SCHEDULE, "SPI(t)", format_ratio, "normal", "spi_t = es / at; below 1.0 is behind plan"),
    "tspi": (_SCHEDULE, "TSPI", format_ratio, "inverse", _TSPI),
    "ieac_t": (_SCHEDULE, "Duration forecast (ieac_t)", _months, "inverse", "ieac_t = pd / spi_t"),
    "forecast_finish_date": (_SCHEDULE, "Forecast finish", format_date, "inverse", "first planned month + ieac_t"),
}


@dataclass(frozen=True)
class FigureCard:
    """One EVM figure as a metric card."""

    figure: str  # "cpi"
    group: str  # "Performance"
    label: str  # "CPI"
    value: str  # "0.86", "—" when undefined
    delta: str | None  # "-0.05" since the previous snapshot; None when there is no previous value
    delta_color: str  # "normal" | "inverse" | "off": whether a rise is good, bad or neither
    delta_arrow: str  # "auto", or "off" when nothing changed (no green arrow on "0.00")
    help: str  # the reason when undefined ("cpi undefined: ac is 0"), else the definition


def _number(value: object) -> float:
    if value is None or value is pd.NA or value is pd.NaT:
        return float("nan")
    if isinstance(value, (pd.Timestamp, dt.date, np.datetime64)):
        return float("nan")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _change(figure: str, now: object, before: object) -> tuple[str | None, bool]:
    """(signed change text, is zero): cpi 0.91 -> 0.86 gives ("-0.05", False); a finish moved 14 days later
    gives ("+14 days", False); None when either side is unknown."""
    if figure == "forecast_finish_date":
        if pd.isna(now) or pd.isna(before):
            return None, False
        days = (pd.Timestamp(now) - pd.Timestamp(before)) / pd.Timedelta(days=1)
        text = format_days(days, signed=True)
        return text, not text.startswith(("+", "-"))
    after, earlier = _number(now), _number(before)
    if np.isnan(after) or np.isnan(earlier):
        return None, False
    formatter = EVM_FIGURES[figure][2]
    text = formatter(after - earlier, signed=True)
    return text, not text.startswith(("+", "-"))


def evm_cards(row: pd.Series, previous: pd.Series | None = None) -> list[FigureCard]:
    """The project's EVM and earned-schedule figures as cards, in EVM_FIGURES order, with the change since
    ``previous`` (the project's row of the previous snapshot's indicators; None: no change shown)."""
    reasons = row.get(REASONS)
    reasons = reasons if isinstance(reasons, Mapping) else {}
    cards = []
    for figure, (group, label, formatter, colour, definition) in EVM_FIGURES.items():
        value = row.get(figure)
        text = formatter(value)
        delta, is_zero = (None, False) if previous is None else _change(figure, value, previous.get(figure))
        if text == MISSING:
            reason = reasons.get(figure) or f"{figure} is not known in this snapshot"
            help_text = f"{reason}. ({definition})"
        else:
            help_text = definition
        cards.append(
            FigureCard(
                figure, group, label, text, delta, "off" if is_zero else colour, "off" if is_zero else "auto", help_text
            )
        )
    return cards


# --- milestones ---------------------------------------------------------------------------------------------


def _state(status: pd.DataFrame) -> pd.Series:
    """ "Done", "Done late", "Late", "Slipping" or "On plan" per milestone (late before slipping)."""
    words = np.select(
        [
            status["is_done"] & status["is_late"],
            status["is_done"],
            status["is_late"],
            status["is_slipping"],
        ],
        ["Done late", "Done", "Late", "Slipping"],
        "On plan",
    )
    return pd.Series(words, index=status.index, dtype="str")


def project_milestones(tables: Tables, as_of: dt.date, project_id: str) -> pd.DataFrame:
    """The project's milestones with their late and slipping flags on ``as_of``. One row per milestone,
    in date order (actual, else forecast, else baseline).

    Columns: milestone_id, milestone_name, baseline_date, forecast_date, actual_date, state ("Late"),
    is_done, is_late, is_slipping, slip_days (actual or forecast - baseline; 14.0 is two weeks late), note
    (why slip_days is unknown).
    """
    milestones = tables["milestones"]
    status = milestone_status(milestones[milestones["project_id"] == project_id], as_of)
    date = status["actual_date"].fillna(status["forecast_date"]).fillna(status["baseline_date"])
    status = status.assign(
        state=_state(status),
        note=status[REASONS].map(lambda reasons: "; ".join(reasons.values())),
        _date=date,
    ).sort_values(["_date", "milestone_name"], kind="stable", na_position="last")
    columns = ["milestone_id", "milestone_name", "baseline_date", "forecast_date", "actual_date", "state"]
    return status[[*columns, "is_done", "is_late", "is_slipping", "slip_days", "note"]].reset_index(drop=True)


def project_milestone_rows(tables: Tables, as_of: dt.date, project_id: str) -> pd.DataFrame:
    """The project's rows of the milestones table as of a snapshot (one row per milestone): called once per
    snapshot through ``ui.view_data``, so the page caches a few rows per date rather than whole tables."""
    milestones = tables["milestones"]
    return milestones[milestones["project_id"] == project_id].reset_index(drop=True)


def project_milestone_trend(snapshots: Sequence[tuple[dt.date, pd.DataFrame]], project_id: str) -> pd.DataFrame:
    """Milestone trend analysis data of one project: ``milestone_trend`` over [(report date, milestones
    table as of that date), ...] restricted to the project. One row per milestone per report date."""
    return milestone_trend(
        [(report_date, milestones[milestones["project_id"] == project_id]) for report_date, milestones in snapshots]
    )


# --- risks, issues, people ---------------------------------------------------------------------------------


def project_risks(tables: Tables, as_of: dt.date, project_id: str) -> pd.DataFrame:
    """The project's risks, scored. One row per risk: open first, then highest score, then expected value.

    Columns: risk_id, title, category, status, is_open, probability, probability_level, impact_level, score
    (probability level x impact level), zone ("High" >= 15, "Medium" >= 8, "Low", "Not scored"),
    impact_amount, expected_value (probability x impact_amount), owner, response, due_date.
    """
    risks = tables["risks"]
    scored = risk_scores(risks[risks["project_id"] == project_id])
    scored = scored.assign(zone=scored["score"].map(lambda score: ZONE_LABELS[risk_zone(score)]).astype("str"))
    ordered = scored.sort_values(
        ["is_open", "score", "expected_value"], ascending=[False, False, False], kind="stable", na_position="last"
    )
    columns = ["risk_id", "title", "category", "status", "is_open", "probability", "probability_level"]
    columns += ["impact_level", "score", "zone", "impact_amount", "expected_value", "owner", "response", "due_date"]
    return ordered[columns].reset_index(drop=True)


def project_issues(tables: Tables, as_of: dt.date, project_id: str) -> pd.DataFrame:
    """The project's issues with their age on ``as_of``. One row per issue: open first, then the most
    urgent priority, then the oldest.

    Columns: issue_id, title, priority, status, is_open, age_days (as_of - raised_date while open;
    resolved - raised once closed), owner, raised_date, resolved_date.
    """
    issues = tables["issues"]
    aged = issue_ages(issues[issues["project_id"] == project_id], as_of)
    priorities = priorities_of(aged)
    rank = {word: position for position, word in enumerate(priority_order(priorities))}
    ordered = aged.assign(_rank=priorities.map(rank)).sort_values(
        ["is_open", "_rank", "age_days"], ascending=[False, True, False], kind="stable", na_position="last"
    )
    columns = ["issue_id", "title", "priority", "status", "is_open", "age_days", "owner", "raised_date"]
    return ordered[[*columns, "resolved_date"]].reset_index(drop=True)


def coming_months(as_of: dt.date, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first day, last day) of the ``months`` months after ``as_of``: 2026-10-31, 3 -> 2026-11-01 .. 2027-01-31;
    mid-month 2026-03-15, 3 -> 2026-03-01 .. 2026-05-31 (the rest of March is still to come)."""
    start = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).to_period("M").start_time
    return start, start + pd.DateOffset(months=months) - pd.Timedelta(days=1)


def month_labels(as_of: dt.date, months: int) -> list[str]:
    """The coming months' column names of :func:`project_people`: 2026-10-31, 2 -> ["Nov 2026", "Dec 2026"]."""
    start, _ = coming_months(as_of, months)
    return [f"{day:%b %Y}" for day in pd.date_range(start, periods=months, freq="MS")]


def project_people(tables: Tables, as_of: dt.date, project_id: str, months: int = 3) -> pd.DataFrame:
    """The people allocated to the project and their hours on it in the coming months. One row per person,
    most hours first.

    Columns: person_name, team, role, one column per coming month ("Nov 2026": hours on this project,
    allocations spread over working days), project_hours (their sum), first_date and last_date (the span
    of all the person's allocations on the project), peak_utilisation (the person's highest monthly load
    over all projects in those months: 1.2 is 120% of the hours available) and over_allocated (above 100%
    in any of them). People whose allocations on the project lie in the past have 0 hours.
    """
    allocations, people = tables["allocations"], tables["people"]
    on_project = allocations[allocations["project_id"] == project_id]
    start, end = coming_months(as_of, months)
    period_starts = pd.date_range(start, periods=months, freq="MS")
    labels = month_labels(as_of, months)
    names = pd.Index(on_project["person_name"].dropna().unique(), name="person_name")
    if names.empty:
        return _empty_people(labels)
    project_load = resource_load(on_project, people, period="month", start=start, end=end)
    hours = (
        project_load[project_load["person_name"].isin(names)]
        .pivot_table(index="person_name", columns="period_start", values="allocated_hours", aggfunc="sum")
        .reindex(index=names, columns=period_starts, fill_value=0.0)
        .fillna(0.0)
    )
    hours.columns = labels
    involved = allocations[allocations["person_name"].isin(names)]
    load = resource_load(involved, people, period="month", start=start, end=end)
    load = load[load["person_name"].isin(names)].groupby("person_name")
    spans = allocation_hours_per_day(on_project).groupby("person_name")
    info = people.drop_duplicates("person_name", keep="last").set_index("person_name").reindex(names)
    frame = pd.DataFrame(
        {
            "team": info["team"].astype("str"),
            "role": info["role"].astype("str"),
            **{label: hours[label].astype("float64") for label in labels},
            "project_hours": hours.sum(axis=1).astype("float64"),
            "first_date": spans["span_start_date"].min().reindex(names),
            "last_date": spans["span_finish_date"].max().reindex(names),
            "peak_utilisation": load["utilisation"].max().reindex(names).astype("float64"),
            "over_allocated": load["over_allocated"].any().reindex(names).fillna(False).astype(bool),
        },
        index=names,
    ).reset_index()
    return frame.sort_values(["project_hours", "person_name"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def _empty_people(labels: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_name": pd.Series(dtype="str"),
            "team": pd.Series(dtype="str"),
            "role": pd.Series(dtype="str"),
            **{label: pd.Series(dtype="float64") for label in labels},
            "project_hours": pd.Series(dtype="float64"),
            "first_date": pd.Series(dtype="datetime64[ns]"),
            "last_date": pd.Series(dtype="datetime64[ns]"),
            "peak_utilisation": pd.Series(dtype="float64"),
            "over_allocated": pd.Series(dtype=bool),
        }
    )

"""Earned schedule (Lipke) per project and per group of projects, as of a date.

es      earned schedule: the time at which the plan expected the value earned so far
at      actual time: periods from the first planned period through the one containing the as-of date
pd      planned duration: periods from the first planned period through the last one with planned value
sv_t    schedule variance in time = es - at (periods; negative: behind)
spi_t   schedule performance index in time = es / at
tspi    to-complete schedule performance index = (pd - es) / (pd - at)
ieac_t  independent estimate of the duration at completion = pd / spi_t (periods)
Source: Lipke, "Schedule is Different", The Measurable News, March 2003; PMI Practice Standard for EVM,
2nd ed., appendix D.

spi = ev / pv returns to 1.0 at the end of every project, however late; spi_t keeps saying how late it was,
which is why schedule health uses spi_t. Periods are calendar months (see ``evm``); the core,
:func:`earned_schedule_from_curve`, works on a curve of any period length (days, weeks); it is the reference
that :func:`earned_schedule_from_curves` (every project at once, with numpy) reproduces exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_analytics.indicators.common import REASONS, safe_divide
from pmo_analytics.indicators.evm import (
    as_of_month,
    cost_months,
    curves_from_months,
    earned_value,
    is_member,
    month_numbers,
    month_start_dates,
    month_start_days,
    tidy_projects,
)

SCHEDULE_FIGURES = ["es", "at", "pd", "sv_t", "spi_t", "tspi", "ieac_t"]
DATES = ["first_period_date", "forecast_finish_date"]
ES_COLUMNS = ["project_id", *SCHEDULE_FIGURES, *DATES, REASONS]


@dataclass(frozen=True)
class EarnedSchedule:
    """Earned schedule figures in periods; NaN where undefined, with the reason in ``reasons``."""

    es: float
    at: float
    pd: float
    sv_t: float
    spi_t: float
    tspi: float
    ieac_t: float
    reasons: dict[str, str] = field(default_factory=dict)


def earned_schedule_from_curve(cumulative_pv: np.ndarray | list[float], ev: float, at: float) -> EarnedSchedule:
    """Lipke's earned schedule on one cumulative planned value curve, periods of any length.

    ``cumulative_pv[i]`` is the planned value cumulated through the end of period i + 1, period 1 being the
    first planned period (pv_0 = 0 before it). es = c + (ev - pv_c) / (pv_{c+1} - pv_c) with c the last period
    whose cumulative pv <= ev; es is pd once ev reaches the total planned value. pd = the last period with
    planned value. Days 1-20 planning 100 a day, ev 1,330 and at 15: c = 13, es = 13 + 30/100 = 13.3.
    A cumulative curve that dips (a negative correction) is read as its running maximum.
    """
    curve = np.maximum.accumulate(np.asarray(cumulative_pv, dtype="float64")) if len(cumulative_pv) else np.zeros(0)
    reasons: dict[str, str] = {}
    planned = np.flatnonzero(np.diff(curve, prepend=0.0) > 0)
    planned_duration = float(planned[-1] + 1) if len(planned) else np.nan
    if np.isnan(planned_duration):
        reasons["pd"] = "pd undefined: no period has planned value"

    if np.isnan(ev):
        reasons["es"] = "es undefined: ev unknown"
        es = np.nan
    elif np.isnan(planned_duration):
        reasons["es"] = "es undefined: no period has planned value"
        es = np.nan
    else:
        total = int(planned_duration)
        cumulative = np.concatenate(([0.0], curve[:total]))  # pv_0 .. pv_pd
        last_reached = int(np.searchsorted(cumulative, ev, side="right")) - 1  # c
        if last_reached >= total:
            es = planned_duration  # everything planned is earned
        elif last_reached < 0 or ev <= 0:
            es = 0.0
        else:
            step = cumulative[last_reached + 1] - cumulative[last_reached]  # > 0: c is the last with pv <= ev
            es = last_reached + (ev - cumulative[last_reached]) / step

    sv_t = es - at
    spi_t = safe_divide(es, at)
    if at == 0 and not np.isnan(es):
        reasons["spi_t"] = "spi_t undefined: at is 0 (the plan has not started)"
    if at >= planned_duration:
        tspi = np.nan
        reasons["tspi"] = "tspi undefined: at >= pd (the planned duration has passed)"
    else:
        tspi = safe_divide(planned_duration - es, planned_duration - at)
    ieac_t = safe_divide(planned_duration, spi_t)
    if spi_t == 0:
        reasons["ieac_t"] = "ieac_t undefined: spi_t is 0 (nothing earned yet)"
    values = {"es": es, "at": at, "pd": planned_duration, "sv_t": sv_t, "spi_t": spi_t, "tspi": tspi, "ieac_t": ieac_t}
    inputs = {"sv_t": ("es", "at"), "spi_t": ("es", "at"), "tspi": ("pd", "es", "at"), "ieac_t": ("pd", "spi_t")}
    for figure, value in values.items():
        if np.isnan(value) and figure not in reasons:
            missing = [name for name in inputs.get(figure, ()) if np.isnan(values[name])]
            reasons[figure] = f"{figure} undefined: {missing[0]} undefined" if missing else f"{figure} undefined"
    return EarnedSchedule(**{name: float(value) for name, value in values.items()}, reasons=reasons)


def earned_schedule_from_curves(
    cumulative_pv: list[np.ndarray | list[float]], ev: np.ndarray | list[float], at: np.ndarray | list[float]
) -> pd.DataFrame:
    """:func:`earned_schedule_from_curve` on many curves at once, with identical figures and reasons.

    One row per curve: the columns of ``SCHEDULE_FIGURES`` then ``reasons``. The curves are padded with
    their last value (which plans nothing more) into blocks of similar length and computed with numpy.
    """
    lengths = np.array([len(curve) for curve in cumulative_pv], dtype="int64")
    ev = np.asarray(ev, dtype="float64")
    at = np.asarray(at, dtype="float64")
    figures = {name: np.full(len(lengths), np.nan) for name in SCHEDULE_FIGURES}
    reasons: list[dict[str, str]] = [{} for _ in range(len(lengths))]
    for rows, width in _blocks(lengths):
        block = np.zeros((len(rows), width))
        for position, row in enumerate(rows):
            curve = np.asarray(cumulative_pv[row], dtype="float64")
            block[position, : len(curve)] = curve
            block[position, len(curve) :] = curve[-1] if len(curve) else 0.0
        _fill(figures, reasons, rows, block, ev[rows], at[rows])
    return pd.DataFrame({**figures, REASONS: reasons})


def _blocks(lengths: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Rows grouped by length into blocks of width a power of two (at least 1): padding at most doubles."""
    widths = 2 ** np.ceil(np.log2(np.maximum(lengths, 1))).astype("int64")
    return [(np.flatnonzero(widths == width), int(width)) for width in np.unique(widths)]


def _fill(
    figures: dict[str, np.ndarray],
    reasons: list[dict[str, str]],
    rows: np.ndarray,
    cumulative: np.ndarray,
    ev: np.ndarray,
    at: np.ndarray,
) -> None:
    """:func:`earned_schedule_from_curve` on each row of a 2-D block of cumulative curves (each padded with its
    last value), written into ``figures`` and ``reasons`` at ``rows``. The same arithmetic in the same order,
    hence the same floats; a curve that starts negative or holds NaN or inf goes through the reference."""
    curve = np.maximum.accumulate(cumulative, axis=1)
    width = curve.shape[1]
    planned = np.diff(curve, axis=1, prepend=0.0) > 0
    any_planned = planned.any(axis=1)
    planned_duration = np.where(any_planned, width - np.argmax(planned[:, ::-1], axis=1), np.nan)
    # c = searchsorted([0, curve[:pd]], ev, side="right") - 1: on a sorted array, the count of values <= ev, - 1.
    total = np.where(any_planned, planned_duration, 0).astype("int64")
    within = np.arange(width) < total[:, None]
    with np.errstate(invalid="ignore"):
        last_reached = (ev >= 0).astype("int64") + ((curve <= ev[:, None]) & within).sum(axis=1) - 1
    index = np.arange(len(rows))
    upper = curve[index, np.clip(last_reached, 0, width - 1)]
    lower = np.where(last_reached > 0, curve[index, np.clip(last_reached - 1, 0, width - 1)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        partial = last_reached + (ev - lower) / (upper - lower)
        es = np.select(
            [np.isnan(ev) | ~any_planned, last_reached >= total, (last_reached < 0) | (ev <= 0)],
            [np.nan, planned_duration, 0.0],
            partial,
        )
        sv_t = es - at
        spi_t = _divide(es, at)
        tspi = np.where(at >= planned_duration, np.nan, _divide(planned_duration - es, planned_duration - at))
        ieac_t = _divide(planned_duration, spi_t)
    values = {"es": es, "at": at, "pd": planned_duration, "sv_t": sv_t, "spi_t": spi_t, "tspi": tspi, "ieac_t": ieac_t}
    odd = ~np.isfinite(cumulative).all(axis=1) | (curve[:, 0] < 0)
    for position, row in enumerate(rows):
        if odd[position]:
            result = earned_schedule_from_curve(cumulative[position], float(ev[position]), float(at[position]))
            row_values = {name: getattr(result, name) for name in SCHEDULE_FIGURES}
            reasons[row] = result.reasons
        else:
            row_values = {name: float(column[position]) for name, column in values.items()}
            reasons[row] = _reasons(row_values, float(ev[position]))
        for name, value in row_values.items():
            figures[name][row] = value


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``safe_divide`` on arrays: NaN where the denominator is 0 or NaN, or the quotient is not finite."""
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = numerator / denominator
    return np.where((denominator == 0) | ~np.isfinite(quotient), np.nan, quotient)


_INPUTS = {"sv_t": ("es", "at"), "spi_t": ("es", "at"), "tspi": ("pd", "es", "at"), "ieac_t": ("pd", "spi_t")}


def _reasons(values: dict[str, float], ev: float) -> dict[str, str]:
    """The reasons :func:`earned_schedule_from_curve` gives with these figures, in the same order."""
    reasons: dict[str, str] = {}
    es, at, planned_duration = values["es"], values["at"], values["pd"]
    if np.isnan(planned_duration):
        reasons["pd"] = "pd undefined: no period has planned value"
    if np.isnan(ev):
        reasons["es"] = "es undefined: ev unknown"
    elif np.isnan(planned_duration):
        reasons["es"] = "es undefined: no period has planned value"
    if at == 0 and not np.isnan(es):
        reasons["spi_t"] = "spi_t undefined: at is 0 (the plan has not started)"
    if at >= planned_duration:
        reasons["tspi"] = "tspi undefined: at >= pd (the planned duration has passed)"
    if values["spi_t"] == 0:
        reasons["ieac_t"] = "ieac_t undefined: spi_t is 0 (nothing earned yet)"
    for figure, value in values.items():
        if np.isnan(value) and figure not in reasons:
            missing = [name for name in _INPUTS.get(figure, ()) if np.isnan(values[name])]
            reasons[figure] = f"{figure} undefined: {missing[0]} undefined" if missing else f"{figure} undefined"
    return reasons


def finish_dates(first_months: np.ndarray, ieac_t: np.ndarray) -> np.ndarray:
    """The last day of work ieac_t months after the start of the first planned month, as datetime64[ns].

    Whole months are counted on the calendar, the fraction in days of the month it falls in, rounded up to
    the day in which the work ends: first month 2026-01, ieac_t 6.0 -> 2026-06-30; 6.5 -> 15.5 days into July
    -> 2026-07-16. The same "last day" convention as planned_finish_date, so the two compare directly.
    """
    first_months = np.asarray(first_months, dtype="float64")
    ieac_t = np.asarray(ieac_t, dtype="float64")
    out = np.full(first_months.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    # Beyond 1,000 years a forecast says nothing but "never"; leave it NaT rather than overflow datetime64[ns].
    known = ~np.isnan(first_months) & np.isfinite(ieac_t) & (ieac_t >= 0) & (ieac_t < 12_000)
    whole = np.floor(ieac_t[known])
    month = first_months[known].astype("int64") + whole.astype("int64")
    days_in_month = month_start_days(month + 1) - month_start_days(month)
    days = np.ceil(np.round((ieac_t[known] - whole) * days_in_month, 9))
    last_day = month_start_days(month) + days.astype("int64") - 1
    out[known] = last_day.astype("datetime64[D]").astype("datetime64[ns]")
    return out


def _schedule_rows(
    curves: pd.DataFrame, key: str, keys: pd.Index, ev: pd.Series, end_month: pd.Series, no_curve: str = "pv unknown"
) -> pd.DataFrame:
    """Earned schedule per key from monthly planned value rows (key, month, planned_value). One row per key.

    ``end_month`` is the month number at counts through (the as-of month, or an earlier actual finish).
    """
    planned = curves[curves["planned_value"] != 0].sort_values([key, "month"])
    runs = _runs(planned[key].to_numpy())
    months = planned["month"].to_numpy().astype("int64")
    values = planned["planned_value"].to_numpy().astype("float64")
    names = pd.Index([name for name, _, _ in runs], dtype="object")
    row_of = names.get_indexer(keys) if len(runs) else np.full(len(keys), -1)  # -1: no curve
    starts = np.array([start for _, start, _ in runs], dtype="int64")
    stops = np.array([stop for _, _, stop in runs], dtype="int64")
    first = months[starts]
    lengths = months[stops - 1] - first + 1
    ev_values = ev.reindex(names).to_numpy(dtype="float64", na_value=np.nan)
    end = end_month.reindex(names).to_numpy(dtype="float64", na_value=np.nan).astype("int64")
    at = np.maximum(end - first + 1, 0).astype("float64")  # 0 before the first planned month
    figures = {name: np.full(len(runs), np.nan) for name in SCHEDULE_FIGURES}
    curve_reasons: list[dict[str, str]] = [{} for _ in range(len(runs))]
    # One dense monthly curve per key (rows of a block of keys of similar length, zeros after its end).
    run_of_row = np.repeat(np.arange(len(runs)), stops - starts)
    for rows, width in _blocks(lengths):
        block_row = np.full(len(runs), -1)
        block_row[rows] = np.arange(len(rows))
        chosen = block_row[run_of_row] >= 0
        owner = run_of_row[chosen]
        dense = np.zeros((len(rows), width))
        np.add.at(dense, (block_row[owner], months[chosen] - first[owner]), values[chosen])
        _fill(figures, curve_reasons, rows, np.cumsum(dense, axis=1), ev_values[rows], at[rows])
    missing = row_of < 0
    no_curve_reasons = {figure: f"{figure} undefined: {no_curve}" for figure in [*SCHEDULE_FIGURES, DATES[1]]}
    frame = pd.DataFrame(
        {name: np.where(missing, np.nan, column[row_of] if len(runs) else np.nan) for name, column in figures.items()},
        index=keys,
    ).astype("float64")
    frame[REASONS] = [dict(no_curve_reasons) if row < 0 else curve_reasons[row] for row in row_of]
    first_months = np.where(missing, np.nan, first[row_of] if len(runs) else np.nan)
    first_months = np.asarray(first_months, dtype="float64")
    frame.insert(len(SCHEDULE_FIGURES), "first_period_date", month_start_dates(first_months))
    frame.insert(len(SCHEDULE_FIGURES) + 1, "forecast_finish_date", finish_dates(first_months, frame["ieac_t"]))
    frame[REASONS] = [
        reasons
        if not np.isnat(date) or "forecast_finish_date" in reasons
        else {**reasons, "forecast_finish_date": _no_date(ieac)}
        for reasons, date, ieac in zip(
            frame[REASONS], frame["forecast_finish_date"].to_numpy(), frame["ieac_t"].to_numpy(), strict=True
        )
    ]
    return frame


def _no_date(ieac_t: float) -> str:
    if np.isnan(ieac_t):
        return "forecast_finish_date undefined: ieac_t undefined"
    return "forecast_finish_date undefined: ieac_t is beyond 1,000 years"


def _runs(sorted_keys: np.ndarray) -> list[tuple[object, int, int]]:
    """(key, start, stop) of each run of equal keys in a sorted array."""
    if len(sorted_keys) == 0:
        return []
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate(([0], change))
    stops = np.concatenate((change, [len(sorted_keys)]))
    return [(sorted_keys[s], int(s), int(e)) for s, e in zip(starts, stops, strict=True)]


def _end_months(tidy: pd.DataFrame, as_of: pd.Timestamp | dt.date | str) -> pd.Series:
    """The as-of month, or the month of actual_finish_date when the project finished on or before as_of:
    time stops counting for a finished project, or its spi_t would keep falling every month after."""
    finished = tidy["actual_finish_date"] <= pd.Timestamp(as_of)
    finish_month = pd.Series(month_numbers(tidy["actual_finish_date"]), index=tidy.index)
    return finish_month.where(finished, float(as_of_month(as_of)))


def earned_schedule(
    projects: pd.DataFrame,
    cost_periods: pd.DataFrame,
    as_of: pd.Timestamp | dt.date | str,
    earned: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Earned schedule per project through the month containing ``as_of``, in months. One row per project.

    The pv curve is the one ``evm`` uses (cost_periods, else the budget spread linearly), ev is
    ``earned_value``'s (pass ``earned`` to reuse a frame already computed). at counts months from the first
    month with planned value through the as-of month (through the actual finish month for a project that
    finished on or before ``as_of``); pd through the last month with planned value.
    first_period_date is that first month's first day; forecast_finish_date = first_period_date + ieac_t
    months (see :func:`finish_dates`).
    """
    tidy = tidy_projects(projects)
    earned = earned_value(projects, cost_periods, as_of) if earned is None else earned
    ev = earned.set_index("project_id")["ev"]
    curves = curves_from_months(tidy, cost_months(cost_periods))
    frame = _schedule_rows(curves, "project_id", tidy.index, ev, _end_months(tidy, as_of))
    return frame.rename_axis("project_id").reset_index()[ES_COLUMNS]


def group_earned_schedule(
    projects: pd.DataFrame,
    cost_periods: pd.DataFrame,
    as_of: pd.Timestamp | dt.date | str,
    by: str | None = None,
    earned: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Earned schedule per portfolio, programme or department (``by``), or all projects. One row per group.

    The group is read as one project: es on the sum of its projects' monthly pv curves (aligned on the
    calendar) against the sum of their ev; at and pd count from the group's first month with planned value.
    Projects whose pv curve or ev is unknown are left out (``projects_left_out``). Time stops at the latest
    actual finish only when every project in the group finished on or before ``as_of``.
    """
    key = by or "group"
    if by is not None and by not in projects.columns:
        raise ValueError(f"cannot group by {by!r}: projects has no such column")
    tidy = tidy_projects(projects)
    earned = earned_value(projects, cost_periods, as_of) if earned is None else earned
    ev = earned.set_index("project_id")["ev"].reindex(tidy.index)
    curves = curves_from_months(tidy, cost_months(cost_periods))
    if by is None:
        group = pd.Series("all", index=tidy.index, dtype="str")
    else:
        group = projects.drop_duplicates("project_id").set_index("project_id")[by].reindex(tidy.index)
    # NaN cannot be a dict key that matches itself reliably; name the blank group for the loop, restore after.
    blank = "\x00blank"
    group = group.astype("str").fillna(blank)
    included = ev.notna() & is_member(tidy.index, curves["project_id"].unique())
    summed = (
        curves[is_member(curves["project_id"], tidy.index[included])]
        .assign(**{key: lambda c: c["project_id"].map(group)})
        .groupby([key, "month"], as_index=False)["planned_value"]
        .sum()
    )
    group_ev = ev[included].groupby(group[included]).sum()
    end = _end_months(tidy, as_of)
    finished = tidy["actual_finish_date"] <= pd.Timestamp(as_of)
    all_finished = finished[included].groupby(group[included]).all()
    group_end = end[included].groupby(group[included]).max().where(all_finished, float(as_of_month(as_of)))
    keys = pd.Index(sorted(group.unique(), key=lambda name: (name == blank, name)), name=key)  # blank last
    no_curve = "no project in the group has both a pv curve and ev"
    frame = _schedule_rows(summed, key, keys, group_ev, group_end, no_curve)
    counts = group.groupby(group).size().reindex(keys)
    left_out = (~included).groupby(group).sum().reindex(keys)
    frame.insert(0, "projects", counts.astype("int64").to_numpy())
    frame.insert(1, "projects_left_out", left_out.astype("int64").to_numpy())
    frame.index = pd.Index(keys.where(keys != blank, np.nan), name=key, dtype="str")
    return frame.reset_index()

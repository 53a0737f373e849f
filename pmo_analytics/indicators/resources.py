"""Resource load: allocations spread over working days, summed per person or team per week, month or quarter.

Pure functions over the ``allocations`` and ``people`` tables as the store returns them.

- An allocation covers start_date..finish_date (both inclusive) or, with only a period_date, that whole
  month. Its hours are spread evenly over the working days (Mon-Fri, minus the given holidays) of that
  span; an allocation in FTE books fte x HOURS_PER_FTE / 5 hours on each working day (1 FTE = a full-time
  week of schema.HOURS_PER_FTE hours, so 0.5 FTE is 4 hours a day whoever does the work).
- A person's available hours are weekly_hours / 5 per working day (schema.DEFAULT_WEEKLY_HOURS when
  the people table does not know the person).
- Vectorised: no Python loop per allocation or per day. Working days are numbered once with
  np.busday_count; each allocation is a constant rate over a range of working-day numbers, and the hours
  in any window come from the cumulative sum of those rates (see :func:`_hours_in_windows`).
  Planview's proration: 20 hours over 9 working days is 2.2222 a day, so a week holding 4 of those
  days gets 8.8889 hours and the next, with 5, gets 11.1111.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from pmo_analytics.indicators.common import REASONS, build_reasons, safe_divide
from pmo_analytics.schema import DEFAULT_WEEKLY_HOURS, HOURS_PER_FTE

DateLike = dt.date | pd.Timestamp | str
Period = Literal["week", "month", "quarter"]
GroupBy = Literal["person", "team"]

WEEKMASK = "1111100"  # Monday to Friday
WORKING_DAYS_PER_WEEK = 5
# allocated > available + 1e-9 x max(1, available): 0.4 + 0.2 + 0.1 FTE is 0.7000000000000001, not above 0.7
RELATIVE_TOLERANCE = 1e-9
LOAD_COLUMNS = ["period_start", "allocated_hours", "available_hours", "utilisation", "over_allocated"]


def is_over_allocated(allocated_hours: pd.Series, available_hours: pd.Series) -> pd.Series:
    """True where allocated is strictly above available, beyond floating-point noise.

    ``is_over_allocated(0.4 + 0.2 + 0.1, 0.7)`` is False although the sum is 0.7000000000000001.
    """
    margin = RELATIVE_TOLERANCE * np.maximum(1.0, np.abs(available_hours))
    return (allocated_hours > available_hours + margin).astype(bool)


def _calendar(holidays: Iterable[DateLike] | None) -> np.busdaycalendar:
    days = [] if holidays is None else [pd.Timestamp(day).to_datetime64().astype("datetime64[D]") for day in holidays]
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=days)


def _days(values: pd.Series) -> np.ndarray:
    """A date Series (datetime64 of any unit) -> datetime64[D] array, NaT kept."""
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _spans(allocations: pd.DataFrame, calendar: np.busdaycalendar) -> pd.DataFrame:
    """Span, working days and hours per working day of each allocation. One row per allocation (same index).

    span_stop is exclusive (the day after span_finish); hours_per_day is NaN where the row cannot be spread.
    """
    start, finish, period = (_days(allocations[c]) for c in ("start_date", "finish_date", "period_date"))
    has_span = ~np.isnat(start) & ~np.isnat(finish)
    has_period = ~has_span & ~np.isnat(period)
    month = period.astype("datetime64[M]")  # 2026-03-17 -> 2026-03: the whole month
    span_start = np.where(has_span, start, np.where(has_period, month.astype("datetime64[D]"), np.datetime64("NaT")))
    span_stop = np.where(
        has_span, finish + 1, np.where(has_period, (month + 1).astype("datetime64[D]"), np.datetime64("NaT"))
    )
    is_ordered = (has_span | has_period) & (span_stop > span_start)
    working_days = np.zeros(len(allocations), dtype="int64")
    working_days[is_ordered] = np.busday_count(span_start[is_ordered], span_stop[is_ordered], busdaycal=calendar)
    hours = allocations["hours"].to_numpy(dtype="float64", na_value=np.nan)
    fte = allocations["fte"].to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_day = np.where(np.isnan(hours), fte * HOURS_PER_FTE / WORKING_DAYS_PER_WEEK, hours / working_days)
    per_day = np.where(working_days > 0, per_day, np.nan)
    return pd.DataFrame(
        {
            "span_start": span_start,
            "span_stop": span_stop,
            "has_dates": has_span | has_period,
            "is_ordered": is_ordered,
            "working_days": working_days,
            "has_amount": ~np.isnan(hours) | ~np.isnan(fte),
            "hours_per_day": per_day,
        },
        index=allocations.index,
    )


def allocation_hours_per_day(allocations: pd.DataFrame, holidays: Iterable[DateLike] | None = None) -> pd.DataFrame:
    """How each allocation is spread. One row per allocation: the input columns plus the figures.

    span_start_date, span_finish_date  start..finish, else the month of period_date (inclusive)
    working_days                       Mon-Fri in the span, minus ``holidays``
    hours_per_day                      hours / working_days, else fte x HOURS_PER_FTE / 5
                                       (20 hours over 9 working days -> 2.2222; 0.5 FTE -> 4.0)
    allocated_hours                    hours_per_day x working_days
    A row that cannot be spread has NaN figures and its cause in ``reasons``.
    """
    spans = _spans(allocations, _calendar(holidays))
    per_day = spans["hours_per_day"]
    reasons = build_reasons(
        allocations.index,
        [
            ("hours_per_day", ~spans["has_dates"], "no span: give start and finish dates, or a period"),
            ("hours_per_day", ~spans["is_ordered"], "finish date before start date"),
            ("hours_per_day", spans["working_days"] == 0, "no working days in the span"),
            ("hours_per_day", ~spans["has_amount"], "no hours or fte"),
        ],
    )
    return allocations.assign(
        span_start_date=spans["span_start"].astype("datetime64[ns]"),
        span_finish_date=(spans["span_stop"] - np.timedelta64(1, "D")).astype("datetime64[ns]"),
        working_days=spans["working_days"].astype("float64").where(spans["is_ordered"]),
        hours_per_day=per_day,
        allocated_hours=per_day * spans["working_days"],
        **{REASONS: reasons},
    ).reset_index(drop=True)


def _period_floor(days: np.ndarray, period: Period) -> np.ndarray:
    """First day of the period holding each day: week -> its Monday (ISO), month -> the 1st, quarter -> 1 Jan/Apr/Jul/Oct."""
    if period == "week":
        number = days.astype("int64")  # days since 1970-01-01, a Thursday: +3 makes Monday 0
        return (number - (number + 3) % 7).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    if period == "quarter":
        month_number = months.astype("int64")  # 1970-01 is 0 and starts a quarter
        months = (month_number - month_number % 3).astype("datetime64[M]")
    return months.astype("datetime64[D]")


def _period_step(period: Period) -> np.timedelta64:
    return {"week": np.timedelta64(7, "D"), "month": np.timedelta64(1, "M"), "quarter": np.timedelta64(3, "M")}[period]


@dataclass(frozen=True)
class _Grid:
    """The periods of one call and the working-day numbering (0 = the first working day of the range)."""

    calendar: np.busdaycalendar
    range_start: np.datetime64
    range_stop: np.datetime64  # exclusive
    period_starts: np.ndarray  # datetime64[D], one per period
    window_first: np.ndarray  # working-day number where each period (clipped to the range) starts
    window_stop: np.ndarray  # ... and stops (exclusive)

    def number(self, days: np.ndarray) -> np.ndarray:
        return _working_day_number(days, self.range_start, self.range_stop, self.calendar)


def _working_day_number(
    days: np.ndarray, range_start: np.datetime64, range_stop: np.datetime64, calendar: np.busdaycalendar
) -> np.ndarray:
    """Working days from range_start up to each day, the day clipped to the range: Wed 7 Jan from Mon 5 Jan -> 2."""
    clipped = np.clip(days.astype("datetime64[D]"), range_start, range_stop)
    return np.busday_count(range_start, clipped, busdaycal=calendar)


def _grid(
    spans: pd.DataFrame, period: Period, start: DateLike | None, end: DateLike | None, calendar: np.busdaycalendar
) -> _Grid | None:
    """Periods covering [start, end]; by default from the first to the last period any allocation touches."""
    usable = spans[spans["hours_per_day"].notna()]
    if start is not None:
        range_start = pd.Timestamp(start).to_datetime64().astype("datetime64[D]")
    elif len(usable):
        range_start = _period_floor(usable["span_start"].to_numpy().astype("datetime64[D]"), period).min()
    else:
        return None
    if end is not None:
        range_stop = pd.Timestamp(end).to_datetime64().astype("datetime64[D]") + 1
    elif len(usable):
        last_day = usable["span_stop"].to_numpy().astype("datetime64[D]").max() - 1
        range_stop = _period_next(_period_floor(np.array([last_day]), period), period)[0]
    else:
        return None
    if range_stop <= range_start:
        return None
    first = _period_floor(np.array([range_start]), period)[0]
    last = _period_floor(np.array([range_stop - 1]), period)[0]
    if period == "week":
        starts = np.arange(first, last + 1, _period_step(period))
    else:
        starts = np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1, _period_step(period))
        starts = starts.astype("datetime64[D]")
    window_first = _working_day_number(starts, range_start, range_stop, calendar)
    window_stop = _working_day_number(_period_next(starts, period), range_start, range_stop, calendar)
    return _Grid(calendar, range_start, range_stop, starts, window_first, window_stop)


def _period_next(starts: np.ndarray, period: Period) -> np.ndarray:
    if period == "week":
        return starts + 7
    return (starts.astype("datetime64[M]") + _period_step(period)).astype("datetime64[D]")


def _hours_in_windows(
    entity: np.ndarray,
    first: np.ndarray,
    stop: np.ndarray,
    hours_per_day: np.ndarray,
    window_entity: np.ndarray,
    window_first: np.ndarray,
    window_stop: np.ndarray,
) -> np.ndarray:
    """Hours each entity has booked in each window, all positions being working-day numbers.

    Allocation i books hours_per_day[i] on every working day in [first[i], stop[i]); window j asks for
    the hours of entity window_entity[j] in [window_first[j], window_stop[j]).
    The hours an entity has booked before day x are sum_i h_i x clip(x - first_i, 0, stop_i - first_i).
    As events (+h at first, -h at stop) that is x x sum(delta) - sum(delta x position) over the entity's
    events at or before x, so one sort plus a binary search per window answers every window:
    one allocation of 2 h/day on days [0, 9) gives 2 x 4 = 8 hours in window [0, 4).
    """
    if len(entity) == 0:
        return np.zeros(len(window_entity))
    events_entity = np.concatenate([entity, entity])
    position = np.concatenate([first, stop]).astype("int64")
    delta = np.concatenate([hours_per_day, -hours_per_day])
    order = np.lexsort((position, events_entity))
    events_entity, position, delta = events_entity[order], position[order], delta[order]
    # Cumulative sums restart per entity so that the numbers stay small (no cancellation across people).
    slope = pd.Series(delta).groupby(events_entity, sort=False).cumsum().to_numpy()
    offset = pd.Series(delta * position).groupby(events_entity, sort=False).cumsum().to_numpy()
    span = int(max(position.max(initial=0), np.max(window_stop, initial=0))) + 1
    keys = events_entity.astype("int64") * span + position

    def booked_before(day: np.ndarray) -> np.ndarray:
        at = np.searchsorted(keys, window_entity.astype("int64") * span + day, side="right") - 1
        found = (at >= 0) & (events_entity[np.maximum(at, 0)] == window_entity)
        at = np.maximum(at, 0)
        return np.where(found, day * slope[at] - offset[at], 0.0)

    return booked_before(window_stop.astype("int64")) - booked_before(window_first.astype("int64"))


def _people(allocations: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Everyone in either table with team and weekly_hours (default 40). One row per person, sorted by name."""
    known = people.drop_duplicates("person_name", keep="last").set_index("person_name")
    names = pd.Index(pd.concat([people["person_name"], allocations["person_name"]]).dropna().unique()).sort_values()
    weekly_hours = known["weekly_hours"].reindex(names).astype("float64").fillna(DEFAULT_WEEKLY_HOURS)
    return pd.DataFrame(
        {"person_name": names, "team": known["team"].reindex(names).to_numpy(), "weekly_hours": weekly_hours.to_numpy()}
    ).astype({"person_name": "str", "team": "str"})


def _check(period: str, by: str) -> str:
    """The name of the group column, after checking the arguments."""
    if period not in ("week", "month", "quarter"):
        raise ValueError(f"period must be 'week', 'month' or 'quarter', not {period!r}")
    if by not in ("person", "team"):
        raise ValueError(f"by must be 'person' or 'team', not {by!r}")
    return "person_name" if by == "person" else "team"


@dataclass(frozen=True)
class _Bookings:
    """One call's periods, its people, and its spreadable allocations in working-day numbers."""

    grid: _Grid
    persons: pd.DataFrame  # person_name, team, weekly_hours; row number = person code
    # One row per spreadable allocation: person (code), person_name, team, project_id,
    # first and stop (working-day numbers, stop exclusive), hours_per_day.
    booked: pd.DataFrame


def _bookings(
    allocations: pd.DataFrame,
    people: pd.DataFrame,
    period: Period,
    start: DateLike | None,
    end: DateLike | None,
    holidays: Iterable[DateLike] | None,
) -> _Bookings | None:
    calendar = _calendar(holidays)
    spans = _spans(allocations, calendar)
    grid = _grid(spans, period, start, end, calendar)
    persons = _people(allocations, people)
    if grid is None or persons.empty:
        return None
    usable = spans["hours_per_day"].notna().to_numpy()
    person = pd.Index(persons["person_name"]).get_indexer(allocations["person_name"])[usable]
    booked = pd.DataFrame(
        {
            "person": person,
            "person_name": persons["person_name"].to_numpy()[person],
            "team": persons["team"].to_numpy()[person],
            "project_id": allocations["project_id"].to_numpy()[usable],
            "first": grid.number(spans["span_start"].to_numpy()[usable]),
            "stop": grid.number(spans["span_stop"].to_numpy()[usable]),
            "hours_per_day": spans["hours_per_day"].to_numpy()[usable],
        }
    )
    return _Bookings(grid, persons, booked)


def _empty_load(group: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            group: pd.Series(dtype="str"),
            "period_start": pd.Series(dtype="datetime64[ns]"),
            "allocated_hours": pd.Series(dtype="float64"),
            "available_hours": pd.Series(dtype="float64"),
            "utilisation": pd.Series(dtype="float64"),
            "over_allocated": pd.Series(dtype=bool),
        }
    )


def _load(bookings: _Bookings, group: str) -> pd.DataFrame:
    grid, persons, booked = bookings.grid, bookings.persons, bookings.booked
    n_periods = len(grid.period_starts)
    window_person = np.repeat(np.arange(len(persons)), n_periods)
    window_first = np.tile(grid.window_first, len(persons))
    window_stop = np.tile(grid.window_stop, len(persons))
    allocated = _hours_in_windows(
        booked["person"].to_numpy(),
        booked["first"].to_numpy(),
        booked["stop"].to_numpy(),
        booked["hours_per_day"].to_numpy(),
        window_person,
        window_first,
        window_stop,
    )
    weekly_hours = persons["weekly_hours"].to_numpy()[window_person]
    load = pd.DataFrame(
        {
            group: persons[group].to_numpy()[window_person],
            "period_start": np.tile(grid.period_starts, len(persons)).astype("datetime64[ns]"),
            "allocated_hours": allocated,
            "available_hours": weekly_hours / WORKING_DAYS_PER_WEEK * (window_stop - window_first),
        }
    ).astype({group: "str"})
    if group == "team":
        load = load.groupby([group, "period_start"], sort=True, dropna=False, as_index=False)[
            ["allocated_hours", "available_hours"]
        ].sum()
    return load.assign(
        utilisation=safe_divide(load["allocated_hours"], load["available_hours"]),
        over_allocated=is_over_allocated(load["allocated_hours"], load["available_hours"]),
    ).reset_index(drop=True)[[group, *LOAD_COLUMNS]]


def resource_load(
    allocations: pd.DataFrame,
    people: pd.DataFrame,
    period: Period = "week",
    by: GroupBy = "person",
    start: DateLike | None = None,
    end: DateLike | None = None,
    holidays: Iterable[DateLike] | None = None,
) -> pd.DataFrame:
    """Allocated against available hours. One row per person (or team) per period.

    Every person in either table gets a row for every period from ``start`` to ``end`` (both inclusive;
    by default the first to the last period any allocation touches). period_start is the Monday of the
    ISO week (2027-01-01 -> 2026-12-28), the 1st of the month, or the 1st of the quarter.
    allocated_hours  hours booked on working days of the period within [start, end]
    available_hours  weekly_hours / 5 x those working days (40 h a week -> 8 a day)
    utilisation      allocated / available (NaN when nothing is available)
    over_allocated   allocated strictly above available, beyond float noise (see :func:`is_over_allocated`)
    A team's figures are the sums over its people; people without a team form the team NA.
    """
    group = _check(period, by)
    bookings = _bookings(allocations, people, period, start, end, holidays)
    return _empty_load(group) if bookings is None else _load(bookings, group)


def over_allocation_causes(
    allocations: pd.DataFrame,
    people: pd.DataFrame,
    period: Period = "week",
    by: GroupBy = "person",
    start: DateLike | None = None,
    end: DateLike | None = None,
    holidays: Iterable[DateLike] | None = None,
) -> pd.DataFrame:
    """Which projects fill each over-allocated period. One row per over-allocated person (or team) per period per project.

    Columns: the group column, period_start, project_id, project_hours (that project's hours in the
    period), share (project_hours / allocated_hours), and the period's allocated_hours, available_hours
    and utilisation. Largest contributor first within each period. Arguments as :func:`resource_load`.
    """
    group = _check(period, by)
    columns = [group, "period_start", "project_id", "project_hours", "share", *LOAD_COLUMNS[1:4]]
    bookings = _bookings(allocations, people, period, start, end, holidays)
    load = _empty_load(group) if bookings is None else _load(bookings, group)
    over = load[load["over_allocated"]]
    if bookings is None or over.empty:
        return load.iloc[:0].assign(project_id=pd.Series(dtype="str"), project_hours=0.0, share=0.0)[columns]
    grid, booked = bookings.grid, bookings.booked
    # Only the (allocation, period) pairs that overlap and fall in an over-allocated period are expanded.
    groups = pd.Index(load[group].unique())
    is_over = np.zeros((len(groups), len(grid.period_starts)), dtype=bool)
    over_period = np.searchsorted(grid.period_starts, over["period_start"].to_numpy().astype("datetime64[D]"))
    is_over[groups.get_indexer(over[group]), over_period] = True
    first, stop = booked["first"].to_numpy(), booked["stop"].to_numpy()
    first_period = np.searchsorted(grid.window_stop, first, side="right")  # first period ending after `first`
    last_period = np.searchsorted(grid.window_first, stop, side="left") - 1  # last period starting before `stop`
    count = np.clip(last_period - first_period + 1, 0, None)
    row = np.repeat(np.arange(len(booked)), count)
    period_number = first_period[row] + np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    keep = is_over[groups.get_indexer(booked[group])[row], period_number]
    row, period_number = row[keep], period_number[keep]
    days = np.minimum(stop[row], grid.window_stop[period_number]) - np.maximum(
        first[row], grid.window_first[period_number]
    )
    pairs = pd.DataFrame(
        {
            group: booked[group].to_numpy()[row],
            "period_start": grid.period_starts[period_number].astype("datetime64[ns]"),
            "project_id": booked["project_id"].to_numpy()[row],
            "project_hours": booked["hours_per_day"].to_numpy()[row] * np.clip(days, 0, None),
        }
    ).astype({group: "str", "project_id": "str"})
    per_project = pairs.groupby([group, "period_start", "project_id"], sort=False, dropna=False, as_index=False).sum()
    causes = per_project[per_project["project_hours"] > 0].merge(over, on=[group, "period_start"])
    causes = causes.assign(share=safe_divide(causes["project_hours"], causes["allocated_hours"]))
    causes = causes.sort_values([group, "period_start", "project_hours"], ascending=[True, True, False], kind="stable")
    return causes[columns].reset_index(drop=True)

"""The demo portfolio's projects: a plan and a true course per project, and what a PMO knows of it each month.

Months are absolute month numbers (``year * 12 + month - 1``) so that arithmetic on them is plain integer
arithmetic; money is integer euro cents so that monthly values add up to the budget exactly.

A project is planned over ``planned_months`` along an S-curve; it really takes ``work_months`` (planned
months / spi), possibly with a pause (on hold) or a stop (cancelled), and spends earned value / cpi.
Each snapshot sees the past as it happened and the future as the PMO forecasts it: forecast dates move
from the plan towards the true dates as the project proceeds, which is what makes milestones slip from
one snapshot to the next (milestone trend analysis).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

CATEGORIES = ("Intern", "Extern")

# Archetype -> share of the portfolio. The rest is "on_track".
KIND_SHARES = {
    "over_cost": 0.12,
    "late": 0.10,
    "over_and_late": 0.08,
    "early_under": 0.08,
    "on_hold": 0.07,
    "not_started": 0.07,
    "completed": 0.11,
    "completed_late": 0.04,  # one or two of 40 finished late
    "cancelled": 0.05,
}
TROUBLED_KINDS = ("over_cost", "late", "over_and_late", "completed_late", "cancelled")
COMPLETED_KINDS = ("completed", "completed_late")


def month_number(day: date) -> int:
    """date(2026, 3, 15) -> 24314 (2026 * 12 + 2)."""
    return day.year * 12 + day.month - 1


def month_start(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def month_end(number: int) -> date:
    year, month = number // 12, number % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """31 Jan + 1 month -> 28 (or 29) Feb: the day is clipped to the month's length."""
    end = month_end(month_number(day) + months)
    return end.replace(day=min(day.day, end.day))


def s_curve(x: np.ndarray | float, weight: float) -> np.ndarray:
    """Cumulative share of the work at time share x (0-1): a blend of smoothstep (3x² - 2x³) and a straight line."""
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    return weight * (3 * x**2 - 2 * x**3) + (1 - weight) * x


def inverse_s_curve(share: float, weight: float) -> float:
    """The time share at which the work share is reached: inverse_s_curve(0.5, w) == 0.5 for every w."""
    grid = np.linspace(0.0, 1.0, 401)
    return float(np.interp(share, s_curve(grid, weight), grid))


def spread_cents(total: int, cumulative_shares: np.ndarray) -> np.ndarray:
    """Split integer cents by cumulative shares (ending at 1) so that the parts add up to ``total`` exactly.

    spread_cents(100, [0, 1/3, 2/3, 1]) -> [33, 34, 33]
    """
    return np.diff(np.rint(total * np.asarray(cumulative_shares, dtype=float)).astype(np.int64))


@dataclass(frozen=True, eq=False)
class Project:
    """One project's plan and true course (everything a snapshot needs that does not depend on the snapshot)."""

    index: int
    project_id: str
    project_name: str
    portfolio: str
    programme: str
    department: str
    project_manager: str
    sponsor: str
    priority: str
    kind: str
    budget_cents: int
    category_cents: tuple[int, int]  # Intern, Extern; adds up to budget_cents
    registered_month: int  # in the register (and every other file) from this month on
    start_month: int
    planned_months: int
    work_months: int  # months of real work: planned_months / spi
    start_date: date
    planned_finish_date: date
    unpaused_finish_date: date  # the true finish without the pause
    shape: float  # s_curve weight
    cpi: tuple[float, float]  # per category
    pause_month: int | None  # on hold from this month ...
    pause_months: int  # ... for this many months
    cancel_month: int | None
    is_optimistic: bool  # reports one colour better than its numbers
    milestones: tuple[tuple[int, str, float], ...]  # (milestone id, name, share of the duration)
    # On the portfolio's month axis (first_month = axis start), per category: cents per month.
    planned_value: np.ndarray
    earned_value: np.ndarray
    actual_cost: np.ndarray

    @property
    def planned_finish_month(self) -> int:
        return self.start_month + self.planned_months - 1

    @property
    def is_troubled(self) -> bool:
        return self.kind in TROUBLED_KINDS

    def finish_date(self, pause_months: int) -> date:
        """The true finish if the pause lasts ``pause_months``."""
        return add_months(self.unpaused_finish_date, pause_months)

    def true_date(self, share: float, pause_months: int) -> date:
        """When a share (0-1) of the duration is really reached, given the pause length."""
        if share >= 1.0:
            return self.finish_date(pause_months)
        day = self.start_date + timedelta(days=round(share * (self.unpaused_finish_date - self.start_date).days))
        if self.pause_month is not None and day >= month_start(self.pause_month):
            day = add_months(day, pause_months)
        return day

    def known_pause(self, month: int) -> int:
        """Months of pause a PMO knows of at the end of ``month``: a pause is assumed to end next month."""
        if self.pause_month is None or month < self.pause_month:
            return 0
        return min(self.pause_months, month - self.pause_month + 1)

    def planned_date(self, share: float) -> date:
        if share >= 1.0:
            return self.planned_finish_date
        return self.start_date + timedelta(days=round(share * (self.planned_finish_date - self.start_date).days))


def forecast_date(planned: date, true: date, start: date, as_of: date) -> date:
    """The PMO's forecast at ``as_of``: the plan early on, the truth as it comes near; never in the past.

    Knowledge grows as (elapsed share)^0.7: at a third of the way a 90-day slip shows as ~42 days.
    """
    if true <= start:
        return true
    known = min(max((as_of - start).days / (true - start).days, 0.0), 1.0) ** 0.7
    day = planned + timedelta(days=round((true - planned).days * known))
    return max(day, as_of + timedelta(days=7))


@dataclass(frozen=True, eq=False)
class ProjectState:
    """One project as known at the end of one month (a snapshot)."""

    status: str  # active / on_hold / completed / cancelled
    planned_cents: np.ndarray  # per category, to date
    earned_cents: np.ndarray  # per category, to date
    actual_cents: np.ndarray  # per category, to date
    forecast_finish_date: date | None
    actual_finish_date: date | None
    forecast: np.ndarray  # per category per axis month: forecast cents, after the as-of month only
    last_month: int  # the last month with a planned, actual or forecast value


def project_state(project: Project, month: int, first_month: int) -> ProjectState:
    """What the PMO knows of ``project`` at the end of ``month`` (``first_month``: the axis start)."""
    as_of = month_end(month)
    cut = month - first_month + 1
    planned = project.planned_value[:, :cut].sum(axis=1)
    earned = project.earned_value[:, :cut].sum(axis=1)
    actual = project.actual_cost[:, :cut].sum(axis=1)
    forecast = np.zeros_like(project.planned_value)
    worked = np.flatnonzero(project.actual_cost[:, :cut].sum(axis=0))
    last_month = max(project.planned_finish_month, first_month + int(worked[-1]) if worked.size else 0)
    if project.cancel_month is not None and month >= project.cancel_month:
        return ProjectState("cancelled", planned, earned, actual, None, None, forecast, last_month)
    true_finish = project.finish_date(project.pause_months)
    if true_finish <= as_of:
        return ProjectState("completed", planned, earned, actual, true_finish, true_finish, forecast, last_month)
    paused = (
        project.pause_month is not None and project.pause_month <= month < project.pause_month + project.pause_months
    )
    known_finish = project.finish_date(project.known_pause(month))
    finish = forecast_date(project.planned_finish_date, known_finish, project.start_date, as_of)
    first = max(month + 1, project.start_month)
    finish_month = max(month_number(finish), first)
    # The rest of the work follows the rest of the S-curve, stretched to the forecast finish.
    start_x = inverse_s_curve(float(earned.sum()) / project.budget_cents, project.shape)
    done = float(s_curve(start_x, project.shape))
    steps = start_x + (1 - start_x) * np.arange(finish_month - first + 2) / (finish_month - first + 1)
    curve = (s_curve(steps, project.shape) - done) / max(1 - done, 1e-12)
    for category in range(len(CATEGORIES)):
        remaining = project.category_cents[category] - int(earned[category])
        # Estimate to complete at the cpi so far: (bac - ev) / cpi, e.g. 100,000 left at cpi 0.8 -> 125,000.
        cpi = earned[category] / actual[category] if actual[category] > 0 and earned[category] > 0 else 1.0
        forecast[category, first - first_month : finish_month - first_month + 1] = spread_cents(
            round(remaining / cpi), curve
        )
    return ProjectState(
        "on_hold" if paused else "active",
        planned,
        earned,
        actual,
        finish,
        None,
        forecast,
        max(last_month, finish_month),
    )


# Archetype -> (cpi range, spi range).
PERFORMANCE = {
    "on_track": ((0.96, 1.05), (0.96, 1.04)),
    "over_cost": ((0.74, 0.88), (0.95, 1.03)),
    "late": ((0.93, 1.03), (0.70, 0.86)),
    "over_and_late": ((0.72, 0.87), (0.68, 0.85)),
    "early_under": ((1.06, 1.20), (1.04, 1.15)),
    "on_hold": ((0.86, 1.00), (0.86, 1.00)),
    "not_started": ((0.95, 1.05), (0.95, 1.05)),
    "completed": ((0.86, 1.08), (0.97, 1.05)),
    "completed_late": ((0.84, 1.02), (0.75, 0.90)),
    "cancelled": ((0.70, 0.90), (0.70, 0.90)),
}


def archetypes(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` archetypes in the shares of KIND_SHARES (rounded), the rest on track, in random order."""
    kinds = [kind for kind, share in KIND_SHARES.items() for _ in range(round(share * count))][:count]
    kinds += ["on_track"] * (count - len(kinds))
    return [kinds[i] for i in rng.permutation(count)]


@dataclass(frozen=True)
class Timing:
    """A project's dates as drawn, before it has an ID and money on the month axis."""

    kind: str
    start_month: int
    planned_months: int
    work_months: int
    start_day: int
    finish_day: int
    cpi: float
    pause_month: int | None = None
    pause_months: int = 0
    cancel_month: int | None = None


def draw_timing(rng: np.random.Generator, kind: str, budget: float, end_month: int, window: int) -> Timing:
    """Start, planned and true duration for one archetype, placed so the archetype shows at ``end_month``:
    active projects run through it, completed ones finished before it, on-hold ones pause in its last months.
    """
    cpi_range, spi_range = PERFORMANCE[kind]
    cpi, spi = rng.uniform(*cpi_range), rng.uniform(*spi_range)
    # 50k -> ~8 months, 5M -> ~30 months, give or take.
    planned = int(np.clip(round((8 + 22 * np.log(budget / 50_000) / np.log(100)) * rng.uniform(0.8, 1.3)), 4, 40))
    work = round(planned / spi)
    # A late archetype finishes at least a month late, an early one at least a month early.
    work = max(work, planned + 1) if spi < 0.92 else max(3, min(work, planned - 1)) if spi > 1.04 else max(3, work)
    days = int(rng.integers(1, 29)), int(rng.integers(1, 29))
    recent = min(window, 12)  # cancellations and pauses fall in the last months, where the snapshots see them
    if kind == "not_started":
        return Timing(kind, end_month + int(rng.integers(1, 5)), planned, work, *days, cpi)
    if kind in COMPLETED_KINDS:
        finish = end_month - int(rng.integers(1, max(recent, 2)))  # finished while the snapshots watched
        return Timing(kind, finish - work + 1, planned, work, *days, cpi)
    if kind == "cancelled":
        cancel = end_month - int(rng.integers(0, max(recent - 1, 1)))
        start = int(rng.integers(max(cancel - work + 2, end_month - 30), cancel - 1))
        return Timing(kind, start, planned, work, *days, cpi, cancel_month=cancel)
    if kind == "on_hold":
        pause = end_month - int(rng.integers(0, min(recent, 5)))
        start = int(rng.integers(max(pause - work + 2, end_month - 30), pause))
        # Still on hold at the last snapshot; it resumes 1-6 months later.
        return Timing(kind, start, planned, work, *days, cpi, pause, end_month - pause + int(rng.integers(2, 8)))
    return Timing(
        kind, int(rng.integers(max(end_month - work + 2, end_month - 30), end_month + 1)), planned, work, *days, cpi
    )


def month_axis_span(timings: list[Timing], end_month: int) -> tuple[int, int]:
    """(first month, number of months) of an axis that holds every plan, course and forecast, and a
    resource plan running 12 months past the last snapshot."""
    first = min(t.start_month for t in timings)
    last = max(t.start_month + max(t.planned_months, t.work_months) + t.pause_months for t in timings)
    return first, max(last, end_month + 12) - first + 1


def money_on_axis(
    rng: np.random.Generator,
    timing: Timing,
    category_cents: tuple[int, int],
    shape: float,
    first_month: int,
    length: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[float, float]]:
    """Planned value, earned value and actual cost in cents per category per axis month, and the cpi per category."""
    planned_value = np.zeros((len(CATEGORIES), length), dtype=np.int64)
    earned_value = np.zeros_like(planned_value)
    actual_cost = np.zeros_like(planned_value)
    offset = timing.start_month - first_month
    plan_curve = s_curve(np.arange(timing.planned_months + 1) / timing.planned_months, shape)
    span = timing.work_months + timing.pause_months
    worked = np.ones(span)
    if timing.pause_month is not None:
        worked[
            timing.pause_month - timing.start_month : timing.pause_month - timing.start_month + timing.pause_months
        ] = 0
    if timing.cancel_month is not None:
        worked[timing.cancel_month - timing.start_month + 1 :] = 0
    work_curve = s_curve(np.concatenate([[0.0], np.cumsum(worked)]) / timing.work_months, shape)
    # Extern overruns a little more than Intern: cpi 0.85 -> about 0.86 and 0.84.
    category_cpi = (timing.cpi * float(np.exp(rng.normal(0, 0.02))), timing.cpi * float(np.exp(rng.normal(0, 0.03))))
    noise = np.exp(rng.normal(0, 0.07, size=(len(CATEGORIES), span)))
    for category, cents in enumerate(category_cents):
        planned_value[category, offset : offset + timing.planned_months] = spread_cents(cents, plan_curve)
        earned = spread_cents(cents, work_curve)
        earned_value[category, offset : offset + span] = earned
        actual_cost[category, offset : offset + span] = np.rint(earned / category_cpi[category] * noise[category])
    return planned_value, earned_value, actual_cost, category_cpi

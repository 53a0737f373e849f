"""The demo portfolio as data: every contract table for every monthly snapshot, no files.

This is the "truth" the demo workbooks are written from, so that a test or a benchmark can compare what
the importer loads with it. Frames carry the contract columns of :mod:`pmo_analytics.schema` (no provenance
columns) in contract order: text as ``str``, dates as ``datetime64[s]``, amounts and hours as ``float64``,
levels as ``Int64``, enums as their canonical values ("active", "green", "open").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pmo_analytics import demo_words as words
from pmo_analytics import schema
from pmo_analytics.demo_model import (
    CATEGORIES,
    Project,
    archetypes,
    draw_timing,
    money_on_axis,
    month_axis_span,
    month_end,
    month_number,
    month_start,
)
from pmo_analytics.demo_registers import (
    DENSITIES,
    LARGE,
    STANDARD,
    Density,
    draw_assignments,
    draw_issues,
    draw_people,
    draw_risks,
    manager_count,
)
from pmo_analytics.demo_snapshot import Model, snapshot_tables


@dataclass(frozen=True)
class SnapshotTruth:
    """Every contract table as one month's demo workbooks hold it: table name -> frame."""

    as_of: date
    tables: dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Portfolio:
    """The demo portfolio: one SnapshotTruth per month-end, oldest first."""

    seed: int
    snapshots: tuple[SnapshotTruth, ...]

    @property
    def as_of_dates(self) -> list[date]:
        return [s.as_of for s in self.snapshots]

    def at(self, as_of: date) -> SnapshotTruth:
        for snapshot in self.snapshots:
            if snapshot.as_of == as_of:
                return snapshot
        raise KeyError(f"no demo snapshot for {as_of}")

    @property
    def latest(self) -> SnapshotTruth:
        return self.snapshots[-1]


def default_end(today: date | None = None) -> date:
    """The last month-end before today: on 2026-04-15 -> 2026-03-31 (and on 2026-04-30 too)."""
    today = today or date.today()
    return today.replace(day=1) - timedelta(days=1)


def snapshot_dates(months: int, end: date | None = None) -> list[date]:
    """``months`` month-ends ending at ``end`` (rounded down to a month-end), oldest first.

    snapshot_dates(3, date(2026, 3, 15)) -> [2025-12-31, 2026-01-31, 2026-02-28]
    """
    end_month = _end_month(end)
    return [month_end(m) for m in range(end_month - months + 1, end_month + 1)]


def _end_month(end: date | None) -> int:
    end = end or default_end()
    return month_number(end) if end == month_end(month_number(end)) else month_number(end) - 1


def build_portfolio(
    projects: int = 40,
    months: int = 12,
    *,
    seed: int = 7,
    end: date | None = None,
    density: Density | str = STANDARD,
) -> Portfolio:
    """The demo portfolio's tables for ``months`` monthly snapshots ending at ``end`` (default: the last
    month-end before today). Pure and deterministic: the same arguments give the same frames.

    ``density`` ("standard", "large" or a :class:`Density`) sets people, team size, risks and issues per project.
    """
    return Portfolio(seed, tuple(iter_snapshots(projects, months, seed=seed, end=end, density=density)))


def density_named(density: Density | str) -> Density:
    """ "large" -> LARGE; a Density is returned as it is."""
    if isinstance(density, Density):
        return density
    if density not in DENSITIES:
        raise ValueError(f"no demo density {density!r}: choose from {', '.join(DENSITIES)}")
    return DENSITIES[density]


def iter_snapshots(
    projects: int = 40,
    months: int = 12,
    *,
    seed: int = 7,
    end: date | None = None,
    density: Density | str = STANDARD,
) -> Iterator[SnapshotTruth]:
    """The snapshots of :func:`build_portfolio` one at a time, oldest first (memory stays flat for big demos)."""
    if projects < 1 or months < 1:
        raise ValueError(f"the demo needs at least one project and one month, not {projects} and {months}")
    end_month = _end_month(end)
    model = draw_model(np.random.default_rng(seed), projects, end_month, months, density_named(density))
    for month in range(end_month - months + 1, end_month + 1):
        yield SnapshotTruth(month_end(month), typed_tables(snapshot_tables(model, month)))


def draw_model(rng: np.random.Generator, count: int, end_month: int, window: int, density: Density = STANDARD) -> Model:
    """Draw the portfolio. Project numbers (1001, 1002, ...) follow the start dates, as registers number them."""
    kinds = archetypes(rng, count)
    portfolios = list(words.PORTFOLIOS)
    # Budgets 50k-5M, evenly on a log scale, in whole 5,000s: 1,235,000.
    budgets = np.round(np.exp(rng.uniform(np.log(50_000), np.log(5_000_000), count)) / 5_000) * 5_000
    timings = [draw_timing(rng, kinds[i], float(budgets[i]), end_month, window) for i in range(count)]
    order = sorted(range(count), key=lambda i: (timings[i].start_month, timings[i].start_day, i))
    first_month, axis_months = month_axis_span(timings, end_month)
    managers = manager_count(count)
    people = draw_people(rng, max(managers + 6, round(density.people_per_project * count)), managers)
    # Every manager runs about as many projects, in no visible pattern: 40 projects, 10 managers -> 4 each.
    manager_of = rng.permutation(np.arange(count) % managers)
    names = _project_names(rng, [portfolios[i % len(portfolios)] for i in order])
    # A project enters the register 2-9 months before it starts; the first one is there from the first
    # snapshot on, so that no snapshot is empty (a long window over few projects).
    registered = [
        min(timings[i].start_month - int(lead), end_month)
        for i, lead in zip(order, rng.integers(2, 10, count), strict=True)
    ]
    registered[0] = min(registered[0], end_month - window + 1)
    projects, project_managers = [], []
    for rank, i in enumerate(order):
        timing, portfolio = timings[i], portfolios[i % len(portfolios)]
        info = words.PORTFOLIOS[portfolio]
        programme_index = int(rng.integers(len(info["programmes"])))
        department_index = programme_index if rng.random() < 0.7 else int(rng.integers(len(info["departments"])))
        budget_cents = int(budgets[i]) * 100
        intern = round(budget_cents * rng.uniform(0.15, 0.55) / 100) * 100  # whole euros
        shape = float(rng.uniform(0.55, 1.0))
        planned_value, earned_value, actual_cost, cpi = money_on_axis(
            rng, timing, (intern, budget_cents - intern), shape, first_month, axis_months
        )
        picks = sorted(rng.choice(len(words.MILESTONES), int(rng.integers(3, 7)), replace=False))
        shares = [*sorted(rng.uniform(0.08, 0.92, len(picks) - 1)), 1.0]
        milestone_ids = sorted(rng.choice(np.arange(2, 200), len(picks), replace=False))
        manager = int(manager_of[rank])
        project_managers.append(manager)
        projects.append(
            Project(
                index=rank,
                project_id=str(1001 + rank),
                project_name=names[rank],
                portfolio=portfolio,
                programme=info["programmes"][programme_index],
                department=info["departments"][department_index],
                project_manager=people[manager].name,
                sponsor=words.SPONSORS[(portfolios.index(portfolio) * 3 + department_index) % len(words.SPONSORS)],
                priority=words.PRIORITIES[int(rng.choice(3, p=[0.3, 0.5, 0.2]))],
                kind=timing.kind,
                budget_cents=budget_cents,
                category_cents=(intern, budget_cents - intern),
                registered_month=registered[rank],
                start_month=timing.start_month,
                planned_months=timing.planned_months,
                work_months=timing.work_months,
                start_date=month_start(timing.start_month).replace(day=timing.start_day),
                planned_finish_date=month_start(timing.start_month + timing.planned_months - 1).replace(
                    day=timing.finish_day
                ),
                unpaused_finish_date=month_start(timing.start_month + timing.work_months - 1).replace(
                    day=timing.finish_day
                ),
                shape=shape,
                cpi=cpi,
                pause_month=timing.pause_month,
                pause_months=timing.pause_months,
                cancel_month=timing.cancel_month,
                is_optimistic=bool(rng.random() < 0.2),
                milestones=tuple(
                    (int(m), words.MILESTONES[int(p)], float(s))
                    for m, p, s in zip(milestone_ids, picks, shares, strict=True)
                ),
                planned_value=planned_value,
                earned_value=earned_value,
                actual_cost=actual_cost,
            )
        )
    assignments = draw_assignments(rng, people, projects, project_managers, density)
    members: dict[int, list[str]] = {}
    for assignment in assignments:
        members.setdefault(assignment.project, []).append(people[assignment.person].name)
    end_date = month_end(end_month)
    risks = [r for p in projects for r in draw_risks(rng, p, members[p.index], end_date, density)]
    issues = [i for p in projects for i in draw_issues(rng, p, members[p.index], end_date, density)]
    width = max(4, len(str(max(len(risks), len(issues)))))
    risks = [replace(r, risk_id=f"R{n:0{width}d}") for n, r in enumerate(risks, 1)]
    issues = [replace(i, issue_id=f"I{n:0{width}d}") for n, i in enumerate(issues, 1)]
    return Model(projects, first_month, axis_months, people, assignments, risks, issues)


def _project_names(rng: np.random.Generator, portfolio_per_project: list[str]) -> list[str]:
    """The curated names of each portfolio first, then "Migratie zaaksysteem"-style ones, then "... fase 2"."""
    pools = {}
    for portfolio, info in words.PORTFOLIOS.items():
        curated = list(info["projects"])
        generated = [f"{action} {thing}" for action in words.NAME_ACTIONS for thing in info["objects"]]
        generated = [name for name in generated if name not in curated]
        pools[portfolio] = curated + [generated[i] for i in rng.permutation(len(generated))]
    used: dict[str, int] = {}
    names = []
    for portfolio in portfolio_per_project:
        n = used.get(portfolio, 0)
        used[portfolio] = n + 1
        pool = pools[portfolio]
        names.append(pool[n % len(pool)] + (f" fase {n // len(pool) + 1}" if n >= len(pool) else ""))
    return names


def typed_tables(data: dict[str, dict[str, object]]) -> dict[str, pd.DataFrame]:
    """Column lists (or arrays) per table -> frames with every contract column, in contract order and type."""
    return {name: _typed(schema.TABLES[name], columns) for name, columns in data.items()}


def _typed(table: schema.Table, columns: dict[str, object]) -> pd.DataFrame:
    rows = len(next(iter(columns.values()))) if columns else 0
    out = {}
    for column in table.columns:
        values = columns.get(column.name, [None] * rows)
        if column.kind == "date":
            out[column.name] = pd.Series(values, dtype="datetime64[s]")
        elif column.kind == "level":
            out[column.name] = pd.Series(values, dtype="Int64")
        elif column.kind in ("amount", "number", "percent", "probability"):
            out[column.name] = pd.Series(values, dtype="float64")
        else:
            out[column.name] = pd.Series(values, dtype="str")
    return pd.DataFrame(out)


__all__ = [
    "CATEGORIES",
    "DENSITIES",
    "LARGE",
    "STANDARD",
    "Density",
    "Portfolio",
    "SnapshotTruth",
    "build_portfolio",
    "default_end",
    "density_named",
    "iter_snapshots",
    "snapshot_dates",
]

"""The demo portfolio's people, their assignments to projects, and the projects' risks and issues.

Drawn once for the whole period; a snapshot shows what was raised by its as-of date and whether it was
closed by then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pmo_analytics import demo_words as words
from pmo_analytics.demo_model import COMPLETED_KINDS, Project, month_end


@dataclass(frozen=True)
class Person:
    """One person of the resource plan."""

    name: str
    team: str
    role: str
    weekly_hours: float


@dataclass(frozen=True)
class Assignment:
    """One person on one project: ``share`` of their contract hours at the project's peak."""

    person: int  # index into the people list
    project: int  # index into the project list
    share: float
    is_manager: bool


@dataclass(frozen=True)
class Risk:
    """One risk as registered, with the date it was closed (None: still open at the end)."""

    risk_id: str
    project_id: str
    title: str
    category: str
    probability_level: int
    impact_level: int
    impact_amount: float
    owner: str
    response: str
    raised_date: date
    due_date: date
    closed_date: date | None


@dataclass(frozen=True)
class Issue:
    """One issue as registered, with the date it was resolved (None: still open at the end)."""

    issue_id: str
    project_id: str
    title: str
    priority: str
    owner: str
    raised_date: date
    resolved_date: date | None


def manager_count(projects: int) -> int:
    """A project manager runs about four projects: 40 projects -> 10 managers."""
    return max(1, math.ceil(projects / 4))


def draw_people(rng: np.random.Generator, count: int, managers: int) -> list[Person]:
    """``count`` people; the first ``managers`` are the project managers, the rest spread over the teams."""
    names = words.person_names(rng, count)
    teams = [t for t in words.TEAMS if t != words.PROJECT_MANAGEMENT_TEAM]
    order = rng.permutation(len(teams))
    people = []
    for index, name in enumerate(names):
        team = words.PROJECT_MANAGEMENT_TEAM if index < managers else teams[order[(index - managers) % len(teams)]]
        roles = words.TEAMS[team]
        role = roles[int(rng.integers(len(roles)))]
        hours = (
            36.0
            if index < managers and rng.random() < 0.5
            else words.WEEKLY_HOURS[int(rng.integers(len(words.WEEKLY_HOURS)))]
        )
        people.append(Person(name, team, role, hours))
    return people


def draw_assignments(
    rng: np.random.Generator, people: list[Person], projects: list[Project], managers: list[int]
) -> list[Assignment]:
    """Each project's manager plus 1-6 specialists from its portfolio's teams (bigger budgets, more people).

    Some specialists are in demand (a popularity weight), which over-allocates them in busy months.
    """
    popularity = np.exp(rng.normal(0, 0.7, len(people)))
    by_team: dict[str, list[int]] = {}
    for index, person in enumerate(people):
        by_team.setdefault(person.team, []).append(index)
    assignments = []
    for index, project in enumerate(projects):
        assignments.append(Assignment(managers[index], index, float(rng.uniform(0.10, 0.25)), True))
        candidates = [i for team in words.PORTFOLIOS[project.portfolio]["teams"] for i in by_team.get(team, [])]
        wanted = 1 + round(1.5 * math.log10(project.budget_cents / 100 / 50_000)) + int(rng.integers(0, 2))
        wanted = min(wanted, 6, len(candidates))
        if wanted == 0:
            continue
        weights = popularity[candidates] / popularity[candidates].sum()
        for person in rng.choice(candidates, size=wanted, replace=False, p=weights):
            assignments.append(Assignment(int(person), index, float(rng.uniform(0.15, 0.5)), False))
    return assignments


def life_end(project: Project) -> date | None:
    """The day a project stopped (finished or cancelled), None while it runs."""
    if project.cancel_month is not None:
        return month_end(project.cancel_month)
    if project.kind in COMPLETED_KINDS:
        return project.finish_date(project.pause_months)
    return None


def _raised_window(project: Project, end_date: date) -> tuple[date, date]:
    """Risks and issues are raised from 45 days before the start until the project stops (or the last snapshot)."""
    stop = life_end(project) or end_date
    low = min(project.start_date - timedelta(days=45), end_date - timedelta(days=60))
    return low, max(low, min(stop, end_date))


def _between(rng: np.random.Generator, low: date, high: date) -> date:
    return low + timedelta(days=int(rng.integers(0, (high - low).days + 1)))


def _closed(
    rng: np.random.Generator, raised: date, chance: float, days: tuple[int, int], stop: date | None
) -> date | None:
    """A closing date: with ``chance`` after ``days``; always by 30 days after the project stopped."""
    closed = raised + timedelta(days=int(rng.integers(*days))) if rng.random() < chance else None
    if stop is not None:
        closed = min(closed or date.max, max(stop, raised) + timedelta(days=30))
    return closed


def draw_risks(rng: np.random.Generator, project: Project, members: list[str], end_date: date) -> list[Risk]:
    """0-8 risks for one project, more and heavier on troubled projects. IDs are set by the caller."""
    troubled = project.is_troubled
    count = min(8, int(rng.poisson(1.5 + 2.5 * troubled + (project.budget_cents > 100_000_000))))
    low, high = _raised_window(project, end_date)
    categories = list(words.RISKS)
    risks = []
    for _ in range(count):
        category = categories[int(rng.integers(len(categories)))]
        title, response = words.RISKS[category][int(rng.integers(len(words.RISKS[category])))]
        probability = int(rng.integers(2, 6) if troubled else rng.integers(1, 5))
        impact = int(rng.integers(2, 6) if troubled else rng.integers(1, 5))
        # Impact amount: 1-8% of the budget per impact step above 2, in whole thousands: 1.2M, level 4 -> ~60,000.
        amount = max(1_000.0, round(project.budget_cents / 100 * rng.uniform(0.01, 0.08) * impact / 2, -3))
        raised = _between(rng, low, high)
        closed = _closed(rng, raised, 0.5, (20, 240), life_end(project))
        due = raised + timedelta(days=int(rng.integers(30, 181)))
        owner = members[int(rng.integers(len(members)))]
        risks.append(
            Risk(
                "",
                project.project_id,
                title,
                category,
                probability,
                impact,
                amount,
                owner,
                response,
                raised,
                due,
                closed,
            )
        )
    return sorted(risks, key=lambda r: r.raised_date)


def draw_issues(rng: np.random.Generator, project: Project, members: list[str], end_date: date) -> list[Issue]:
    """0-6 issues for one project, more on troubled projects. IDs are set by the caller."""
    count = min(6, int(rng.poisson(0.8 + 2.0 * project.is_troubled)))
    low, high = _raised_window(project, end_date)
    issues = []
    for _ in range(count):
        title = words.ISSUES[int(rng.integers(len(words.ISSUES)))]
        priority = words.PRIORITIES[int(rng.choice(3, p=[0.3, 0.45, 0.25]))]
        raised = _between(rng, low, high)
        resolved = _closed(rng, raised, 0.6, (7, 121), life_end(project))
        owner = members[int(rng.integers(len(members)))]
        issues.append(Issue("", project.project_id, title, priority, owner, raised, resolved))
    return sorted(issues, key=lambda i: i.raised_date)

"""The demo portfolio's people, their assignments to projects, and the projects' risks and issues.

Drawn once for the whole period; a snapshot shows what was raised by its as-of date and whether it was
closed by then. How many people, team members, risks and issues each project brings is a :class:`Density`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pmo_analytics import demo_words as words
from pmo_analytics.demo_model import COMPLETED_KINDS, Project, month_end


@dataclass(frozen=True)
class Density:
    """How much each project brings to the demo, apart from its own plan: people, team, registers.

    ``--projects N`` says how big a PMO is; the density says how thoroughly each project is staffed and
    registered. The two are separate on purpose: "standard" is the demo as it has always been (its workbooks are
    byte-identical for a seed, the tests and the README screenshot rely on them), and "large" is the PMO of
    issue 5, whose 2,000 projects carry about 100,000 resource-plan rows and 10,000 risks. One named preset is
    clearer on the command line than a knob per figure, and a test or benchmark that wants other figures builds
    its own ``Density`` (``dataclasses.replace(LARGE, risk_rate=2.0)``).

    What the fields do (the standard value, then the large one):

    - ``people_per_project`` (1.5, 2.25): staff = this x projects (at least the managers + 6); one project
      manager per four projects, the rest specialists.
    - ``team_factor`` (1.0, 1.8) and ``max_specialists`` (6, 10): specialists per project = the budget-driven
      1-6 (see :func:`draw_assignments`) x the factor, rounded, at most the maximum.
    - ``risk_rate`` (1.0, 1.75) and ``max_risks`` (8, 14): the Poisson mean of a project's risk count
      (1.5, + 2.5 when troubled, + 1 above a 1M budget) x the rate, at most the maximum.
    - ``issue_rate`` (1.0, 1.75) and ``max_issues`` (6, 10): the same for issues (mean 0.8, + 2.0 when troubled).
    - ``capacity`` (None, 1.0): with a number, a specialist joins a project only while the shares of contract
      hours already promised in the project's months plus the new share stay within it, so nobody is planned at
      several times their hours (the resource plan scales a share by the month's intensity, 0.3-1.2: a person
      can still reach 120% in a busy month). None: no check, as the standard demo has always drawn (at 2,000
      projects the most wanted specialists then reach 670%).

    At 2,000 projects (seed 7, 12 snapshots ending 2026-10-31) the last snapshot holds, standard -> large:
    people 3,000 -> 4,500, allocations 61,969 -> 98,284 (person-months over 100% of contract hours: 11.9% ->
    0.7%, the busiest 670% -> 117%), risks 5,737 -> 10,081, issues 3,093 -> 5,509. Projects (2,000), cost
    periods (84,974: two cost categories per month over each project's 6-49 months, 88 months in all) and
    milestones (~8,700) keep their size; their values differ, as the same random stream draws more people first.
    """

    name: str = "standard"
    people_per_project: float = 1.5
    team_factor: float = 1.0
    max_specialists: int = 6
    risk_rate: float = 1.0
    max_risks: int = 8
    issue_rate: float = 1.0
    max_issues: int = 6
    capacity: float | None = None


STANDARD = Density()
LARGE = Density(
    "large",
    people_per_project=2.25,
    team_factor=1.8,
    max_specialists=10,
    risk_rate=1.75,
    max_risks=14,
    issue_rate=1.75,
    max_issues=10,
    capacity=1.0,
)
DENSITIES = {d.name: d for d in (STANDARD, LARGE)}


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
    rng: np.random.Generator,
    people: list[Person],
    projects: list[Project],
    managers: list[int],
    density: Density = STANDARD,
) -> list[Assignment]:
    """Each project's manager plus 1-6 specialists from its portfolio's teams (bigger budgets, more people),
    times the density's team factor.

    Some specialists are in demand (a popularity weight), which over-allocates them in busy months; with a
    density ``capacity`` only those with room in the project's months are asked (:func:`_pick_with_room`).
    """
    popularity = np.exp(rng.normal(0, 0.7, len(people)))
    by_team: dict[str, list[int]] = {}
    for index, person in enumerate(people):
        by_team.setdefault(person.team, []).append(index)
    booked = None if density.capacity is None else _Bookings(len(people), projects, density.capacity)
    assignments = []
    for index, project in enumerate(projects):
        assignments.append(Assignment(managers[index], index, float(rng.uniform(0.10, 0.25)), True))
        candidates = [i for team in words.PORTFOLIOS[project.portfolio]["teams"] for i in by_team.get(team, [])]
        wanted = 1 + round(1.5 * math.log10(project.budget_cents / 100 / 50_000)) + int(rng.integers(0, 2))
        wanted = min(round(wanted * density.team_factor), density.max_specialists, len(candidates))
        if wanted == 0:
            continue
        if booked is not None:
            picks = _pick_with_room(rng, np.array(candidates), popularity, wanted, booked, project)
            assignments += [Assignment(person, index, share, False) for person, share in picks]
            continue
        weights = popularity[candidates] / popularity[candidates].sum()
        for person in rng.choice(candidates, size=wanted, replace=False, p=weights):
            assignments.append(Assignment(int(person), index, float(rng.uniform(0.15, 0.5)), False))
    return assignments


class _Bookings:
    """Per person per month: the shares of contract hours promised to projects so far, and the most a person
    may be promised (``capacity``)."""

    def __init__(self, people: int, projects: list[Project], capacity: float) -> None:
        self.capacity = capacity
        self.first = min(p.start_month for p in projects)
        end = max(p.start_month + max(p.planned_months, p.work_months + p.pause_months) for p in projects)
        self.shares = np.zeros((people, end - self.first))  # to the last month of the longest-running project

    def months(self, project: Project) -> slice:
        """The months a project may plan people in: its start to the later of its planned and true finish."""
        start = project.start_month - self.first
        return slice(start, start + max(project.planned_months, project.work_months + project.pause_months))


def _pick_with_room(
    rng: np.random.Generator,
    candidates: np.ndarray,
    popularity: np.ndarray,
    wanted: int,
    booked: _Bookings,
    project: Project,
) -> list[tuple[int, float]]:
    """Up to ``wanted`` (person, share) pairs, each share 0.15-0.5: one at a time, by popularity, among the
    candidates whose busiest month of the project plus the share stays within the capacity (0.7 booked + 0.3
    fits 1.0, + 0.4 does not). Fewer when the teams are full."""
    months = booked.months(project)
    peak = booked.shares[candidates, months].max(axis=1, initial=0.0)
    free = np.ones(candidates.size, dtype=bool)
    picks = []
    for share in rng.uniform(0.15, 0.5, wanted):
        room = free & (peak + share <= booked.capacity + 1e-9)
        if not room.any():
            continue
        weights = popularity[candidates] * room
        chosen = int(rng.choice(candidates.size, p=weights / weights.sum()))
        free[chosen] = False
        booked.shares[candidates[chosen], months] += share
        picks.append((int(candidates[chosen]), float(share)))
    return picks


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


def draw_risks(
    rng: np.random.Generator, project: Project, members: list[str], end_date: date, density: Density = STANDARD
) -> list[Risk]:
    """0-8 risks for one project (standard density), more and heavier on troubled projects. IDs are set by the
    caller."""
    troubled = project.is_troubled
    mean = (1.5 + 2.5 * troubled + (project.budget_cents > 100_000_000)) * density.risk_rate
    count = min(density.max_risks, int(rng.poisson(mean)))
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


def draw_issues(
    rng: np.random.Generator, project: Project, members: list[str], end_date: date, density: Density = STANDARD
) -> list[Issue]:
    """0-6 issues for one project (standard density), more on troubled projects. IDs are set by the caller."""
    count = min(density.max_issues, int(rng.poisson((0.8 + 2.0 * project.is_troubled) * density.issue_rate)))
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

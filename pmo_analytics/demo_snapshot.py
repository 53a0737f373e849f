"""One monthly snapshot of the demo portfolio: every contract table as columns, from the drawn model.

A snapshot at the end of month M shows actuals and earned value through M, forecasts after M, milestones
done by M (with forecasts for the rest), risks and issues raised by M, and a resource plan from two months
before M to nine months after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pmo_analytics.demo_model import (
    CATEGORIES,
    Project,
    ProjectState,
    forecast_date,
    month_end,
    month_start,
    project_state,
)
from pmo_analytics.demo_registers import Assignment, Issue, Person, Risk

# Risk probability levels 1-5 as probabilities (DESIGN.md, risks).
PROBABILITY_BY_LEVEL = {1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, 5: 0.9}
RESOURCE_PLAN_MONTHS = (-2, 10)  # from two months back to nine months ahead of the as-of month


@dataclass(frozen=True, eq=False)
class Model:
    """Everything drawn once: projects with their month axis, people, assignments, risks and issues."""

    projects: list[Project]
    first_month: int  # month number of the axis start
    axis_months: int
    people: list[Person]
    assignments: list[Assignment]
    risks: list[Risk]
    issues: list[Issue]


def snapshot_tables(model: Model, month: int) -> dict[str, dict[str, object]]:
    """Table name -> column name -> values, as known at the end of ``month``."""
    # A project enters the register a few months before it starts.
    projects = [p for p in model.projects if p.registered_month <= month]
    states = [project_state(p, month, model.first_month) for p in projects]
    listed = {p.project_id for p in projects}
    as_of = month_end(month)
    return {
        "projects": _projects(projects, states, month),
        "cost_periods": _cost_periods(projects, states, month, model.first_month),
        "milestones": _milestones(projects, states, month),
        "risks": _risks([r for r in model.risks if r.project_id in listed], as_of),
        "issues": _issues([i for i in model.issues if i.project_id in listed], as_of),
        "people": {
            "person_name": [p.name for p in model.people],
            "team": [p.team for p in model.people],
            "role": [p.role for p in model.people],
            "weekly_hours": [p.weekly_hours for p in model.people],
        },
        "allocations": _allocations(model, dict(zip((p.index for p in projects), states, strict=True)), month),
    }


def _risks(all_risks: list[Risk], as_of: date) -> dict[str, list]:
    """The risks raised by ``as_of``; open unless closed by then."""
    risks = [r for r in all_risks if r.raised_date <= as_of]
    return {
        "risk_id": [r.risk_id for r in risks],
        "project_id": [r.project_id for r in risks],
        "title": [r.title for r in risks],
        "category": [r.category for r in risks],
        "probability": [PROBABILITY_BY_LEVEL[r.probability_level] for r in risks],
        "probability_level": [r.probability_level for r in risks],
        "impact_level": [r.impact_level for r in risks],
        "impact_amount": [r.impact_amount for r in risks],
        "owner": [r.owner for r in risks],
        "status": ["closed" if r.closed_date and r.closed_date <= as_of else "open" for r in risks],
        "response": [r.response for r in risks],
        "raised_date": [r.raised_date for r in risks],
        "due_date": [r.due_date for r in risks],
    }


def _issues(all_issues: list[Issue], as_of: date) -> dict[str, list]:
    """The issues raised by ``as_of``; a resolution after ``as_of`` is not known yet."""
    issues = [i for i in all_issues if i.raised_date <= as_of]
    resolved = [i.resolved_date if i.resolved_date and i.resolved_date <= as_of else None for i in issues]
    return {
        "issue_id": [i.issue_id for i in issues],
        "project_id": [i.project_id for i in issues],
        "title": [i.title for i in issues],
        "priority": [i.priority for i in issues],
        "status": ["open" if r is None else "closed" for r in resolved],
        "owner": [i.owner for i in issues],
        "raised_date": [i.raised_date for i in issues],
        "resolved_date": resolved,
    }


def phase(project: Project, state: ProjectState, month: int) -> str:
    """The phase by share of the work earned: 3% -> Initiatie, 20% -> Ontwerp, 60% -> Realisatie."""
    share = float(state.earned_cents.sum()) / project.budget_cents
    if state.status == "completed":
        return "Nazorg"
    if month < project.start_month or share < 0.05:
        return "Initiatie"
    return "Definitie" if share < 0.15 else "Ontwerp" if share < 0.35 else "Realisatie"


def reported_status(project: Project, state: ProjectState, month: int) -> str | None:
    """The colour a project manager reports: from min(cpi, spi) (>= 0.95 green, >= 0.87 amber, else red);
    an optimistic manager reports one colour better. Cancelled projects report none."""
    earned, actual = float(state.earned_cents.sum()), float(state.actual_cents.sum())
    planned = float(state.planned_cents.sum())
    cpi = earned / actual if actual > 0 else 1.0
    if state.status == "cancelled":
        return None
    if state.status == "completed":
        return "green" if cpi >= 0.95 else "amber"
    if state.status == "on_hold":
        return "amber"
    if month < project.start_month or earned < 0.05 * project.budget_cents:
        return "green"
    spi = earned / planned if planned > 0 else 1.0
    level = 0 if min(cpi, spi) >= 0.95 else 1 if min(cpi, spi) >= 0.87 else 2
    return ("green", "amber", "red")[max(0, level - project.is_optimistic)]


def _projects(projects: list[Project], states: list[ProjectState], month: int) -> dict[str, list]:
    return {
        "project_id": [p.project_id for p in projects],
        "project_name": [p.project_name for p in projects],
        "portfolio": [p.portfolio for p in projects],
        "programme": [p.programme for p in projects],
        "department": [p.department for p in projects],
        "project_manager": [p.project_manager for p in projects],
        "sponsor": [p.sponsor for p in projects],
        "phase": [phase(p, s, month) for p, s in zip(projects, states, strict=True)],
        "status": [s.status for s in states],
        "priority": [p.priority for p in projects],
        "start_date": [p.start_date for p in projects],
        "planned_finish_date": [p.planned_finish_date for p in projects],
        "forecast_finish_date": [s.forecast_finish_date for s in states],
        "actual_finish_date": [s.actual_finish_date for s in states],
        "budget": [p.budget_cents / 100 for p in projects],
        "actual_cost": [int(s.actual_cents.sum()) / 100 for s in states],
        # "35%": earned value over budget, in whole percents.
        "percent_complete": [
            float(round(100 * int(s.earned_cents.sum()) / p.budget_cents))
            for p, s in zip(projects, states, strict=True)
        ],
        "reported_status": [reported_status(p, s, month) for p, s in zip(projects, states, strict=True)],
    }


def _cost_periods(
    projects: list[Project], states: list[ProjectState], month: int, first_month: int
) -> dict[str, object]:
    """One row per project per category per month from its start to its last planned, actual or forecast month.

    Planned value fills every month (0 outside the plan); actuals and earned value months through the
    as-of month; forecasts the months after it.
    """
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("project_id", "month", "category", "pv", "ac", "ev", "fc")}
    for project, state in zip(projects, states, strict=True):
        months = np.arange(project.start_month, state.last_month + 1)
        index = months - first_month
        past = months <= month
        for category, name in enumerate(CATEGORIES):
            parts["project_id"].append(np.full(months.size, project.project_id, dtype=object))
            parts["month"].append(months)
            parts["category"].append(np.full(months.size, name, dtype=object))
            parts["pv"].append(project.planned_value[category, index] / 100)
            parts["ac"].append(np.where(past, project.actual_cost[category, index] / 100, np.nan))
            parts["ev"].append(np.where(past, project.earned_value[category, index] / 100, np.nan))
            parts["fc"].append(np.where(past, np.nan, state.forecast[category, index] / 100))
    joined = {k: np.concatenate(v) if v else np.array([]) for k, v in parts.items()}
    return {
        "project_id": joined["project_id"],
        "period_date": (joined["month"].astype(np.int64) - 1970 * 12).astype("datetime64[M]").astype("datetime64[s]"),
        "cost_category": joined["category"],
        "planned_value": joined["pv"],
        "actual_cost": joined["ac"],
        "earned_value": joined["ev"],
        "forecast_cost": joined["fc"],
    }


def _milestones(projects: list[Project], states: list[ProjectState], month: int) -> dict[str, list]:
    """Done milestones carry their actual date (and Finish = Actual Finish, as in MS Project); the others a
    forecast that moves towards the true date snapshot by snapshot. A cancelled project keeps only the done ones."""
    as_of = month_end(month)
    columns: dict[str, list] = {
        k: []
        for k in (
            "project_id",
            "milestone_id",
            "milestone_name",
            "baseline_date",
            "forecast_date",
            "actual_date",
            "status",
        )
    }
    for project, state in zip(projects, states, strict=True):
        cancelled = state.status == "cancelled"
        cutoff = month_end(project.cancel_month) if cancelled and project.cancel_month is not None else as_of
        for milestone_id, name, share in project.milestones:
            baseline = project.planned_date(share)
            true = project.true_date(share, project.pause_months)
            if true <= cutoff:
                forecast, actual, status = true, true, "Complete"
            elif cancelled:
                continue
            else:
                known = project.true_date(share, project.known_pause(month))
                forecast, actual = forecast_date(baseline, known, project.start_date, as_of), None
                status = "Late" if forecast > baseline + timedelta(days=5) else "On Schedule"
            for key, value in zip(
                columns, (project.project_id, str(milestone_id), name, baseline, forecast, actual, status), strict=True
            ):
                columns[key].append(value)
    return columns


def _allocations(model: Model, states: dict[int, ProjectState], month: int) -> dict[str, object]:
    """Hours per person per project per month of the resource plan.

    hours = share of contract hours x intensity, in multiples of 4; intensity = the project's cost that month
    (actual, else forecast) over its peak planned month, kept within 0.3-1.2 (a manager's at least 0.5).
    Available hours in a month = weekly hours x working days / 5.
    """
    window = np.arange(month + RESOURCE_PLAN_MONTHS[0], month + RESOURCE_PLAN_MONTHS[1])
    index = window - model.first_month
    inside = (index >= 0) & (index < model.axis_months)
    index = np.clip(index, 0, model.axis_months - 1)
    cut = month - model.first_month + 1
    cost = np.zeros((len(model.projects), window.size))
    peak = np.ones(len(model.projects))
    for row, state in states.items():
        actual = model.projects[row].actual_cost.sum(axis=0)
        actual[cut:] = 0
        cost[row] = np.where(inside, (actual + state.forecast.sum(axis=0))[index], 0)
        peak[row] = max(float(model.projects[row].planned_value.sum(axis=0).max()), 1.0)
    intensity = np.where(cost > 0, np.clip(cost / peak[:, None], 0.3, 1.2), 0.0)
    starts = np.array([month_start(m) for m in window], dtype="datetime64[D]")
    ends = np.array([month_start(m + 1) for m in window], dtype="datetime64[D]")
    working_days = np.busday_count(starts, ends)
    person = np.array([a.person for a in model.assignments])
    project = np.array([a.project for a in model.assignments])
    share = np.array([a.share for a in model.assignments])
    manager = np.array([a.is_manager for a in model.assignments])
    weekly = np.array([p.weekly_hours for p in model.people])
    load = intensity[project]
    load = np.where(manager[:, None] & (load > 0), np.maximum(load, 0.5), load)
    hours = np.round(share[:, None] * (weekly[person][:, None] * working_days[None, :] / 5) * load / 4) * 4
    rows, columns = np.nonzero(hours)
    return {
        "person_name": np.array([p.name for p in model.people], dtype=object)[person[rows]],
        "project_id": np.array([p.project_id for p in model.projects], dtype=object)[project[rows]],
        "period_date": starts[columns].astype("datetime64[s]"),
        "hours": hours[rows, columns],
    }

"""What the dashboard pages show, computed from the stored tables: filters, KPIs, trends, S-curves.

Pure functions (tables in, DataFrames/dicts out): the pages call them through ui.py's caches and only draw.
``tables`` is a dict as ``Store.load_tables`` returns it; a snapshot is (as_of date, tables).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pmo_analytics.indicators.health import HealthSettings
from pmo_analytics.indicators.portfolio import HEADLINE_FIGURES, portfolio_totals, project_indicators
from pmo_analytics.indicators.resources import resource_load
from pmo_analytics.schema import TABLES

# Sidebar filters, in the order shown: project field -> label.
FILTERS: dict[str, str] = {
    "portfolio": "Portfolio",
    "programme": "Programme",
    "department": "Department",
    "project_manager": "Project manager",
    "phase": "Phase",
    "status": "Status",
}

Tables = Mapping[str, pd.DataFrame]


def filter_options(projects: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter can take, sorted: {"portfolio": ["Bedrijfsvoering", ...], ...}."""
    return {
        name: sorted(projects[name].dropna().astype("str").unique().tolist()) if name in projects else []
        for name in FILTERS
    }


def filter_tables(tables: Tables, filters: Mapping[str, Sequence[str]]) -> dict[str, pd.DataFrame]:
    """Keep the projects that match every non-empty filter, and the rows of every table that belong to them.

    People are kept when they have an allocation on a kept project (all people when no filter is set), so a
    team lead filtering on a portfolio sees the load of the people working on it: all their allocations count,
    because over-allocation is about the person, not one portfolio.
    """
    active = {k: list(v) for k, v in filters.items() if v and k in FILTERS}
    if not active:
        return dict(tables)
    projects = tables["projects"]
    keep = pd.Series(True, index=projects.index)
    for name, values in active.items():
        keep &= projects[name].isin(values).fillna(False).astype(bool)
    ids = set(projects.loc[keep, "project_id"])
    out: dict[str, pd.DataFrame] = {"projects": projects.loc[keep]}
    for name, frame in tables.items():
        if name in ("projects", "people", "allocations"):
            continue
        out[name] = (
            frame.loc[frame["project_id"].isin(ids).fillna(False).astype(bool)] if "project_id" in frame else frame
        )
    allocations = tables.get("allocations", pd.DataFrame(columns=TABLES["allocations"].column_names))
    people = tables.get("people", pd.DataFrame(columns=TABLES["people"].column_names))
    involved = set(allocations.loc[allocations["project_id"].isin(ids).fillna(False).astype(bool), "person_name"])
    out["allocations"] = allocations.loc[allocations["person_name"].isin(involved).fillna(False).astype(bool)]
    out["people"] = people.loc[people["person_name"].isin(involved).fillna(False).astype(bool)]
    return out


def snapshot_indicators(tables: Tables, as_of: dt.date, settings: HealthSettings | None = None) -> pd.DataFrame:
    """``project_indicators`` for one snapshot (one row per project)."""
    return project_indicators(tables, as_of, settings)


def over_allocated_people(tables: Tables, as_of: dt.date, months: int = 3) -> pd.DataFrame:
    """People over-allocated in any month from the as-of month through ``months`` months on.

    One row per person: person_name, team, months_over (how many of those months), worst_utilisation.
    """
    start = pd.Timestamp(as_of).to_period("M").start_time
    end = (start + pd.DateOffset(months=months)) - pd.Timedelta(days=1)
    load = resource_load(tables["allocations"], tables["people"], period="month", by="person", start=start, end=end)
    over = load[load["over_allocated"]]
    columns = ["person_name", "team", "months_over", "worst_utilisation"]
    if over.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "worst_utilisation" else "str") for c in columns})
    summary = over.groupby("person_name").agg(
        months_over=("period_start", "size"), worst_utilisation=("utilisation", "max")
    )
    teams = (
        tables["people"].drop_duplicates("person_name").set_index("person_name")["team"]
        if "team" in tables["people"]
        else None
    )
    summary = summary.assign(team=summary.index.map(teams) if teams is not None else pd.NA)
    return summary.reset_index().sort_values("worst_utilisation", ascending=False, ignore_index=True)[columns]


# The KPI cards of the overview, in order: key -> label.
KPIS: dict[str, str] = {
    "projects": "Projects",
    "bac": "Budget (BAC)",
    "ac": "Actual cost",
    "eac": "Forecast (EAC)",
    "cpi": "Portfolio CPI",
    "spi_t": "Portfolio SPI(t)",
    "red_projects": "Red projects",
    "open_high_risks": "Open high risks",
    "over_allocated_people": "Over-allocated people",
}


def kpis(indicators: pd.DataFrame, totals: pd.DataFrame, over_allocated: pd.DataFrame) -> dict[str, float]:
    """The overview's headline figures. Money and ratios are the portfolio totals (ratios of sums)."""
    total = totals.iloc[0] if len(totals) else pd.Series(dtype="float64")

    def figure(name: str) -> float:
        value = total.get(name, np.nan)
        return float(value) if pd.notna(value) else float("nan")

    return {
        "projects": float(len(indicators)),
        "bac": figure("bac"),
        "ac": figure("ac"),
        "eac": figure("eac"),
        "cpi": figure("cpi"),
        "spi_t": figure("spi_t"),
        "red_projects": float((indicators["health_overall"] == "red").sum()),
        "open_high_risks": float(indicators["open_high_risks"].fillna(0).sum())
        if "open_high_risks" in indicators
        else 0.0,
        "over_allocated_people": float(len(over_allocated)),
    }


def kpi_deltas(current: Mapping[str, float], previous: Mapping[str, float] | None) -> dict[str, float | None]:
    """Change since the previous snapshot per KPI; None when there is no previous snapshot or a side is unknown."""
    if previous is None:
        return dict.fromkeys(current)
    out: dict[str, float | None] = {}
    for key, value in current.items():
        before = previous.get(key)
        out[key] = None if before is None or pd.isna(before) or pd.isna(value) else value - before
    return out


def snapshot_figures(
    tables: Tables, as_of: dt.date, settings: HealthSettings | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators, portfolio totals) of one snapshot: the costly part of a snapshot (about 1 s at 2,000 projects),
    computed once and shared by its summary and by every trend over it (ui.py caches it per snapshot)."""
    indicators = snapshot_indicators(tables, as_of, settings)
    return indicators, portfolio_totals(indicators, tables, as_of)


def snapshot_summary(
    tables: Tables,
    as_of: dt.date,
    settings: HealthSettings | None = None,
    figures: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> dict[str, object]:
    """Everything the overview needs of one snapshot: indicators, totals, over-allocated people and KPIs.
    ``figures``: ``snapshot_figures`` of the same tables, date and settings when the caller has them already."""
    indicators, totals = figures if figures is not None else snapshot_figures(tables, as_of, settings)
    over = over_allocated_people(tables, as_of)
    return {"indicators": indicators, "totals": totals, "over_allocated": over, "kpis": kpis(indicators, totals, over)}


HISTORY_COLUMNS = ["as_of", "project_id", "project_name", "portfolio", *HEADLINE_FIGURES, "health_overall"]
PORTFOLIO_HISTORY_COLUMNS = ["as_of", "bac", "ac", "eac", "cpi", "spi", "spi_t"]  # of an empty history


def trends(
    snapshots: Sequence[tuple[dt.date, Tables]], settings: HealthSettings | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indicators over snapshots, computed once per snapshot:
    (per project: one row per snapshot date per project, HISTORY_COLUMNS;
     per portfolio: one row per snapshot date with the totals, cpi and spi_t as ratios of sums)."""
    return trends_from_figures([(as_of, *snapshot_figures(tables, as_of, settings)) for as_of, tables in snapshots])


def trends_from_figures(
    figures: Sequence[tuple[dt.date, pd.DataFrame, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``trends`` from each snapshot's ``snapshot_figures``: [(as_of, indicators, totals), ...] in date order."""
    projects, totals = [], []
    for as_of, indicators, total in figures:
        stamp = pd.Timestamp(as_of)
        projects.append(indicators.assign(as_of=stamp)[HISTORY_COLUMNS])
        if len(total):
            totals.append(total.iloc[[0]].assign(as_of=stamp))
    project_history = pd.concat(projects, ignore_index=True) if projects else pd.DataFrame(columns=HISTORY_COLUMNS)
    portfolio_history = (
        pd.concat(totals, ignore_index=True) if totals else pd.DataFrame(columns=PORTFOLIO_HISTORY_COLUMNS)
    )
    return project_history, portfolio_history

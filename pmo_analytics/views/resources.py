"""The Resources page's data: utilisation in a window of periods, capacity against demand, over-allocations.

Page-data functions take ``(tables, as_of, **params)`` (the filtered tables of one snapshot, as ``ui.view_data``
passes them). The window always starts with the period that holds the as-of date: a team lead looks ahead.
``teams`` narrows every figure to people of those teams (empty: everyone).

The heatmap shows a page of rows (``HEATMAP_SIZES``), the people who need attention first (``HEATMAP_ORDERS``):
3,000 rows of a large organisation are more than anyone reads, and a figure too large to redraw quickly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from pmo_analytics.indicators.common import safe_divide
from pmo_analytics.indicators.portfolio import _table  # the table, or an empty typed one when missing
from pmo_analytics.indicators.resources import LOAD_COLUMNS, is_over_allocated, over_allocation_causes, resource_load

Tables = Mapping[str, pd.DataFrame]
PERIODS = ("week", "month", "quarter")
GROUPS = ("person", "team")
# The heatmap's orders (see rank_rows) and page sizes: 50 rows of 26 px fit a screen or two.
HEATMAP_ORDERS = ("peak", "excess", "name")
HEATMAP_SIZES = (25, 50, 100, 200)
HEATMAP_PAGE = 50  # rows on the heatmap's first page, unless the user chooses another size
# How the heatmap names people without a team (charts.resources.NO_TEAM; not imported from there: that would load
# plotly into the command line, which uses resource_window).
NO_TEAM = "(no team)"
# The page shows this many periods from the one holding the as-of date: half a year of weeks, a year otherwise.
PAGE_WINDOW = {"week": 26, "month": 12, "quarter": 4}
OVER_ALLOCATION_COLUMNS = [
    "person_name",
    "team",
    "period_start",
    "allocated_hours",
    "available_hours",
    "utilisation",
    "excess_hours",
    "projects",
    "main_project_id",
    "main_project_name",
]


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month: 2026-11-15, 3 -> 2027-02-01."""
    number = day.year * 12 + day.month - 1 + months
    return dt.date(number // 12, number % 12 + 1, 1)


def resource_window(as_of: dt.date, period: str, periods: int | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of ``periods`` whole periods (default ``PAGE_WINDOW``), starting with the one holding as_of.

    month, 2026-03-31, 12 -> 2026-03-01 .. 2027-02-28; quarter, 2026-05-10, 4 -> 2026-04-01 .. 2027-03-31;
    week, Tuesday 2026-03-31, 52 -> Monday 2026-03-30 .. Sunday 2027-03-28.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be 'week', 'month' or 'quarter', not {period!r}")
    count = PAGE_WINDOW[period] if periods is None else periods
    if period == "week":
        start = as_of - dt.timedelta(days=as_of.weekday())
        return start, start + dt.timedelta(weeks=count) - dt.timedelta(days=1)
    months = 1 if period == "month" else 3
    start = dt.date(as_of.year, (as_of.month - 1) // months * months + 1, 1)
    return start, _add_months(start, count * months) - dt.timedelta(days=1)


def next_month(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The month after the as-of month: 2026-10-31 -> 2026-11-01 .. 2026-11-30."""
    start = _add_months(as_of, 1)
    return start, _add_months(start, 1) - dt.timedelta(days=1)


def _allocations_and_people(tables: Tables, teams: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The allocations and people tables, narrowed to people of ``teams`` when any are given."""
    allocations, people = _table(tables, "allocations"), _table(tables, "people")
    if not teams:
        return allocations, people
    members = people.loc[people["team"].isin(list(teams)).fillna(False).astype(bool), "person_name"]
    keep = allocations["person_name"].isin(members).fillna(False).astype(bool)
    return allocations.loc[keep], people.loc[people["person_name"].isin(members).fillna(False).astype(bool)]


def team_names(tables: Tables, as_of: dt.date) -> list[str]:
    """The teams of the people table, sorted: ["Inkoop", "Testteam"]."""
    people = tables.get("people")
    if people is None or "team" not in people:
        return []
    return sorted(people["team"].dropna().astype("str").unique().tolist())


def utilisation(
    tables: Tables,
    as_of: dt.date,
    period: str = "month",
    by: str = "person",
    teams: tuple[str, ...] = (),
    only_over: bool = False,
) -> pd.DataFrame:
    """``resource_load`` over the page's window. One row per person (or team) per period.

    ``only_over`` keeps the people (or teams) over-allocated in at least one period of the window.
    """
    allocations, people = _allocations_and_people(tables, teams)
    start, end = resource_window(as_of, period)
    load = resource_load(allocations, people, period=period, by=by, start=start, end=end)  # type: ignore[arg-type]
    if not only_over:
        return load
    group = "person_name" if by == "person" else "team"
    over = load.loc[load["over_allocated"], group].unique()
    return load[load[group].isin(over)].reset_index(drop=True)


def rank_rows(load: pd.DataFrame, order: str = "peak", search: str = "") -> pd.DataFrame:
    """The people (or teams) of a ``resource_load`` frame in the heatmap's order. One row each: the group column
    (person_name or team), peak_utilisation, over_periods, excess_hours.

    peak_utilisation  the highest utilisation of any period (inf where hours are allocated and none are available)
    over_periods      the periods over-allocated
    excess_hours      allocated - available summed over those periods: how much work has to move
    ``order``: "peak", highest peak first, then most excess hours, then name; "excess", most excess hours first,
    then highest peak, then name; "name", A to Z. ``search`` keeps the names holding that text, in any case
    ("jan" finds "Jan de Vries" and "Marjan Bos"); people without a team are "(no team)".
    """
    if order not in HEATMAP_ORDERS:
        raise ValueError(f"order must be one of {', '.join(HEATMAP_ORDERS)}, not {order!r}")
    group = "person_name" if "person_name" in load else "team"
    over = load["over_allocated"].astype(bool)
    # No hours available but some allocated: over-allocated beyond any percentage, ranked above every finite one.
    peak = load["utilisation"].astype("float64").mask(over & load["utilisation"].isna(), np.inf)
    excess = (load["allocated_hours"] - load["available_hours"]).where(over, 0.0).astype("float64")
    ranking = (
        pd.DataFrame({"name": load[group], "peak_utilisation": peak, "over_periods": over, "excess_hours": excess})
        .groupby("name", sort=False, dropna=False)
        .agg(
            peak_utilisation=("peak_utilisation", "max"),
            over_periods=("over_periods", "sum"),
            excess_hours=("excess_hours", "sum"),
        )
        .reset_index()
    )
    if search.strip():
        shown = ranking["name"].fillna(NO_TEAM).astype("str")
        ranking = ranking[shown.str.contains(search.strip(), case=False, regex=False)]
    keys = {
        "peak": (["peak_utilisation", "excess_hours", "name"], [False, False, True]),
        "excess": (["excess_hours", "peak_utilisation", "name"], [False, False, True]),
        "name": (["name"], [True]),
    }[order]
    ranking = ranking.sort_values(keys[0], ascending=keys[1], na_position="last", kind="stable")
    return ranking.rename(columns={"name": group}).reset_index(drop=True)


def rows_of(load: pd.DataFrame, ranking: pd.DataFrame, first: int = 0, count: int = HEATMAP_PAGE) -> pd.DataFrame:
    """The ``load`` rows of the people (or teams) ranked first .. first + count - 1 (0-based) in ``ranking``
    (:func:`rank_rows`), in that order, each one's periods in date order."""
    group = ranking.columns[0]
    chosen = ranking[group].iloc[first : first + count]
    position = load[group].map(pd.Series(range(len(chosen)), index=pd.Index(chosen)))
    rows = load.assign(_position=position)[position.notna()]
    return (
        rows.sort_values(["_position", "period_start"], kind="stable").drop(columns="_position").reset_index(drop=True)
    )


def heatmap_ranking(
    tables: Tables,
    as_of: dt.date,
    period: str = "month",
    by: str = "person",
    teams: tuple[str, ...] = (),
    only_over: bool = False,
    order: str = "peak",
    search: str = "",
) -> pd.DataFrame:
    """Every row the heatmap can show, in its order (:func:`rank_rows` of :func:`utilisation`): how many there
    are, and what a page of them starts with."""
    return rank_rows(utilisation(tables, as_of, period, by, teams, only_over), order, search)


def heatmap_load(
    tables: Tables,
    as_of: dt.date,
    period: str = "month",
    by: str = "person",
    teams: tuple[str, ...] = (),
    only_over: bool = False,
    order: str = "peak",
    search: str = "",
    first: int = 0,
    count: int = HEATMAP_PAGE,
) -> pd.DataFrame:
    """The :func:`utilisation` rows of one page of the heatmap: the people (or teams) ranked first ..
    first + count - 1 by :func:`heatmap_ranking`, in that order."""
    load = utilisation(tables, as_of, period, by, teams, only_over)
    return rows_of(load, rank_rows(load, order, search), first, count)


def period_totals(load: pd.DataFrame) -> pd.DataFrame:
    """Allocated and available hours summed over everyone. One row per period (LOAD_COLUMNS).

    over_allocated compares the totals: demand above the capacity of everyone together.
    """
    totals = load.groupby("period_start", sort=True, as_index=False)[["allocated_hours", "available_hours"]].sum()
    return totals.assign(
        utilisation=safe_divide(totals["allocated_hours"], totals["available_hours"]),
        over_allocated=is_over_allocated(totals["allocated_hours"], totals["available_hours"]),
    )[LOAD_COLUMNS]


def capacity_demand(
    tables: Tables,
    as_of: dt.date,
    period: str = "month",
    by: str = "person",
    teams: tuple[str, ...] = (),
    name: str | None = None,
) -> pd.DataFrame:
    """Demand against capacity per period for everyone (``name`` None) or one person or team. One row per period."""
    load = utilisation(tables, as_of, period, by, teams)
    if name is None:
        return period_totals(load)
    group = "person_name" if by == "person" else "team"
    return load[load[group] == name].reset_index(drop=True)[LOAD_COLUMNS]


def _project_names(tables: Tables) -> pd.Series:
    """project_id -> project_name of the (filtered) register."""
    return _table(tables, "projects").drop_duplicates("project_id").set_index("project_id")["project_name"]


def _causes(tables: Tables, period: str, start: dt.date, end: dt.date, teams: tuple[str, ...]) -> pd.DataFrame:
    """over_allocation_causes per person with team and project_name. One row per person per period per project."""
    allocations, people = _allocations_and_people(tables, teams)
    causes = over_allocation_causes(allocations, people, period=period, by="person", start=start, end=end)  # type: ignore[arg-type]
    teams_of = people.drop_duplicates("person_name", keep="last").set_index("person_name")["team"]
    return causes.assign(
        team=causes["person_name"].map(teams_of).astype("str"),
        project_name=causes["project_id"].map(_project_names(tables)).astype("str"),
    )


def _project_text(name: object, project_id: str, hours: float) -> str:
    """ "Datacenter migratie (1007) 96 h"; the id alone when the project is not in the (filtered) register."""
    label = f"{name} ({project_id})" if isinstance(name, str) and name else str(project_id)
    return f"{label} {hours:,.0f} h"


def _summarise(causes: pd.DataFrame) -> pd.DataFrame:
    """One row per over-allocated person per period: the load, the excess and the projects, largest first."""
    if causes.empty:
        return pd.DataFrame(
            {
                column: pd.Series(
                    dtype="datetime64[ns]"
                    if column == "period_start"
                    else "str"
                    if column in ("person_name", "team", "projects", "main_project_id", "main_project_name")
                    else "float64"
                )
                for column in OVER_ALLOCATION_COLUMNS
            }
        )
    texts = [
        _project_text(name, pid, hours)
        for name, pid, hours in zip(causes["project_name"], causes["project_id"], causes["project_hours"], strict=True)
    ]
    # over_allocation_causes lists the largest contributor first within each person and period.
    grouped = causes.assign(project_text=texts).groupby(["person_name", "period_start"], sort=True)
    summary = grouped.agg(
        team=("team", "first"),
        allocated_hours=("allocated_hours", "first"),
        available_hours=("available_hours", "first"),
        utilisation=("utilisation", "first"),
        projects=("project_text", "; ".join),
        main_project_id=("project_id", "first"),
        main_project_name=("project_name", "first"),
    ).reset_index()
    summary = summary.assign(excess_hours=summary["allocated_hours"] - summary["available_hours"])
    return summary[OVER_ALLOCATION_COLUMNS]


def over_allocations(
    tables: Tables, as_of: dt.date, period: str = "month", teams: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Over-allocated people in the page's window, by period then person. One row per person per over-allocated period.

    projects: "Datacenter migratie (1007) 96 h; Zaaksysteem (1012) 80 h" (largest first); main_project_*: the first.
    excess_hours = allocated_hours - available_hours.
    """
    start, end = resource_window(as_of, period)
    summary = _summarise(_causes(tables, period, start, end, teams))
    return summary.sort_values(["period_start", "person_name"], kind="stable").reset_index(drop=True)


def next_month_over_allocations(tables: Tables, as_of: dt.date, teams: tuple[str, ...] = ()) -> pd.DataFrame:
    """Who is over-allocated in the month after the as-of month, highest utilisation first. Columns as
    :func:`over_allocations`; one row per person."""
    start, end = next_month(as_of)
    summary = _summarise(_causes(tables, "month", start, end, teams))
    return summary.sort_values(["utilisation", "person_name"], ascending=[False, True]).reset_index(drop=True)


def over_allocation_projects(
    tables: Tables, as_of: dt.date, period: str = "month", teams: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The projects behind the over-allocations in the page's window. One row per person per period per project:
    person_name, team, period_start, project_id, project_name, project_hours, share."""
    start, end = resource_window(as_of, period)
    causes = _causes(tables, period, start, end, teams)
    columns = ["person_name", "team", "period_start", "project_id", "project_name", "project_hours", "share"]
    return causes.sort_values(["period_start", "person_name"], kind="stable").reset_index(drop=True)[columns]


def group_names(load: pd.DataFrame) -> list[str]:
    """The people (or teams) of a ``resource_load`` frame, sorted, for a chooser."""
    group = "person_name" if "person_name" in load else "team"
    return sorted(load[group].dropna().astype("str").unique().tolist())

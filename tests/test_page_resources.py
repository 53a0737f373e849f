"""The Resources page over the demo portfolio: next month's over-allocations, the utilisation heatmap per person
or team per week, month or quarter (50 rows a page, the most loaded first, a search by name), capacity against
demand, the over-allocation table, and a filter.

Expected figures come from the store and indicators.resources.resource_load, not from the page's own functions:
the window is worked out here by hand (as of 31 Oct 2026: Oct 2026 .. Sep 2027 by month, 26 weeks from Mon 26 Oct).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from figures import figures, values
from streamlit.testing.v1 import AppTest
from workbooks import budget_grid

from pmo_analytics.indicators.resources import resource_load
from pmo_analytics.ingest.pipeline import import_files
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = "Bedrijfsvoering"
AS_OF = dt.date(2026, 10, 31)
MONTHS = (dt.date(2026, 10, 1), dt.date(2027, 9, 30))  # 12 months from the as-of month
WEEKS = (dt.date(2026, 10, 26), dt.date(2027, 4, 25))  # 26 weeks from the Monday of the as-of week
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _resources_page(**preset: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in preset.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("app_pages/resources.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _plan(db: Path, portfolio: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(allocations, people) as of the demo's last snapshot; with a portfolio, the people working on its
    projects with all their allocations."""
    tables = Store(db).load_tables(["projects", "allocations", "people"], AS_OF)
    allocations, people = tables["allocations"], tables["people"]
    if portfolio:
        ids = tables["projects"].loc[tables["projects"]["portfolio"] == portfolio, "project_id"]
        involved = allocations.loc[allocations["project_id"].isin(ids), "person_name"].unique()
        allocations = allocations[allocations["person_name"].isin(involved)]
        people = people[people["person_name"].isin(involved)]
    return allocations, people


def _load(db: Path, period: str, window: tuple[dt.date, dt.date], by: str = "person", portfolio: str | None = None):
    allocations, people = _plan(db, portfolio)
    return resource_load(allocations, people, period=period, by=by, start=window[0], end=window[1])


def _heatmap(at: AppTest) -> dict:
    return figures(at)["resource_heatmap"]["data"][0]


def _ranked(load: pd.DataFrame, group: str, order: str = "peak") -> list[str]:
    """Every person (or team) of the load in the heatmap's order, worked out here: each one's highest utilisation
    and hours over capacity (allocated - available, summed over the over-allocated periods); "peak" sorts by the
    highest utilisation, then the most hours over, then the name; "name" by name."""
    excess = (load["allocated_hours"] - load["available_hours"]).where(load["over_allocated"], 0.0)
    per = load.assign(excess=excess).groupby(group).agg(peak=("utilisation", "max"), excess=("excess", "sum"))
    if order == "name":
        return sorted(per.index)
    per = per.reset_index().sort_values(["peak", "excess", group], ascending=[False, False, True])
    return per[group].tolist()


def _assert_heatmap_is(heatmap: dict, load: pd.DataFrame, group: str, names: list[str] | None = None) -> None:
    """The heatmap's rows are ``names`` (default: the first 50 of :func:`_ranked`), top to bottom, with their
    utilisation per period."""
    names = _ranked(load, group)[:50] if names is None else names
    wide = load.pivot(index=group, columns="period_start", values="utilisation").reindex(names)
    assert heatmap["y"] == names
    np.testing.assert_allclose(np.array(values(heatmap["z"]), dtype="float64"), wide.to_numpy(), equal_nan=True)


def _captions(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption]


def test_the_heatmap_is_the_utilisation_per_person_per_month(app_env):
    load = _load(app_env, "month", MONTHS)
    at = _resources_page()
    heatmap = _heatmap(at)
    assert heatmap["x"][:3] == ["Oct 2026", "Nov 2026", "Dec 2026"] and len(heatmap["x"]) == 12
    # The demo has 60 people: the 50 with the highest peak utilisation come first.
    over = load.loc[load["over_allocated"], "person_name"].nunique()
    assert load["person_name"].nunique() == 60
    _assert_heatmap_is(heatmap, load, "person_name")
    assert (
        f"Showing 1–50 of 60 people, highest peak utilisation first; {over} over-allocated at least once in the window."
    ) in _captions(at)
    # Capacity against demand for everyone (not only the 50 shown): per month the sums over all people.
    totals = load.groupby("period_start")[["allocated_hours", "available_hours"]].sum()
    traces = {t["name"]: t for t in figures(at)["capacity_demand"]["data"]}
    assert values(traces["Allocated (demand)"]["y"]) == pytest.approx(totals["allocated_hours"].tolist())
    assert values(traces["Available (capacity)"]["y"]) == pytest.approx(totals["available_hours"].tolist())
    # For everyone, or one of the 50 people the heatmap shows, in its order.
    assert at.selectbox(key="capacity_for").options == ["Everyone", *_ranked(load, "person_name")[:50]]


def test_the_next_page_of_the_heatmap_shows_the_rest(app_env):
    load = _load(app_env, "month", MONTHS)
    at = _resources_page()
    pages = at.selectbox(key="heatmap_first")
    assert pages.options == ["1–50 of 60", "51–60 of 60"]
    pages.set_value(50)
    at.run()
    assert not at.exception
    _assert_heatmap_is(_heatmap(at), load, "person_name", _ranked(load, "person_name")[50:])
    assert any(c.startswith("Showing 51–60 of 60 people") for c in _captions(at))
    # Capacity against demand for one of them: that person's allocated and available hours per month.
    person = _ranked(load, "person_name")[55]
    assert at.selectbox(key="capacity_for").options == ["Everyone", *_ranked(load, "person_name")[50:]]
    at.selectbox(key="capacity_for").set_value(person)
    at.run()
    own = load[load["person_name"] == person].sort_values("period_start")
    traces = {t["name"]: t for t in figures(at)["capacity_demand"]["data"]}
    assert values(traces["Allocated (demand)"]["y"]) == pytest.approx(own["allocated_hours"].tolist())
    assert values(traces["Available (capacity)"]["y"]) == pytest.approx(own["available_hours"].tolist())
    # Another order starts again at the first page: 25 a page, by name -> the first 25 names A to Z.
    at.selectbox(key="heatmap_order").set_value("name")
    at.selectbox(key="heatmap_rows").set_value(25)
    at.run()
    _assert_heatmap_is(_heatmap(at), load, "person_name", _ranked(load, "person_name", "name")[:25])
    assert at.selectbox(key="heatmap_first").options == ["1–25 of 60", "26–50 of 60", "51–60 of 60"]


def test_finding_a_person_by_part_of_the_name(app_env):
    load = _load(app_env, "month", MONTHS)
    name = _ranked(load, "person_name")[-1]  # the least loaded person: not on the first page
    part = name.split()[-1].upper()  # their surname, in capitals: the search ignores case
    matching = [n for n in _ranked(load, "person_name") if part.lower() in n.lower()]
    at = _resources_page()
    at.text_input(key="heatmap_search").input(part)
    at.run()
    assert not at.exception
    _assert_heatmap_is(_heatmap(at), load, "person_name", matching)
    assert name in _heatmap(at)["y"]
    at.text_input(key="heatmap_search").input("no such name")
    at.run()
    assert "resource_heatmap" not in figures(at)
    assert any(i.value == "No person whose name holds “no such name”." for i in at.info)


def test_the_period_choice_changes_the_columns(app_env):
    at = _resources_page()
    at.button_group(key="period").set_value("week")
    at.run()
    assert not at.exception
    heatmap = _heatmap(at)
    # ISO weeks: Monday 26 Oct 2026 is week 44; 26 of them.
    assert heatmap["x"][:2] == ["W44 2026", "W45 2026"] and len(heatmap["x"]) == 26
    _assert_heatmap_is(heatmap, _load(app_env, "week", WEEKS), "person_name")
    at.button_group(key="period").set_value("quarter")
    at.run()
    assert _heatmap(at)["x"] == ["Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027"]


def test_rows_by_team(app_env):
    at = _resources_page()
    at.button_group(key="group_by").set_value("team")
    at.run()
    assert not at.exception
    _assert_heatmap_is(_heatmap(at), _load(app_env, "month", MONTHS, by="team"), "team")


def test_the_over_allocation_table_lists_every_over_allocated_month(app_env):
    load = _load(app_env, "month", MONTHS)
    over = load[load["over_allocated"]].sort_values(["period_start", "person_name"])
    at = _resources_page()
    table = at.dataframe[1].value  # after next month's table
    assert len(table) == len(over)
    months = pd.DatetimeIndex(over["period_start"]).strftime("%b %Y").tolist()  # 2026-11-01 -> "Nov 2026"
    assert list(zip(table["person_name"], table["period"], strict=True)) == list(
        zip(over["person_name"], months, strict=True)
    )
    assert table["utilisation_percent"].to_numpy() == pytest.approx(over["utilisation"].to_numpy() * 100)
    assert table["main_project"].str.startswith("project?project=").all()
    assert any(s.value == f"Over-allocations per month ({len(over)})" for s in at.subheader)


def test_next_months_over_allocations_come_first(app_env):
    november = _load(app_env, "month", NOVEMBER)
    over = november[november["over_allocated"]].sort_values("utilisation", ascending=False)
    assert len(over) > 0  # the demo has over-allocated people next month
    at = _resources_page()
    assert at.subheader[0].value == f"Next month (November 2026): {len(over)} people over-allocated"
    table = at.dataframe[0].value
    assert table["person_name"].tolist() == over["person_name"].tolist()
    excess = (over["allocated_hours"] - over["available_hours"]).to_numpy()
    assert table["excess_hours"].to_numpy() == pytest.approx(excess)
    # Each row names the projects behind it, with their hours: "Name (1016) 88 h; ...".
    assert table["projects"].str.contains(r"\(\d+\) [\d,]+ h").all()


def test_a_portfolio_filter_changes_the_figures(app_env):
    everyone = _load(app_env, "month", MONTHS)
    filtered = _load(app_env, "month", MONTHS, portfolio=PORTFOLIO)
    assert filtered["person_name"].nunique() < everyone["person_name"].nunique()
    at = _resources_page(portfolio=[PORTFOLIO])
    _assert_heatmap_is(_heatmap(at), filtered, "person_name")


def test_a_team_choice_narrows_the_heatmap(app_env):
    load = _load(app_env, "month", MONTHS)
    allocations, people = _plan(app_env)
    team = sorted(people["team"].dropna().unique())[0]
    members = set(people.loc[people["team"] == team, "person_name"])
    at = _resources_page()
    at.multiselect(key="teams").set_value([team])
    at.run()
    assert not at.exception
    _assert_heatmap_is(_heatmap(at), load[load["person_name"].isin(members)], "person_name")


def test_only_the_over_allocated(app_env):
    load = _load(app_env, "month", MONTHS)
    over = load.loc[load["over_allocated"], "person_name"].unique()
    at = _resources_page()
    at.toggle(key="only_over").set_value(True)
    at.run()
    assert not at.exception
    _assert_heatmap_is(_heatmap(at), load[load["person_name"].isin(over)], "person_name")


def test_a_snapshot_without_a_resource_plan_says_what_to_upload(tmp_path, monkeypatch):
    db = tmp_path / "pmo.duckdb"
    import_files([budget_grid(tmp_path / "financien.xlsx")], dt.date(2026, 2, 28), Store(db))
    monkeypatch.setenv("PMO_DB", str(db))
    at = _resources_page()
    assert any("No resource plan in this snapshot" in i.value for i in at.info)
    assert not figures(at)

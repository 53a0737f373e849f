"""ui.py's caches: keyed on each snapshot's signature (which import supplies each table), so a snapshot's
indicators are computed once per server and shared by its summary and every trend over it; an import or a delete
recomputes exactly the snapshots whose sources it changes.

The ui functions run here outside a Streamlit app (their caches work without one). Each test has its own database
path, and the path is part of every cache key, so tests never see each other's cached results.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics import dashboard, ui
from pmo_analytics.ingest.model import FileInfo, ImportResult, SheetLoad, empty_issues
from pmo_analytics.store import Store

JAN, FEB, MAR = dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)
FEB_15 = dt.date(2026, 2, 15)
MONTHS = {JAN: 1, FEB: 2, MAR: 3}
# Earned value and actual cost per month: P1 (budget 1,000, Jan-Apr, pv 250 a month), P2 (budget 3,000,
# Jan-Jun, pv 500 a month). Cumulative, portfolio cpi = ev / ac (a ratio of sums):
#   through January  P1 200 / 250, P2 500 / 400                 -> 700 / 650
#   through February P1 400 / 500, P2 1,000 / 800               -> 1,400 / 1,300
#   through March    P1 600 / 750, P2 1,500 / 1,400 (600 in Mar) -> 2,100 / 2,150
EV_AC = {"P1": {1: (200.0, 250.0), 2: (200.0, 250.0), 3: (200.0, 250.0)},
         "P2": {1: (500.0, 400.0), 2: (500.0, 400.0), 3: (500.0, 600.0)}}  # fmt: skip


def _projects() -> pd.DataFrame:
    return contract_frame(
        "projects",
        [
            {"project_id": "P1", "project_name": "Alpha", "portfolio": "A", "budget": 1000.0,
             "start_date": "2026-01-01", "planned_finish_date": "2026-04-30"},
            {"project_id": "P2", "project_name": "Beta", "portfolio": "B", "budget": 3000.0,
             "start_date": "2026-01-01", "planned_finish_date": "2026-06-30"},
        ],
    )  # fmt: skip


def _cost_periods(as_of: dt.date) -> pd.DataFrame:
    rows = []
    for project, months, pv in (("P1", 4, 250.0), ("P2", 6, 500.0)):
        for month in range(1, months + 1):
            ev, ac = EV_AC[project].get(month, (None, None)) if month <= MONTHS[as_of] else (None, None)
            rows.append({"project_id": project, "period_date": f"2026-{month:02d}-01", "planned_value": pv,
                         "earned_value": ev, "actual_cost": ac})  # fmt: skip
    return contract_frame("cost_periods", rows)


def _risks(*titles: str) -> pd.DataFrame:
    return contract_frame(
        "risks", [{"risk_id": f"R{i}", "project_id": "P1", "title": t} for i, t in enumerate(titles, start=1)]
    )


def _result(as_of: dt.date, frames: dict[str, pd.DataFrame], name: str) -> ImportResult:
    return ImportResult(
        as_of=as_of,
        files=[FileInfo(name, f"sha-{name}-{as_of}", 1)],
        frames=frames,
        sheets=[SheetLoad(name, t, t, header_row=1, rows_read=len(f), rows_loaded=len(f)) for t, f in frames.items()],
        rejected=empty_issues(with_raw=True),
        warnings=empty_issues(),
    )


def _resource_plan() -> dict[str, pd.DataFrame]:
    """Ann works on P1 and P2, Bob on P2 only, Cy on nothing."""
    people = contract_frame("people", [{"person_name": n, "weekly_hours": 40.0} for n in ("Ann", "Bob", "Cy")])
    allocations = contract_frame(
        "allocations",
        [{"person_name": person, "project_id": project, "period_date": "2026-03-01", "hours": hours}
         for person, project, hours in (("Ann", "P1", 100.0), ("Ann", "P2", 100.0), ("Bob", "P2", 50.0))],
    )  # fmt: skip
    return {"people": people, "allocations": allocations}


def _month(as_of: dt.date, *, risks: bool = True, resources: bool = False) -> ImportResult:
    frames = {"projects": _projects(), "cost_periods": _cost_periods(as_of)}
    frames |= {"risks": _risks("Late supplier")} if risks else {}
    frames |= _resource_plan() if resources else {}
    return _result(as_of, frames, "portfolio.xlsx")


def _publish(result: ImportResult) -> int:
    """As the Import page does: save, then ui.clear_caches()."""
    import_id, message = ui.publish(result)
    assert import_id is not None, message
    return import_id


def _sources(as_of: dt.date) -> dict[str, int]:
    """The signature without the import times: table -> import id."""
    return {table: import_id for table, import_id, _ in ui.snapshot_signature(as_of)}


def _view(as_of: dt.date, filters: dict[str, tuple[str, ...]] | None = None) -> ui.Frame:
    dates = ui.snapshot_dates()
    return ui.Frame(
        as_of,
        ui.dashboard_previous(dates, as_of),
        dates,
        tuple((k, (filters or {}).get(k, ())) for k in dashboard.FILTERS),
    )


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("PMO_DB", str(tmp_path / "pmo.duckdb"))
    return tmp_path / "pmo.duckdb"


@pytest.fixture
def computed(monkeypatch) -> list[dt.date]:
    """The as-of date of every snapshot whose indicators are computed (dashboard.snapshot_figures), in order."""
    calls: list[dt.date] = []
    original = dashboard.snapshot_figures

    def counting(tables, as_of, settings=None):  # noqa: ANN001, ANN202
        calls.append(as_of)
        return original(tables, as_of, settings)

    monkeypatch.setattr(dashboard, "snapshot_figures", counting)
    return calls


def test_signatures_change_exactly_where_an_import_or_a_delete_changes_a_table(db):
    assert _publish(_month(JAN)) == 1
    assert _publish(_month(FEB)) == 2
    assert _sources(JAN) == {"projects": 1, "cost_periods": 1, "risks": 1}
    assert _sources(FEB) == {"projects": 2, "cost_periods": 2, "risks": 2}
    jan, feb = ui.snapshot_signature(JAN), ui.snapshot_signature(FEB)

    # A new month without a risk register: January and February keep their signatures (their time stamps too);
    # March takes its risks from February's import.
    assert _publish(_month(MAR, risks=False)) == 3
    assert ui.snapshot_signature(JAN) == jan and ui.snapshot_signature(FEB) == feb
    assert _sources(MAR) == {"projects": 3, "cost_periods": 3, "risks": 2}
    mar = ui.snapshot_signature(MAR)

    # A back-dated risk register for 15 February: a new snapshot date; 28 February still takes import 2's risks
    # (the later date), and so does March.
    assert _publish(_result(FEB_15, {"risks": _risks("Strike")}, "risks.xlsx")) == 4
    assert ui.snapshot_dates() == (JAN, FEB_15, FEB, MAR)
    assert _sources(FEB_15) == {"projects": 1, "cost_periods": 1, "risks": 4}
    assert [ui.snapshot_signature(d) for d in (JAN, FEB, MAR)] == [jan, feb, mar]

    # Another risk register for 28 February: a tie on the date goes to the later import, for February and for
    # March (which has no risks of its own); January and 15 February stay.
    assert _publish(_result(FEB, {"risks": _risks("Strike", "Flood")}, "risks.xlsx")) == 5
    assert _sources(FEB) == {"projects": 2, "cost_periods": 2, "risks": 5}
    assert _sources(MAR) == {"projects": 3, "cost_periods": 3, "risks": 5}
    assert ui.snapshot_signature(JAN) == jan and _sources(FEB_15)["risks"] == 4

    # Deleting it gives February and March back exactly their earlier signatures (so their cached results).
    assert ui.delete_import(5)[0]
    assert [ui.snapshot_signature(d) for d in (JAN, FEB, MAR)] == [jan, feb, mar]

    # Deleting February's import removes that date; March's risks now come from 15 February (import 4).
    assert ui.delete_import(2)[0]
    assert ui.snapshot_dates() == (JAN, FEB_15, MAR)
    assert _sources(MAR) == {"projects": 3, "cost_periods": 3, "risks": 4}
    assert ui.snapshot_signature(JAN) == jan and _sources(FEB_15) == {"projects": 1, "cost_periods": 1, "risks": 4}


def test_each_snapshot_is_computed_once_and_shared_by_summaries_and_trends(db, computed):
    _publish(_month(JAN))
    _publish(_month(FEB))
    view = _view(FEB)
    summary = ui.summary(view)
    previous = ui.summary(view, as_of=view.previous)
    _, portfolio = ui.trends(view)
    assert sorted(computed) == [JAN, FEB]  # the summaries and the trend share them: 2, not 4
    assert summary["kpis"]["cpi"] == pytest.approx(1400 / 1300)
    assert previous["kpis"]["cpi"] == pytest.approx(700 / 650)
    assert portfolio["cpi"].tolist() == pytest.approx([700 / 650, 1400 / 1300])

    # Another as-of choice: January's figures were computed for February's trend already.
    _, portfolio = ui.trends(_view(JAN))
    ui.summary(_view(JAN))
    assert sorted(computed) == [JAN, FEB]
    assert portfolio["cpi"].tolist() == pytest.approx([700 / 650])

    # A new month computes that month only.
    _publish(_month(MAR))
    view = _view(MAR)
    ui.summary(view)
    ui.summary(view, as_of=view.previous)
    _, portfolio = ui.trends(view)
    assert sorted(computed) == [JAN, FEB, MAR]
    assert portfolio["cpi"].tolist() == pytest.approx([700 / 650, 1400 / 1300, 2100 / 2150])

    # A second risk register for February changes February only (March has risks of its own) ...
    risks_id = _publish(_result(FEB, {"risks": _risks("Late supplier", "Strike")}, "risks.xlsx"))
    projects, _ = ui.trends(_view(MAR))
    assert sorted(computed) == [JAN, FEB, FEB, MAR]
    # P1's two open risks in February, one in January and March
    assert projects.loc[projects["project_id"] == "P1", "open_risks"].tolist() == [1, 2, 1]
    # ... and deleting it brings February's signature back, whose figures are still cached: nothing is computed.
    ui.delete_import(risks_id)
    projects, _ = ui.trends(_view(MAR))
    assert sorted(computed) == [JAN, FEB, FEB, MAR]
    assert projects.loc[projects["project_id"] == "P1", "open_risks"].tolist() == [1, 1, 1]


def test_the_trend_from_cached_pieces_equals_dashboard_trends(db):
    for month in (JAN, FEB, MAR):
        _publish(_month(month))
    store = Store(db)
    for filters, cpis in (
        ({}, [700 / 650, 1400 / 1300, 2100 / 2150]),
        ({"portfolio": ("B",)}, [500 / 400, 1000 / 800, 1500 / 1400]),  # P2 alone
    ):
        view = _view(MAR, filters)
        ui.summary(view)  # March's figures cached by the summary first, as the overview does
        projects, portfolio = ui.trends(view)
        assert portfolio["cpi"].tolist() == pytest.approx(cpis)
        snapshots = [(d, dashboard.filter_tables(store.load_tables(None, d), filters)) for d in (JAN, FEB, MAR)]
        expected_projects, expected_portfolio = dashboard.trends(snapshots, ui.health_settings())
        pd.testing.assert_frame_equal(projects, expected_projects)
        pd.testing.assert_frame_equal(portfolio, expected_portfolio)
    # P1 spent 250 for 200 earned every month: cpi 0.8 at every snapshot
    projects, _ = ui.trends(_view(MAR))
    assert projects.loc[projects["project_id"] == "P1", "cpi"].tolist() == pytest.approx([0.8, 0.8, 0.8])


def test_the_trend_over_the_demo_portfolio_equals_dashboard_trends(app_env):
    dates = ui.snapshot_dates()
    view = ui.Frame(dates[-1], dates[-2], dates, tuple((k, ()) for k in dashboard.FILTERS))
    projects, portfolio = ui.trends(view)
    store = Store(app_env)
    expected = dashboard.trends([(d, store.load_tables(None, d)) for d in dates], ui.health_settings())
    assert len(portfolio) == 12  # the demo's 12 monthly snapshots
    pd.testing.assert_frame_equal(projects, expected[0])
    pd.testing.assert_frame_equal(portfolio, expected[1])


class _StaleVersion:
    """ui._version as it is within 2 seconds of a command-line import: the version read before it, until
    something forgets it (``clear``)."""

    def __init__(self, stale: int, real) -> None:  # noqa: ANN001
        self.stale, self.real = stale, real

    def __call__(self, path: str) -> int:
        return self.stale if self.stale is not None else self.real(path)

    def clear(self) -> None:
        self.stale = None
        self.real.clear()


def test_tables_changed_while_read_are_never_cached_under_the_old_signature(db, monkeypatch):
    _publish(_month(JAN))
    view = _view(JAN)
    assert ui.snapshot_signature(JAN)[0][:2] == ("projects", 1)  # read and cached for this version
    # A command-line import replaces January's projects; the app still has the version from before it.
    monkeypatch.setattr(ui, "_version", _StaleVersion(ui.data_version(), ui._version))
    new = contract_frame("projects", [{"project_id": "P3", "project_name": "Gamma", "portfolio": "C"}])
    Store(db).save_import(_result(JAN, {"projects": new}, "register.xlsx"))
    # The tables read for signature "projects from import 1" hold import 2's projects: read again, anew.
    assert ui.tables(view)["projects"]["project_id"].tolist() == ["P3"]
    assert _sources(JAN)["projects"] == 2
    # Once import 2 is deleted, the signature "projects from import 1" is back, with import 1's projects.
    ui.delete_import(2)
    assert ui.tables(view)["projects"]["project_id"].tolist() == ["P1", "P2"]
    assert ui.load_table("projects", JAN)["import_id"].tolist() == [1, 1]


def test_trends_read_the_resource_plan_of_no_earlier_snapshot(db, monkeypatch):
    for month in (JAN, FEB, MAR):
        _publish(_month(month, resources=True))
    reads: list[tuple[dt.date, tuple[str, ...]]] = []
    original = Store.load_tables

    def reading(self, names=None, as_of=None):  # noqa: ANN001, ANN202
        reads.append((as_of, tuple(names)))
        return original(self, names, as_of)

    monkeypatch.setattr(Store, "load_tables", reading)
    view = _view(MAR)
    summary = ui.summary(view)  # the overview: March and February's summaries, the trend over all three
    ui.summary(view, as_of=view.previous)
    ui.trends(view)
    portfolio_part = ("projects", "cost_periods", "milestones", "risks", "issues")
    # Each part of each snapshot read once; the people and allocations only of the two summaries (over-allocated
    # people), not of January, which only the trend needs.
    assert sorted(reads) == sorted(
        [
            (JAN, portfolio_part),
            (FEB, portfolio_part),
            (FEB, ("people", "allocations")),
            (MAR, portfolio_part),
            (MAR, ("people", "allocations")),
        ]
    )
    # March 2026: 22 working days x 8 h = 176 h available; Ann has 100 + 100 = 200 h: over-allocated.
    assert summary["over_allocated"]["person_name"].tolist() == ["Ann"]


def test_a_filtered_snapshot_keeps_the_people_of_its_projects(db):
    _publish(_month(MAR, resources=True))
    tables = ui.tables(_view(MAR, {"portfolio": ("A",)}))
    assert tables["projects"]["project_id"].tolist() == ["P1"]
    assert set(tables["cost_periods"]["project_id"]) == {"P1"}
    # Ann works on P1: she is kept with all her allocations (P2's too); Bob (P2 only) and Cy (nothing) are not.
    assert tables["people"]["person_name"].tolist() == ["Ann"]
    assert tables["allocations"]["project_id"].tolist() == ["P1", "P2"]
    # As dashboard.filter_tables gives over the whole snapshot, table by table.
    expected = dashboard.filter_tables(Store(db).load_tables(None, MAR), {"portfolio": ["A"]})
    assert sorted(tables) == sorted(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(tables[name], frame, check_index_type=False)
    # Unfiltered, every person is there.
    assert ui.tables(_view(MAR))["people"]["person_name"].tolist() == ["Ann", "Bob", "Cy"]

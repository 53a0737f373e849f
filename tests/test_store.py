"""The DuckDB store: snapshots, the as-of rule, duplicates, deletes, transactions and locking.

Every store lives in tmp_path; every frame is built here (2-3 rows) so the expected counts are plain.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading

import duckdb
import pandas as pd
import pytest

from pmo_analytics import store as store_module
from pmo_analytics.ingest.model import FileInfo, ImportResult, SheetLoad, empty_issues
from pmo_analytics.schema import PROVENANCE_COLUMNS, TABLES
from pmo_analytics.store import DEFAULT_DB, DatabaseBusy, Store, resolve_db_path

JAN = dt.date(2026, 1, 31)
FEB = dt.date(2026, 2, 28)


def projects_frame(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": [r[0] for r in rows],
            "project_name": [r[1] for r in rows],
            "budget": [r[2] for r in rows],
            "source_file": "portfolio.xlsx",
            "source_sheet": "Projects",
            "source_row": list(range(2, 2 + len(rows))),
        }
    )


def risks_frame(*titles: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "risk_id": [f"R{i}" for i in range(1, len(titles) + 1)],
            "project_id": "P1",
            "title": list(titles),
            "probability_level": [4.0] * len(titles),  # a float column stored as TINYINT
            "impact_level": [5] * len(titles),
            "source_file": "risks.xlsx",
            "source_sheet": "Risico's",
            "source_row": list(range(5, 5 + len(titles))),
        }
    )


def make_result(
    as_of: dt.date,
    frames: dict[str, pd.DataFrame],
    file_name: str = "portfolio.xlsx",
    sha256: str | None = None,
    rejected: pd.DataFrame | None = None,
    warnings: pd.DataFrame | None = None,
) -> ImportResult:
    sheets = [
        SheetLoad(file_name, name.title(), name, header_row=1, rows_read=len(f), rows_loaded=len(f))
        for name, f in frames.items()
    ]
    return ImportResult(
        as_of=as_of,
        files=[FileInfo(file_name, sha256 or f"sha-{file_name}-{as_of}", 1234)],
        frames=frames,
        sheets=sheets,
        rejected=empty_issues(with_raw=True) if rejected is None else rejected,
        warnings=empty_issues() if warnings is None else warnings,
    )


@pytest.fixture
def two_snapshots(tmp_path) -> Store:
    """Import 1 (31 Jan): 2 projects + 1 risk. Import 2 (28 Feb): risks only (2 rows)."""
    store = Store(tmp_path / "pmo.duckdb")
    first = make_result(
        JAN,
        {"projects": projects_frame(("P1", "Bridge", 1000.0), ("P2", "Tunnel", 500.0)), "risks": risks_frame("Delay")},
    )
    second = make_result(FEB, {"risks": risks_frame("Delay", "Strike")}, file_name="risks.xlsx")
    assert store.save_import(first) == 1
    assert store.save_import(second) == 2
    return store


@pytest.mark.parametrize(
    ("as_of", "projects_from", "risks_from", "risk_titles"),
    [
        (dt.date(2026, 1, 15), None, None, []),  # before the first snapshot: nothing yet
        (JAN, 1, 1, ["Delay"]),
        (dt.date(2026, 2, 15), 1, 1, ["Delay"]),  # between the snapshots: import 1
        (FEB, 1, 2, ["Delay", "Strike"]),  # import 2 has no projects: they still come from import 1
        (dt.date(2026, 12, 31), 1, 2, ["Delay", "Strike"]),
        (None, 1, 2, ["Delay", "Strike"]),  # None: the latest
    ],
)
def test_as_of_rule_is_per_table(two_snapshots, as_of, projects_from, risks_from, risk_titles):
    projects = two_snapshots.load_table("projects", as_of)
    risks = two_snapshots.load_table("risks", as_of)
    assert projects["project_id"].tolist() == (["P1", "P2"] if projects_from else [])
    assert set(projects["import_id"]) == ({projects_from} if projects_from else set())
    assert risks["title"].tolist() == risk_titles
    assert set(risks["import_id"]) == ({risks_from} if risks_from else set())
    expected_ids = {name: None for name in TABLES} | {"projects": projects_from, "risks": risks_from}
    assert two_snapshots.table_as_of_ids(as_of) == expected_ids


def test_tables_as_of_ids_of_several_dates_in_one_call(two_snapshots):
    none = dict.fromkeys(TABLES)
    # JAN: import 1 has both tables; FEB: risks from import 2, projects still from import 1 (the as-of rule above)
    assert two_snapshots.tables_as_of_ids([JAN, FEB, dt.date(2026, 1, 15)]) == {
        JAN: none | {"projects": 1, "risks": 1},
        FEB: none | {"projects": 1, "risks": 2},
        dt.date(2026, 1, 15): none,
    }
    assert Store(two_snapshots.path.parent / "absent.duckdb").tables_as_of_ids([JAN]) == {JAN: none}


def test_load_table_values_dtypes_and_order(tmp_path):
    store = Store(tmp_path / "pmo.duckdb")
    frame = pd.DataFrame(
        {
            "project_id": ["P2", "P1"],  # given in reverse Excel-row order
            "project_name": ["Tunnel", "Bridge"],
            "start_date": [dt.date(2026, 3, 1), None],
            "percent_complete": [35.0, None],
            "source_file": "a.xlsx",
            "source_sheet": "Projects",
            "source_row": [3, 2],
            "extra": [None, {"Kleur": "blauw"}],  # unknown columns kept as JSON
        }
    )
    store.save_import(make_result(JAN, {"projects": frame}, file_name="a.xlsx"))
    loaded = store.load_table("projects")
    contract = [c.name for c in TABLES["projects"].columns]
    assert loaded.columns.tolist() == contract + [name for name, _ in PROVENANCE_COLUMNS]
    assert loaded["project_id"].tolist() == ["P1", "P2"]  # sorted by source_row 2, 3
    assert loaded["start_date"].dtype == "datetime64[us]"
    assert loaded["start_date"].iloc[1] == pd.Timestamp("2026-03-01") and pd.isna(loaded["start_date"].iloc[0])
    assert loaded["percent_complete"].iloc[1] == 35.0
    assert loaded["project_name"].dtype == "str" and loaded["source_row"].tolist() == [2, 3]
    assert pd.isna(loaded["budget"]).all()  # missing contract column -> NULL
    assert json.loads(loaded["extra"].iloc[0]) == {"Kleur": "blauw"}

    risks = Store(tmp_path / "r.duckdb")
    risks.save_import(make_result(JAN, {"risks": risks_frame("Delay", "Strike")}))
    loaded_risks = risks.load_table("risks")
    assert loaded_risks["probability_level"].dtype == "Int64"
    # 4.0 -> TINYINT 4; the score 4 x 5 = 20 per risk.
    assert (loaded_risks["probability_level"] * loaded_risks["impact_level"]).tolist() == [20, 20]


def test_empty_store_reads_without_creating_the_file(tmp_path):
    path = tmp_path / "new" / "pmo.duckdb"
    store = Store(path)
    assert store.is_empty() and store.snapshot_dates() == [] and store.data_version() == 0
    assert store.list_imports().empty and store.get_import(1) is None
    empty = store.load_table("milestones")
    assert empty.empty and "milestone_name" in empty.columns and empty["baseline_date"].dtype == "datetime64[us]"
    assert not path.exists()


def test_prepare_creates_the_schema_before_the_first_save(tmp_path):
    path = tmp_path / "new" / "pmo.duckdb"
    store = Store(path)
    store.prepare()
    store.prepare()  # idempotent
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        versions = con.execute("SELECT version FROM schema_version").fetchall()
    finally:
        con.close()
    assert set(TABLES) | {"imports", "import_files", "import_tables", "rejected_rows", "import_warnings"} <= tables
    assert versions == [(store_module.SCHEMA_VERSION,)]  # migrated once, not once per call
    assert store.snapshot_dates() == [] and store.list_imports().empty
    with pytest.raises(PermissionError):
        Store(path, read_only=True).prepare()


def test_same_as_of_tie_goes_to_the_later_import(tmp_path):
    store = Store(tmp_path / "pmo.duckdb")
    store.save_import(make_result(JAN, {"risks": risks_frame("Old")}, file_name="a.xlsx"))
    store.save_import(make_result(JAN, {"risks": risks_frame("New", "Newer")}, file_name="b.xlsx"))
    assert store.load_table("risks", JAN)["title"].tolist() == ["New", "Newer"]
    assert store.snapshot_dates() == [JAN]


def test_duplicate_import_is_recognised(two_snapshots):
    version = two_snapshots.data_version()
    again = make_result(FEB, {"risks": risks_frame("Delay", "Strike")}, file_name="risks.xlsx")
    assert two_snapshots.save_import(again) == 2
    assert again.duplicate_of == 2 and again.import_id == 2
    assert len(two_snapshots.list_imports()) == 2 and len(two_snapshots.load_table("risks")) == 2
    assert two_snapshots.data_version() == version
    assert two_snapshots.find_duplicate(FEB, [f"sha-risks.xlsx-{FEB}"]) == 2
    assert two_snapshots.find_duplicate(FEB, [f"sha-risks.xlsx-{FEB}", "other"]) is None  # not the same set
    # The same file for another date is a new snapshot.
    later = make_result(dt.date(2026, 3, 31), {"risks": risks_frame("Delay")}, file_name="risks.xlsx", sha256="same")
    assert two_snapshots.save_import(later) == 3 and later.duplicate_of is None


def test_duplicate_compares_the_set_of_files(tmp_path):
    store = Store(tmp_path / "pmo.duckdb")
    result = make_result(JAN, {"risks": risks_frame("Delay")})
    result.files = [FileInfo("a.xlsx", "aaa", 1), FileInfo("b.xlsx", "bbb", 2)]
    store.save_import(result)
    assert store.find_duplicate(JAN, ["bbb", "aaa"]) == 1  # order does not matter
    assert store.find_duplicate(JAN, ["aaa"]) is None
    assert store.find_duplicate(FEB, ["aaa", "bbb"]) is None


def test_delete_makes_the_older_snapshot_current_again(two_snapshots):
    version = two_snapshots.data_version()
    assert two_snapshots.delete_import(2) is True
    assert two_snapshots.load_table("risks")["title"].tolist() == ["Delay"]  # from import 1 again
    assert two_snapshots.list_imports()["import_id"].tolist() == [1]
    assert two_snapshots.snapshot_dates() == [JAN]
    assert two_snapshots.data_version() == version + 1
    assert two_snapshots.delete_import(2) is False
    assert two_snapshots.delete_import(1) is True and two_snapshots.is_empty()
    assert two_snapshots.load_table("projects").empty


def test_failed_insert_rolls_back_the_whole_import(two_snapshots):
    version = two_snapshots.data_version()
    bad_risks = risks_frame("Flood").assign(probability_level=["high"])  # "high" cannot become TINYINT
    result = make_result(
        dt.date(2026, 3, 31),
        {"projects": projects_frame(("P3", "Dam", 9.0)), "risks": bad_risks},  # projects insert first, then fails
        rejected=pd.DataFrame({"table_name": ["risks"], "row": [9], "reason": ["x"]}),
    )
    with pytest.raises(duckdb.ConversionException):
        two_snapshots.save_import(result)
    assert result.import_id is None
    assert len(two_snapshots.list_imports()) == 2
    assert two_snapshots.load_table("projects")["project_id"].tolist() == ["P1", "P2"]
    assert len(two_snapshots.load_table("risks")) == 2
    assert two_snapshots.load_rejected(3).empty
    assert two_snapshots.data_version() == version
    assert two_snapshots.snapshot_dates() == [JAN, FEB]


@pytest.mark.parametrize(
    ("frames", "message"),
    [
        ({"budgets": projects_frame(("P1", "A", 1.0))}, "not a contract table: budgets"),
        ({"projects": projects_frame(("P1", "A", 1.0)).assign(Kleur="blauw")}, "not in the contract: Kleur"),
    ],
)
def test_frames_outside_the_contract_are_refused(tmp_path, frames, message):
    store = Store(tmp_path / "pmo.duckdb")
    with pytest.raises(ValueError, match=message):
        store.save_import(make_result(JAN, frames))
    assert store.is_empty()


def test_list_and_get_import(two_snapshots):
    imports = two_snapshots.list_imports()
    assert imports["import_id"].tolist() == [2, 1]  # newest first
    assert imports["file_names"].tolist() == ["risks.xlsx", "portfolio.xlsx"]
    assert imports["table_names"].tolist() == ["risks", "projects, risks"]
    assert imports["rows_loaded"].tolist() == [2, 3]  # 2 risks; 2 projects + 1 risk
    assert imports["as_of"].tolist() == [pd.Timestamp(FEB), pd.Timestamp(JAN)]
    record = two_snapshots.get_import(1)
    assert record["as_of"] == JAN and record["table_names"] == ["projects", "risks"]
    assert record["files"] == [{"name": "portfolio.xlsx", "sha256": f"sha-portfolio.xlsx-{JAN}", "size_bytes": 1234}]
    assert record["tables"]["projects"] == {"sheet": "Projects", "rows_read": 2, "rows_loaded": 2, "rows_rejected": 0}
    assert [s["table"] for s in record["sheets"]] == ["projects", "risks"]
    assert two_snapshots.get_import(99) is None


def test_rejected_rows_and_warnings_round_trip(tmp_path):
    store = Store(tmp_path / "pmo.duckdb")
    rejected = pd.DataFrame(
        {
            "table_name": ["projects", "projects"],
            "source_file": "a.xlsx",
            "sheet": "Projecten",
            "row": [7, 9],
            "column": ["Projectnummer", "Projectnummer"],
            "value": [None, "P1"],
            "reason": ["project_id is missing", "project_id P1 repeats row 2"],
            "raw": [{"Projectnummer": None, "Naam": "Brug"}, '{"Projectnummer": "P1"}'],
        }
    )
    warnings = pd.DataFrame(
        {
            "table_name": ["projects"],
            "source_file": ["a.xlsx"],
            "sheet": ["Projecten"],
            "row": [3],
            "column": ["Startdatum"],
            "value": ["31-02-2026"],
            "reason": ["not a date: left empty"],
        }
    )
    result = make_result(JAN, {"projects": projects_frame(("P1", "A", 1.0))}, rejected=rejected, warnings=warnings)
    import_id = store.save_import(result)
    loaded = store.load_rejected(import_id)
    assert loaded.columns.tolist() == list(empty_issues(with_raw=True).columns)
    assert loaded["row"].tolist() == [7, 9] and loaded["row"].dtype == "Int64"
    assert pd.isna(loaded["value"].iloc[0]) and loaded["value"].iloc[1] == "P1"
    assert json.loads(loaded["raw"].iloc[0]) == {"Projectnummer": None, "Naam": "Brug"}
    assert loaded["reason"].iloc[1] == "project_id P1 repeats row 2"
    pd.testing.assert_frame_equal(store.load_warnings(import_id), warnings.astype(empty_issues().dtypes.to_dict()))
    imports = store.list_imports()
    assert imports.loc[0, "rows_rejected"] == 2 and imports.loc[0, "warnings"] == 1
    assert store.load_rejected(99).empty


def test_db_path_from_argument_environment_or_default(tmp_path, monkeypatch):
    monkeypatch.delenv("PMO_DB", raising=False)
    assert resolve_db_path() == DEFAULT_DB
    assert DEFAULT_DB.parts[-2:] == ("data", "pmo.duckdb") and (DEFAULT_DB.parents[1] / "pyproject.toml").exists()
    env_path = tmp_path / "from_env" / "pmo.duckdb"
    monkeypatch.setenv("PMO_DB", str(env_path))
    assert resolve_db_path() == env_path and Store().path == env_path
    assert resolve_db_path(tmp_path / "explicit.duckdb") == tmp_path / "explicit.duckdb"  # --db wins
    Store().save_import(make_result(JAN, {"risks": risks_frame("Delay")}))
    assert env_path.exists()  # parent folder created on the first write
    assert Store(env_path, read_only=True).load_table("risks")["title"].tolist() == ["Delay"]


def test_read_only_store_cannot_write(two_snapshots):
    reader = Store(two_snapshots.path, read_only=True)
    assert reader.snapshot_dates() == [JAN, FEB]
    with pytest.raises(PermissionError):
        reader.delete_import(1)


def test_sql_cannot_reach_files(tmp_path):
    store = Store(tmp_path / "pmo.duckdb")
    store.save_import(make_result(JAN, {"risks": risks_frame("Delay")}))
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    con = store._open(deadline=0)
    try:
        with pytest.raises(duckdb.PermissionException):
            con.execute("SELECT * FROM read_csv(?)", [str(secret)]).fetchall()
        with pytest.raises(duckdb.InvalidInputException):  # and the setting cannot be switched back on
            con.execute("SET enable_external_access = true")
    finally:
        con.close()


HOLD_DATABASE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


def test_another_process_holding_the_file_gives_database_busy(two_snapshots):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_DATABASE, str(two_snapshots.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        impatient = Store(two_snapshots.path, lock_timeout=0.3)
        with pytest.raises(DatabaseBusy) as busy:
            impatient.save_import(make_result(dt.date(2026, 3, 31), {"risks": risks_frame("Flood")}))
        assert str(busy.value) == (
            f"the database {two_snapshots.path} is in use by another process (the app or another import); "
            "try again when it is done"
        )
        with pytest.raises(DatabaseBusy):
            impatient.load_table("risks")
    finally:
        holder.communicate("done\n", timeout=30)
    assert holder.returncode == 0
    assert len(two_snapshots.list_imports()) == 2
    assert two_snapshots.load_table("risks")["title"].tolist() == ["Delay", "Strike"]
    assert len(two_snapshots.load_table("projects")) == 2


def test_two_threads_saving_at_once_both_land(tmp_path):
    store = Store(tmp_path / "pmo.duckdb")
    start = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def save(name: str) -> None:
        result = make_result(JAN, {"risks": risks_frame(name, name + " 2")}, file_name=f"{name}.xlsx")
        start.wait()
        try:
            ids.append(Store(store.path).save_import(result))
        except BaseException as err:  # collected: an exception in a thread would otherwise be lost
            errors.append(err)

    threads = [threading.Thread(target=save, args=(name,)) for name in ("Flood", "Strike")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(ids) == [1, 2]  # the second waited for the first (lock_timeout 10 s)
    assert store.list_imports()["rows_loaded"].tolist() == [2, 2]
    # As of JAN the later import (id 2) supplies risks: its 2 rows, not 4.
    assert len(store.load_table("risks", JAN)) == 2


def test_second_writer_in_this_process_gets_database_busy_after_lock_timeout(tmp_path):
    store = Store(tmp_path / "pmo.duckdb", lock_timeout=0.1)
    store.save_import(make_result(JAN, {"risks": risks_frame("Delay")}))
    finished = threading.Event()
    outcome: list[BaseException] = []

    def save_while_locked() -> None:
        try:
            store.save_import(make_result(FEB, {"risks": risks_frame("Flood")}))
        except DatabaseBusy as err:
            outcome.append(err)
        finished.set()

    with store_module._writer_lock(store.path):  # another thread's import in progress
        thread = threading.Thread(target=save_while_locked)
        thread.start()
        assert finished.wait(timeout=30)
    thread.join()
    assert len(outcome) == 1 and "in use by another import in this process" in str(outcome[0])
    assert store.snapshot_dates() == [JAN] and store.load_table("risks")["title"].tolist() == ["Delay"]


def test_data_version_changes_after_every_save_and_delete(tmp_path):
    store = Store(tmp_path / "pmo.duckdb")
    versions = [store.data_version()]
    store.save_import(make_result(JAN, {"risks": risks_frame("Delay")}))
    versions.append(store.data_version())
    store.save_import(make_result(FEB, {"risks": risks_frame("Flood")}))
    versions.append(store.data_version())
    store.delete_import(1)
    versions.append(store.data_version())
    assert len(set(versions)) == 4
    assert versions[2] - versions[1] == 1 and versions[3] - versions[2] == 1

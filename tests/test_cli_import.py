"""`python -m pmo_analytics import`: the JSON contract, exit codes, and that bad input never touches stored data."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_reader import build
from workbooks import budget_grid, dutch_register, write_workbook

from pmo_analytics.cli import main
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_analytics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def _counts(db: Path) -> dict[str, int]:
    store = Store(db)
    return {name: len(frame) for name, frame in store.load_tables().items()} | {"imports": len(store.list_imports())}


@pytest.fixture
def db(tmp_path) -> Path:
    """A database holding one good snapshot: the register of tests/workbooks.py as of 2026-03-31."""
    path = tmp_path / "pmo.duckdb"
    assert (
        main(["import", str(dutch_register(tmp_path / "register.xlsx")), "--db", str(path), "--as-of", "2026-03-31"])
        == 0
    )
    return path


def test_import_json_is_the_design_contract(tmp_path):
    db = tmp_path / "pmo.duckdb"
    done = _cli(
        "import",
        str(dutch_register(tmp_path / "register.xlsx")),
        str(budget_grid(tmp_path / "fin.xlsx")),
        "--db",
        str(db),
        "--as-of",
        "2026-03-31",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert {"import_id", "as_of", "files", "tables", "rejected", "warnings"} <= set(summary)
    assert summary["import_id"] == 1 and summary["as_of"] == "2026-03-31"
    assert summary["files"] == ["register.xlsx", "fin.xlsx"]
    # Hand counts from tests/workbooks.py: register 5 read / 3 loaded / 2 rejected; grids 9 month cells, 1 rejected.
    assert summary["tables"]["projects"] == {
        "sheet": "register.xlsx:Projecten",
        "rows_read": 5,
        "rows_loaded": 3,
        "rows_rejected": 2,
    }
    assert summary["tables"]["cost_periods"]["rows_read"] == 9
    assert summary["tables"]["cost_periods"]["rows_rejected"] == 1
    assert len(summary["rejected"]) == 3
    first = summary["rejected"][0]
    assert set(first) == {"table", "sheet", "row", "column", "value", "reason"}
    assert {(r["sheet"], r["row"]) for r in summary["rejected"]} == {
        ("Projecten", 8),
        ("Projecten", 9),
        ("Realisatie 2026", 3),
    }
    for table in summary["tables"].values():
        assert table["rows_read"] == table["rows_loaded"] + table["rows_rejected"]


def test_the_same_file_for_the_same_date_is_not_imported_twice(db, tmp_path, capsys):
    before = _counts(db)
    again = tmp_path / "again.xlsx"  # the same bytes under another name
    again.write_bytes((tmp_path / "register.xlsx").read_bytes())
    assert main(["import", str(again), "--db", str(db), "--as-of", "2026-03-31", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["already_imported"] is True and summary["import_id"] == 1
    assert _counts(db) == before
    # The same file for another date is a new snapshot.
    assert main(["import", str(tmp_path / "again.xlsx"), "--db", str(db), "--as-of", "2026-04-30"]) == 0
    assert _counts(db)["imports"] == 2


HOSTILE = [
    ("pdf", "not an Excel workbook"),
    ("zero-bytes", "the file is empty"),
    ("empty-workbook", "the workbook is empty"),
    ("encrypted", "password-protected"),
    ("bomb-declared-size", "zip bomb"),
    ("bomb-ratio", "zip bomb"),
    ("billion-laughs", "DOCTYPE or ENTITY"),
    ("external-entity", "DOCTYPE or ENTITY"),
    ("far-cell", "17,179,869,184 cells"),
]


@pytest.mark.parametrize(("kind", "words"), HOSTILE)
def test_unusable_files_exit_2_with_one_line_and_store_nothing(db, tmp_path, capsys, kind, words):
    before = _counts(db)
    path = build(kind, tmp_path)
    assert main(["import", str(path), "--db", str(db), "--as-of", "2026-04-30"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and path.name in err and words in err
    assert _counts(db) == before


def test_a_good_file_beside_a_bad_one_stores_nothing(db, tmp_path, capsys):
    before = _counts(db)
    good = budget_grid(tmp_path / "fin.xlsx")
    bad = build("pdf", tmp_path)
    assert main(["import", str(good), str(bad), "--db", str(db), "--as-of", "2026-04-30"]) == 2
    assert "rapport.xlsx" in capsys.readouterr().err
    assert _counts(db) == before


def test_no_recognisable_table_and_missing_file_exit_2(db, tmp_path, capsys):
    lunch = write_workbook(tmp_path / "lunch.xlsx", {"Menu": [["Dag", "Gerecht"], ["maandag", "soep"]]})
    assert main(["import", str(lunch), "--db", str(db)]) == 2
    assert "lunch.xlsx: no recognisable table" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "nowhere.xlsx"), "--db", str(db)]) == 2
    assert "nowhere.xlsx: no such file" in capsys.readouterr().err


def test_import_while_another_process_writes_exits_2_and_keeps_the_data(db, tmp_path):
    """Another process holds the database read-write (a long import, or a tool with the file open)."""
    before = _counts(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        env = {**__import__("os").environ, "PMO_LOCK_TIMEOUT": "1"}
        done = _cli(
            "import", str(budget_grid(tmp_path / "fin.xlsx")), "--db", str(db), "--as-of", "2026-04-30", env=env
        )
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"error: the database {db} is in use by another process (the app or another import); try again when it is done"
    )
    assert _counts(db) == before


def test_two_imports_at_once_in_one_process_both_land_once(db, tmp_path):
    """The app's Streamlit threads: two analysts publish at the same moment."""
    files = [
        budget_grid(tmp_path / "a.xlsx"),
        write_workbook(tmp_path / "b.xlsx", {"Risico's": [["Risico", "Kans"], ["Leverancier", "Hoog"]]}),
    ]
    codes: list[int] = []
    threads = [
        threading.Thread(
            target=lambda f=f: codes.append(main(["import", str(f), "--db", str(db), "--as-of", "2026-04-30"]))
        )
        for f in files
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [0, 0]
    store = Store(db)
    assert sorted(store.list_imports()["import_id"]) == [1, 2, 3]
    assert len(store.load_table("risks", dt.date(2026, 4, 30))) == 1
    assert len(store.load_table("cost_periods", dt.date(2026, 4, 30))) == 5

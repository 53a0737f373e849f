"""The Import and History pages through Streamlit's AppTest, over a temporary database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from workbooks import budget_grid, dutch_register

from pmo_analytics.ingest.pipeline import import_files
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A database that already holds one snapshot (so the app does not load the demo)."""
    path = tmp_path / "pmo.duckdb"
    import_files([budget_grid(tmp_path / "financien.xlsx")], dt.date(2026, 2, 28), Store(path))
    monkeypatch.setenv("PMO_DB", str(path))
    return path


def _import_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/data_import.py")
    at.run()
    assert not at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_upload_check_and_publish_a_register(db, tmp_path):
    at = _import_page()
    content = dutch_register(tmp_path / "register.xlsx").read_bytes()
    at.file_uploader(key="uploads").set_value(("projectenregister.xlsx", content, XLSX))
    at.date_input(key="import_as_of").set_value(dt.date(2026, 3, 31))
    at.run()
    check = next(b for b in at.button if b.label == "Check the files")
    check.click()
    at.run()
    assert not at.exception
    # 5 rows read (row 7 is blank), 3 loaded, 2 rejected (a repeated P-002 and a row without a number), 1 warning.
    assert _metrics(at) == {"Rows read": "5", "Will be loaded": "3", "Rejected": "2", "Warnings": "1"}
    assert not at.error
    publish = next(b for b in at.button if b.label.startswith("Publish as the snapshot of 31 Mar 2026"))
    publish.click()
    at.run()
    assert any("Published as import 2" in s.value for s in at.success)
    store = Store(db)
    assert len(store.load_table("projects", dt.date(2026, 3, 31))) == 3
    assert len(store.load_rejected(2)) == 2


def test_an_unusable_file_gets_a_clear_message_and_nothing_is_stored(db):
    at = _import_page()
    at.file_uploader(key="uploads").set_value(("rapport.xlsx", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", XLSX))
    at.run()
    next(b for b in at.button if b.label == "Check the files").click()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["rapport.xlsx: not an Excel workbook (it looks like a PDF document)"]
    assert not [b for b in at.button if b.label.startswith("Publish")]
    assert Store(db).list_imports()["import_id"].tolist() == [1]


def test_history_lists_imports_and_deletes_one(db, tmp_path):
    import_files([dutch_register(tmp_path / "r.xlsx")], dt.date(2026, 3, 31), Store(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/history.py")
    at.run()
    assert not at.exception
    assert at.dataframe[0].value["import_id"].tolist() == [2, 1]  # newest first
    # Import 2 (the register) is chosen first: 2 rejected rows.
    assert _metrics(at)["Rejected rows"] == "2"
    at.checkbox(key="confirm_2").check()
    at.run()
    next(b for b in at.button if b.label == "Delete").click()
    at.run()
    assert not at.exception
    assert Store(db).list_imports()["import_id"].tolist() == [1]

"""Streamlit helpers shared by the pages: the cached store, first-start demo load, the import flow's state.

The only library module that imports streamlit. Pages read, call and draw; the logic lives in the library.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from pmo_analytics import schema
from pmo_analytics.ingest.model import ImportResult, UnusableFile
from pmo_analytics.ingest.reader import ReadLimits
from pmo_analytics.store import DatabaseBusy, Store, resolve_db_path

_demo_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """One Store per database path for the whole server; it opens a short-lived connection per unit of work,
    so Streamlit's threads never share a cursor and the command line can import while the app runs."""
    return _store(str(resolve_db_path()))


def ensure_demo_loaded() -> None:
    """On first start (an empty database) load the demo portfolio, so the first screen is a living portfolio."""
    store = get_store()
    if not store.is_empty():
        return
    with _demo_lock:
        if not store.is_empty():
            return
        from pmo_analytics.demo_loader import load_demo

        with st.spinner("First start: loading the demo portfolio (12 monthly snapshots) ..."):
            try:
                load_demo(store.path)
            except DatabaseBusy as err:
                st.warning(f"The demo portfolio could not be loaded now: {err}")
                return
        st.cache_data.clear()


def upload_limit_mb() -> int:
    return ReadLimits().max_file_bytes // (1024 * 1024)


def analyse_uploads(files: list, as_of: dt.date) -> tuple[ImportResult | None, list[str]]:  # noqa: ANN001
    """Run the importer's analysis on uploaded files (nothing stored). Returns the result, or None with the
    one-line messages of the files that cannot be used."""
    from pmo_analytics.ingest.pipeline import analyse

    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pmo-upload-") as tmp:
        uploads = []
        for i, f in enumerate(files):
            path = Path(tmp) / f"{i}{Path(f.name).suffix.lower()}"
            path.write_bytes(f.getvalue())
            uploads.append((f.name, path))
        try:
            return analyse(uploads, as_of), errors
        except UnusableFile as err:
            errors.append(str(err))
        except Exception as err:  # never a traceback for the user
            errors.append(f"the files could not be read: {type(err).__name__}: {err}")
    return None, errors


def publish(result: ImportResult) -> tuple[int | None, str]:
    """Save an analysed import as a snapshot. Returns (import_id, message)."""
    store = get_store()
    try:
        duplicate = store.find_duplicate(result.as_of, [f.sha256 for f in result.files])
        if duplicate is not None:
            return (
                duplicate,
                f"These files were already imported for {result.as_of:%d %b %Y} (import {duplicate}); nothing was stored twice.",
            )
        import_id = store.save_import(result)
    except DatabaseBusy as err:
        return None, str(err)
    st.cache_data.clear()
    return import_id, f"Published as import {import_id}, snapshot of {result.as_of:%d %b %Y}."


def delete_import(import_id: int) -> tuple[bool, str]:
    """Delete one import (one transaction). Returns (deleted, message)."""
    try:
        deleted = get_store().delete_import(import_id)
    except DatabaseBusy as err:
        return False, str(err)
    if not deleted:
        return False, f"Import {import_id} no longer exists."
    st.cache_data.clear()
    return True, f"Import {import_id} deleted."


def sheet_overview(result: ImportResult) -> pd.DataFrame:
    """One row per sheet: file, sheet, table (or skipped), header row, rows read/loaded/rejected, notes."""
    rows = []
    for s in result.sheets:
        rows.append(
            {
                "file": s.file_name,
                "sheet": s.sheet,
                "table": s.table or "skipped",
                "header row": s.header_row,
                "rows read": s.rows_read,
                "loaded": s.rows_loaded,
                "rejected": s.rows_rejected,
                "notes": s.reason if s.table is None else "; ".join(s.notes),
            }
        )
    return pd.DataFrame(rows).astype({"header row": "Int64"})


def mapping_frame(result: ImportResult, index: int) -> pd.DataFrame:
    """Header as written -> contract column, for one sheet; unknown columns listed as kept."""
    s = result.sheets[index]
    rows = [{"header in the file": h, "read as": c} for h, c in s.mapping.items()]
    rows += [{"header in the file": h, "read as": "(kept as an extra column)"} for h in s.unknown_columns]
    return pd.DataFrame(rows, columns=["header in the file", "read as"])


def table_labels() -> dict[str, str]:
    return {name: name.replace("_", " ").capitalize() for name in schema.TABLES}


@st.cache_data(show_spinner=False, max_entries=32)
def _load_tables(path: str, as_of: dt.date | None, version: int) -> dict[str, pd.DataFrame]:
    return _store(path).load_tables(None, as_of)


def load_tables(as_of: dt.date | None) -> dict[str, pd.DataFrame]:
    """Every table as of a snapshot date, read through one connection and cached per (date, database version):
    a rerun costs one version check, not a reload."""
    store = get_store()
    return _load_tables(str(store.path), as_of, store.data_version())


def load_table(name: str, as_of: dt.date | None) -> pd.DataFrame:
    return load_tables(as_of)[name]


def snapshot_picker(label: str = "Snapshot (as of)") -> dt.date | None:
    """Sidebar choice of the snapshot date, newest first, kept in the URL (?as_of=2026-03-31)."""
    dates = get_store().snapshot_dates()
    if not dates:
        return None
    options = sorted(dates, reverse=True)
    wanted = st.query_params.get("as_of")
    index = 0
    if wanted:
        try:
            index = options.index(dt.date.fromisoformat(wanted))
        except ValueError:
            index = 0
    chosen = st.sidebar.selectbox(label, options, index=index, format_func=lambda d: f"{d:%d %b %Y}")
    st.query_params["as_of"] = chosen.isoformat()
    return chosen

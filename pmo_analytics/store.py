"""The DuckDB store: the only module with SQL.

One import is one snapshot with an as-of date, saved in one transaction. The current value of a table
on date D is that table from the latest import with as_of <= D that contained the table (ties on
as_of: the later import). Table names in SQL come only from ``schema.TABLES``; values are parameters.

Connections are short-lived: every public method opens a connection, does its unit of work and closes
it (about 20-30 ms on this machine, most of it DuckDB starting a database instance), so the app never
holds the file and a command-line import can run while the app is up. A file held by another process
is retried until ``lock_timeout``, then :class:`DatabaseBusy`. Within one process a lock per database
path serialises writers: a second ``save_import`` waits for the first (up to ``lock_timeout``), then
raises :class:`DatabaseBusy`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from pmo_analytics.ingest.model import ISSUE_COLUMNS, ImportResult, empty_issues
from pmo_analytics.schema import PROVENANCE_COLUMNS, TABLES, Table, ddl

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "pmo.duckdb"
SCHEMA_VERSION = 1

# No file, network or extension access from SQL; the configuration cannot be changed afterwards.
CONNECT_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "lock_configuration": True,
    # Rows an INSERT buffers before writing them out; DuckDB's default is 20% of the machine's memory per
    # thread (1.2 GB here), which made a 200,000-row import hold ~100 MB more than it needs at its peak.
    "write_buffer_row_group_memory_limit": "32MB",
}

REPORT_TABLES = ("import_tables", "import_files", "rejected_rows", "import_warnings")

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        *(ddl(table) for table in TABLES.values()),
        "CREATE SEQUENCE IF NOT EXISTS import_id_sequence START 1",
        """CREATE TABLE IF NOT EXISTS imports (
  import_id INTEGER PRIMARY KEY, as_of DATE, imported_at TIMESTAMP, files VARCHAR, tables VARCHAR,
  sheets VARCHAR, rows_loaded INTEGER, rows_rejected INTEGER, warnings INTEGER, note VARCHAR)""",
        "CREATE TABLE IF NOT EXISTS import_tables (import_id INTEGER, table_name VARCHAR)",
        "CREATE TABLE IF NOT EXISTS import_files (import_id INTEGER, file_name VARCHAR, sha256 VARCHAR, size_bytes BIGINT)",
        """CREATE TABLE IF NOT EXISTS rejected_rows (import_id INTEGER, table_name VARCHAR, source_file VARCHAR,
  sheet VARCHAR, "row" INTEGER, "column" VARCHAR, value VARCHAR, reason VARCHAR, raw VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS import_warnings (import_id INTEGER, table_name VARCHAR, source_file VARCHAR,
  sheet VARCHAR, "row" INTEGER, "column" VARCHAR, value VARCHAR, reason VARCHAR)""",
        "CREATE TABLE IF NOT EXISTS store_state (data_version BIGINT)",
    ),
}

# The import that supplies each table as of $as_of (NULL: the latest); ties on as_of go to the later import.
SOURCE_IMPORTS_SQL = """
SELECT table_name, import_id FROM (
  SELECT t.table_name, t.import_id,
         row_number() OVER (PARTITION BY t.table_name ORDER BY i.as_of DESC, i.import_id DESC) AS rank
  FROM import_tables t JOIN imports i USING (import_id)
  WHERE CAST($as_of AS DATE) IS NULL OR i.as_of <= CAST($as_of AS DATE)
) WHERE rank = 1
"""

_PANDAS_DTYPES = {
    "VARCHAR": "str",
    "DATE": "datetime64[us]",
    "DOUBLE": "float64",
    "TINYINT": "Int64",
    "INTEGER": "Int64",
}


class DatabaseBusy(Exception):
    """Another process (or another import in this process) holds the database; ``str()`` is one line."""


def resolve_db_path(db: str | Path | None = None) -> Path:
    """``--db``, else ``$PMO_DB``, else data/pmo.duckdb in the repository; absolute."""
    chosen = db if db not in (None, "") else os.environ.get("PMO_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()


_WRITER_LOCKS: dict[Path, threading.RLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()
_MIGRATED: set[Path] = set()  # paths migrated by this process: checked once, not on every connection


def _writer_lock(path: Path) -> threading.RLock:
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(path, threading.RLock())


def _as_date(value: object) -> dt.date | None:
    """None, a date, a datetime/Timestamp or "2026-03-31" -> a date (None stays None)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp is a datetime
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _json_default(value: object) -> object:
    if hasattr(value, "item"):  # numpy.int64(5) -> 5
        return value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_cells(series: pd.Series) -> pd.Series:
    """An object column of dicts (the row's unknown columns) -> JSON text; text and missing stay."""
    if series.dtype != object:
        return series
    return series.map(lambda v: _to_json(v) if isinstance(v, dict | list) else v).astype("str")


def _as_arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as an Arrow table for DuckDB to scan: pandas' str columns are Arrow already (no copy), and
    DuckDB's pandas scan would turn them into Python strings first (about 25 MB more for 200,000 rows).
    A column Arrow cannot type (an object column of mixed values) leaves the frame to DuckDB's own scan."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)  # no thread pool for a few columns
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return frame


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stored_columns(table: Table) -> list[tuple[str, str]]:
    """(name, SQL type) as load_table returns them: contract columns first, then provenance."""
    return [(c.name, c.sql_type) for c in table.columns] + list(PROVENANCE_COLUMNS)


def _with_dtypes(frame: pd.DataFrame, columns: list[tuple[str, str]]) -> pd.DataFrame:
    """Text as str, dates as datetime64, amounts as float64, levels and rows as Int64 (nullable)."""
    dtypes = {name: "int64" if name == "import_id" else _PANDAS_DTYPES[sql] for name, sql in columns}
    return frame.astype(dtypes)


def _empty_frame(table: Table) -> pd.DataFrame:
    columns = _stored_columns(table)
    return _with_dtypes(pd.DataFrame({name: pd.Series(dtype="object") for name, _ in columns}), columns)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT; any error rolls everything back and is raised as it was."""
    con.begin()
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):  # a failed COMMIT leaves no transaction to roll back
            con.rollback()
        raise
    con.commit()


_CONNECT_LOCK = threading.Lock()


class Store:
    """The PMO database: imports (snapshots) and the contract tables as of a date."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, lock_timeout: float | None = None):
        self.path = resolve_db_path(path)
        self.read_only = read_only
        # How long to wait for another process's write to finish: $PMO_LOCK_TIMEOUT seconds, default 10.
        self.lock_timeout = float(os.environ.get("PMO_LOCK_TIMEOUT", "10")) if lock_timeout is None else lock_timeout

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, read_only={self.read_only})"

    # -- connections ---------------------------------------------------------------------------------

    def _busy(self, in_process: bool = False) -> DatabaseBusy:
        if in_process:
            return DatabaseBusy(
                f"the database {self.path} is in use by another import in this process; try again when it is done"
            )
        return DatabaseBusy(
            f"the database {self.path} is in use by another process (the app or another import); "
            "try again when it is done"
        )

    def _open(self, deadline: float) -> duckdb.DuckDBPyConnection:
        """Connect, retrying while another process holds the file lock."""
        pause = 0.02
        while True:
            try:
                # Two Streamlit sessions connecting at the same instant race for DuckDB's per-process file
                # handle ("Unique file handle conflict"): connect one thread at a time.
                with _CONNECT_LOCK:
                    return duckdb.connect(str(self.path), read_only=self.read_only, config=CONNECT_CONFIG)
            except (duckdb.IOException, duckdb.ConnectionException, duckdb.ResourceInUseException) as err:
                # IOException: 'Could not set lock on file ...' (another process).
                # ConnectionException: this process has the file open with another configuration (read_only).
                # ResourceInUseException: 'Unique file handle conflict' (a handle still closing in this process).
                message = str(err)
                if not any(
                    m in message for m in ("Could not set lock", "different configuration", "file handle conflict")
                ):
                    raise
                if time.monotonic() >= deadline:
                    raise self._busy() from err
                time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
                pause = min(pause * 2, 0.5)

    def _ensure_schema(self, con: duckdb.DuckDBPyConnection, deadline: float) -> None:
        if self.path in _MIGRATED and self._schema_version(con) == SCHEMA_VERSION:
            return  # the version check notices a file deleted and created again while we run
        lock = _writer_lock(self.path)
        if not lock.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
            raise self._busy(in_process=True)
        try:
            self._migrate(con)
            _MIGRATED.add(self.path)
        finally:
            lock.release()

    @staticmethod
    def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
        try:
            return int(con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0])
        except duckdb.CatalogException:
            return 0

    @staticmethod
    def _migrate(con: duckdb.DuckDBPyConnection) -> None:
        """Create or upgrade the schema; idempotent. Columns added to schema.py since are added here too."""
        with _transaction(con):
            con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
            current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
            for version in sorted(v for v in MIGRATIONS if v > current):
                for statement in MIGRATIONS[version]:
                    con.execute(statement)
                con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, dt.datetime.now()])
            if not con.execute("SELECT count(*) FROM store_state").fetchall()[0][0]:
                # Start from the clock, so a database deleted and created again never repeats a version.
                con.execute("INSERT INTO store_state VALUES (?)", [time.time_ns() // 1_000_000])
            rows = con.execute(  # one query for every table: each costs a few ms
                "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
            ).fetchall()
            existing = {(table_name, column_name) for table_name, column_name in rows}
            for table in TABLES.values():
                for name, sql_type in list(PROVENANCE_COLUMNS) + [(c.name, c.sql_type) for c in table.columns]:
                    if (table.name, name) not in existing:
                        con.execute(f"ALTER TABLE {table.name} ADD COLUMN {_quote(name)} {sql_type}")

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A connection for reading, or None when there is no database (yet) to read."""
        if not self.path.exists():
            yield None
            return
        deadline = time.monotonic() + self.lock_timeout
        con = self._open(deadline)
        try:
            if not self.read_only:
                self._ensure_schema(con, deadline)
            elif "imports" not in {n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}:
                yield None
                return
            yield con
        finally:
            con.close()

    @contextmanager
    def _writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The writer lock of this path, then a migrated connection."""
        if self.read_only:
            raise PermissionError(f"{self!r} is read-only")
        deadline = time.monotonic() + self.lock_timeout
        lock = _writer_lock(self.path)
        if not lock.acquire(timeout=max(self.lock_timeout, 0.0)):
            raise self._busy(in_process=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = self._open(deadline)
            try:
                self._ensure_schema(con, deadline)
                yield con
            finally:
                con.close()
        finally:
            lock.release()

    # -- writing -------------------------------------------------------------------------------------

    def save_import(self, result: ImportResult, *, note: str = "") -> int:
        """Save one import in one transaction; returns its id (the earlier id for a duplicate)."""
        unknown = sorted(set(result.frames) - set(TABLES))
        if unknown:
            raise ValueError(f"not a contract table: {', '.join(unknown)}")
        frames = {name: self._prepare_frame(TABLES[name], frame) for name, frame in result.frames.items()}
        # Only a table with rows replaces the previous snapshot's: a risk register whose rows were all rejected
        # must not empty the risks of every later date.
        contained = [name for name, frame in frames.items() if len(frame)]
        with self._writing() as con, _transaction(con):
            # Checked inside the writer lock and the transaction: two threads saving the same file land once.
            duplicate = self._find_duplicate(con, result.as_of, [f.sha256 for f in result.files])
            if duplicate is not None:
                result.import_id = result.duplicate_of = duplicate
                return duplicate
            import_id = int(con.execute("SELECT nextval('import_id_sequence')").fetchall()[0][0])
            self._insert_import_row(con, import_id, result, frames, note)
            for table_name in contained:
                con.execute("INSERT INTO import_tables VALUES (?, ?)", [import_id, table_name])
            for info in result.files:
                con.execute(
                    "INSERT INTO import_files VALUES (?, ?, ?, ?)",
                    [import_id, info.name, info.sha256, int(info.size_bytes)],
                )
            for name, frame in frames.items():
                self._insert_frame(con, TABLES[name], frame, import_id)
            self._insert_issues(con, "rejected_rows", result.rejected, import_id, with_raw=True)
            self._insert_issues(con, "import_warnings", result.warnings, import_id, with_raw=False)
            con.execute("UPDATE store_state SET data_version = data_version + 1")
        result.import_id = import_id
        return import_id

    @staticmethod
    def _prepare_frame(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
        allowed = {name for name, _ in _stored_columns(table)}
        unexpected = [str(c) for c in frame.columns if c not in allowed]
        if unexpected:
            # Unknown columns belong in `extra`; dropping them here would lose data silently.
            raise ValueError(f"{table.name}: columns not in the contract: {', '.join(unexpected)}")
        if "extra" in frame.columns:
            frame = frame.assign(extra=_json_cells(frame["extra"]))
        return frame

    @staticmethod
    def _insert_import_row(
        con: duckdb.DuckDBPyConnection, import_id: int, result: ImportResult, frames: dict, note: str
    ) -> None:
        files = [dataclasses.asdict(f) for f in result.files]
        sheets = [dataclasses.asdict(s) for s in result.sheets]
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                import_id,
                _as_date(result.as_of),
                dt.datetime.now().replace(microsecond=0),  # local time, as the PMO reads it
                _to_json(files),
                _to_json(result.table_summary()),
                _to_json(sheets),
                sum(len(frame) for frame in frames.values()),  # rows stored: a 12-month grid row stores 12
                len(result.rejected),
                len(result.warnings),
                note,
            ],
        )

    @staticmethod
    def _insert_frame(con: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame, import_id: int) -> None:
        """INSERT ... SELECT from the registered frame, casting each column to its contract type."""
        names, selects = [], []
        for name, sql_type in list(PROVENANCE_COLUMNS) + [(c.name, c.sql_type) for c in table.columns]:
            names.append(_quote(name))
            if name == "import_id":
                selects.append("CAST($import_id AS INTEGER)")
            elif name in frame.columns:
                selects.append(f"CAST({_quote(name)} AS {sql_type})")
            else:
                selects.append(f"CAST(NULL AS {sql_type})")
        # No unregister in `finally`: after a failed insert the transaction is aborted and unregister would
        # raise over the real error; the connection closes at the end of the unit of work anyway.
        con.register("import_frame", _as_arrow(frame))
        con.execute(
            f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {', '.join(selects)} FROM import_frame",
            {"import_id": import_id},
        )
        con.unregister("import_frame")

    @staticmethod
    def _insert_issues(
        con: duckdb.DuckDBPyConnection, store_table: str, issues: pd.DataFrame, import_id: int, with_raw: bool
    ) -> None:
        if issues is None or issues.empty:
            return
        columns = ISSUE_COLUMNS + (["raw"] if with_raw else [])
        selects = []
        for name in columns:
            sql_type = "INTEGER" if name == "row" else "VARCHAR"
            source = _quote(name) if name in issues.columns else "NULL"
            selects.append(f"CAST({source} AS {sql_type})")
        frame = issues.assign(raw=_json_cells(issues["raw"])) if "raw" in issues.columns else issues
        con.register("issue_frame", frame)
        con.execute(
            f"INSERT INTO {store_table} (import_id, {', '.join(_quote(c) for c in columns)}) "
            f"SELECT CAST($import_id AS INTEGER), {', '.join(selects)} FROM issue_frame",
            {"import_id": import_id},
        )
        con.unregister("issue_frame")

    def delete_import(self, import_id: int) -> bool:
        """Remove one import (its rows in every table and its report) in one transaction; False if unknown."""
        with self._writing() as con, _transaction(con):
            if not con.execute("SELECT count(*) FROM imports WHERE import_id = ?", [import_id]).fetchall()[0][0]:
                return False
            for table_name in (*TABLES, *REPORT_TABLES, "imports"):
                con.execute(f"DELETE FROM {table_name} WHERE import_id = ?", [import_id])
            con.execute("UPDATE store_state SET data_version = data_version + 1")
        return True

    # -- reading -------------------------------------------------------------------------------------

    @staticmethod
    def _find_duplicate(con: duckdb.DuckDBPyConnection, as_of: object, sha256s: list[str]) -> int | None:
        if not sha256s:
            return None
        rows = con.execute(
            """SELECT f.import_id FROM import_files f JOIN imports i USING (import_id)
               WHERE i.as_of = ? GROUP BY f.import_id
               HAVING list_sort(list(DISTINCT f.sha256)) = list_sort(list_distinct(CAST(? AS VARCHAR[])))
               ORDER BY f.import_id DESC LIMIT 1""",
            [_as_date(as_of), list(sha256s)],
        ).fetchall()
        return int(rows[0][0]) if rows else None

    def prepare(self) -> None:
        """Create or migrate the database file now. An import calls it while its readers parse the workbooks,
        so that saving does not begin with it (~0.1 s for a new database)."""
        with self._writing():
            pass

    def find_duplicate(self, as_of: dt.date, sha256s: list[str]) -> int | None:
        """The import of the same set of files (by sha256) for the same as-of date, if any."""
        with self._reading() as con:
            return None if con is None else self._find_duplicate(con, as_of, sha256s)

    def list_imports(self) -> pd.DataFrame:
        """One row per import, newest first: ids, dates, file and table names, row counts, note."""
        columns = {
            "import_id": "int64",
            "as_of": "datetime64[us]",
            "imported_at": "datetime64[us]",
            "file_names": "str",
            "table_names": "str",
            "rows_loaded": "int64",
            "rows_rejected": "int64",
            "warnings": "int64",
            "note": "str",
        }
        with self._reading() as con:
            if con is None:
                frame = pd.DataFrame({name: pd.Series(dtype="object") for name in columns})
            else:
                frame = con.execute(
                    """SELECT i.import_id, i.as_of, i.imported_at,
                         coalesce((SELECT string_agg(f.file_name, ', ' ORDER BY f.file_name) FROM import_files f
                                   WHERE f.import_id = i.import_id), '') AS file_names,
                         coalesce((SELECT string_agg(t.table_name, ', ' ORDER BY t.table_name) FROM import_tables t
                                   WHERE t.import_id = i.import_id), '') AS table_names,
                         i.rows_loaded, i.rows_rejected, i.warnings, i.note
                       FROM imports i ORDER BY i.import_id DESC"""
                ).df()
        return frame.astype(columns)

    def get_import(self, import_id: int) -> dict | None:
        """One import with its report decoded: files, tables (summary), sheets, table_names, counts, note."""
        with self._reading() as con:
            if con is None:
                return None
            cursor = con.execute("SELECT * FROM imports WHERE import_id = ?", [import_id])
            rows = cursor.fetchall()
            if not rows:
                return None
            record = dict(zip([d[0] for d in cursor.description], rows[0], strict=True))
            table_names = con.execute(
                "SELECT table_name FROM import_tables WHERE import_id = ? ORDER BY table_name", [import_id]
            ).fetchall()
        for key in ("files", "tables", "sheets"):
            record[key] = json.loads(record[key]) if record[key] else None
        record["table_names"] = [name for (name,) in table_names]
        return record

    def _load(
        self, con: duckdb.DuckDBPyConnection | None, table: Table, source_id: int | None, existing: set[str]
    ) -> pd.DataFrame:
        """``existing``: the stored table's columns (:meth:`_all_columns`)."""
        if con is None or source_id is None:
            return _empty_frame(table)
        columns = _stored_columns(table)
        # A read-only store may read a file made before a column was added to schema.py: NULL it.
        selects = [_quote(n) if n in existing else f"CAST(NULL AS {t}) AS {_quote(n)}" for n, t in columns]
        frame = con.execute(
            f"SELECT {', '.join(selects)} FROM {table.name} WHERE import_id = ? "
            "ORDER BY source_file NULLS LAST, source_sheet NULLS LAST, source_row NULLS LAST, rowid",
            [source_id],
        ).df()
        return _with_dtypes(frame, columns)

    def load_table(self, name: str, as_of: dt.date | None = None) -> pd.DataFrame:
        """The table as of a date (None: the latest), contract columns then provenance columns."""
        return self.load_tables([name], as_of)[name]

    def load_tables(self, names: list[str] | None = None, as_of: dt.date | None = None) -> dict[str, pd.DataFrame]:
        """Several tables as of one date through one connection (all contract tables by default)."""
        names = list(TABLES) if names is None else list(names)
        unknown = [n for n in names if n not in TABLES]
        if unknown:
            raise ValueError(f"not a contract table: {', '.join(unknown)}")
        with self._reading() as con:
            if con is None:
                return {name: _empty_frame(TABLES[name]) for name in names}
            sources = self._source_imports(con, as_of)
            columns = self._all_columns(con)
            return {name: self._load(con, TABLES[name], sources.get(name), columns.get(name, set())) for name in names}

    @staticmethod
    def _all_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
        """Every stored table's columns, in one query (not one per table read)."""
        columns: dict[str, set[str]] = {}
        for table_name, column_name in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
        ).fetchall():
            columns.setdefault(table_name, set()).add(column_name)
        return columns

    @staticmethod
    def _source_imports(con: duckdb.DuckDBPyConnection, as_of: object) -> dict[str, int]:
        rows = con.execute(SOURCE_IMPORTS_SQL, {"as_of": _as_date(as_of)}).fetchall()
        return {name: int(import_id) for name, import_id in rows}

    def table_as_of_ids(self, as_of: dt.date | None = None) -> dict[str, int | None]:
        """Which import supplies each contract table on that date (None: no import has that table yet)."""
        return self.tables_as_of_ids([as_of])[as_of]

    def tables_as_of_ids(self, dates: Sequence[dt.date | None]) -> dict[dt.date | None, dict[str, int | None]]:
        """:meth:`table_as_of_ids` of several dates through one connection (the dashboard asks for every
        snapshot date after each import)."""
        with self._reading() as con:
            found = {day: {} if con is None else self._source_imports(con, day) for day in dates}
        return {day: {name: sources.get(name) for name in TABLES} for day, sources in found.items()}

    def _issues(self, store_table: str, import_id: int, with_raw: bool) -> pd.DataFrame:
        empty = empty_issues(with_raw=with_raw)
        with self._reading() as con:
            if con is None:
                return empty
            frame = con.execute(
                f"SELECT {', '.join(_quote(c) for c in empty.columns)} FROM {store_table} "
                "WHERE import_id = ? ORDER BY rowid",
                [import_id],
            ).df()
        return frame.astype(empty.dtypes.to_dict())

    def load_rejected(self, import_id: int) -> pd.DataFrame:
        """One row per rejected input row of that import: ISSUE_COLUMNS + raw, in the order reported."""
        return self._issues("rejected_rows", import_id, with_raw=True)

    def load_warnings(self, import_id: int) -> pd.DataFrame:
        """One row per warning of that import (a value left empty; the row loaded): ISSUE_COLUMNS."""
        return self._issues("import_warnings", import_id, with_raw=False)

    def snapshot_dates(self) -> list[dt.date]:
        """Distinct as-of dates, ascending."""
        with self._reading() as con:
            if con is None:
                return []
            return [d for (d,) in con.execute("SELECT DISTINCT as_of FROM imports ORDER BY as_of").fetchall()]

    def is_empty(self) -> bool:
        """True when nothing has been imported (or the database does not exist yet)."""
        with self._reading() as con:
            return con is None or con.execute("SELECT count(*) FROM imports").fetchall()[0][0] == 0

    def data_version(self) -> int:
        """A number that changes after every save and delete: a cache key for the app (0: no database)."""
        with self._reading() as con:
            if con is None:
                return 0
            rows = con.execute("SELECT max(data_version) FROM store_state").fetchall()
            return int(rows[0][0] or 0)

"""The `indicators`, `resources` and `report` commands (DESIGN.md, "Command line"); cli.py wires them in.

python -m pmo_analytics indicators [--db PATH] [--as-of YYYY-MM-DD] [--format json|csv]
python -m pmo_analytics resources  [--db PATH] [--as-of YYYY-MM-DD] [--period week|month|quarter]
                                   [--by person|team] [--format json|csv]
python -m pmo_analytics report --out FILE.xlsx [--db PATH] [--as-of YYYY-MM-DD]

``--as-of`` defaults to the latest snapshot; the tables are those current on that date (Store.load_tables).
JSON is a list of objects with exactly DESIGN.md's keys: undefined numbers are null, dates ISO
("2026-03-31"), health_reasons a list of strings. CSV has the same columns, health_reasons joined by "; ".
A missing database, no snapshot on or before the date, or unusable health settings: exit 2 with one line
on stderr. Heavy imports (pandas, duckdb) happen inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from pmo_analytics.formula_text import looks_like_formula

if TYPE_CHECKING:
    import pandas as pd

    from pmo_analytics.store import Store

EXIT_OK = 0
EXIT_UNUSABLE = 2
RESOURCE_KEYS = ["period_start", "allocated_hours", "available_hours", "utilisation", "over_allocated"]
# resources: the window shown starts with the period holding the as-of date and runs this long.
RESOURCE_WINDOW = {"week": 52, "month": 12, "quarter": 4}


class NoData(Exception):
    """Nothing to analyse: no database, no snapshot on or before the date. ``str()`` is one line."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def add_analysis_commands(sub: argparse._SubParsersAction) -> None:
    """Add `indicators` and `resources` to the subcommands (their handlers: ``ANALYSIS_COMMANDS``)."""
    db_help = "database file (default: $PMO_DB, else data/pmo.duckdb)"
    as_of_help = "reporting date YYYY-MM-DD (default: the latest snapshot)"
    indicators = sub.add_parser("indicators", help="EVM, earned schedule, schedule, risk and health per project")
    indicators.add_argument("--db", help=db_help)
    indicators.add_argument("--as-of", type=_date, default=None, help=as_of_help)
    indicators.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")

    resources = sub.add_parser(
        "resources",
        help="allocated against available hours per person or team per period",
        description="Shows the 12 months (52 weeks, 4 quarters) starting with the period that holds the as-of date.",
    )
    resources.add_argument("--db", help=db_help)
    resources.add_argument("--as-of", type=_date, default=None, help=as_of_help)
    resources.add_argument("--period", choices=["week", "month", "quarter"], default="month", help="default month")
    resources.add_argument("--by", choices=["person", "team"], default="person", help="default person")
    resources.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")
    _add_report_command(sub, db_help, as_of_help)


def _add_report_command(sub: argparse._SubParsersAction, db_help: str, as_of_help: str) -> None:
    report = sub.add_parser(
        "report",
        help="write the monthly management report as an Excel workbook",
        description="Summary, projects, changes since the previous snapshot, milestones, risks, issues, "
        "over-allocations and the trend, as of a snapshot.",
    )
    report.add_argument(
        "--out", required=True, metavar="FILE.xlsx", help="the workbook to write (replaced if it exists)"
    )
    report.add_argument("--db", help=db_help)
    report.add_argument("--as-of", type=_date, default=None, help=as_of_help)


# --- loading -------------------------------------------------------------------------------------------------


def open_snapshot(db: str | None, as_of: dt.date | None) -> tuple[Store, dt.date]:
    """The store and the date to analyse (``as_of``, else the latest snapshot). Raises :class:`NoData`."""
    import duckdb

    from pmo_analytics.store import Store, resolve_db_path

    path = resolve_db_path(db)
    if not path.is_file():
        raise NoData(f"no database at {path}: import a file first (python -m pmo_analytics import FILE)")
    store = Store(path, read_only=True)
    try:
        dates = store.snapshot_dates()
    except duckdb.Error as err:
        raise NoData(f"cannot read {path} as a PMO database: {str(err).splitlines()[0]}") from None
    if not dates:
        raise NoData(f"no snapshot in {path}: import a file first (python -m pmo_analytics import FILE)")
    if as_of is not None and as_of < dates[0]:
        raise NoData(f"no snapshot on or before {as_of} in {path} (the first is {dates[0]})")
    return store, as_of or dates[-1]


def resource_window(as_of: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First and last day shown: ``RESOURCE_WINDOW`` whole periods, starting with the one holding ``as_of``.

    month, 2026-03-31 -> 2026-03-01 .. 2027-02-28; week, Tuesday 2026-03-31 -> Monday 2026-03-30 .. Sunday
    2027-03-28 (52 weeks). The Resources page shares the rule (views.resources.resource_window), with 26 weeks.
    """
    from pmo_analytics.views.resources import resource_window as window

    return window(as_of, period, RESOURCE_WINDOW[period])


# --- output --------------------------------------------------------------------------------------------------


# Rows encoded and written per chunk: the text of one chunk at a time is held, not the whole output's.
CHUNK_ROWS = 50_000


def write_frame(frame: pd.DataFrame, keys: list[str], output_format: str, out: TextIO) -> None:
    """``frame[keys]`` as a JSON list of objects (one line) or as CSV with a header row of ``keys``.

    JSON: exactly ``keys`` in that order; NaN/NA/NaT/inf -> null, dates -> "2026-03-31", lists (health_reasons)
    as lists; the same text ``json.dumps(records, ensure_ascii=False)`` gives. CSV: None -> "", a list -> "a; b",
    text Excel would run as a formula -> "'=...". Each column is encoded as a whole, each of its distinct values
    once (see ``_encode``), and the rows are assembled from a template: no dict or Python call per record.
    """
    if output_format == "json":
        _write_json(frame, keys, out)
    else:
        _write_csv(frame, keys, out)


def _write_json(frame: pd.DataFrame, keys: list[str], out: TextIO) -> None:
    # Each row is the texts ', {"key": ', value, ', "other": ', value, "}" (json.dumps' separators ", " and ": "),
    # interleaved and joined once per chunk; the first row of the output drops its leading ", ".
    import itertools

    names = [json.dumps(key, ensure_ascii=False) for key in keys]
    labels = [", {" + names[0] + ": ", *(", " + name + ": " for name in names[1:])]
    out.write("[")
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        texts: list[object] = []
        for label, key in zip(labels, keys, strict=True):
            texts += [itertools.repeat(label, len(chunk)), _json_column(chunk[key])]
        text = "".join(itertools.chain.from_iterable(zip(*texts, itertools.repeat("}", len(chunk)), strict=True)))
        out.write(text if start else text[2:])
    out.write("]\n")


def _write_csv(frame: pd.DataFrame, keys: list[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        writer.writerows(zip(*(_csv_column(chunk[key]) for key in keys), strict=True))


class _Cells(NamedTuple):
    """How one output format writes a value: JSON text, or the value the csv module writes."""

    missing: object  # NaN, NA, NaT, inf
    true: object
    false: object
    number: Callable[[object], object]  # of a Python int or float
    day: Callable[[str], object]  # "2026-03-31"
    other: Callable[[object], object]  # text, a list (health_reasons), anything else (after _json_value)


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json_column(series: pd.Series) -> list[str]:
    """The JSON text of each value: 1.5, null, true, "2026-03-31", "Ann", ["a", "b"]."""
    return _encode(series, _JSON)


def _csv_column(series: pd.Series) -> list[object]:
    """The CSV cell of each value: "1.5", "True", "" when missing, "2026-03-31", text with the formula guard, a list
    joined by "; "."""
    return _encode(series, _CSV)


def _encode(series: pd.Series, cells: _Cells) -> list[object]:
    """One column's cells, each distinct value encoded once: the column is factorised (C), its distinct values
    encoded in Python, and the codes take their cells. Floats are told apart by their bits, so -0.0 stays "-0.0".
    An object column (lists, mixed values) is encoded value by value."""
    import numpy as np
    import pandas as pd

    absent = series.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(series):
        if series.dt.tz is not None:
            series = series.dt.tz_localize(None)  # the date on the wall clock, as Timestamp.date() gives
        days = series.to_numpy().astype("datetime64[D]")  # floors to the day, as Timestamp.date(); NaT stays NaT
        codes, numbers = pd.factorize(days.view("int64"))  # days since 1970: a few distinct ones
        distinct = [cells.day(text) for text in np.datetime_as_string(numbers.astype("datetime64[D]")).tolist()]
    elif pd.api.types.is_bool_dtype(series):
        codes = np.where(series.to_numpy(dtype=bool, na_value=False), 0, 1)
        distinct = [cells.true, cells.false]
    elif pd.api.types.is_integer_dtype(series):
        codes, uniques = pd.factorize(series)
        distinct = [cells.number(number) for number in uniques.tolist()]
    elif pd.api.types.is_numeric_dtype(series):
        values = np.ascontiguousarray(series.to_numpy(dtype="float64", na_value=np.nan))
        absent = ~np.isfinite(values)  # as json_number: inf is no figure either
        codes, bits = pd.factorize(values.view("int64"))
        distinct = [cells.number(number) for number in bits.view("float64").tolist()]
    elif isinstance(series.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(series)
        distinct = [cells.other(text) for text in uniques.tolist()]
    else:
        return [cells.other(_json_value(value)) for value in series.to_numpy(dtype=object)]
    table = np.empty(len(distinct) + 1, dtype=object)  # code -1 (missing) takes the last cell
    table[:-1] = distinct
    table[-1] = cells.missing
    column = table[codes]
    column[absent] = cells.missing
    return column.tolist()


def _json_value(value: object) -> object:
    """A value of an object column as JSON-ready: NaN/NA/NaT -> None, a date -> "2026-03-31", lists as they are."""
    import pandas as pd

    if isinstance(value, list | dict):
        return value
    if isinstance(value, dt.datetime | pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _csv_cell(value: object) -> object:
    """None -> "", a list -> "a; b", text Excel would run as a formula -> "'=..."."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(part) for part in value)
    if looks_like_formula(value):
        return "'" + value
    return value


# JSON: json.dumps writes an int or a finite float as its repr.
_JSON = _Cells("null", "true", "false", repr, lambda day: f'"{day}"', _json_text)
# CSV: the text the csv module writes for a number (its repr) or a bool, given once per distinct value (no such
# text needs quoting); None -> "", the formula guard on text.
_CSV = _Cells("", "True", "False", repr, str, _csv_cell)


# --- commands ------------------------------------------------------------------------------------------------


def _emit(frame: pd.DataFrame, keys: list[str], output_format: str) -> int:
    try:
        write_frame(frame, keys, output_format, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
    return EXIT_OK


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def cmd_indicators(args: argparse.Namespace) -> int:
    from pmo_analytics.indicators.health import SettingsError, load_settings
    from pmo_analytics.indicators.portfolio import INDICATOR_KEYS, project_indicators

    try:
        settings = load_settings()
        store, as_of = open_snapshot(args.db, args.as_of)
    except (NoData, SettingsError) as err:
        return _fail(str(err))
    tables = store.load_tables(["projects", "cost_periods", "milestones", "risks", "issues"], as_of)
    indicators = project_indicators(tables, as_of, settings)
    return _emit(indicators, INDICATOR_KEYS, args.format)


def cmd_resources(args: argparse.Namespace) -> int:
    from pmo_analytics.indicators.resources import resource_load

    try:
        store, as_of = open_snapshot(args.db, args.as_of)
    except NoData as err:
        return _fail(str(err))
    tables = store.load_tables(["people", "allocations"], as_of)
    start, end = resource_window(as_of, args.period)
    load = resource_load(tables["allocations"], tables["people"], args.period, args.by, start, end)
    keys = ["person_name" if args.by == "person" else "team", *RESOURCE_KEYS]
    return _emit(load, keys, args.format)


TREND_TABLES = ["projects", "cost_periods", "milestones", "risks", "issues"]


def _check_out_path(out: Path) -> None:
    """Fail before any work when the report cannot be written there. Raises :class:`NoData`."""
    if out.is_dir():
        raise NoData(f"cannot write the report to {out}: it is a folder (give a file name, e.g. {out / 'report.xlsx'})")
    if not out.parent.is_dir():
        raise NoData(f"cannot write the report to {out}: no folder {out.parent}")
    if not os.access(out.parent, os.W_OK):
        raise NoData(f"cannot write the report to {out}: the folder {out.parent} is not writable")


def _write_atomically(out: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder: a reader never sees half a workbook."""
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cmd_report(args: argparse.Namespace) -> int:
    from pmo_analytics import dashboard
    from pmo_analytics.indicators.health import SettingsError, load_settings
    from pmo_analytics.indicators.portfolio import previous_snapshot
    from pmo_analytics.report import build_report
    from pmo_analytics.report_content import TREND_SNAPSHOTS

    out = Path(args.out).expanduser()
    try:
        _check_out_path(out)
        settings = load_settings()
        store, as_of = open_snapshot(args.db, args.as_of)
    except (NoData, SettingsError) as err:
        return _fail(str(err))
    dates = [d for d in store.snapshot_dates() if d <= as_of]
    # --as-of 2026-03-15 shows the snapshot of 2026-02-28: compare with the one before that, not with itself.
    previous = previous_snapshot(dates, dates[-1])
    tables = store.load_tables(None, as_of)
    previous_tables = store.load_tables(None, previous) if previous else None
    trend_dates = dates[-TREND_SNAPSHOTS:]
    snapshots = [(d, store.load_tables(TREND_TABLES, d)) for d in trend_dates]
    _, history = dashboard.trends(snapshots, settings)
    data = build_report(tables, as_of, previous_tables, previous, settings, history)
    try:
        _write_atomically(out, data)
    except OSError as err:
        return _fail(f"cannot write the report to {out}: {err.strerror or err}")
    compared = f", compared with {previous}" if previous else ""
    print(f"wrote {out}: {len(tables['projects'])} projects as of {as_of}{compared}")
    return EXIT_OK


ANALYSIS_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "indicators": cmd_indicators,
    "resources": cmd_resources,
    "report": cmd_report,
}

"""Command line: python -m pmo_analytics demo | import | indicators | resources (DESIGN.md, "Command line").

The analysis commands live in cli_analysis.py.

Exit codes: 0 done, 2 unusable input or a busy database (one line on stderr, nothing stored), 1 a bug.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pmo_analytics.cli_analysis import ANALYSIS_COMMANDS, add_analysis_commands
from pmo_analytics.ingest.model import ImportResult, UnusableFile

EXIT_OK = 0
EXIT_UNUSABLE = 2
DEMO_DENSITIES = ("standard", "large")  # pmo_analytics.demo_registers.DENSITIES, not imported: it loads numpy


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pmo_analytics", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the demo portfolio and load it through the importer")
    demo.add_argument("--db", help="database file (default: $PMO_DB, else data/pmo.duckdb)")
    demo.add_argument("--projects", type=int, default=40, help="number of projects (default 40)")
    demo.add_argument("--months", type=int, default=12, help="monthly snapshots (default 12)")
    demo.add_argument("--out", help="write the workbooks to this folder (kept); default: a temporary folder")
    demo.add_argument("--no-load", action="store_true", help="only write the workbooks (needs --out)")
    demo.add_argument(
        "--density",
        choices=DEMO_DENSITIES,
        default="standard",
        help="people, team size, risks and issues per project: standard (default) or large, issue 5's large PMO"
        " (with --projects 2000: ~100,000 allocation rows and ~10,000 risks per snapshot)",
    )

    imp = sub.add_parser("import", help="import workbooks or CSV files as one dated snapshot")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--db", help="database file (default: $PMO_DB, else data/pmo.duckdb)")
    imp.add_argument("--as-of", type=_date, default=None, help="reporting date YYYY-MM-DD (default: today)")
    imp.add_argument("--json", action="store_true", help="print the import summary as one JSON object")
    add_analysis_commands(sub)
    return parser


def import_summary(result: ImportResult) -> dict[str, object]:
    """The `import --json` object of DESIGN.md."""
    rejected = result.rejected.rename(columns={"table_name": "table"})
    warnings = result.warnings.rename(columns={"table_name": "table"})
    return {
        "import_id": result.import_id,
        "as_of": result.as_of.isoformat(),
        "files": [f.name for f in result.files],
        "tables": result.table_summary(),
        "rejected": _records(rejected[["table", "sheet", "row", "column", "value", "reason"]]),
        "warnings": _records(warnings[["table", "sheet", "row", "column", "value", "reason"]]),
        "skipped_sheets": [
            {"file": s.file_name, "sheet": s.sheet, "reason": s.reason} for s in result.sheets if s.table is None
        ],
        "already_imported": result.duplicate_of is not None,
    }


def _records(frame) -> list[dict[str, object]]:  # noqa: ANN001
    return json.loads(frame.to_json(orient="records", force_ascii=False)) if len(frame) else []


def _print_human(result: ImportResult) -> None:
    if result.duplicate_of is not None:
        print(f"already imported as import {result.duplicate_of} for {result.as_of}: nothing stored again")
        return
    print(f"import {result.import_id} as of {result.as_of}: {', '.join(f.name for f in result.files)}")
    for table, s in result.table_summary().items():
        print(f"  {table:<13} {s['rows_loaded']:>7} loaded {s['rows_rejected']:>6} rejected  ({s['sheet']})")
    for s in result.sheets:
        if s.table is None:
            print(f"  skipped sheet {s.sheet!r} of {s.file_name}: {s.reason}")
    if len(result.rejected):
        print(
            f"  {len(result.rejected)} rejected rows, e.g. row {result.rejected['row'].iloc[0]} of {result.rejected['sheet'].iloc[0]}: {result.rejected['reason'].iloc[0]}"
        )
    if len(result.warnings):
        print(f"  {len(result.warnings)} warnings")


def cmd_import(args: argparse.Namespace) -> int:
    from pmo_analytics.ingest.reader import ReadAhead  # the standard library only: no pandas yet

    for name in args.files:
        if not Path(name).is_file():
            raise UnusableFile(f"{name}: no such file")
    paths = [Path(f) for f in args.files]
    # Arrow's default allocator (mimalloc) keeps what a sheet's parsing freed for reuse; the C library's returns
    # it, which takes ~25 MB off the peak of a 2,000-project import at the same speed (bench/README.md). Set
    # before pyarrow loads, here and (inherited) in the readers.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    # The sandboxed readers start first and parse the workbooks while this process loads pandas and DuckDB.
    with ReadAhead([(path.name, path) for path in paths]) as read_ahead:
        from pmo_analytics.ingest.pipeline import import_files
        from pmo_analytics.store import Store

        result = import_files(paths, args.as_of or dt.date.today(), Store(args.db), read_ahead=read_ahead)
    if args.json:
        print(json.dumps(import_summary(result), ensure_ascii=False, default=str))
    else:
        _print_human(result)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from pmo_analytics.demo_loader import load_demo

    if args.no_load and not args.out:
        raise UnusableFile("--no-load writes the workbooks only: give --out FOLDER")
    report = load_demo(
        args.db,
        projects=args.projects,
        months=args.months,
        out=args.out,
        load=not args.no_load,
        density=args.density,
    )
    for line in report:
        print(line)
    return EXIT_OK


def _is_busy_database(err: Exception) -> bool:
    # Only a loaded store raises DatabaseBusy; importing it here would load DuckDB before `import` starts reading.
    store = sys.modules.get("pmo_analytics.store")
    return store is not None and isinstance(err, store.DatabaseBusy)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"import": cmd_import, "demo": cmd_demo, **ANALYSIS_COMMANDS}
    try:
        return handlers[args.command](args)
    except UnusableFile as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # `... | head` closed the pipe: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted: nothing was stored by the unfinished step", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: one line for the user, the traceback only on request
        if _is_busy_database(err):
            print(f"error: {err}", file=sys.stderr)
            return EXIT_UNUSABLE
        if os.environ.get("PMO_DEBUG"):
            raise
        print(f"internal error: {type(err).__name__}: {err} (run with PMO_DEBUG=1 for details)", file=sys.stderr)
        return 1

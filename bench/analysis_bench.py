"""Whole-process wall time, CPU time and peak memory of `indicators` and `resources` over issue 5's portfolios.

    python bench/analysis_bench.py [--runs 3] [--projects 40 2000] [--no-workbook] [--compare-tree DIR]

The databases (cached in bench/out/, git-ignored):
  workbook 2000  issue 5's large workbook (bench/big_workbook.py: 2,000 projects, 72,000 cost-period rows,
                 100,000 allocation rows, 10,000 risks) imported once as a user does:
                 `python -m pmo_analytics import bench/out/portfolio_2000.xlsx --db bench/out/analysis_big.duckdb
                 --as-of 2026-03-31` (one snapshot); --reimport imports it again
  demo N         the demo portfolio at N projects x 12 monthly snapshots (bench/portfolio_db.py), for each N of
                 --projects (none: --projects with no number)
Commands: `python -m pmo_analytics indicators --db DB --format json` and `resources --period week|month|quarter
--format json` (the output goes to /dev/null). One unmeasured run of each first (warm file cache; it counts the
records and bytes written). Then every round runs each command once, in turn (a burst of load from another user of
the machine hits all alike); the figures are medians over the rounds (bench/common.py: wall time, CPU time of the
process tree, peak RSS). --compare-tree DIR runs the same commands with another checkout's pmo_analytics in the same
rounds (before/after figures). Prints the tables, the command lines and the machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]  # common, package
from common import OUT, ROOT, Command, add_compare_tree, machine, side_by_side  # noqa: E402

ANALYSES = {
    "indicators": ["indicators", "--format", "json"],
    "resources --period week": ["resources", "--period", "week", "--format", "json"],
    "resources --period month": ["resources", "--period", "month", "--format", "json"],
    "resources --period quarter": ["resources", "--period", "quarter", "--format", "json"],
}
WORKBOOK = "workbook 2000"
WORKBOOK_DB = OUT / "analysis_big.duckdb"
WORKBOOK_AS_OF = "2026-03-31"


def command(analysis: str, db: Path, tree: Path = ROOT) -> Command:
    """`python -m pmo_analytics indicators --db DB --format json`, run in ``tree`` (its pmo_analytics)."""
    subcommand, *options = ANALYSES[analysis]
    argv = [sys.executable, "-m", "pmo_analytics", subcommand, "--db", str(db.resolve()), *options]
    return Command(argv, cwd=tree.resolve())


def import_workbook(reimport: bool) -> Path:
    """bench/out/analysis_big.duckdb: the large workbook imported by the command line (once; again on ``reimport``).

    Imported into a partial file renamed when the import succeeded: an interrupted run leaves no half database.
    """
    from big_workbook import build_workbook  # writes bench/out/portfolio_2000.xlsx the first time (about a minute)

    workbook = build_workbook(2_000)
    if WORKBOOK_DB.exists() and not reimport and WORKBOOK_DB.stat().st_mtime >= workbook.stat().st_mtime:
        return WORKBOOK_DB
    partial = WORKBOOK_DB.with_name(WORKBOOK_DB.stem + ".partial.duckdb")
    partial.unlink(missing_ok=True)
    partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    argv = [sys.executable, "-m", "pmo_analytics", "import", str(workbook), "--db", str(partial)]
    done = subprocess.run([*argv, "--as-of", WORKBOOK_AS_OF, "--json"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the import of {workbook} failed: {done.stderr.strip()}")
    partial.replace(WORKBOOK_DB)
    return WORKBOOK_DB


def table_rows(db: Path) -> str:
    """The rows of the latest snapshot's tables: "projects 2,000, cost_periods 72,000, ..."."""
    from pmo_analytics.store import Store

    store = Store(db, read_only=True)
    tables = store.load_tables(None, store.snapshot_dates()[-1])
    return ", ".join(f"{name} {len(frame):,}" for name, frame in tables.items())


def output_size(cmd: Command) -> tuple[int, int]:
    """Run ``cmd`` once, unmeasured (the database in the file cache): the records and bytes of its JSON."""
    done = subprocess.run(cmd, cwd=cmd.cwd, capture_output=True, check=True)
    return len(json.loads(done.stdout)), len(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are quoted (default 3)")
    parser.add_argument(
        "--projects", type=int, nargs="*", default=[40, 2000], help="demo portfolio sizes (default 40 2000)"
    )
    parser.add_argument("--no-workbook", action="store_true", help="leave out the imported large workbook")
    parser.add_argument("--reimport", action="store_true", help="import the large workbook again")
    add_compare_tree(parser)
    args = parser.parse_args(argv)

    from portfolio_db import build  # imports pandas and pmo_analytics: after the arguments are checked

    databases: dict[str, Path] = {}
    if not args.no_workbook:
        databases[WORKBOOK] = import_workbook(args.reimport)
    databases |= {f"demo {n}": build(n, verbose=False) for n in args.projects}
    trees = {"this": ROOT} | ({"compared": args.compare_tree} if args.compare_tree else {})
    contenders = {
        (analysis, label, tree_label): (lambda r, a=analysis, db=db, tree=tree: command(a, db, tree))
        for label, db in databases.items()
        for analysis in ANALYSES
        for tree_label, tree in trees.items()
    }
    sizes = {key: output_size(build_command(0)) for key, build_command in contenders.items()}
    results = side_by_side(contenders, dict.fromkeys(contenders, args.runs))

    print("databases:")
    for label, db in databases.items():
        origin = f", imported from bench/out/portfolio_2000.xlsx as of {WORKBOOK_AS_OF}" if label == WORKBOOK else ""
        print(f"  {label}: {db.relative_to(ROOT)} ({db.stat().st_size / 1024**2:.0f} MiB){origin}")
        print(f"    latest snapshot: {table_rows(db)}")
    print(
        f"\nmedians of {args.runs} runs, whole process (python start-up, imports, DuckDB read, analysis, JSON out); "
        "CPU = user + system of the process tree"
    )
    if args.compare_tree:
        print(f"checkout: this = {ROOT}, compared = {args.compare_tree.resolve()}")
    print(
        f"{'database':<14} {'command':<27} {'checkout':<9} {'records':>8} {'JSON (MB)':>9} {'wall (s)':>9} "
        f"{'CPU (s)':>8} {'peak (MiB)':>10}  wall of each run (s)"
    )
    for (analysis, label, tree_label), r in results.items():
        records, size = sizes[(analysis, label, tree_label)]
        print(
            f"{label:<14} {analysis:<27} {tree_label:<9} {records:>8,} {size / 1e6:>9.1f} {r['wall_s']:>9.2f} "
            f"{r['cpu_s']:>8.2f} {r['peak_mib']:>10.0f}  {r['walls']}"
        )
    demo = [f"demo {n}" for n in args.projects]
    if len(demo) == 2:
        print(f"\nwall time, {demo[1]} / {demo[0]} (this checkout):")
        for analysis in ANALYSES:
            ratio = results[(analysis, demo[1], "this")]["wall_s"] / results[(analysis, demo[0], "this")]["wall_s"]
            print(f"  {analysis:<27} {ratio:>5.1f}x")
    if args.compare_tree:
        print(f"\n{'compared / this checkout':<45} {'wall':>5}  {'CPU':>5}  {'peak':>5}")
        for (analysis, label, tree_label), r in results.items():
            if tree_label == "compared":
                this = results[(analysis, label, "this")]
                ratios = [r[key] / this[key] for key in ("wall_s", "cpu_s", "peak_mib")]
                print(f"  {label:<14} {analysis:<27} " + " ".join(f"{ratio:>5.2f}x" for ratio in ratios))
    print("\ncommand lines (in this checkout):")
    for db in databases.values():
        for analysis in ANALYSES:
            line = " ".join(command(analysis, db)).replace(sys.executable, "python")
            print("  " + line.replace(str(ROOT) + "/", ""))
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Whole-process wall time and peak memory of `indicators` and `resources` over the demo portfolio at 40 and
2,000 projects (12 monthly snapshots each, built by bench/portfolio_db.py and cached in bench/out/).

    python bench/analysis_bench.py [--runs 3] [--projects 40 2000]

Every round runs each command once, in turn (a burst of load from another user of the machine hits all alike);
the figures are medians over the rounds. Prints the table, the command lines and the machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]  # common, package
from common import ROOT, machine, side_by_side  # noqa: E402
from portfolio_db import build  # noqa: E402

ANALYSES = {
    "indicators": ["indicators", "--format", "json"],
    "resources --period week": ["resources", "--period", "week", "--format", "json"],
    "resources --period month": ["resources", "--period", "month", "--format", "json"],
    "resources --period quarter": ["resources", "--period", "quarter", "--format", "json"],
}


def command(analysis: str, db: Path) -> list[str]:
    """`python -m pmo_analytics indicators --db DB --format json` (the output goes to /dev/null)."""
    subcommand, *options = ANALYSES[analysis]
    return [sys.executable, "-m", "pmo_analytics", subcommand, "--db", str(db), *options]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are quoted (default 3)")
    parser.add_argument("--projects", type=int, nargs="+", default=[40, 2000], help="portfolio sizes (default 40 2000)")
    args = parser.parse_args(argv)
    databases = {n: build(n, verbose=False) for n in args.projects}
    contenders = {
        (analysis, n): (lambda r, a=analysis, db=db: command(a, db))
        for n, db in databases.items()
        for analysis in ANALYSES
    }
    results = side_by_side(contenders, dict.fromkeys(contenders, args.runs))

    sizes = args.projects
    header = f"{'command':<28}" + "".join(f" {f'wall@{n} (s)':>13} {f'peak@{n} (MiB)':>15}" for n in sizes)
    if len(sizes) == 2:
        header += f" {'wall ratio':>10}"
    print(f"medians of {args.runs} runs, whole process (python start-up, imports, DuckDB read, analysis, JSON out)")
    print(header)
    for analysis in ANALYSES:
        line = f"{analysis:<28}"
        for n in sizes:
            r = results[(analysis, n)]
            line += f" {r['wall_s']:>13.2f} {r['peak_mib']:>15.0f}"
        if len(sizes) == 2:
            line += f" {results[(analysis, sizes[1])]['wall_s'] / results[(analysis, sizes[0])]['wall_s']:>9.1f}x"
        print(line)
    print("runs (s):")
    for (analysis, n), r in results.items():
        print(f"  {analysis} @{n}: {r['walls']}")
    print("command lines:")
    for db in databases.values():
        for analysis in ANALYSES:
            print("  " + " ".join(command(analysis, db.relative_to(ROOT))).replace(sys.executable, "python"))
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

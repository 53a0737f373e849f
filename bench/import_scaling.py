"""Does import time grow linearly with rows? The same cost-period export at 20,000 and at 200,000 rows, imported as
whole processes in alternating rounds; prints the figures, issue 5's linearity target and the machine.

    python bench/import_scaling.py [--runs 5] [--small 20000] [--factor 10]

Target: 10 x the rows takes at most 11 x the time. fastexcel's bare read of both files runs in the same rounds for
context: a whole process has a fixed cost (Python and the libraries starting), which favours the large file in both.
"""

from __future__ import annotations

import argparse
import sys

from common import (
    OUT,
    bare_read_command,
    describe_workbook,
    import_command,
    machine,
    print_results,
    side_by_side,
    verdict,
)
from import_200k import build_workbook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--small", type=int, default=20_000, help="rows of the small workbook (default 20,000)")
    parser.add_argument("--factor", type=int, default=10, help="the large workbook has this many times the rows")
    args = parser.parse_args()
    sizes = {"small": args.small, "large": args.small * args.factor}
    paths = {label: build_workbook(rows) for label, rows in sizes.items()}
    contenders = {}
    for label, rows in sizes.items():
        path = paths[label]
        contenders[f"import of {rows:,} rows"] = lambda r, path=path, label=label: import_command(
            path, OUT / f"bench_scaling_{label}.duckdb"
        )
        contenders[f"bare read of {rows:,} rows"] = lambda r, path=path: bare_read_command(path)
    results = side_by_side(contenders, {name: args.runs for name in contenders})
    for label, rows in sizes.items():
        print(f"workbook {label}: {describe_workbook(paths[label])}, {rows:,} rows x 12 columns")
    print_results(results)
    small, large = (f"{rows:,} rows" for rows in sizes.values())
    print(f"target ({args.factor} x the rows; ratio of the medians above):")
    ratio = results[f"import of {large}"]["wall_s"] / results[f"import of {small}"]["wall_s"]
    passed = verdict("import: large / small, whole process", ratio, args.factor * 1.1)
    bare = results[f"bare read of {large}"]["wall_s"] / results[f"bare read of {small}"]["wall_s"]
    print(f"  for context, the bare read: large / small {bare:.2f}x")
    print(f"machine: {machine()}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()

"""Import of a 200,000-row workbook as a whole process, side by side with fastexcel's bare read of the same file
and with pandas.read_excel(engine="openpyxl"); prints the figures, issue 5's import targets and the machine.

    python bench/import_200k.py [--runs 5] [--rows 200000] [--openpyxl-runs 1] [--compare-tree DIR]

The workbook (12 columns: a long cost-period export with Dutch text amounts and day-first dates, the shape a finance
system writes, with a title row above the header) is generated once into bench/out/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from common import (
    BARE,
    OPENPYXL,
    OUT,
    add_compare_tree,
    bare_read_command,
    describe_workbook,
    import_contenders,
    import_targets,
    machine,
    pandas_openpyxl_command,
    print_results,
    side_by_side,
)

HEADERS = [
    "Projectcode",
    "Projectnaam",
    "Periode",
    "Kostensoort",
    "Begroot",
    "Werkelijk",
    "Verdiend",
    "Prognose",
    "Kostenplaats",
    "Grootboek",
    "Boekdatum",
    "Omschrijving",
]


def build_workbook(rows: int) -> Path:
    """One sheet, title row above the header; 200,000 rows take ~40 s to write with openpyxl (once)."""
    path = OUT / f"costs_{rows}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    OUT.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Kosten per periode")
    ws.append(["Kostenoverzicht per project per maand"])
    ws.append(HEADERS)
    categories = ["Intern", "Extern", "Licenties", "Hardware"]
    for i in range(rows):
        project = i // 48
        month = (i // 4) % 12 + 1
        ws.append(
            [
                f"P-{project:05d}",
                f"Project {project}",
                f"{2026 - (i // 48) % 3}-{month:02d}",
                categories[i % 4],
                f"€ {1000 + i % 997:,}.{i % 100:02d}".replace(",", "X").replace(".", ",").replace("X", "."),
                round(900.5 + i % 1013, 2),
                850 + i % 1009,
                None if i % 3 else 1200.0,
                f"KP{i % 50:03d}",
                4000 + i % 20,
                dt.datetime(2026, month, 1 + i % 28),
                "maandafsluiting",
            ]
        )
    partial = path.with_suffix(".partial.xlsx")  # an interrupted run leaves no half-written cache behind
    wb.save(partial)
    partial.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5, help="rounds of import and bare read (default 5)")
    parser.add_argument(
        "--openpyxl-runs", type=int, default=1, help="runs of pandas.read_excel with openpyxl (slow; 0 skips it)"
    )
    add_compare_tree(parser)
    args = parser.parse_args()
    path = build_workbook(args.rows)
    contenders = {
        BARE: lambda r: bare_read_command(path),
        **import_contenders(path, "import_200k", args.compare_tree),
        OPENPYXL: lambda r: pandas_openpyxl_command(path),
    }
    runs = {name: args.runs for name in contenders} | {OPENPYXL: args.openpyxl_runs}
    results = side_by_side(contenders, runs)
    print(f"workbook: {describe_workbook(path)}, {args.rows:,} rows x 12 columns, one sheet")
    print_results(results)
    passed = import_targets(results)
    print(f"machine: {machine()}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()

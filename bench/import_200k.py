"""Import of a 200,000-row workbook as a whole process, side by side with fastexcel's bare read of the same file
and with pandas.read_excel(engine="openpyxl"); prints the figures, issue 5's import targets and the machine.

    python bench/import_200k.py [--runs 5] [--rows 200000] [--openpyxl-runs 1] [--compare-tree DIR]

The workbook (12 columns: a long cost-period export with Dutch text amounts and day-first dates, the shape a finance
system writes, with a title row above the header) is generated once into bench/out/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from common import (
    OUT,
    add_import_race_arguments,
    describe_workbook,
    race_import,
    report_import,
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
    add_import_race_arguments(parser)
    args = parser.parse_args()
    path = build_workbook(args.rows)
    results = race_import(path, "import_200k", args)
    print(f"workbook: {describe_workbook(path)}, {args.rows:,} rows x 12 columns, one sheet")
    report_import(results)


if __name__ == "__main__":
    main()

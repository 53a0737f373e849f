"""Import of a 200,000-row workbook as a whole process, beside fastexcel's bare read of the same file.

    python bench/import_200k.py [--runs 3] [--rows 200000] [--openpyxl]

The workbook (12 columns: a long cost-period export with Dutch text amounts and day-first dates, the shape a finance
system writes) is generated once into bench/out/ and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from common import OUT, ROOT, machine, median_of

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
    wb.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--openpyxl", action="store_true", help="also time pandas.read_excel with openpyxl (slow)")
    args = parser.parse_args()
    path = build_workbook(args.rows)
    db = OUT / "bench_import.duckdb"
    bare = median_of(
        args.runs,
        [
            sys.executable,
            "-c",
            "import sys, fastexcel; r = fastexcel.read_excel(sys.argv[1]); "
            "[r.load_sheet(n).to_arrow() for n in r.sheet_names]",
            str(path),
        ],
    )
    results = {"fastexcel bare read (all sheets)": bare}
    imports = []
    for run in range(args.runs):
        db.unlink(missing_ok=True)
        imports.append(
            median_of(
                1,
                [
                    sys.executable,
                    "-m",
                    "pmo_analytics",
                    "import",
                    str(path),
                    "--db",
                    str(db),
                    "--as-of",
                    f"2026-{run + 1:02d}-28",
                ],
            )
        )
    results["pmo_analytics import (whole process)"] = {
        "wall_s": sorted(r["wall_s"] for r in imports)[len(imports) // 2],
        "peak_mib": sorted(r["peak_mib"] for r in imports)[len(imports) // 2],
        "runs": args.runs,
    }
    if args.openpyxl:
        results["pandas.read_excel (openpyxl)"] = median_of(
            1,
            [
                sys.executable,
                "-c",
                "import sys, pandas as pd; pd.read_excel(sys.argv[1], sheet_name=None, engine='openpyxl')",
                str(path),
            ],
        )
    print(f"machine: {machine()}")
    print(
        f"workbook: {path.relative_to(ROOT)} ({path.stat().st_size / 1024**2:.1f} MiB, {args.rows:,} rows x 12 columns)"
    )
    print(f"{'what':<40} {'median wall (s)':>16} {'peak RSS (MiB)':>15}")
    for name, r in results.items():
        print(f"{name:<40} {r['wall_s']:>16.2f} {r['peak_mib']:>15.0f}")
    ratio = results["pmo_analytics import (whole process)"]["wall_s"] / bare["wall_s"]
    mem = results["pmo_analytics import (whole process)"]["peak_mib"] / bare["peak_mib"]
    print(f"import / bare read: {ratio:.2f}x time, {mem:.2f}x peak memory")


if __name__ == "__main__":
    main()

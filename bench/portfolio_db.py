"""A DuckDB file with the demo portfolio at N projects x 12 monthly snapshots, built without writing workbooks.

    python bench/portfolio_db.py --projects 2000          # bench/out/portfolio_2000p_12m_large.duckdb (cached)
    python bench/portfolio_db.py --projects 40 --rebuild  # build again even if the file exists

The demo's truth frames (pmo_analytics.demo_data.iter_snapshots: the contract tables each month's workbooks hold)
are saved one snapshot at a time through ``Store.save_import``, with the provenance columns the importer adds
(source_file, source_sheet, source_row, extra), so the database has the shape an import of the demo workbooks
gives, in seconds rather than the minutes of writing and importing 60 workbooks. The analysis and page
benchmarks read it; it is cached in bench/out/ (git-ignored) per number of projects and density.

Density (pmo_analytics.demo.Density): from 1,000 projects on the portfolio is built at the "large" density, issue
5's large PMO (at 2,000 projects the last snapshot holds 2,000 projects, ~85,000 cost-period rows, ~100,000
allocation rows, ~10,000 risks); below that at the "standard" density of the app's own demo (40 projects: the
portfolio a newcomer sees). ``--density`` overrides the choice.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]  # common, package
from common import OUT, machine  # noqa: E402

from pmo_analytics.demo_data import DENSITIES, SnapshotTruth, iter_snapshots  # noqa: E402
from pmo_analytics.ingest.model import FileInfo, ImportResult, SheetLoad, empty_issues  # noqa: E402
from pmo_analytics.store import Store  # noqa: E402

MONTHS = 12
SEED = 7
END = date(2026, 10, 31)  # fixed, so a cached file stays the same portfolio whatever today's date
LARGE_FROM = 1000  # projects: from here on the "large" density (issue 5's large PMO), below it "standard"
# table -> (workbook stem, sheet, Excel row of the header) as pmo_analytics.demo_workbooks writes them.
SOURCES = {
    "projects": ("projectenregister", "Projecten", 3),  # a title row and a blank row above the header
    "milestones": ("project_online_export", "Milestones", 1),
    "cost_periods": ("financien", "Begroting", 1),
    "risks": ("risicoregister", "Risico's", 1),
    "issues": ("risicoregister", "Issues", 1),
    "people": ("resourceplan", "Medewerkers", 1),
    "allocations": ("resourceplan", "Inzet", 1),
}


def default_density(projects: int) -> str:
    """2000 -> "large", 40 -> "standard"."""
    return "large" if projects >= LARGE_FROM else "standard"


def db_path(projects: int, density: str | None = None) -> Path:
    """bench/out/portfolio_40p_12m.duckdb (standard), bench/out/portfolio_2000p_12m_large.duckdb (large)."""
    density = density or default_density(projects)
    return OUT / f"portfolio_{projects}p_{MONTHS}m{'' if density == 'standard' else '_' + density}.duckdb"


def with_provenance(table: str, frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The truth frame plus the columns the importer adds: file, sheet, Excel row (header + 1 onwards), extra."""
    stem, sheet, header_row = SOURCES[table]
    return frame.assign(
        source_file=f"{stem}_{as_of:%Y-%m}.xlsx",
        source_sheet=sheet,
        source_row=pd.array(range(header_row + 1, header_row + 1 + len(frame)), dtype="Int64"),
        extra=pd.Series(pd.NA, index=frame.index, dtype="str"),
    )


def import_result(snapshot: SnapshotTruth, projects: int, density: str = "standard") -> ImportResult:
    """An ImportResult as the importer would give for the snapshot's five workbooks (nothing rejected)."""
    as_of = snapshot.as_of
    frames = {name: with_provenance(name, frame, as_of) for name, frame in snapshot.tables.items()}
    files = sorted({f"{stem}_{as_of:%Y-%m}.xlsx" for stem, _, _ in SOURCES.values()})
    return ImportResult(
        as_of=as_of,
        # A made-up sha256 per (portfolio size, density, file): the store's duplicate check sees distinct files.
        files=[
            FileInfo(name, hashlib.sha256(f"{projects}/{density}/{name}".encode()).hexdigest(), 0) for name in files
        ],
        frames=frames,
        sheets=[
            SheetLoad(
                file_name=f"{SOURCES[name][0]}_{as_of:%Y-%m}.xlsx",
                sheet=SOURCES[name][1],
                table=name,
                header_row=SOURCES[name][2],
                rows_read=len(frame),
                rows_loaded=len(frame),
            )
            for name, frame in frames.items()
        ],
        rejected=empty_issues(with_raw=True),
        warnings=empty_issues(),
    )


def build(projects: int, *, density: str | None = None, rebuild: bool = False, verbose: bool = True) -> Path:
    """The cached database of the demo portfolio at ``projects`` projects (built when missing or ``rebuild``),
    at ``density`` (default: :func:`default_density`)."""
    density = density or default_density(projects)
    path = db_path(projects, density)
    if path.exists() and not rebuild:
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.duckdb")  # renamed when complete: no half-built cache
    partial.unlink(missing_ok=True)
    partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    store = Store(partial)
    start = time.perf_counter()
    for snapshot in iter_snapshots(projects, MONTHS, seed=SEED, end=END, density=density):
        store.save_import(
            import_result(snapshot, projects, density), note=f"bench portfolio, {projects} projects, {density} density"
        )
        if verbose:
            rows = ", ".join(f"{name} {len(frame):,}" for name, frame in snapshot.tables.items())
            print(f"  {snapshot.as_of}: {rows}  ({time.perf_counter() - start:.1f} s)", flush=True)
    partial.replace(path)
    return path


def row_counts(path: Path) -> pd.DataFrame:
    """One row per snapshot date: the rows of each contract table in the import of that date."""
    store = Store(path, read_only=True)
    counts = {}
    for as_of in store.snapshot_dates():
        counts[as_of] = {name: len(frame) for name, frame in store.load_tables(None, as_of).items()}
    return pd.DataFrame.from_dict(counts, orient="index")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2000, help="projects in the demo portfolio (default 2000)")
    parser.add_argument(
        "--density",
        choices=sorted(DENSITIES),
        help=f"people, team, risks and issues per project (default: large from {LARGE_FROM:,} projects on)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build even when the cached file exists")
    args = parser.parse_args(argv)
    density = args.density or default_density(args.projects)
    start = time.perf_counter()
    path = build(args.projects, density=density, rebuild=args.rebuild)
    print(f"{path} ({path.stat().st_size / 1024**2:.0f} MiB, ready in {time.perf_counter() - start:.1f} s)")
    counts = row_counts(path)
    print(f"rows per table per snapshot, {args.projects:,} projects at the {density} density:")
    print(counts.to_string(formatters={c: "{:,}".format for c in counts.columns}))
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

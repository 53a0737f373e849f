"""Load the demo portfolio through the real importer: the same path an analyst's uploads take."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from pmo_analytics.demo import STANDARD, Density, write_demo_workbooks
from pmo_analytics.ingest.pipeline import import_files
from pmo_analytics.store import Store


def load_demo(
    db: str | Path | None = None,
    *,
    projects: int = 40,
    months: int = 12,
    out: str | Path | None = None,
    load: bool = True,
    end: dt.date | None = None,
    density: Density | str = STANDARD,
) -> list[str]:
    """Write the demo workbooks (to `out`, else a temporary folder) and import one snapshot per month.

    ``density`` ("standard" or "large") sets people, team size, risks and issues per project (demo.Density).

    Returns the lines to show: one per snapshot ("2026-03-31: import 4, 1,234 rows loaded, 3 rejected").
    """
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pmo-demo-") as tmp:
        folder = Path(out) if out else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        snapshots = write_demo_workbooks(folder, projects=projects, months=months, end=end, density=density)
        if not load:
            return [f"{s.as_of}: {', '.join(p.name for p in s.files)}" for s in snapshots] + [f"written to {folder}"]
        store = Store(db)
        for snap in snapshots:
            result = import_files(snap.files, snap.as_of, store)
            summary = result.table_summary()
            loaded = sum(int(t["rows_loaded"]) for t in summary.values())
            rejected = sum(int(t["rows_rejected"]) for t in summary.values())
            if result.duplicate_of is not None:
                lines.append(f"{snap.as_of}: already loaded as import {result.duplicate_of}")
            else:
                lines.append(f"{snap.as_of}: import {result.import_id}, {loaded:,} rows loaded, {rejected:,} rejected")
        lines.append(f"demo portfolio in {store.path}")
    return lines

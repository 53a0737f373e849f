"""The demo portfolio: about 40 projects in 4 portfolios over 12 monthly snapshots, as the workbooks a Dutch
PMO collects each month (register, Project Online milestones, finance grids, risk register, resource plan).

``python -m pmo_analytics demo`` writes them with :func:`write_demo_workbooks` and loads every snapshot through
the real importer, so a newcomer's first screen is a living portfolio and the importer is exercised on
realistic shapes. :func:`build_portfolio` gives the same data as frames (the "truth") to compare a load with.

    snapshots = write_demo_workbooks(Path("data/demo"))
    snapshots[-1].as_of   # the last month-end before today
    snapshots[-1].files   # [projectenregister_2026-03.xlsx, project_online_export_2026-03.xlsx, ...]

The portfolio grows with ``projects`` (cost periods, milestones, risks, people and allocations with it);
``density="large"`` staffs and registers each project as issue 5's large PMO does (about 50 resource-plan rows
and 5 risks per project instead of 31 and 2.9, see :class:`Density`), for ``demo --projects 2000 --density large``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pmo_analytics.demo_data import (
    DENSITIES,
    LARGE,
    STANDARD,
    Density,
    Portfolio,
    SnapshotTruth,
    build_portfolio,
    default_end,
    iter_snapshots,
    snapshot_dates,
)
from pmo_analytics.demo_workbooks import write_snapshot


@dataclass(frozen=True)
class DemoSnapshot:
    """The workbooks of one monthly snapshot, to be imported together with ``as_of`` as the reporting date."""

    as_of: date
    files: list[Path]


def write_demo_workbooks(
    out_dir: Path,
    projects: int = 40,
    months: int = 12,
    *,
    seed: int = 7,
    end: date | None = None,
    density: Density | str = STANDARD,
) -> list[DemoSnapshot]:
    """Write five workbooks per month-end into ``out_dir`` (created if missing), oldest snapshot first.

    Deterministic: the same arguments give byte-identical files. ``end`` defaults to the last month-end
    before today and is rounded down to a month-end. ``density``: "standard" (the default) or "large".
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        DemoSnapshot(snapshot.as_of, write_snapshot(out_dir, snapshot))
        for snapshot in iter_snapshots(projects, months, seed=seed, end=end, density=density)
    ]


__all__ = [
    "DENSITIES",
    "LARGE",
    "STANDARD",
    "DemoSnapshot",
    "Density",
    "Portfolio",
    "SnapshotTruth",
    "build_portfolio",
    "default_end",
    "snapshot_dates",
    "write_demo_workbooks",
]

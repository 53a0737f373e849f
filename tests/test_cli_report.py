"""`python -m pmo_analytics report` end to end: a subprocess over the demo database, and the exit-2 cases."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pmo_analytics.store import Store

REPO = Path(__file__).resolve().parent.parent
SHEETS = ["Summary", "Projects", "Changes", "Milestones", "Risks", "Issues", "Resources", "Trend"]


def run(*args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PMO_DB", "PMO_HEALTH_SETTINGS")}
    environment["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "pmo_analytics", "report", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_report_of_the_latest_snapshot(demo_db, tmp_path):
    store = Store(demo_db, read_only=True)
    dates = store.snapshot_dates()
    projects = store.load_table("projects", dates[-1])
    out = tmp_path / "board.xlsx"
    result = run("--out", str(out), "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == f"wrote {out}: {len(projects)} projects as of {dates[-1]}, compared with {dates[-2]}"
    )
    book = load_workbook(out)
    assert book.sheetnames == SHEETS
    summary = book["Summary"]
    # the demo ends on 2026-10-31; the snapshot before is 2026-09-30
    assert summary["A2"].value == "As of 31 Oct 2026, compared with the snapshot of 30 Sep 2026"
    ids = [row[0] for row in book["Projects"].iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(projects["project_id"].unique()) and len(ids) == 40
    trend = [row[0] for row in book["Trend"].iter_rows(min_row=2, values_only=True)]
    assert trend == [dt.datetime.combine(d, dt.time()) for d in dates]  # 12 monthly snapshots, oldest first


def test_an_as_of_between_snapshots_compares_with_the_one_before_the_shown_one(demo_db, tmp_path):
    out = tmp_path / "march.xlsx"
    result = run("--out", str(out), "--db", str(demo_db), "--as-of", "2026-03-15")
    assert result.returncode == 0, result.stderr
    # 15 March shows the snapshot of 28 February, so the change is since 31 January (not February against itself).
    assert result.stdout.strip().endswith("as of 2026-03-15, compared with 2026-01-31")
    summary = load_workbook(out)["Summary"]
    assert summary["A2"].value == "As of 15 Mar 2026, compared with the snapshot of 31 Jan 2026"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no database", "error: no database at "),
        ("before the first snapshot", "error: no snapshot on or before 2020-01-01 in "),
        ("missing folder", "error: cannot write the report to "),
        ("a folder", "error: cannot write the report to "),
    ],
)
def test_unusable_input_exits_2_with_one_line(demo_db, tmp_path, case, message):
    db, out, extra = str(demo_db), tmp_path / "report.xlsx", []
    if case == "no database":
        db = str(tmp_path / "missing.duckdb")
    elif case == "before the first snapshot":
        extra = ["--as-of", "2020-01-01"]
    elif case == "missing folder":
        out = tmp_path / "no such folder" / "report.xlsx"
    else:
        out = tmp_path
    result = run("--out", str(out), "--db", db, *extra)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert not (tmp_path / "report.xlsx").exists()

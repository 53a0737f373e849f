"""`indicators` and `resources` end to end: a workbook built here, imported and analysed by the real CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from workbooks import write_workbook

from pmo_analytics import cli_analysis
from pmo_analytics.cli_analysis import resource_window, write_frame
from pmo_analytics.indicators.portfolio import INDICATOR_KEYS

REPO = Path(__file__).resolve().parent.parent
D = dt.datetime


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PMO_DB", "PMO_HEALTH_SETTINGS")}
    environment["PYTHONPATH"] = str(REPO)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pmo_analytics", *args], cwd=REPO, env=environment, capture_output=True, text=True
    )


def march_workbook(path: Path) -> Path:
    """Three projects, cost periods, milestones, risks, issues, people and allocations (as of 2026-03-31).

    P1: budget 1,000, planned 100 a month Jan-Oct 2026, Jan-Mar actual 100 and earned 80 a month.
    P2: no cost periods: 1,200 spread over 2026 (365 days), 25% complete, actual cost 300.
    P3: a name, one late milestone and two open issues.
    """
    return write_workbook(
        path,
        {
            "Projects": [
                [
                    "Project ID",
                    "Project Name",
                    "Portfolio",
                    "Start Date",
                    "Baseline Finish",
                    "Budget",
                    "Actual Cost",
                    "% Complete",
                    "RAG",
                ],
                ["P1", "Alpha", "Infra", D(2026, 1, 1), D(2026, 10, 31), 1000, None, None, "Red"],
                ["P2", "Beta", "Infra", D(2026, 1, 1), D(2026, 12, 31), 1200, 300, 25, "Groen"],
                ["P3", "Gamma", "Digital", None, None, None, None, None, None],
            ],
            "Cost periods": [
                ["Project ID", "Period", "Planned", "Actual", "EV"],
                *[["P1", f"2026-{m:02d}", 100, 100 if m <= 3 else None, 80 if m <= 3 else None] for m in range(1, 11)],
            ],
            "Milestones": [
                ["Project ID", "Milestone", "Baseline", "Forecast", "Actual Date"],
                ["P3", "Design approved", D(2026, 2, 15), None, None],
                ["P3", "Kick-off", D(2026, 1, 10), None, D(2026, 1, 10)],
            ],
            "Risks": [
                ["Risk ID", "Project ID", "Title", "Probability", "Impact", "Impact Amount", "Status"],
                ["R-1", "P1", "Supplier late", 4, 5, 10000, "Open"],
                ["R-2", "P2", "Key person leaves", 2, 4, 5000, "Open"],
                ["R-3", "P2", "Old risk", 5, 5, 1000, "Closed"],
            ],
            "Issues": [
                ["Issue ID", "Project ID", "Issue", "Priority", "Status", "Raised"],
                ["I-1", "P3", "Server down", "High", "Open", D(2026, 3, 1)],
                ["I-2", "P3", "Licence", "Low", "Open", D(2026, 3, 20)],
                ["I-3", "P1", "Old", "Low", "Closed", D(2026, 1, 5)],
            ],
            "People": [["Resource Name", "Team", "Hours per week"], ["Ann", "Build", 40], ["Bob", "Build", 32]],
            "Allocations": [
                ["Resource Name", "Project ID", "Start", "Finish", "Period", "Hours"],
                ["Ann", "P1", D(2026, 3, 2), D(2026, 3, 13), None, 100],
                ["Ann", "P2", None, None, D(2026, 4, 1), 200],
            ],
        },
    )


def april_workbook(path: Path) -> Path:
    """Only P1's cost periods, April added: actual 100 and earned 100. The other tables stay March's."""
    return write_workbook(
        path,
        {
            "Cost periods": [
                ["Project ID", "Period", "Planned", "Actual", "EV"],
                *[
                    ["P1", f"2026-{m:02d}", 100, 100 if m <= 4 else None, (80 if m <= 3 else 100) if m <= 4 else None]
                    for m in range(1, 11)
                ],
            ],
        },
    )


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "pmo.duckdb"
    for workbook, as_of in (
        (march_workbook(folder / "march.xlsx"), "2026-03-31"),
        (april_workbook(folder / "april.xlsx"), "2026-04-30"),
    ):
        done = run("import", str(workbook), "--db", str(db), "--as-of", as_of, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["rejected"] == []
    return db


def test_indicators_json_hand_worked(database):
    done = run("indicators", "--db", str(database), "--as-of", "2026-03-31", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {row["project_id"]: row for row in json.loads(done.stdout)}
    assert all(list(row) == INDICATOR_KEYS for row in rows.values())

    # P1 through March: pv 300, ev 240, ac 300 -> spi = cpi = 0.8, eac 1,000/0.8 = 1,250, tcpi 760/700.
    # es: ev 240 lies 40/100 into month 3 -> 2.4; at 3; spi_t 0.8; tspi (10 - 2.4)/(10 - 3); ieac_t 10/0.8 = 12.5
    # months from January 2026 -> January 2027 plus 0.5 x 31 = 15.5 days -> 2027-01-16.
    p1 = rows["P1"]
    expected = {
        "bac": 1000, "pv": 300, "ev": 240, "ac": 300, "sv": -60, "cv": -60, "spi": 0.8, "cpi": 0.8, "eac": 1250,
        "etc": 950, "vac": -250, "tcpi": 760 / 700, "es": 2.4, "at": 3, "pd": 10, "sv_t": -0.6, "spi_t": 0.8,
        "tspi": 7.6 / 7, "ieac_t": 12.5,
    }  # fmt: skip
    assert {key: p1[key] for key in expected} == pytest.approx(expected)
    assert (p1["as_of"], p1["forecast_finish_date"], p1["finish_slip_days"]) == ("2026-03-31", "2027-01-16", None)
    # probability level 4 -> 0.7 x 10,000; score 4 x 5 = 20.
    assert (p1["open_risks"], p1["risk_exposure"], p1["open_issues"], p1["milestones_late"]) == (1, 7000, 0, 0)
    assert p1["health_reasons"] == [
        "cost red: cpi 0.80 < 0.90",
        "schedule red: spi_t 0.80 < 0.90",
        "risk red: open risk R-1 scores 20 >= 15",
    ]
    assert p1["health_overall"] == "red"

    # P2: pv = 1,200 x 90/365 (Jan-Mar), ev 25% x 1,200 = 300 = ac; es = 3 + (91.25 - 90)/30 days of April.
    p2 = rows["P2"]
    es = 3 + 1.25 / 30
    expected = {"pv": 1200 * 90 / 365, "ev": 300, "ac": 300, "cpi": 1.0, "spi": 91.25 / 90, "es": es, "spi_t": es / 3}
    assert {key: p2[key] for key in expected} == pytest.approx(expected)
    assert [p2[k] for k in ("health_cost", "health_schedule", "health_risk", "health_overall")] == [
        "green",
        "green",
        "amber",
        "amber",
    ]
    assert p2["health_reasons"][2] == "risk amber: open risk R-2 scores 8 >= 8"  # 2 x 4; closed R-3 (25) ignored

    p3 = rows["P3"]
    assert all(
        p3[key] is None for key in ("bac", "pv", "ev", "ac", "cpi", "spi", "es", "spi_t", "forecast_finish_date")
    )
    assert (p3["milestones_late"], p3["open_issues"], p3["open_risks"], p3["health_overall"]) == (1, 2, 0, "grey")


def test_indicators_default_to_the_latest_snapshot(database):
    # As of 2026-04-30 (the latest): P1's April row adds pv 100, ev 100, ac 100 -> ev 340, ac 400, cpi 0.85,
    # es 3.4, at 4. The risks still come from March's import, the latest that had a risk register.
    done = run("indicators", "--db", str(database))
    assert done.returncode == 0, done.stderr
    p1 = next(row for row in json.loads(done.stdout) if row["project_id"] == "P1")
    assert p1["as_of"] == "2026-04-30"
    assert (p1["ev"], p1["ac"], p1["cpi"], p1["es"], p1["at"]) == pytest.approx((340, 400, 0.85, 3.4, 4))
    assert p1["health_reasons"][0] == "cost red: cpi 0.85 < 0.90" and p1["open_risks"] == 1


def test_indicators_csv(database):
    done = run("indicators", "--db", str(database), "--as-of", "2026-03-31", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == INDICATOR_KEYS
    records = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    p1 = records["P1"]
    assert (p1["cpi"], p1["finish_slip_days"], p1["forecast_finish_date"]) == ("0.8", "", "2027-01-16")
    assert p1["health_reasons"] == (
        "cost red: cpi 0.80 < 0.90; schedule red: spi_t 0.80 < 0.90; risk red: open risk R-1 scores 20 >= 15"
    )
    assert records["P3"]["cpi"] == ""  # null


def small_frame() -> pd.DataFrame:
    """Three rows with every kind of column the commands write, missing values in each."""
    return pd.DataFrame(
        {
            "project_id": pd.Series(["P1", "P2", None], dtype="str"),
            "project_name": pd.Series(["=HYPERLINK(1)", 'Café "Zuid", fase 2\nnacht', "@SUM(A1)"], dtype="str"),
            "as_of": pd.Series([D(2026, 3, 31), None, D(2026, 3, 31, 15)], dtype="datetime64[us]"),
            "cv": [-60.0, float("nan"), float("inf")],
            "spi": [0.1 + 0.2, -0.0, 1e-05],
            "milestones_late": pd.Series([2, 0, 13], dtype="int64"),
            "open_issues": pd.Series([1, None, 3], dtype="Int64"),
            "over_allocated": pd.Series([True, False, None], dtype="boolean"),
            "health_reasons": pd.Series([["cost red: cpi 0.80 < 0.90", "risk grey: none"], [], ["+31 late"]]),
        }
    )


# The exact text json.dumps(records, ensure_ascii=False) gives for small_frame()'s records: NaN and inf -> null,
# NaT -> null, NA (str, Int64, boolean) -> null, 15:00 on 31 March -> "2026-03-31", floats as repr (0.1 + 0.2 ->
# 0.30000000000000004, -0.0 stays -0.0, 1e-05), "é" as it is, the quote and the newline escaped.
SMALL_JSON = (
    '[{"project_id": "P1", "project_name": "=HYPERLINK(1)", "as_of": "2026-03-31", "cv": -60.0, '
    '"spi": 0.30000000000000004, "milestones_late": 2, "open_issues": 1, "over_allocated": true, '
    '"health_reasons": ["cost red: cpi 0.80 < 0.90", "risk grey: none"]}, '
    '{"project_id": "P2", "project_name": "Café \\"Zuid\\", fase 2\\nnacht", "as_of": null, "cv": null, '
    '"spi": -0.0, "milestones_late": 0, "open_issues": null, "over_allocated": false, "health_reasons": []}, '
    '{"project_id": null, "project_name": "@SUM(A1)", "as_of": "2026-03-31", "cv": null, "spi": 1e-05, '
    '"milestones_late": 13, "open_issues": 3, "over_allocated": null, "health_reasons": ["+31 late"]}]\n'
)
# CSV: missing -> empty; "=..." and "@..." texts and the joined reasons "+31 late" get a leading quote (Excel would
# run them), the number -60.0 does not; the name holding a comma, quotes and a newline is quoted, "" doubled.
SMALL_CSV = (
    "project_id,project_name,as_of,cv,spi,milestones_late,open_issues,over_allocated,health_reasons\n"
    "P1,'=HYPERLINK(1),2026-03-31,-60.0,0.30000000000000004,2,1,True,cost red: cpi 0.80 < 0.90; risk grey: none\n"
    'P2,"Café ""Zuid"", fase 2\nnacht",,,-0.0,0,,False,\n'
    ",'@SUM(A1),2026-03-31,,1e-05,13,3,,'+31 late\n"
)


@pytest.mark.parametrize("chunk_rows", [50_000, 2, 1])  # rows written in one chunk, across chunks, one per chunk
def test_write_frame_exact_text(monkeypatch, chunk_rows):
    monkeypatch.setattr(cli_analysis, "CHUNK_ROWS", chunk_rows)
    frame = small_frame()
    keys = list(frame)
    out = io.StringIO()
    write_frame(frame, keys, "json", out)
    assert out.getvalue() == SMALL_JSON
    assert [list(row) for row in json.loads(out.getvalue())] == [keys] * 3
    out = io.StringIO()
    write_frame(frame, keys, "csv", out)
    assert out.getvalue() == SMALL_CSV


def test_write_frame_keys_pick_and_order_the_columns():
    # Only the keys asked for, in their order (cv before project_id); an empty frame is an empty list / a header.
    frame = small_frame()
    out = io.StringIO()
    write_frame(frame.iloc[:1], ["cv", "project_id"], "json", out)
    assert out.getvalue() == '[{"cv": -60.0, "project_id": "P1"}]\n'
    out = io.StringIO()
    write_frame(frame.iloc[:0], ["cv", "project_id"], "json", out)
    assert out.getvalue() == "[]\n"
    out = io.StringIO()
    write_frame(frame.iloc[:0], ["cv", "project_id"], "csv", out)
    assert out.getvalue() == "cv,project_id\n"


def test_resources_per_person_and_team(database):
    done = run("resources", "--db", str(database), "--as-of", "2026-03-31", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert all(
        list(row)
        == ["person_name", "period_start", "allocated_hours", "available_hours", "utilisation", "over_allocated"]
        for row in rows
    )
    assert len(rows) == 2 * 12  # Ann and Bob, March 2026 to February 2027
    by_key = {(row["person_name"], row["period_start"]): row for row in rows}
    # March 2026 has 22 working days: Ann 8 h a day -> 176 available; her 100 hours fall within it.
    assert by_key[("Ann", "2026-03-01")] == {
        "person_name": "Ann", "period_start": "2026-03-01", "allocated_hours": 100.0, "available_hours": 176.0,
        "utilisation": pytest.approx(100 / 176), "over_allocated": False,
    }  # fmt: skip
    # April: 200 hours against 22 working days x 8 = 176 -> over-allocated.
    april = by_key[("Ann", "2026-04-01")]
    assert (april["allocated_hours"], april["available_hours"], april["over_allocated"]) == (200.0, 176.0, True)
    assert april["utilisation"] == pytest.approx(200 / 176)
    # Bob, 32 hours a week: 6.4 a day x 22 = 140.8, nothing allocated.
    bob = by_key[("Bob", "2026-03-01")]
    assert (bob["allocated_hours"], bob["available_hours"], bob["utilisation"]) == (0.0, pytest.approx(140.8), 0.0)

    done = run(
        "resources",
        "--db",
        str(database),
        "--as-of",
        "2026-03-31",
        "--by",
        "team",
        "--period",
        "week",
        "--format",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["team", "period_start", "allocated_hours", "available_hours", "utilisation", "over_allocated"]
    assert len(rows) == 1 + 52
    # Week of Monday 30 March: April's 200 hours over its 22 working days, 3 of them (1-3 April) this week;
    # 5 days x (8 + 6.4) = 72 available.
    team, start, allocated, available, _, over = rows[1]
    assert (team, start, float(available), over) == ("Build", "2026-03-30", 72.0, "False")
    assert float(allocated) == pytest.approx(200 / 22 * 3)


@pytest.mark.parametrize(
    ("period", "as_of", "window"),
    [
        ("month", dt.date(2026, 3, 31), (dt.date(2026, 3, 1), dt.date(2027, 2, 28))),
        ("quarter", dt.date(2026, 5, 10), (dt.date(2026, 4, 1), dt.date(2027, 3, 31))),
        ("week", dt.date(2026, 3, 31), (dt.date(2026, 3, 30), dt.date(2027, 3, 28))),  # Tuesday -> its Monday
        ("month", dt.date(2026, 12, 5), (dt.date(2026, 12, 1), dt.date(2027, 11, 30))),
    ],
)
def test_resource_window(period, as_of, window):
    assert resource_window(as_of, period) == window


def test_unusable_input_exits_2_with_one_line(database, tmp_path):
    missing = run("indicators", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.startswith("error: no database at ") and missing.stderr.count("\n") == 1

    early = run("resources", "--db", str(database), "--as-of", "2026-01-31")
    assert early.returncode == 2
    assert early.stderr == f"error: no snapshot on or before 2026-01-31 in {database} (the first is 2026-03-31)\n"

    settings = tmp_path / "health.toml"
    settings.write_text("[cost]\ngreen_low = 0.95\ngreen_high = 0.9\n", encoding="utf-8")
    bad = run("indicators", "--db", str(database), env={"PMO_HEALTH_SETTINGS": str(settings)})
    assert bad.returncode == 2
    assert bad.stderr == "error: health.toml: cost.green_low must be below cost.green_high (0.95 >= 0.9)\n"

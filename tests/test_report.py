"""The Excel management report: built from tiny tables, read back with openpyxl, figures worked out by hand.

The portfolio as of 2026-03-31 (every project plans 100 a month from January 2026):
  P1 "Alpha"         budget 1,000; Jan-Mar actual 100 and earned 80 a month -> pv 300, ev 240, ac 300,
                     cpi 0.80 (red), es = 2 + (240 - 200) / 100 = 2.4, spi_t 2.4 / 3 = 0.80 (red);
                     open risk R-1 scores 4 x 5 = 20 (red). Red.
  P2 "=HYPERLINK..." budget 1,200; Jan-Mar actual = earned = 100 -> cpi 1.00, spi_t 1.00; only a closed risk. Green.
  P3 "Gamma"         budget 1,000; Jan-Mar actual 100, earned 90 -> cpi 0.90, spi_t (2 + 70/100) / 3 = 0.90
                     (amber: bands inclusive); open risk R-2 scores 2 x 4 = 8 (amber). Amber. New in March.
Portfolio: bac 3,200; ac 900; ev 810; cpi 810 / 900 = 0.90; eac 3,200 / 0.90 = 3,555.56;
es on the summed curve (300, 600, 900): 2 + (810 - 600) / 300 = 2.7, spi_t 0.90.
The previous snapshot (2026-02-28) holds P1 and P2 with two months: bac 2,200; ac 400; ev 160 + 200 = 360.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from contract_frames import contract_frame
from openpyxl import Workbook, load_workbook

from pmo_analytics.charts.style import HEALTH_STYLES
from pmo_analytics.report import (
    FORMATS,
    build_report,
    clean_text,
    looks_like_formula,
    put_text,
    sheet_overview,
)
from pmo_analytics.report_content import TREND_SNAPSHOTS, report_content
from pmo_analytics.schema import TABLES

EVIL = '=HYPERLINK("http://example.com/steal","Click me")'
AS_OF, PREVIOUS = dt.date(2026, 3, 31), dt.date(2026, 2, 28)
SHEETS = ["Summary", "Projects", "Changes", "Milestones", "Risks", "Issues", "Resources"]


def _cost(project: str, months: int, planned: int, actual: int, earned: int, through: int) -> list[dict]:
    return [
        {
            "project_id": project,
            "period_date": f"2026-{m:02d}-01",
            "planned_value": planned,
            "actual_cost": actual if m <= through else None,
            "earned_value": earned if m <= through else None,
        }
        for m in range(1, months + 1)
    ]


def _tables(through: int) -> dict[str, pd.DataFrame]:
    """The snapshot holding ``through`` months of actuals: 3 (March, all three projects) or 2 (February, P1, P2)."""
    projects = [
        {"project_id": "P1", "project_name": "Alpha", "portfolio": "Infra", "project_manager": "Ann", "budget": 1000},
        {"project_id": "P2", "project_name": EVIL, "portfolio": "Infra", "budget": 1200},
        {"project_id": "P3", "project_name": "Gamma", "portfolio": "Digital", "budget": 1000},
    ]
    cost = _cost("P1", 10, 100, 100, 80, through) + _cost("P2", 12, 100, 100, 100, through)
    milestones = [
        # late: due 15 Feb, forecast 15 Apr (59 days); it was forecast for 1 Apr a month ago (moved 14 days)
        {"project_id": "P1", "milestone_name": "Design approved", "baseline_date": "2026-02-15",
         "forecast_date": "2026-04-15" if through == 3 else "2026-04-01"},
        # slipping: not yet due, forecast 14 days after its baseline
        {"project_id": "P2", "milestone_name": "Go-live", "baseline_date": "2026-12-01", "forecast_date": "2026-12-15"},
        {"project_id": "P2", "milestone_name": "Build", "baseline_date": "2026-06-01", "forecast_date": "2026-06-01"},
    ]  # fmt: skip
    risks, issues, people, allocations = [], [], [], []
    if through == 3:
        projects_now = projects
        cost += _cost("P3", 10, 100, 100, 90, through)
        milestones.append(
            {
                "project_id": "P3",
                "milestone_name": "Kick-off",
                "baseline_date": "2026-01-10",
                "actual_date": "2026-01-12",
            }
        )
        risks = [
            {"risk_id": "R-1", "project_id": "P1", "title": "Supplier late", "probability_level": 4, "impact_level": 5,
             "impact_amount": 10000, "status": "open"},
            {"risk_id": "R-2", "project_id": "P3", "title": "@SUM(A1)", "probability": 0.3, "impact_level": 4,
             "impact_amount": 5000, "status": "open"},
            {"risk_id": "R-3", "project_id": "P2", "title": "Old", "probability_level": 5, "impact_level": 5,
             "status": "closed"},
        ]  # fmt: skip
        issues = [
            {"issue_id": "I-1", "project_id": "P2", "title": "Licence", "status": "open", "raised_date": "2026-03-01"},
            {"issue_id": "I-2", "project_id": "P3", "title": "Server", "status": "open", "raised_date": "2026-01-30"},
            {"issue_id": "I-3", "project_id": "P1", "title": "Old", "status": "closed", "raised_date": "2026-01-05"},
        ]
        people = [{"person_name": "Ann", "team": "Build", "weekly_hours": 40}, {"person_name": "Bob", "team": "Build"}]
        # March 2026 has 22 working days: Ann has 22 x 8 = 176 hours and is booked 132 + 88 = 220 (125%).
        allocations = [
            {"person_name": "Ann", "project_id": "P1", "period_date": "2026-03-01", "hours": 132},
            {"person_name": "Ann", "project_id": "P2", "period_date": "2026-03-01", "hours": 88},
            {"person_name": "Bob", "project_id": "P3", "period_date": "2026-03-01", "hours": 100},
        ]
    else:
        projects_now = projects[:2]
    rows = {
        "projects": projects_now,
        "cost_periods": cost,
        "milestones": milestones,
        "risks": risks,
        "issues": issues,
        "people": people,
        "allocations": allocations,
    }
    return {name: contract_frame(name, rows[name]) for name in TABLES}


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def workbook():
    data = build_report(_tables(3), AS_OF, _tables(2), PREVIOUS, filters={"portfolio": ["Infra", "Digital"]})
    return _workbook(data)


def _rows(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _find(sheet, text: str) -> int:
    """The row number whose first cell is ``text``."""
    return next(cell.row for cell in sheet["A"] if cell.value == text)


def _records(sheet) -> list[dict[str, object]]:
    """A data sheet (header in row 1) as dicts by header."""
    header, *rows = _rows(sheet)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_sheets_in_order(workbook):
    assert workbook.sheetnames == SHEETS


def test_summary_title_kpis_and_changes(workbook):
    summary = workbook["Summary"]
    assert summary["A1"].value == "PMO portfolio report"
    assert summary["A2"].value == "As of 31 Mar 2026, compared with the snapshot of 28 Feb 2026"
    assert summary["A3"].value == "Filters: Portfolio: Infra, Digital"
    header = _find(summary, "Measure")
    assert [c.value for c in summary[header]][:4] == ["Measure", "31 Mar 2026", "28 Feb 2026", "Change"]
    kpis = {row[0]: tuple(row[1:4]) for row in _rows(summary)[header : header + 9]}
    # Hand-worked in the module docstring; previous: P1 and P2 with two months.
    assert kpis["Projects"] == (3, 2, 1)
    assert kpis["Budget (BAC)"] == (3200, 2200, 1000)
    assert kpis["Actual cost"] == (900, 400, 500)
    assert kpis["Forecast (EAC)"] == pytest.approx((3200 / 0.9, 2200 / 0.9, 1000 / 0.9))
    assert kpis["Portfolio CPI"] == pytest.approx((0.9, 0.9, 0.0))  # 810/900 and 360/400
    # previous es: 1 + (360 - 200) / (400 - 200) = 1.8 of 2 months
    assert kpis["Portfolio SPI(t)"] == pytest.approx((0.9, 0.9, 0.0))
    assert kpis["Red projects"] == (1, 1, 0)
    assert kpis["Open high risks"] == (1, 0, 1)  # R-1 scores 20; February had no risk register
    assert kpis["Over-allocated people"] == (1, 0, 1)  # Ann, 220 of 176 hours in March
    money, ratio = summary.cell(header + 2, 2), summary.cell(header + 5, 2)
    assert (money.number_format, ratio.number_format) == (FORMATS["money"], "0.00")
    assert summary.cell(header + 2, 4).number_format == FORMATS["money_change"]


def test_summary_health_counts_with_colour_and_word(workbook):
    summary = workbook["Summary"]
    header = _find(summary, "Health")
    counts = {row[0]: tuple(row[1:4]) for row in _rows(summary)[header : header + 4]}
    # red P1 (was red), amber P3 (new), green P2 (was green)
    assert counts == {"✖ Off track": (1, 1, 0), "◆ At risk": (1, 0, 1), "● On track": (1, 1, 0), "○ No data": (0, 0, 0)}
    red_cell = summary.cell(header + 1, 1)
    assert red_cell.fill.fgColor.rgb == "FF" + HEALTH_STYLES["red"].colour[1:].upper() == "FFD55E00"


def test_summary_lists_the_red_projects_with_the_rules_that_made_them_red(workbook):
    summary = workbook["Summary"]
    title = _find(summary, "Red projects (1)")
    header = [c.value for c in summary[title + 1]]
    row = dict(zip(header, [c.value for c in summary[title + 2]], strict=True))
    assert row["Project ID"] == "P1"
    assert row["Project"] == "Alpha"
    assert row["Why red (the rule that decided it)"] == (
        "cost red: cpi 0.80 < 0.90; schedule red: spi_t 0.80 < 0.90; risk red: open risk R-1 scores 20 >= 15"
    )
    assert summary.cell(title + 3, 1).value is None  # only one red project


def test_projects_sheet_one_row_per_project_with_formats(workbook):
    sheet = workbook["Projects"]
    records = _records(sheet)
    # worst first: red P1, amber P3, green P2
    assert [r["Project ID"] for r in records] == ["P1", "P3", "P2"]
    p1 = records[0]
    assert (p1["BAC (budget)"], p1["AC (actual cost)"], p1["EV (earned value)"]) == (1000, 300, 240)
    assert p1["CPI"] == pytest.approx(0.8)
    assert p1["EAC (forecast)"] == pytest.approx(1250)  # 1,000 / 0.80
    assert p1["Health"] == "✖ Off track"
    assert p1["Open risks"] == 1
    assert p1["As of"] == dt.datetime(2026, 3, 31)
    header = [c.value for c in sheet[1]]
    column = {label: index + 1 for index, label in enumerate(header)}
    assert sheet.cell(2, column["BAC (budget)"]).number_format == '"€" #,##0;-"€" #,##0'
    assert sheet.cell(2, column["CPI"]).number_format == "0.00"
    assert sheet.cell(2, column["As of"]).number_format == "dd-mm-yyyy"
    health = sheet.cell(2, column["Health"])
    assert (health.value, health.fill.fgColor.rgb) == ("✖ Off track", "FFD55E00")
    amber = sheet.cell(3, column["Health"])
    assert (amber.value, amber.fill.fgColor.rgb) == ("◆ At risk", "FFE69F00")
    assert sheet.freeze_panes == "C2"  # header row and the project's id and name stay in view
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}4"
    assert sheet.column_dimensions["B"].width == 34


def test_a_formula_in_a_name_is_written_as_text(workbook):
    sheet = workbook["Projects"]
    cell = next(c for c in sheet["B"] if c.value == EVIL)
    assert cell.data_type == "s"  # read back as text, not as a formula ("f")
    assert cell.quotePrefix  # Excel keeps it text when someone edits the cell
    risk = next(c for c in workbook["Risks"]["D"] if c.value == "@SUM(A1)")
    assert risk.data_type == "s"


def test_no_cell_anywhere_is_a_formula():
    data = build_report(_tables(3), AS_OF, _tables(2), PREVIOUS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        assert not any("<f>" in archive.read(name).decode() for name in sheets)


def test_an_unescaped_formula_would_read_back_as_a_formula():
    """The contrast that makes the test above mean something: openpyxl's default turns "=..." into a formula."""
    book = Workbook()
    book.active["A1"] = EVIL
    put_text(book.active["A2"], EVIL)
    buffer = io.BytesIO()
    book.save(buffer)
    back = _workbook(buffer.getvalue()).active
    assert (back["A1"].data_type, back["A2"].data_type) == ("f", "s")
    assert back["A2"].value == EVIL


@pytest.mark.parametrize(
    ("value", "is_formula"),
    [
        ("=1+1", True),
        ("+31 6 12345678", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("\r=1", True),
        ("Alpha", False),
        ("a=b", False),
        ("", False),
        (None, False),
        (-5, False),
    ],
)
def test_looks_like_formula(value, is_formula):
    assert looks_like_formula(value) is is_formula


def test_clean_text_drops_what_xlsx_cannot_hold():
    assert clean_text("a\x00b\x1fc\td\ne") == "abc\td\ne"


def test_changes_sheet(workbook):
    records = {r["Project ID"]: r for r in _records(workbook["Changes"])}
    assert records["P1"]["AC before"] == 200 and records["P1"]["AC now"] == 300 and records["P1"]["AC change"] == 100
    assert records["P1"]["Trend"] == "same"
    assert records["P3"]["New or gone"] == "new"
    assert records["P3"]["Health before"] is None  # new: blank, not "No data"
    assert records["P3"]["Health now"] == "◆ At risk"


def test_milestones_late_first_with_slip_and_move_since_previous(workbook):
    records = _records(workbook["Milestones"])
    got = [
        (r["Project ID"], r["Milestone"], r["State"], r["Slip (days)"], r["Moved since previous (days)"])
        for r in records
    ]
    # Feb 15 -> Apr 15 is 59 days; forecast 1 Apr a month ago -> moved 14; the kick-off (P3, new) has no previous.
    assert got == [
        ("P1", "Design approved", "late", 59, 14),
        ("P2", "Go-live", "slipping", 14, 0),
        ("P3", "Kick-off", "done late", 2, None),
    ]
    assert records[0]["Baseline"] == dt.datetime(2026, 2, 15)
    assert records[1]["Project"] == EVIL


def test_risks_open_top_first_with_zone(workbook):
    sheet = workbook["Risks"]
    records = _records(sheet)
    # level 4 -> probability 0.7, 0.7 x 10,000 = 7,000; R-2: 0.3 -> level 2, 2 x 4 = 8, 0.3 x 5,000 = 1,500.
    assert [(r["Risk ID"], r["Score (1-25)"], r["Zone"], r["Expected value"]) for r in records] == [
        ("R-1", 20, "High", pytest.approx(7000)),
        ("R-2", 8, "Medium", pytest.approx(1500)),
    ]
    assert sheet["F2"].fill.fgColor.rgb == "FFD55E00"
    assert sheet["I2"].number_format == "0%"


def test_issues_open_oldest_first(workbook):
    records = _records(workbook["Issues"])
    # raised 30 Jan -> 60 days on 31 Mar; raised 1 Mar -> 30 days
    assert [(r["Issue ID"], r["Age (days)"], r["Project"]) for r in records] == [
        ("I-2", 60, "Gamma"),
        ("I-1", 30, EVIL),
    ]


def test_resources_over_allocations_with_the_projects_causing_them(workbook):
    records = _records(workbook["Resources"])
    got = [(r["Person"], r["Month"], r["Project ID"], r["Project hours (h)"], r["Share of the month"]) for r in records]
    assert got == [
        ("Ann", dt.datetime(2026, 3, 1), "P1", 132, pytest.approx(0.6)),
        ("Ann", dt.datetime(2026, 3, 1), "P2", 88, pytest.approx(0.4)),
    ]
    assert records[0]["Utilisation"] == pytest.approx(1.25)  # 220 / 176
    assert (records[0]["Allocated (h)"], records[0]["Available (h)"]) == (220, 176)


def test_without_a_previous_snapshot_the_report_says_so():
    book = _workbook(build_report(_tables(3), AS_OF))
    summary = book["Summary"]
    assert summary["A2"].value == "As of 31 Mar 2026, no earlier snapshot to compare with"
    assert summary["A3"].value == "Filters: none (all projects)"
    header = _find(summary, "Measure")
    assert _rows(summary)[header][1:4] == [3, None, None]  # Projects: now 3, nothing before
    assert book["Changes"]["A2"].value == "No snapshot before 31 Mar 2026: nothing to compare with."


def test_empty_registers_get_a_note_not_an_empty_sheet():
    tables = _tables(2)  # no risks, issues or people in February
    book = _workbook(build_report(tables, PREVIOUS))
    assert book["Risks"]["A2"].value.startswith("No open risks")
    assert book["Issues"]["A2"].value == "No open issues in this snapshot."
    assert book["Resources"]["A2"].value == "Nobody is over-allocated from 1 Feb 2026 to 30 Apr 2026."


def test_trend_sheet_keeps_the_last_snapshots():
    dates = pd.date_range("2025-01-31", periods=TREND_SNAPSHOTS + 2, freq="ME")
    history = pd.DataFrame({"as_of": dates, "bac": 1000.0, "cpi": [0.9 + i / 100 for i in range(len(dates))]})
    book = _workbook(build_report(_tables(3), AS_OF, history=history))
    records = _records(book["Trend"])
    assert len(records) == TREND_SNAPSHOTS
    assert records[0]["As of"] == dt.datetime(2025, 3, 31)  # the two oldest left out
    assert records[-1]["CPI"] == pytest.approx(1.04)


def test_sheet_overview_counts_what_each_sheet_holds():
    content = report_content(_tables(3), AS_OF, _tables(2), PREVIOUS)
    rows = dict(zip(*sheet_overview(content)[["sheet", "rows"]].to_dict("list").values(), strict=True))
    # Summary: 9 KPIs + 4 health rows + 1 red project
    assert rows == {
        "Summary": 14,
        "Projects": 3,
        "Changes": 3,
        "Milestones": 3,
        "Risks": 2,
        "Issues": 2,
        "Resources": 2,
    }

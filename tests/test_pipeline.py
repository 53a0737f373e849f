"""The importer end to end (read -> map -> parse -> validate -> combine), on workbooks the tests build.

Every expected number below is worked out by hand from the rows written in tests/workbooks.py.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from workbooks import budget_grid, dutch_register, project_online, write_workbook

from pmo_analytics.ingest.model import UnusableFile
from pmo_analytics.ingest.pipeline import analyse

AS_OF = dt.date(2026, 3, 31)


def _by_id(frame: pd.DataFrame, key: str = "project_id") -> pd.DataFrame:
    return frame.set_index(key)


def test_dutch_register_title_row_amounts_dates_and_rejections(tmp_path):
    result = analyse([dutch_register(tmp_path / "register.xlsx")], AS_OF)
    sheet = result.sheets[0]
    assert (sheet.table, sheet.header_row) == ("projects", 3)
    # Rows 4, 5, 6, 8, 9 are read (row 7 is blank: not a row); 8 repeats P-002, 9 has no project number.
    assert (sheet.rows_read, sheet.rows_loaded, sheet.rows_rejected) == (5, 3, 2)
    projects = _by_id(result.frames["projects"])
    assert list(projects.index) == ["P-001", "P-002", "P-003"]
    # Budget (k€): 1250 -> 1,250,000; 800.5 -> 800,500.
    assert projects.loc["P-001", "budget"] == 1_250_000.0
    assert projects.loc["P-002", "budget"] == 800_500.0
    # Dutch amounts: "€ 1.234.567,89" and, in the same column, a lone "€ 8.000" is eight thousand.
    assert projects.loc["P-001", "actual_cost"] == pytest.approx(1_234_567.89)
    assert projects.loc["P-002", "actual_cost"] == 8_000.0
    assert projects["percent_complete"].tolist() == [35.0, 5.0, 100.0]
    assert projects.loc["P-002", "start_date"] == pd.Timestamp("2026-02-03")  # day-first "03-02-2026"
    assert projects.loc["P-001", "planned_finish_date"] == pd.Timestamp("2026-12-31")
    assert projects["status"].tolist() == ["active", "on_hold", "completed"]
    assert projects["reported_status"].tolist() == ["green", "amber", "red"]
    # Unknown column kept with its row.
    assert json.loads(projects.loc["P-001", "extra"]) == {"Opmerking": "op schema"}
    assert "Opmerking" in sheet.unknown_columns
    # "31-02-2026" exists in no calendar: an optional value, so a warning and the row loads with no start date.
    assert pd.isna(projects.loc["P-003", "start_date"])
    warning = result.warnings.iloc[0]
    assert (warning["sheet"], warning["row"], warning["column"], warning["value"]) == (
        "Projecten",
        6,
        "Startdatum",
        "31-02-2026",
    )
    rejected = result.rejected.set_index("row")
    assert rejected.loc[8, "reason"].startswith("duplicate key: project_id 'P-002' already on row 5")
    assert rejected.loc[9, "column"] == "Projectnummer"
    assert "empty" in rejected.loc[9, "reason"]
    assert json.loads(rejected.loc[9, "raw"])["Projectnaam"] == "Zonder nummer"


def test_project_online_prefix_and_finish_beside_baseline(tmp_path):
    result = analyse([project_online(tmp_path / "po.xlsx")], AS_OF)
    projects = _by_id(result.frames["projects"])
    # "Project Finish Date" beside "Project Baseline Finish Date" is the forecast; the baseline is the plan.
    assert projects.loc["PO-1", "planned_finish_date"] == pd.Timestamp("2026-09-30")
    assert projects.loc["PO-1", "forecast_finish_date"] == pd.Timestamp("2026-11-15")
    assert projects.loc["PO-1", "project_manager"] == "Dana Smit"
    assert projects.loc["PO-1", "budget"] == 250_000.0
    assert projects.loc["PO-1", "actual_cost"] == 120_000.5
    # 0.4 and 1 in a column whose numbers all lie within 0-1: fractions -> 40 and 100.
    assert projects["percent_complete"].tolist() == [40.0, 100.0]


def test_finish_without_baseline_is_the_plan(tmp_path):
    path = write_workbook(
        tmp_path / "msp.xlsx",
        {"Tasks": [["ID", "Name", "Start", "Finish"], [1, "Alpha", dt.datetime(2026, 1, 1), dt.datetime(2026, 6, 30)]]},
    )
    projects = analyse([path], AS_OF).frames["projects"]
    assert projects.loc[0, "project_id"] == "1"
    assert projects.loc[0, "planned_finish_date"] == pd.Timestamp("2026-06-30")
    assert "forecast_finish_date" not in projects or projects["forecast_finish_date"].isna().all()


def test_wide_budget_and_actual_grids_unpivot_and_merge(tmp_path):
    result = analyse([budget_grid(tmp_path / "financien.xlsx")], AS_OF)
    loads = {s.sheet: s for s in result.sheets}
    begroting, realisatie = loads["Begroting 2026"], loads["Realisatie 2026"]
    assert begroting.table == realisatie.table == "cost_periods"
    # Begroting: P-001 jan, feb; P-002 jan, feb, mrt = 5 month cells (the empty mrt of P-001 is not a row).
    assert (begroting.rows_read, begroting.rows_loaded, begroting.rows_rejected) == (5, 5, 0)
    # Realisatie: 4 cells, "abc" is not an amount and the cell is the row: rejected.
    assert (realisatie.rows_read, realisatie.rows_loaded, realisatie.rows_rejected) == (4, 3, 1)
    assert any("Totaal" in n for n in begroting.notes)
    periods = result.frames["cost_periods"].sort_values(["project_id", "period_date"]).reset_index(drop=True)
    # Budget and actuals of the same project, category and month merge into one row: 5 rows.
    assert len(periods) == 5
    p1 = periods[periods["project_id"] == "P-001"]
    assert p1["period_date"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert p1["planned_value"].tolist() == [1000.0, 2500.5]
    assert p1["actual_cost"].tolist() == [900.0, 2600.0]
    p2 = periods[periods["project_id"] == "P-002"]
    assert p2["planned_value"].sum() == 1200.0
    assert p2["actual_cost"].sum() == 380.0  # jan only; "abc" rejected
    bad = result.rejected.iloc[0]
    assert (bad["sheet"], bad["row"], bad["column"], bad["value"]) == ("Realisatie 2026", 3, "feb", "abc")


def test_raid_log_splits_risks_and_issues_and_links_the_only_project(tmp_path):
    # The shape of a one-project plan: an overview without ID column and a RAID log with a Type column.
    path = write_workbook(
        tmp_path / "plan.xlsx",
        {
            "Project_Overview": [
                ["Project Name", "Project Manager", "Start Date", "Target Go-Live", "Budget", "Actual Cost", "Status"],
                [
                    "Hybrid PMS",
                    "John Smith",
                    dt.datetime(2024, 1, 15),
                    dt.datetime(2024, 6, 30),
                    150000,
                    125000,
                    "In Progress",
                ],
            ],
            "Risk_Issue_Log": [
                [
                    "ID",
                    "Type (Risk/Issue)",
                    "Description",
                    "Probability (0-1)",
                    "Impact (1-5)",
                    "Score (P*I)",
                    "Owner",
                    "Status",
                ],
                ["RISK-001", "Risk", "Key developer may leave", 0.3, 4, 1.2, "PM", "Open"],
                ["ISSUE-003", "Issue", "Slow test database", 1, 2, 2, "DBA", "Closed"],
                ["RISK-004", "Risk", "Budget constraints", 0.2, 5, 1, "PM", "Open"],
            ],
            "Sprint_Planner": [["Sprint", "User Story", "Estimate (pts)"], ["Sprint 1", "Login", 5]],
        },
    )
    result = analyse([path], AS_OF)
    projects = result.frames["projects"]
    assert projects["project_id"].tolist() == ["Hybrid PMS"]  # no ID column: the name is the ID, and it says so
    assert any("no project ID column" in r for r in result.warnings["reason"])
    risks = result.frames["risks"].set_index("risk_id")
    assert list(risks.index) == ["RISK-001", "RISK-004"]
    assert risks.loc["RISK-001", "probability"] == pytest.approx(0.3)
    # Probability 0.3 lies in (0.2, 0.4]: level 2, stored beside it.
    assert risks.loc["RISK-001", "probability_level"] == 2
    assert risks.loc["RISK-004", "impact_level"] == 5
    assert set(risks["project_id"]) == {"Hybrid PMS"}
    issues = result.frames["issues"]
    assert issues["issue_id"].tolist() == ["ISSUE-003"]
    assert issues["status"].tolist() == ["closed"]
    skipped = {s.sheet: s.reason for s in result.sheets if s.table is None}
    assert "Sprint_Planner" in skipped


def test_rows_read_equals_loaded_plus_rejected_for_every_sheet(tmp_path):
    files = [dutch_register(tmp_path / "a.xlsx"), budget_grid(tmp_path / "b.xlsx"), project_online(tmp_path / "c.xlsx")]
    result = analyse(files, AS_OF)
    for s in result.sheets:
        assert s.rows_read == s.rows_loaded + s.rows_rejected, s.sheet
    assert sum(s.rows_rejected for s in result.sheets) == len(result.rejected)


def test_csv_semicolon_windows_1252(tmp_path):
    path = tmp_path / "risico's.csv"
    path.write_bytes(
        "Risico ID;Projectnummer;Omschrijving;Kans;Impact;Financiële impact;Status\r\n"
        "R1;P-001;Leverancier failliet;Hoog;4;€ 25.000;Open\r\n"
        "R2;P-001;Café sluit;Laag;2;€ 1.500,50;Gesloten\r\n".encode("cp1252")
    )
    risks = analyse([path], AS_OF).frames["risks"].set_index("risk_id")
    # Hoog/Laag on the three-word scale are levels 5 and 1 -> probabilities 0.9 and 0.1.
    assert risks.loc["R1", "probability"] == pytest.approx(0.9)
    assert risks.loc["R2", "probability"] == pytest.approx(0.1)
    assert risks.loc["R1", "impact_amount"] == 25_000.0
    assert risks.loc["R2", "impact_amount"] == 1_500.5
    assert risks.loc["R2", "title"] == "Café sluit"
    assert risks["status"].tolist() == ["open", "closed"]


def test_required_value_unreadable_rejects_and_optional_warns(tmp_path):
    path = write_workbook(
        tmp_path / "cost.xlsx",
        {
            "Kosten": [
                ["Projectcode", "Periode", "Begroot", "Werkelijk"],
                ["P-1", "2026-01", "100", "90"],
                ["P-1", "2026-13", "100", "90"],  # no 13th month: the required period is unreadable
                ["P-1", "2026-02", "100", "veel"],  # text in a number column, but budget is there: warning
            ]
        },
    )
    result = analyse([path], AS_OF)
    periods = result.frames["cost_periods"]
    assert len(periods) == 2
    assert periods["actual_cost"].isna().tolist() == [False, True]
    assert result.rejected[["row", "column", "value"]].values.tolist() == [[3, "Periode", "2026-13"]]
    assert result.warnings[["row", "column", "value"]].values.tolist() == [[4, "Werkelijk", "veel"]]


def test_workbook_with_no_recognisable_table_is_unusable(tmp_path):
    path = write_workbook(tmp_path / "lunch.xlsx", {"Menu": [["Dag", "Gerecht"], ["maandag", "soep"]]})
    with pytest.raises(UnusableFile, match="lunch.xlsx: no recognisable table"):
        analyse([path], AS_OF)

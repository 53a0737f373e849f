"""The Report page over the demo portfolio: the KPI preview, what the workbook holds, and the download itself.

The download button builds the workbook when clicked (a callable given to st.download_button); the test takes
that callable from Streamlit's media file manager and runs it, as the server does on a click.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from pmo_analytics.formatting import format_count, format_money
from pmo_analytics.indicators.portfolio import portfolio_totals, project_indicators
from pmo_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def downloads(monkeypatch) -> list[tuple]:
    """Every deferred download the page registers: (callable, mimetype, file_name)."""
    registered: list[tuple] = []
    original = MediaFileManager.add_deferred

    def add_deferred(self, callable_, mimetype, coordinates, file_name=None, **kwargs):  # noqa: ANN001
        registered.append((callable_, mimetype, file_name))
        return original(self, callable_, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return registered


def _report_page(**preset: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in preset.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("app_pages/report.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _projects(db: Path, as_of: dt.date, portfolio: str | None = None):
    tables = Store(db).load_tables(None, as_of)
    if portfolio:
        ids = tables["projects"].loc[tables["projects"]["portfolio"] == portfolio, "project_id"]
        tables = {k: v[v["project_id"].isin(ids)] if "project_id" in v else v for k, v in tables.items()}
    indicators = project_indicators(tables, as_of)
    return indicators, portfolio_totals(indicators, tables, as_of).iloc[0]


def test_the_download_is_the_report_of_the_latest_snapshot(app_env, downloads):
    as_of = Store(app_env).snapshot_dates()[-1]
    indicators, totals = _projects(app_env, as_of)
    at = _report_page()
    [button] = at.download_button
    assert button.label == "Download the report (Excel)"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projects"] == format_count(len(indicators))
    assert metrics["Budget (BAC)"] == format_money(totals["bac"])
    overview = at.dataframe[0].value.set_index("sheet")["rows"]
    assert overview["Projects"] == len(indicators)

    build, mimetype, file_name = downloads[-1]
    assert (mimetype, file_name) == (XLSX, f"pmo_report_{as_of.isoformat()}.xlsx")
    book = load_workbook(io.BytesIO(build()))
    assert book.sheetnames[:7] == ["Summary", "Projects", "Changes", "Milestones", "Risks", "Issues", "Resources"]
    assert book["Summary"]["A2"].value == "As of 31 Oct 2026, compared with the snapshot of 30 Sep 2026"
    ids = [row[0] for row in book["Projects"].iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(indicators["project_id"])


def test_the_report_follows_the_as_of_choice_and_the_filters(app_env, downloads):
    as_of = dt.date(2026, 3, 31)
    indicators, totals = _projects(app_env, as_of, portfolio="Bedrijfsvoering")
    at = _report_page(as_of=as_of.isoformat(), portfolio=["Bedrijfsvoering"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projects"] == format_count(len(indicators))
    assert metrics["Actual cost"] == format_money(totals["ac"])

    build, _, file_name = downloads[-1]
    assert file_name == "pmo_report_2026-03-31.xlsx"
    summary = load_workbook(io.BytesIO(build()))["Summary"]
    assert summary["A2"].value == "As of 31 Mar 2026, compared with the snapshot of 28 Feb 2026"
    assert summary["A3"].value == "Filters: Portfolio: Bedrijfsvoering"
    projects = load_workbook(io.BytesIO(build()))["Projects"]
    assert projects.max_row - 1 == len(indicators) > 0

"""The monthly management report as an Excel workbook (openpyxl): frames in, xlsx bytes out.

Sheets: Summary (KPIs with the change since the previous snapshot, health counts, the red projects and the rule
that made each red), Projects (every indicator), Changes, Milestones (late or slipping), Risks (open, top first),
Issues (open, with age), Resources (over-allocations with the projects causing them), and Trend when a history
is given. report_content.py computes the frames; this module only lays them out.

Text that Excel would run as a formula ("=HYPERLINK(...)", "+31 ...", "@SUM(...)") is written as a text cell
(``data_type "s"``, quote prefix): it shows as typed and never runs. The CSV output uses the same test.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pmo_analytics.charts.style import ZONE_LABELS, health_label, health_style, risk_zone
from pmo_analytics.formula_text import FORMULA_STARTS, looks_like_formula
from pmo_analytics.indicators.health import HealthSettings
from pmo_analytics.report_content import ReportContent, report_content
from pmo_analytics.report_sheets import SHEETS, ColumnSpec, summary_rows

# A cell starting with one of these is a formula to Excel or LibreOffice (tab and CR too, in CSV).
# Characters an xlsx file cannot hold (openpyxl raises on them): control characters but tab, LF and CR.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_TEXT = 32_767  # Excel's limit on the characters in one cell

# Number formats. "€" is quoted: a bare symbol is not a literal in every Excel locale.
FORMATS = {
    "money": '"€" #,##0;-"€" #,##0',
    "money_change": '+"€" #,##0;-"€" #,##0;"€" 0',
    "ratio": "0.00",
    "ratio_change": "+0.00;-0.00;0.00",
    "count": "#,##0",
    "count_change": "+#,##0;-#,##0;0",
    "days": "#,##0",
    "days_change": "+#,##0;-#,##0;0",
    "months": "0.0",
    "hours": "#,##0",
    "percent": "0%",
    "date": "dd-mm-yyyy",
    "month": "mmm yyyy",
}
DATE_KINDS = ("date", "month")
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FF1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
TITLE_FONT = Font(bold=True, size=16)
SECTION_FONT = Font(bold=True, size=12)
NOTE_FONT = Font(italic=True, color="FF555555")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def clean_text(text: str) -> str:
    """Text an xlsx cell can hold: control characters dropped, cut at Excel's 32,767 characters."""
    return _ILLEGAL.sub("", text)[:_MAX_TEXT]


def put_text(cell: Cell, text: str) -> Cell:
    """Write ``text`` as a text cell, never a formula: "=HYPERLINK(...)" stays that literal text.

    openpyxl turns a str starting with "=" into a formula; the data type is set back to string, and the quote
    prefix keeps Excel from turning it into a formula when someone edits the cell.
    """
    cell.value = clean_text(text)
    if looks_like_formula(text) or cell.data_type != "s":  # "=..." became "f", "#N/A" became an error "e"
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def put_value(cell: Cell, value: object, kind: str = "text") -> Cell:
    """Write one value with the format of its kind (see ``FORMATS``); missing values leave the cell empty.

    Health kinds ("health", "zone") get the status colour as fill AND its word ("✖ Off track"), never colour
    alone; "health_or_blank" leaves a missing status blank instead of "No data" (a reported status the file
    did not carry, the health before of a new project). A list (health_reasons) is joined with "; ".
    """
    if kind == "health_or_blank":
        kind = "text" if _is_missing(value) else "health"
    if kind == "health":
        return _put_status(cell, health_label(value), health_style(value).colour)
    if kind == "zone":
        zone = risk_zone(value)
        return _put_status(cell, ZONE_LABELS[zone], health_style(zone).colour)
    if isinstance(value, list):
        value = "; ".join(str(part) for part in value)
    if _is_missing(value):
        return cell
    if isinstance(value, str):  # text, or stray text in a number column: never float("n/a")
        return put_text(cell, value)
    if kind in DATE_KINDS:
        cell.value = pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)  # type: ignore[arg-type]
    elif kind in FORMATS:
        cell.value = float(value) if not isinstance(value, bool | np.bool_) else bool(value)  # type: ignore[arg-type]
    elif isinstance(value, bool | np.bool_):
        cell.value = "yes" if value else "no"
    elif isinstance(value, int | float | np.integer | np.floating):
        cell.value = value.item() if isinstance(value, np.generic) else value
    else:  # a date in a text column, a dict: written as its text
        return put_text(cell, str(value))
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]
    return cell


def _put_status(cell: Cell, word: str, colour: str) -> Cell:
    put_text(cell, word)
    cell.fill = PatternFill(fill_type="solid", fgColor="FF" + colour.lstrip("#").upper())
    cell.font = Font(bold=True, color="FF000000")  # black reads on all four Okabe-Ito colours (contrast >= 5:1)
    return cell


# --- tables ----------------------------------------------------------------------------------------------------


def _header(sheet: Worksheet, row: int, labels: Sequence[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = put_text(sheet.cell(row=row, column=column), label)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="top", wrap_text=True)


def write_table(
    sheet: Worksheet, frame: pd.DataFrame, columns: Sequence[ColumnSpec], start_row: int = 1, empty_note: str = ""
) -> int:
    """Write ``frame``'s ``columns`` as a table with a header row at ``start_row``. Returns the next free row.

    A table at the top of its sheet gets a frozen header (and frozen first columns), an autofilter and print
    titles; without rows it shows ``empty_note`` under the header.
    """
    _header(sheet, start_row, [spec.label for spec in columns])
    row = start_row
    values = [frame[spec.key].tolist() if spec.key in frame else [None] * len(frame) for spec in columns]
    # kind "row": the frame's own "kind" column says it per row ("money", "ratio"); "row_change" its change format
    row_kinds = frame["kind"].tolist() if "kind" in frame else ["text"] * len(frame)
    for row, (record, row_kind) in enumerate(
        zip(zip(*values, strict=True), row_kinds, strict=True), start=start_row + 1
    ):
        for column, (spec, value) in enumerate(zip(columns, record, strict=True), start=1):
            kind = {"row": row_kind, "row_change": f"{row_kind}_change"}.get(spec.kind, spec.kind)
            cell = put_value(sheet.cell(row=row, column=column), value, kind)
            if spec.wrap:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    if frame.empty and empty_note:
        row = start_row + 1
        put_text(sheet.cell(row=row, column=1), empty_note).font = NOTE_FONT
    for column, spec in enumerate(columns, start=1):
        letter = get_column_letter(column)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(current, spec.width)
    if start_row == 1:
        frozen = sum(1 for spec in columns if spec.frozen)
        sheet.freeze_panes = sheet.cell(row=2, column=frozen + 1).coordinate
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{max(row, 2)}"
        sheet.print_title_rows = "1:1"
    return row + 1


def _landscape(sheet: Worksheet) -> None:
    """Print across one page wide, landscape: a board pack is printed."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# --- sheets ----------------------------------------------------------------------------------------------------


def _write_summary(sheet: Worksheet, content: ReportContent) -> None:
    row = 1
    for text, style in summary_rows(content):
        cell = put_text(sheet.cell(row=row, column=1), text)
        cell.font = {"title": TITLE_FONT, "note": NOTE_FONT}.get(style, Font())
        row += 1
    for block in SHEETS["Summary"].blocks(content):
        row += 1
        put_text(sheet.cell(row=row, column=1), block.title).font = SECTION_FONT
        row = write_table(sheet, block.frame, block.columns, start_row=row + 1, empty_note=block.empty_note)
    _landscape(sheet)


def _write_sheet(sheet: Worksheet, name: str, content: ReportContent) -> None:
    spec = SHEETS[name]
    block = spec.blocks(content)[0]
    write_table(sheet, block.frame, block.columns, empty_note=block.empty_note)
    _landscape(sheet)


def write_report(content: ReportContent) -> bytes:
    """The workbook of ``content`` as xlsx bytes."""
    workbook = Workbook()
    workbook.properties.title = f"PMO portfolio report {content.as_of.isoformat()}"
    workbook.properties.creator = "PMO Analytics"
    first = True
    for name, spec in SHEETS.items():
        if not spec.shown(content):
            continue
        sheet = workbook.active if first else workbook.create_sheet()
        sheet.title = name
        first = False
        if name == "Summary":
            _write_summary(sheet, content)
        else:
            _write_sheet(sheet, name, content)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_report(
    tables: Mapping[str, pd.DataFrame],
    as_of: dt.date,
    previous_tables: Mapping[str, pd.DataFrame] | None = None,
    previous_as_of: dt.date | None = None,
    settings: HealthSettings | None = None,
    history: pd.DataFrame | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The management report of the snapshot ``as_of`` as xlsx bytes (see the module docstring for the sheets).

    ``tables`` / ``previous_tables``: the (filtered) tables of this snapshot and of the previous one, as
    ``Store.load_tables`` gives them; ``filters`` are named in the title ({"portfolio": ["ICT"]}); ``history``
    is ``dashboard.trends``' portfolio history (one row per snapshot date) for the Trend sheet.
    """
    return write_report(report_content(tables, as_of, previous_tables, previous_as_of, settings, history, filters))


def sheet_overview(content: ReportContent) -> pd.DataFrame:
    """What each sheet will hold. One row per sheet: sheet, rows, description."""
    rows = [
        {"sheet": name, "rows": spec.row_count(content), "description": spec.description}
        for name, spec in SHEETS.items()
        if spec.shown(content)
    ]
    return pd.DataFrame(rows, columns=["sheet", "rows", "description"]).astype({"rows": "int64"})


__all__ = [
    "FORMATS",
    "FORMULA_STARTS",
    "XLSX_MIME",
    "build_report",
    "clean_text",
    "looks_like_formula",
    "put_text",
    "put_value",
    "sheet_overview",
    "write_report",
]

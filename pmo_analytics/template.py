"""The template workbook an analyst can download: one sheet per table, generated from the contracts in schema.py."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from pmo_analytics import schema

KIND_HELP = {
    "id": "text code, e.g. P-001",
    "text": "text",
    "date": "date: an Excel date, 2026-03-15, 15-03-2026 or 15 mrt 2026",
    "amount": "euro amount: 1234.56, € 1.234,56 or 1,234.56; k€ in the header multiplies by 1,000",
    "number": "number",
    "percent": "percentage: 35, 35% or 0.35 (a column of fractions)",
    "probability": "probability: 0.35, 35%, a level 1-5 or Low/Medium/High (Laag/Middel/Hoog)",
    "level": "level 1-5 or Low/Medium/High (Laag/Middel/Hoog)",
    "enum": "one of",
}

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
REQUIRED_FILL = PatternFill("solid", fgColor="C00000")


def describe(column: schema.Column) -> str:
    """ "date: an Excel date, ..." or "one of: open, closed"."""
    if column.kind == "enum":
        return "one of: " + ", ".join(column.values)
    return KIND_HELP[column.kind]


def template_workbook() -> bytes:
    """An .xlsx with a "Read me" sheet (every column: table, required, type, other headers that are understood)
    and one empty sheet per table with the canonical headers (required ones in red)."""
    wb = Workbook()
    readme = wb.active
    readme.title = "Read me"
    readme.append(["PMO Analytics import template"])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append(["Fill any of the sheets; headers in English or Dutch are understood too (see 'also understood')."])
    readme.append(["Red headers are required. A sheet may also hold one column per month (jan 2026, feb 2026, ...)."])
    readme.append([])
    readme.append(["table", "column", "required", "type", "also understood", "one row per"])
    for cell in readme[5]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    for table in schema.TABLES.values():
        for column in table.columns:
            required = (
                "yes"
                if column.required
                else ("one of " + "/".join(table.required_any) if column.name in table.required_any else "")
            )
            readme.append(
                [table.name, column.name, required, describe(column), ", ".join(column.synonyms[:8]), table.grain]
            )
    for letter, width in zip("ABCDEF", (14, 22, 16, 60, 70, 40), strict=True):
        readme.column_dimensions[letter].width = width

    for table in schema.TABLES.values():
        sheet = wb.create_sheet(table.name)
        sheet.append(table.column_names)
        for i, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=1, column=i)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = REQUIRED_FILL if column.required or column.name in table.required_any[:1] else HEADER_FILL
            sheet.column_dimensions[get_column_letter(i)].width = max(14, len(column.name) + 4)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

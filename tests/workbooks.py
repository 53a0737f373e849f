"""Small workbooks in the shapes real exports have, built by the tests themselves (no shipped fixtures)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """{sheet name: rows} -> an .xlsx; None is an empty cell, a date/datetime a real Excel date cell."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def dutch_register(path: Path) -> Path:
    """A hand-made Dutch project register: a title row, an empty row, then the header on Excel row 3.

    Budget in k€, costs as Dutch text amounts, progress as "35%", day-first text dates beside real Excel dates.
    """
    return write_workbook(
        path,
        {
            "Projecten": [
                ["Projectenoverzicht maart 2026"],
                [],
                [
                    "Projectnummer",
                    "Projectnaam",
                    "Portefeuille",
                    "Projectleider",
                    "Status",
                    "Startdatum",
                    "Geplande einddatum",
                    "Budget (k€)",
                    "Werkelijke kosten",
                    "Voortgang",
                    "Stoplicht",
                    "Opmerking",
                ],
                [
                    "P-001",
                    "Vervanging financieel systeem",
                    "Bedrijfsvoering",
                    "Anna de Vries",
                    "Lopend",
                    "15-01-2026",
                    dt.datetime(2026, 12, 31),
                    1250,
                    "€ 1.234.567,89",
                    "35%",
                    "Groen",
                    "op schema",
                ],
                [
                    "P-002",
                    "Datacenter migratie",
                    "Infrastructuur",
                    "Bram Jansen",
                    "Gepauzeerd",
                    "03-02-2026",
                    dt.datetime(2027, 6, 30),
                    800.5,
                    "€ 8.000",
                    "5%",
                    "Oranje",
                    None,
                ],
                [
                    "P-003",
                    "Nieuwe website",
                    "Digitaal",
                    "Chris Bakker",
                    "Afgerond",
                    "31-02-2026",
                    dt.datetime(2026, 3, 1),
                    95,
                    "€ 99.500,00",
                    "100%",
                    "Rood",
                    None,
                ],
                [None, None, None, None, None, None, None, None, None, None, None, None],
                ["P-002", "Dubbel", "Digitaal", "X", "Lopend", "01-01-2026", None, 1, "€ 1,00", "1%", "Groen", None],
                [
                    None,
                    "Zonder nummer",
                    "Digitaal",
                    "Y",
                    "Lopend",
                    "01-01-2026",
                    None,
                    1,
                    "€ 1,00",
                    "1%",
                    "Groen",
                    None,
                ],
            ]
        },
    )


def project_online(path: Path) -> Path:
    """A Project Online project list: "Project " before known fields, Finish beside a baseline."""
    return write_workbook(
        path,
        {
            "Projects": [
                [
                    "Project ID",
                    "Project Name",
                    "Project Owner",
                    "Project Start Date",
                    "Project Baseline Finish Date",
                    "Project Finish Date",
                    "Project Budget Cost",
                    "Project Actual Cost",
                    "Project Percent Completed",
                ],
                [
                    "PO-1",
                    "CRM rollout",
                    "Dana Smit",
                    dt.datetime(2026, 1, 5),
                    dt.datetime(2026, 9, 30),
                    dt.datetime(2026, 11, 15),
                    250000,
                    120000.5,
                    0.4,
                ],
                [
                    "PO-2",
                    "HR portal",
                    "Eva Mulder",
                    dt.datetime(2025, 10, 1),
                    dt.datetime(2026, 4, 30),
                    dt.datetime(2026, 4, 30),
                    90000,
                    95000,
                    1,
                ],
            ]
        },
    )


def budget_grid(path: Path) -> Path:
    """A finance budget grid: bare Dutch month names, the year in the sheet name, a total column; actuals beside."""
    return write_workbook(
        path,
        {
            "Begroting 2026": [
                ["Projectcode", "Kostensoort", "jan", "feb", "mrt", "Totaal"],
                ["P-001", "Extern", "1.000,00", "2.500,50", None, "3.500,50"],
                ["P-002", "Intern", "400", "400", "400", "1.200"],
            ],
            "Realisatie 2026": [
                ["Projectcode", "Kostensoort", "jan", "feb", "mrt"],
                ["P-001", "Extern", "900,00", "2.600,00", None],
                ["P-002", "Intern", "380", "abc", None],
            ],
        },
    )

"""Write one demo snapshot as the five workbooks a PMO collects each month, in the shapes real exports have.

projectenregister_YYYY-MM.xlsx        Dutch register: title row and a blank row above the header, "Budget (k€)",
                                      "€ 1.234,56" text amounts, "35%" text, day-first text dates beside real dates
project_online_export_YYYY-MM.xlsx    MS Project Online milestones: Baseline Finish / Finish (forecast) / Actual Finish
financien_YYYY-MM.xlsx                wide month grids (Begroting, Realisatie, Prognose: "jan 2026" columns and a
                                      Totaal column) and a long earned-value sheet
risicoregister_YYYY-MM.xlsx           Dutch risk register (levels 1-5, "15 mrt 2026" dates) and an issues sheet
resourceplan_YYYY-MM.xlsx             people, and a wide hours grid whose month headers are real Excel dates

Everything written comes from the snapshot's truth frames, so the files hold exactly what the frames say.
Workbooks are written with openpyxl's write-only mode (rows streamed, linear in size) and with fixed zip
timestamps, so the same snapshot always gives the same bytes (and the importer's sha256 recognises a re-run).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from pmo_analytics.demo_data import SnapshotTruth
from pmo_analytics.demo_words import MONTH_ABBREVIATIONS, MONTH_NAMES

STATUS_LABELS = {"active": "Lopend", "on_hold": "Gepauzeerd", "completed": "Afgerond", "cancelled": "Geannuleerd"}
RAG_LABELS = {"green": "Groen", "amber": "Oranje", "red": "Rood"}
REGISTER_HEADERS = (
    "Projectnummer", "Projectnaam", "Portefeuille", "Programma", "Afdeling", "Projectleider", "Opdrachtgever",
    "Fase", "Status", "Prioriteit", "Startdatum", "Geplande einddatum", "Prognose einddatum",
    "Werkelijke einddatum", "Budget (k€)", "Werkelijke kosten", "Voortgang", "Stoplicht", "Toelichting",
)  # fmt: skip
MILESTONE_HEADERS = (
    "Project ID",
    "Unique ID",
    "Milestone",
    "Baseline Finish",
    "Finish",
    "Actual Finish",
    "% Complete",
    "Status",
)
RISK_HEADERS = (
    "Risico ID", "Projectnummer", "Omschrijving", "Categorie", "Kans (1-5)", "Impact (1-5)", "Financiële impact (€)",
    "Eigenaar", "Status", "Beheersmaatregel", "Datum gemeld", "Streefdatum",
)  # fmt: skip
ISSUE_HEADERS = ("Nr.", "Projectnummer", "Issue", "Prioriteit", "Status", "Eigenaar", "Datum gemeld", "Datum opgelost")
PEOPLE_HEADERS = ("Medewerker", "Team", "Rol", "Contracturen")
FINANCE_SHEETS = (("Begroting", "planned_value"), ("Realisatie", "actual_cost"), ("Prognose", "forecast_cost"))
# (sheet name, rows, column widths)
Sheet = tuple[str, Iterable[list], tuple[float, ...]]


def write_snapshot(out_dir: Path, snapshot: SnapshotTruth) -> list[Path]:
    """Write the five workbooks of one snapshot into ``out_dir``; returns their paths."""
    tables, as_of = snapshot.tables, snapshot.as_of
    tag = f"{as_of:%Y-%m}"
    books: list[tuple[str, list[Sheet]]] = [
        (
            f"projectenregister_{tag}.xlsx",
            [("Projecten", register_rows(tables["projects"], as_of), (14, 36, 26, 24, 24, 20, 20))],
        ),
        (
            f"project_online_export_{tag}.xlsx",
            [("Milestones", milestone_rows(tables["milestones"]), (12, 10, 30, 18, 18, 18))],
        ),
        (f"financien_{tag}.xlsx", finance_sheets(tables["cost_periods"], as_of)),
        (
            f"risicoregister_{tag}.xlsx",
            [
                ("Risico's", risk_rows(tables["risks"], as_of), (10, 14, 44, 14, 10, 10, 18, 20, 10, 44, 14, 14)),
                ("Issues", issue_rows(tables["issues"], as_of), (8, 14, 40, 10, 14, 20, 14, 14)),
            ],
        ),
        (
            f"resourceplan_{tag}.xlsx",
            [
                ("Medewerkers", people_rows(tables["people"]), (26, 22, 24, 12)),
                ("Inzet", allocation_rows(tables["allocations"]), (26, 14)),
            ],
        ),
    ]
    paths = []
    for name, sheets in books:
        save_workbook(out_dir / name, sheets, as_of)
        paths.append(out_dir / name)
    return paths


def euro_text(amount: float) -> str:
    """1234.56 -> "€ 1.234,56" (Dutch separators)."""
    return "€ " + f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def day_first(day: date) -> str:
    """date(2026, 3, 5) -> "05-03-2026"."""
    return f"{day:%d-%m-%Y}"


def dutch_date(day: date) -> str:
    """date(2026, 3, 15) -> "15 mrt 2026"."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def month_header(day: date) -> str:
    """date(2026, 3, 1) -> "mrt 2026"."""
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def records(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    """Rows as dicts with None for missing values and dates as ``date``."""
    columns = {}
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            columns[name] = [None if pd.isna(v) else v.date() for v in series]
        else:
            columns[name] = [None if pd.isna(v) else v for v in series.astype(object)]
    for values in zip(*columns.values(), strict=True):
        yield dict(zip(columns, values, strict=True))


def register_rows(projects: pd.DataFrame, as_of: date) -> Iterator[list]:
    """Title row ("Projectenoverzicht maart 2026"), a blank row, the header, one row per project."""
    yield [f"Projectenoverzicht {MONTH_NAMES[as_of.month - 1]} {as_of.year}"]
    yield []
    yield list(REGISTER_HEADERS)
    for row in records(projects):
        start = row["start_date"]
        status = STATUS_LABELS[row["status"]]
        if row["status"] == "active" and start and start > as_of:
            status = "Gepland"  # not started yet; the importer reads it as active
        budget_thousands = row["budget"] / 1000
        yield [
            int(row["project_id"]) if str(row["project_id"]).isdigit() else row["project_id"],
            row["project_name"],
            row["portfolio"],
            row["programme"],
            row["department"],
            row["project_manager"],
            row["sponsor"],
            row["phase"],
            status,
            row["priority"],
            day_first(start) if start else None,
            row["planned_finish_date"],
            row["forecast_finish_date"],
            row["actual_finish_date"],
            int(budget_thousands) if budget_thousands.is_integer() else budget_thousands,
            euro_text(row["actual_cost"]),
            f"{row['percent_complete']:.0f}%",
            RAG_LABELS.get(row["reported_status"]),
            remark(row, as_of),
        ]


def remark(row: dict[str, object], as_of: date) -> str | None:
    """The register's free-text "Toelichting" (an unknown column to the importer): kept, never mapped."""
    forecast, planned = row["forecast_finish_date"], row["planned_finish_date"]
    if row["status"] == "cancelled":
        return "Gestopt na besluit stuurgroep"
    if row["status"] == "completed":
        return "Opgeleverd en overgedragen aan beheer"
    if row["status"] == "on_hold":
        return "Gepauzeerd in afwachting van herprioritering"
    if row["start_date"] and row["start_date"] > as_of:
        return f"Start gepland op {day_first(row['start_date'])}"
    if forecast and planned and (forecast - planned).days > 30:
        return f"Oplevering verschoven naar {MONTH_NAMES[forecast.month - 1]} {forecast.year}"
    if row["actual_cost"] > 1.1 * row["budget"] * row["percent_complete"] / 100 + 1_000:
        return "Kosten lopen voor op voortgang; herijking in voorbereiding"
    return None


def milestone_rows(milestones: pd.DataFrame) -> Iterator[list]:
    """Project Online style: English headers from row 1, dates as date-times at 17:00 (the end of a work day)."""
    yield list(MILESTONE_HEADERS)
    for row in records(milestones):
        yield [
            row["project_id"],
            int(row["milestone_id"]),
            row["milestone_name"],
            _five_pm(row["baseline_date"]),
            _five_pm(row["forecast_date"]),
            _five_pm(row["actual_date"]),
            100 if row["actual_date"] else 0,
            row["status"],
        ]


def _five_pm(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, 17, 0)


def finance_sheets(cost_periods: pd.DataFrame, as_of: date) -> list[Sheet]:
    """Three wide grids (one row per project and cost category, one column per month, a Totaal column) and a
    long earned-value sheet. A grid leaves out the rows that have no value in it."""
    keys = cost_periods[["project_id", "cost_category"]].drop_duplicates()
    indexed = cost_periods.set_index(["project_id", "cost_category", "period_date"])
    sheets: list[Sheet] = []
    for sheet, measure in FINANCE_SHEETS:
        wide = indexed[measure].unstack("period_date").reindex(pd.MultiIndex.from_frame(keys)).dropna(how="all")
        title = f"{sheet} per project per maand (EUR), peildatum {day_first(as_of)}"
        sheets.append((sheet, _grid_rows(title, wide), (14, 12)))
    earned = cost_periods.dropna(subset=["earned_value"])
    sheets.append(("Verdiende waarde", _earned_rows(earned), (14, 12, 10, 14)))
    return sheets


def _grid_rows(title: str, wide: pd.DataFrame) -> Iterator[list]:
    yield [title]
    yield []
    yield ["Projectcode", "Kostensoort", *(month_header(d.date()) for d in wide.columns), "Totaal"]
    values = wide.to_numpy()
    for (project_id, category), row in zip(wide.index, values, strict=True):
        cells = [None if pd.isna(v) else round(float(v), 2) for v in row]
        total = round(sum(v for v in cells if v is not None), 2)
        yield [project_id, category, *cells, total]


def _earned_rows(earned: pd.DataFrame) -> Iterator[list]:
    yield ["Projectcode", "Kostensoort", "Periode", "Verdiend"]
    periods = earned["period_date"].dt.strftime("%Y-%m")  # "2026-03"
    for project_id, category, period, value in zip(
        earned["project_id"], earned["cost_category"], periods, earned["earned_value"], strict=True
    ):
        yield [project_id, category, period, round(float(value), 2)]


def risk_rows(risks: pd.DataFrame, as_of: date) -> Iterator[list]:
    yield [f"Risicoregister, stand per {day_first(as_of)}"]
    yield []
    yield list(RISK_HEADERS)
    for row in records(risks):
        yield [
            row["risk_id"],
            int(row["project_id"]) if str(row["project_id"]).isdigit() else row["project_id"],
            row["title"],
            row["category"],
            row["probability_level"],
            row["impact_level"],
            row["impact_amount"],
            row["owner"],
            "Gesloten" if row["status"] == "closed" else "Open",
            row["response"],
            row["raised_date"],
            dutch_date(row["due_date"]) if row["due_date"] else None,
        ]


def issue_rows(issues: pd.DataFrame, as_of: date) -> Iterator[list]:
    """Open issues older than 30 days read "In behandeling" (both mean open)."""
    yield list(ISSUE_HEADERS)
    for row in records(issues):
        raised = row["raised_date"]
        status = "Opgelost" if row["status"] == "closed" else "In behandeling" if (as_of - raised).days > 30 else "Open"
        yield [
            row["issue_id"],
            int(row["project_id"]) if str(row["project_id"]).isdigit() else row["project_id"],
            row["title"],
            row["priority"],
            status,
            row["owner"],
            day_first(raised),
            row["resolved_date"],
        ]


def people_rows(people: pd.DataFrame) -> Iterator[list]:
    yield list(PEOPLE_HEADERS)
    for row in records(people):
        hours = row["weekly_hours"]
        yield [row["person_name"], row["team"], row["role"], int(hours) if float(hours).is_integer() else hours]


def allocation_rows(allocations: pd.DataFrame) -> Iterator[list]:
    """Title row naming the unit, a blank row, then Medewerker, Projectnummer and one column per month whose
    header is a real Excel date (the first of the month)."""
    keys = allocations[["person_name", "project_id"]].drop_duplicates()
    wide = (
        allocations.set_index(["person_name", "project_id", "period_date"])["hours"]
        .unstack("period_date")
        .reindex(pd.MultiIndex.from_frame(keys))
    )
    yield ["Geplande inzet in uren per maand"]
    yield []
    yield ["Medewerker", "Projectnummer", *(d.date() for d in wide.columns)]
    for (person, project_id), row in zip(wide.index, wide.to_numpy(), strict=True):
        project = int(project_id) if str(project_id).isdigit() else project_id
        yield [person, project, *(None if pd.isna(v) else int(v) for v in row)]


def save_workbook(path: Path, sheets: list[Sheet], as_of: date) -> None:
    """Stream the sheets into a write-only workbook; the first row of each sheet (title or header) is bold."""
    book = Workbook(write_only=True)
    stamp = datetime(as_of.year, as_of.month, as_of.day, 18, 0)
    book.properties.creator = "PMO Analytics demo"
    book.properties.created = book.properties.modified = stamp
    for name, rows, widths in sheets:
        sheet = book.create_sheet(name)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for number, row in enumerate(rows):
            if number == 0:
                row = [_bold(sheet, value) for value in row]
            sheet.append(row)
    with _FixedTimeZip(path, stamp) as archive:
        ExcelWriter(book, archive).write_data()


def _bold(sheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp, so that the same content gives the same bytes."""

    def __init__(self, path: Path, stamp: datetime) -> None:
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = stamp.timetuple()[:6]

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        # openpyxl streams a write-only sheet to a temporary file and adds it with write().
        with open(filename, "rb") as handle:
            self.writestr(arcname or Path(filename).name, handle.read())

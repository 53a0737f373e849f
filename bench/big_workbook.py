"""The large portfolio workbook of issue 5, and its import beside fastexcel's bare read and pandas with openpyxl.

    python bench/big_workbook.py [--runs 5] [--openpyxl-runs 1] [--compare-tree DIR] [--projects 2000]

One xlsx, four sheets in the shapes Dutch exports have (2,000 projects by default):
  Projecten          2,000 rows   register: title row and a blank row above the header, "Budget (k€)",
                                  day-first text dates beside real dates, "35%" text, RAG words
  Kosten per maand  72,000 rows   long cost periods: 36 months per project, "€ 1.234,56" text amounts
  Inzet medewerkers 100,000 rows  long allocations: 5 people x 10 months per project, hours
  Risico's          10,000 rows   risk register: Laag/Middel/Hoog, levels 1-5, "€ 25.000", statuses in Dutch
Written once with openpyxl's write-only mode into bench/out/ (about a minute) and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from common import (
    OUT,
    add_import_race_arguments,
    describe_workbook,
    race_import,
    report_import,
)

MONTHS = 36  # cost periods per project: January 2024 to December 2026
PEOPLE_PER_PROJECT, ALLOCATION_MONTHS = 5, 10  # 50 allocation rows per project
RISKS_PER_PROJECT = 5
PEOPLE = 600
PORTFOLIOS = ("Digitale Dienstverlening", "Infrastructuur", "Bedrijfsvoering", "Data & Informatie")
PHASES = ("Initiatie", "Definitie", "Ontwerp", "Realisatie", "Implementatie", "Nazorg")
STATUSES = ("Lopend", "Lopend", "Lopend", "Gepauzeerd", "Afgerond", "Gepland")
RAG = ("Groen", "Groen", "Oranje", "Rood")
COST_TYPES = ("Intern", "Extern", "Licenties", "Hardware")
ROLES = ("Projectleider", "Architect", "Ontwikkelaar", "Tester", "Adviseur")
RISK_CATEGORIES = ("Planning", "Financieel", "Leverancier", "Techniek", "Organisatie", "Juridisch")
RISK_STATUSES = ("Open", "Open", "In behandeling", "Gesloten", "Gemitigeerd")
LEVEL_WORDS = ("Laag", "Middel", "Hoog")
FIRST_NAMES = ("Anna", "Bram", "Carla", "Daan", "Eva", "Femke", "Gijs", "Hanna", "Jeroen", "Kim", "Lars", "Mila")
LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos")


def _euro(amount: float) -> str:
    """12345.6 -> "€ 12.345,60" (Dutch text, as a finance export writes it)."""
    return "€ " + f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _person(number: int) -> str:
    return f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[number // len(FIRST_NAMES) % len(LAST_NAMES)]} {number:03d}"


def _project_rows(projects: int) -> Iterator[list[object]]:
    yield ["Projectenoverzicht — peildatum 31-03-2026"]
    yield []
    yield [
        "Projectnummer", "Projectnaam", "Portefeuille", "Programma", "Afdeling", "Projectleider", "Opdrachtgever",
        "Fase", "Status", "Prioriteit", "Startdatum", "Geplande einddatum", "Prognose einddatum", "Budget (k€)",
        "Werkelijke kosten", "Voortgang", "Stoplicht", "Toelichting",
    ]  # fmt: skip
    for p in range(projects):
        start = dt.datetime(2024, 1 + p % 12, 1 + p % 28)
        finish = start + dt.timedelta(days=365 + 30 * (p % 18))
        yield [
            f"PRJ-{p:05d}",
            f"Project {p} {PORTFOLIOS[p % 4].split()[0].lower()}",
            PORTFOLIOS[p % 4],
            f"Programma {p % 25}",
            f"Directie {p % 9}",
            _person(p % PEOPLE),
            _person((p * 7) % PEOPLE),
            PHASES[p % len(PHASES)],
            STATUSES[p % len(STATUSES)],
            ("Hoog", "Middel", "Laag")[p % 3],
            start,
            finish.strftime("%d-%m-%Y"),  # day-first text beside real dates
            finish + dt.timedelta(days=15 * (p % 5)),
            round(250 + (p * 37) % 4_750, 1),  # k€
            _euro(100_000 + (p * 7_919) % 3_000_000),
            f"{(p * 13) % 101}%",
            RAG[p % len(RAG)],
            "op schema" if p % 3 else "herplanning aangevraagd",
        ]


def _cost_rows(projects: int) -> Iterator[list[object]]:
    yield ["Kosten per project per maand (bron: financiële administratie)"]
    yield [
        "Projectnummer", "Periode", "Kostensoort", "Begroot", "Werkelijk", "Prognose", "Grootboekrekening",
        "Omschrijving",
    ]  # fmt: skip
    for p in range(projects):
        for month in range(MONTHS):
            period = dt.datetime(2024 + month // 12, month % 12 + 1, 1)
            planned = 5_000 + (p * 31 + month * 17) % 20_000
            done = month < 27  # actuals up to March 2026
            yield [
                f"PRJ-{p:05d}",
                period,
                COST_TYPES[(p + month) % len(COST_TYPES)],
                _euro(planned + (month % 100) / 100),
                round(planned * (0.8 + (p % 5) / 10), 2) if done else None,
                None if done else round(planned * 1.05, 2),
                4000 + (p + month) % 40,
                "maandafsluiting",
            ]


def _allocation_rows(projects: int) -> Iterator[list[object]]:
    yield ["Medewerker", "Projectnummer", "Maand", "Uren", "Rol"]
    for p in range(projects):
        for person in range(PEOPLE_PER_PROJECT):
            for month in range(ALLOCATION_MONTHS):
                yield [
                    _person((p * PEOPLE_PER_PROJECT + person) % PEOPLE),
                    f"PRJ-{p:05d}",
                    dt.datetime(2026, 1 + (p + month) % 12, 1),
                    8 * (1 + (p + person + month) % 16),
                    ROLES[person],
                ]


def _risk_rows(projects: int) -> Iterator[list[object]]:
    yield ["Risicoregister"]
    yield [
        "Risiconummer", "Projectnummer", "Risico", "Categorie", "Kans", "Impact", "Financieel gevolg", "Eigenaar",
        "Status", "Beheersmaatregel", "Datum gemeld", "Streefdatum", "Toelichting",
    ]  # fmt: skip
    for p in range(projects):
        for r in range(RISKS_PER_PROJECT):
            number = p * RISKS_PER_PROJECT + r
            raised = dt.date(2025, 1 + number % 12, 1 + number % 28)
            yield [
                f"R-{number:05d}",
                f"PRJ-{p:05d}",
                f"{RISK_CATEGORIES[number % len(RISK_CATEGORIES)]}srisico {number}: vertraging door afhankelijkheid",
                RISK_CATEGORIES[number % len(RISK_CATEGORIES)],
                LEVEL_WORDS[number % 3],
                1 + number % 5,
                _euro(5_000 * (1 + number % 20)),
                _person(number % PEOPLE),
                RISK_STATUSES[number % len(RISK_STATUSES)],
                "extra capaciteit inhuren" if number % 2 else "scope beperken",
                raised.strftime("%d-%m-%Y"),
                dt.datetime(2026, 1 + number % 12, 28),
                None if number % 4 else "besproken in stuurgroep",
            ]


def build_workbook(projects: int = 2_000) -> Path:
    """bench/out/portfolio_<projects>.xlsx, written once."""
    path = OUT / f"portfolio_{projects}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    OUT.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    for title, rows in (
        ("Projecten", _project_rows(projects)),
        ("Kosten per maand", _cost_rows(projects)),
        ("Inzet medewerkers", _allocation_rows(projects)),
        ("Risico's", _risk_rows(projects)),
    ):
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    partial = path.with_suffix(".partial.xlsx")  # an interrupted run leaves no half-written cache behind
    workbook.save(partial)
    partial.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2_000)
    add_import_race_arguments(parser)
    args = parser.parse_args()
    path = build_workbook(args.projects)
    results = race_import(path, "big_workbook", args)
    n = args.projects
    print(
        f"workbook: {describe_workbook(path)}: projects {n:,}, cost periods {n * MONTHS:,}, "
        f"allocations {n * PEOPLE_PER_PROJECT * ALLOCATION_MONTHS:,}, risks {n * RISKS_PER_PROJECT:,} rows"
    )
    report_import(results)


if __name__ == "__main__":
    main()

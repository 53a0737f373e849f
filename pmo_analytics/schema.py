"""The table contracts: one place that names every table, column, type, required flag and header synonym.

The importer (mapping, parsing, validation), the store (DuckDB DDL), the template workbook and the
tests all read this module; nothing restates it.

Header matching works on :func:`normalise_header`: case, accents, spaces, underscores, punctuation
and a unit in brackets are ignored, so "Budget (k€)", "budget", "BUDGET" and "Begroting" can all
name ``budget`` ("(k€)" also sets a multiplier of 1,000).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

Kind = Literal[
    "id",  # text key: 1001 stays "1001", never "1001.0"
    "text",
    "date",
    "amount",  # money in euro; "€ 1.234,56", "(1,234.56)", k€ headers x 1,000
    "number",  # plain quantity: hours, FTE
    "percent",  # 0-100; 35, 0.35 (in a column of fractions) or "35%"
    "probability",  # 0-1; levels 1-5 -> 0.1..0.9; "35%" -> 0.35; Low/Medium/High -> levels 1/3/5
    "level",  # 1-5; Low/Medium/High and Laag/Middel/Hoog -> 1/3/5
    "enum",  # one of Column.values, matched through their synonyms
]

# The DuckDB type each kind is stored as.
SQL_TYPES: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "date": "DATE",
    "amount": "DOUBLE",
    "number": "DOUBLE",
    "percent": "DOUBLE",
    "probability": "DOUBLE",
    "level": "TINYINT",
    "enum": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    synonyms: tuple[str, ...] = ()
    # For kind "enum": canonical value -> words that mean it (matched after normalise_value).
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    columns: tuple[Column, ...]
    # Columns whose combined value must be unique within one import (empty: no key).
    key: tuple[str, ...] = ()
    # Words in a sheet name that suggest this table ("Risico's" -> risks).
    sheet_hints: tuple[str, ...] = ()
    # Headers whose meaning depends on what else the sheet has (MS Project's Start/Finish):
    # header synonym -> (target when `fallback` is mapped by another column, fallback target).
    # "Finish" beside "Baseline Finish" is the forecast; alone it is the plan.
    contextual: dict[str, tuple[str, str]] = field(default_factory=dict)
    # A wide sheet (one column per month) of this table is unpivoted into one of these value columns.
    wide_measures: tuple[str, ...] = ()
    # A row must carry at least one of these (cost_periods: a month with actuals but no plan is still a row).
    required_any: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


# Every stored row also carries where it came from.
PROVENANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("import_id", "INTEGER"),
    ("source_file", "VARCHAR"),
    ("source_sheet", "VARCHAR"),
    ("source_row", "INTEGER"),  # the Excel row number a user sees (1-based, header included)
    ("extra", "VARCHAR"),  # JSON object of the row's unknown columns: kept, never dropped
)

PROJECT_ID_SYNONYMS = (
    "project id",
    "projectid",
    "project code",
    "project number",
    "project nr",
    "project no",
    "projectnummer",
    "projectnr",
    "projectcode",
    "project",
    "proj id",
    "project unique id",
    "projectid nummer",
    "code project",
    "project key",
    "jira project key",
)

PERSON_SYNONYMS = (
    "person",
    "person name",
    "resource",
    "resource name",
    "medewerker",
    "naam",
    "name",
    "naam medewerker",
    "employee",
    "employee name",
    "resource names",
    "wie",
)

OPEN_CLOSED = {
    "open": (
        "open",
        "opened",
        "new",
        "nieuw",
        "active",
        "actief",
        "in progress",
        "in behandeling",
        "lopend",
        "ongoing",
        "monitoring",
        "bewaken",
        "identified",
        "geidentificeerd",
        "escalated",
        "geescaleerd",
        "to do",
        "todo",
        "pending",
        "openstaand",
    ),
    "closed": (
        "closed",
        "close",
        "gesloten",
        "resolved",
        "opgelost",
        "done",
        "gereed",
        "afgerond",
        "completed",
        "complete",
        "mitigated",
        "gemitigeerd",
        "accepted",
        "geaccepteerd",
        "avoided",
        "vermeden",
        "occurred",
        "opgetreden",
        "cancelled",
        "geannuleerd",
        "vervallen",
        "obsolete",
    ),
}

PROJECT_STATUS = {
    "active": (
        "active",
        "actief",
        "lopend",
        "in progress",
        "in uitvoering",
        "open",
        "running",
        "started",
        "gestart",
        "ongoing",
        "on track",
        "at risk",
        "execution",
        "planned",
        "gepland",
        "not started",
        "niet gestart",
        "proposed",
        "approved",
        "goedgekeurd",
    ),
    "on_hold": (
        "on hold",
        "onhold",
        "hold",
        "paused",
        "gepauzeerd",
        "gepauzeerd",
        "geparkeerd",
        "suspended",
        "bevroren",
        "pauze",
    ),
    "completed": (
        "completed",
        "complete",
        "closed",
        "done",
        "finished",
        "afgerond",
        "gereed",
        "voltooid",
        "opgeleverd",
        "afgesloten",
        "delivered",
    ),
    "cancelled": (
        "cancelled",
        "canceled",
        "geannuleerd",
        "gestopt",
        "stopped",
        "terminated",
        "vervallen",
        "ingetrokken",
    ),
}

RAG = {
    "green": ("green", "groen", "g", "on track", "good", "goed", "ok"),
    "amber": ("amber", "oranje", "geel", "yellow", "a", "y", "o", "at risk", "fair", "matig", "attention", "aandacht"),
    "red": ("red", "rood", "r", "off track", "poor", "slecht", "critical", "kritiek", "kritisch"),
}

PROJECTS = Table(
    name="projects",
    grain="One row per project.",
    key=("project_id",),
    sheet_hints=("project", "projecten", "register", "overview", "overzicht", "portfolio", "portefeuille"),
    contextual={
        "finish": ("forecast_finish_date", "planned_finish_date"),
        "finish date": ("forecast_finish_date", "planned_finish_date"),
        "end": ("forecast_finish_date", "planned_finish_date"),
        "end date": ("forecast_finish_date", "planned_finish_date"),
        "einddatum": ("forecast_finish_date", "planned_finish_date"),
        "eind": ("forecast_finish_date", "planned_finish_date"),
    },
    columns=(
        Column("project_id", "id", True, PROJECT_ID_SYNONYMS + ("id", "code", "nummer", "nr", "unique id", "key")),
        Column(
            "project_name",
            "text",
            True,
            (
                "project name",
                "projectname",
                "name",
                "projectnaam",
                "naam",
                "naam project",
                "title",
                "titel",
                "project title",
                "omschrijving project",
            ),
        ),
        Column("portfolio", "text", False, ("portfolio", "portefeuille", "portfolio name", "domein", "domain")),
        Column("programme", "text", False, ("programme", "program", "programma", "programme name", "program name")),
        Column(
            "department",
            "text",
            False,
            (
                "department",
                "afdeling",
                "directie",
                "business unit",
                "bu",
                "division",
                "divisie",
                "organisation unit",
                "organisatieonderdeel",
                "owner department",
                "cluster",
            ),
        ),
        Column(
            "project_manager",
            "text",
            False,
            (
                "pm",
                "project manager",
                "projectmanager",
                "projectleider",
                "project leader",
                "manager",
                "project owner",
                "owner",
                "eigenaar",
                "verantwoordelijke",
            ),
        ),
        Column(
            "sponsor",
            "text",
            False,
            ("sponsor", "opdrachtgever", "executive sponsor", "business owner", "ambtelijk opdrachtgever"),
        ),
        Column(
            "phase",
            "text",
            False,
            ("phase", "fase", "stage", "projectfase", "project phase", "lifecycle stage", "stadium"),
        ),
        Column(
            "status",
            "enum",
            False,
            ("status", "project status", "projectstatus", "state", "toestand"),
            values=PROJECT_STATUS,
        ),
        Column("priority", "text", False, ("priority", "prioriteit", "prio", "rank", "ranking")),
        Column(
            "start_date",
            "date",
            False,
            (
                "start",
                "start date",
                "startdatum",
                "begindatum",
                "begin",
                "baseline start",
                "planned start",
                "geplande startdatum",
                "start gepland",
                "aanvang",
            ),
        ),
        Column(
            "planned_finish_date",
            "date",
            False,
            (
                "baseline finish",
                "baseline finish date",
                "baseline end",
                "planned finish",
                "planned finish date",
                "planned end",
                "planned end date",
                "geplande einddatum",
                "einddatum gepland",
                "oorspronkelijke einddatum",
                "target date",
                "target go live",
                "target end date",
                "due date",
                "deadline",
                "opleverdatum",
            ),
        ),
        Column(
            "forecast_finish_date",
            "date",
            False,
            (
                "forecast finish",
                "forecast finish date",
                "forecast end",
                "forecast end date",
                "expected finish",
                "estimated finish",
                "prognose einddatum",
                "verwachte einddatum",
                "einddatum prognose",
                "prognose eind",
                "current finish",
            ),
        ),
        Column(
            "actual_finish_date",
            "date",
            False,
            (
                "actual finish",
                "actual finish date",
                "actual end",
                "actual end date",
                "werkelijke einddatum",
                "einddatum werkelijk",
                "datum afgerond",
                "completion date",
                "closed date",
            ),
        ),
        Column(
            "budget",
            "amount",
            False,
            (
                "budget",
                "baseline cost",
                "bac",
                "budget at completion",
                "begroting",
                "begroot",
                "budget totaal",
                "totaal budget",
                "total budget",
                "approved budget",
                "goedgekeurd budget",
                "projectbudget",
                "project budget",
                "budget cost",
            ),
        ),
        Column(
            "actual_cost",
            "amount",
            False,
            (
                "actual cost",
                "actual costs",
                "actuals",
                "ac",
                "acwp",
                "werkelijke kosten",
                "realisatie",
                "gerealiseerd",
                "kosten tot nu toe",
                "spent",
                "uitgegeven",
                "besteed",
                "cost to date",
            ),
        ),
        Column(
            "percent_complete",
            "percent",
            False,
            (
                "% complete",
                "percent complete",
                "percentage complete",
                "complete",
                "progress",
                "voortgang",
                "% gereed",
                "gereed",
                "percentage gereed",
                "% voltooid",
                "voltooid",
                "physical % complete",
                "percent completed",
                "% klaar",
                "completion",
            ),
        ),
        Column(
            "reported_status",
            "enum",
            False,
            (
                "rag",
                "rag status",
                "status rag",
                "health",
                "health status",
                "health score",
                "stoplicht",
                "status kleur",
                "statuskleur",
                "overall status",
                "overall health",
                "traffic light",
                "kleur",
                "gezondheid",
                "projectgezondheid",
            ),
            values=RAG,
        ),
    ),
)

COST_PERIODS = Table(
    name="cost_periods",
    grain="One row per project per period (month by default), optionally per cost category.",
    key=("project_id", "period_date", "cost_category"),
    sheet_hints=(
        "cost",
        "kosten",
        "budget",
        "finance",
        "financien",
        "begroting",
        "realisatie",
        "forecast",
        "prognose",
        "periode",
        "maand",
    ),
    wide_measures=("planned_value", "actual_cost", "earned_value", "forecast_cost"),
    required_any=("planned_value", "actual_cost", "earned_value", "forecast_cost"),
    columns=(
        Column("project_id", "id", True, PROJECT_ID_SYNONYMS),
        Column(
            "period_date",
            "date",
            True,
            (
                "period",
                "period date",
                "month",
                "periode",
                "maand",
                "boekperiode",
                "period start",
                "maand jaar",
                "date",
                "datum",
            ),
        ),
        Column(
            "cost_category",
            "text",
            False,
            (
                "cost type",
                "cost category",
                "category",
                "kostensoort",
                "kostencategorie",
                "categorie",
                "kostenplaats",
                "cost element",
                "account",
            ),
        ),
        Column(
            "planned_value",
            "amount",
            False,
            (
                "planned",
                "planned value",
                "planned cost",
                "budget",
                "pv",
                "bcws",
                "begroot",
                "gepland",
                "begroting",
                "plan",
                "budgeted cost",
                "baseline cost",
            ),
        ),
        Column(
            "actual_cost",
            "amount",
            False,
            (
                "actual",
                "actual cost",
                "actuals",
                "ac",
                "acwp",
                "werkelijk",
                "werkelijke kosten",
                "realisatie",
                "gerealiseerd",
            ),
        ),
        Column(
            "earned_value", "amount", False, ("ev", "bcwp", "earned", "earned value", "verdiend", "verdiende waarde")
        ),
        Column(
            "forecast_cost", "amount", False, ("forecast", "forecast cost", "prognose", "verwacht", "estimate", "etc")
        ),
    ),
)

MILESTONES = Table(
    name="milestones",
    grain="One row per milestone.",
    key=("project_id", "milestone_id", "milestone_name"),
    sheet_hints=("milestone", "mijlpaal", "mijlpalen", "mta"),
    contextual={
        "finish": ("forecast_date", "baseline_date"),
        "date": ("forecast_date", "baseline_date"),
        "datum": ("forecast_date", "baseline_date"),
        "einddatum": ("forecast_date", "baseline_date"),
    },
    columns=(
        Column("project_id", "id", True, PROJECT_ID_SYNONYMS),
        Column("milestone_id", "id", False, ("milestone id", "mijlpaal id", "mijlpaalnummer", "id", "nr", "unique id")),
        Column(
            "milestone_name",
            "text",
            True,
            (
                "milestone",
                "milestone name",
                "mijlpaal",
                "naam mijlpaal",
                "mijlpaalnaam",
                "name",
                "naam",
                "omschrijving",
                "description",
                "task name",
            ),
        ),
        Column(
            "baseline_date",
            "date",
            False,
            (
                "baseline",
                "baseline date",
                "baseline finish",
                "planned date",
                "planned",
                "geplande datum",
                "oorspronkelijke datum",
                "oorspronkelijk",
                "plandatum",
                "target date",
                "due date",
            ),
        ),
        Column(
            "forecast_date",
            "date",
            False,
            (
                "forecast",
                "forecast date",
                "prognose",
                "prognosedatum",
                "verwachte datum",
                "expected date",
                "current date",
            ),
        ),
        Column(
            "actual_date",
            "date",
            False,
            (
                "actual",
                "actual date",
                "actual finish",
                "gerealiseerd",
                "realisatiedatum",
                "werkelijke datum",
                "datum gereed",
                "completed date",
            ),
        ),
        Column("status", "text", False, ("status", "milestone status")),
    ),
)

RISKS = Table(
    name="risks",
    grain="One row per risk.",
    key=("risk_id",),
    sheet_hints=("risk", "risico", "risicos", "raid"),
    columns=(
        Column(
            "risk_id",
            "id",
            False,
            (
                "risk id",
                "risico id",
                "risiconummer",
                "risk nr",
                "risk number",
                "id",
                "nr",
                "nummer",
                "ref",
                "reference",
            ),
        ),
        Column("project_id", "id", False, PROJECT_ID_SYNONYMS),
        Column(
            "title",
            "text",
            True,
            (
                "title",
                "risk",
                "risico",
                "omschrijving",
                "description",
                "risk description",
                "risicobeschrijving",
                "beschrijving",
                "titel",
                "risk title",
                "naam",
                "name",
                "summary",
            ),
        ),
        Column(
            "category", "text", False, ("category", "categorie", "type risico", "risk category", "risk type", "soort")
        ),
        Column(
            "probability",
            "probability",
            False,
            ("probability", "kans", "waarschijnlijkheid", "likelihood", "probability %", "kans %", "prob", "p"),
        ),
        Column(
            "probability_level",
            "level",
            False,
            (
                "probability level",
                "kansniveau",
                "kans niveau",
                "likelihood level",
                "likelihood score",
                "probability score",
                "kansscore",
            ),
        ),
        Column(
            "impact_level",
            "level",
            False,
            (
                "impact",
                "impact level",
                "gevolg",
                "impactniveau",
                "impact niveau",
                "severity",
                "impact score",
                "ernst",
                "consequence",
                "gevolgen",
                "i",
            ),
        ),
        Column(
            "impact_amount",
            "amount",
            False,
            (
                "impact amount",
                "financial impact",
                "financiele impact",
                "impact eur",
                "impact bedrag",
                "cost impact",
                "kosten impact",
                "financieel gevolg",
                "schade",
                "impact cost",
                "exposure amount",
            ),
        ),
        Column(
            "owner",
            "text",
            False,
            (
                "owner",
                "eigenaar",
                "risk owner",
                "risico eigenaar",
                "risicoeigenaar",
                "verantwoordelijke",
                "actiehouder",
                "assigned to",
            ),
        ),
        Column("status", "enum", False, ("status", "risk status", "risicostatus"), values=OPEN_CLOSED),
        Column(
            "response",
            "text",
            False,
            (
                "response",
                "mitigation",
                "mitigation action",
                "mitigation/action",
                "beheersmaatregel",
                "beheersmaatregelen",
                "maatregel",
                "maatregelen",
                "mitigatie",
                "tegenmaatregel",
                "response plan",
                "action",
                "actie",
            ),
        ),
        Column(
            "raised_date",
            "date",
            False,
            (
                "raised",
                "raised date",
                "date raised",
                "identified",
                "identified date",
                "datum gemeld",
                "gemeld op",
                "datum",
                "date",
                "registratiedatum",
                "created",
                "aangemaakt",
            ),
        ),
        Column(
            "due_date",
            "date",
            False,
            ("due", "due date", "deadline", "target date", "streefdatum", "einddatum", "uiterlijk"),
        ),
    ),
)

ISSUES = Table(
    name="issues",
    grain="One row per issue.",
    key=("issue_id",),
    sheet_hints=("issue", "issues", "probleem", "problemen", "knelpunt", "knelpunten", "raid", "log"),
    columns=(
        Column(
            "issue_id",
            "id",
            False,
            (
                "issue id",
                "issue nr",
                "issue number",
                "issue key",
                "key",
                "id",
                "nr",
                "nummer",
                "ref",
                "reference",
                "probleem id",
            ),
        ),
        Column("project_id", "id", False, PROJECT_ID_SYNONYMS),
        Column(
            "title",
            "text",
            True,
            (
                "title",
                "issue",
                "probleem",
                "knelpunt",
                "omschrijving",
                "description",
                "summary",
                "samenvatting",
                "titel",
                "naam",
                "name",
                "issue description",
            ),
        ),
        Column(
            "priority",
            "text",
            False,
            ("priority", "prioriteit", "severity", "ernst", "urgentie", "urgency", "prio", "impact"),
        ),
        Column("status", "enum", False, ("status", "issue status"), values=OPEN_CLOSED),
        Column(
            "owner",
            "text",
            False,
            ("owner", "eigenaar", "assignee", "assigned to", "actiehouder", "toegewezen aan", "verantwoordelijke"),
        ),
        Column(
            "raised_date",
            "date",
            False,
            (
                "raised",
                "raised date",
                "created",
                "date raised",
                "datum gemeld",
                "gemeld op",
                "aangemaakt",
                "datum",
                "date",
                "opened",
                "registratiedatum",
            ),
        ),
        Column(
            "resolved_date",
            "date",
            False,
            (
                "resolved",
                "resolved date",
                "date resolved",
                "closed",
                "closed date",
                "opgelost",
                "datum opgelost",
                "datum gesloten",
                "gesloten op",
                "opgelost op",
            ),
        ),
    ),
)

PEOPLE = Table(
    name="people",
    grain="One row per person.",
    key=("person_name",),
    sheet_hints=(
        "people",
        "resources",
        "resource",
        "medewerkers",
        "capaciteit",
        "capacity",
        "team",
        "personeel",
        "mensen",
        "bezetting",
    ),
    columns=(
        Column("person_name", "text", True, PERSON_SYNONYMS),
        Column(
            "team", "text", False, ("team", "afdeling", "group", "groep", "department", "vakgroep", "resource group")
        ),
        Column("role", "text", False, ("role", "rol", "functie", "job title", "discipline", "competentie", "skill")),
        Column(
            "weekly_hours",
            "number",
            False,
            (
                "weekly hours",
                "hours per week",
                "uren per week",
                "contracturen",
                "contract uren",
                "contract hours",
                "capacity",
                "capaciteit",
                "beschikbaar",
                "available hours",
                "max units",
            ),
        ),
    ),
)

ALLOCATIONS = Table(
    name="allocations",
    grain="One row per person per project per period or span.",
    key=("person_name", "project_id", "start_date", "period_date"),
    sheet_hints=(
        "allocation",
        "allocations",
        "inzet",
        "planning",
        "resourceplan",
        "resource plan",
        "bezetting",
        "toewijzing",
        "assignments",
        "capaciteitsplanning",
    ),
    wide_measures=("hours", "fte"),
    required_any=("hours", "fte"),
    columns=(
        Column("person_name", "text", True, PERSON_SYNONYMS),
        Column("project_id", "id", True, PROJECT_ID_SYNONYMS),
        Column(
            "start_date",
            "date",
            False,
            ("start", "start date", "startdatum", "van", "from", "begin", "begindatum", "assignment start"),
        ),
        Column(
            "finish_date",
            "date",
            False,
            (
                "finish",
                "finish date",
                "end",
                "end date",
                "einddatum",
                "tot",
                "to",
                "until",
                "eind",
                "assignment finish",
            ),
        ),
        Column("period_date", "date", False, ("period", "month", "periode", "maand", "week")),
        Column(
            "hours",
            "number",
            False,
            ("hours", "uren", "work", "werk", "planned hours", "geplande uren", "effort", "inspanning", "uren gepland"),
        ),
        Column(
            "fte",
            "number",
            False,
            ("fte", "inzet", "inzet fte", "allocation", "allocatie", "units", "assignment units"),
        ),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (PROJECTS, COST_PERIODS, MILESTONES, RISKS, ISSUES, PEOPLE, ALLOCATIONS)}

# A wide grid's measure, named by its sheet ("Begroting 2026"), a cell above the grid ("Realisatie per maand")
# or a column that names it per row ("Soort": Budget / Realisatie). Matched as whole words.
WIDE_MEASURE_WORDS: dict[str, tuple[str, ...]] = {
    "planned_value": (
        "budget",
        "begroting",
        "begroot",
        "planned",
        "plan",
        "planning kosten",
        "gepland",
        "pv",
        "bcws",
        "baseline",
    ),
    "actual_cost": (
        "actual",
        "actuals",
        "realisatie",
        "werkelijk",
        "werkelijke kosten",
        "gerealiseerd",
        "ac",
        "acwp",
        "spent",
        "uitgaven",
    ),
    "earned_value": ("earned", "earned value", "ev", "bcwp", "verdiend", "verdiende waarde"),
    "forecast_cost": ("forecast", "prognose", "verwacht", "outlook", "fc"),
    "hours": (
        "hours",
        "uren",
        "inzet",
        "work",
        "werk",
        "allocation",
        "allocatie",
        "bezetting",
        "resourceplan",
        "capaciteitsplanning",
    ),
    "fte": ("fte",),
}

# Headers of a wide grid that hold a total, not a month: not imported (the total is derived), reported.
TOTAL_WORDS = ("total", "totaal", "totalen", "sum", "som", "jaartotaal", "year total", "grand total", "eindtotaal")

# A column that says per row whether it is a risk or an issue ("Type (Risk/Issue)" in a RAID log).
RISK_ISSUE_TYPE_HEADERS = (
    "type",
    "soort",
    "typeriskissue",
    "risk issue",
    "riskissue",
    "type risk issue",
    "categorie raid",
    "raid type",
    "item type",
)
RISK_WORDS = ("risk", "risico", "risk item", "r")
ISSUE_WORDS = ("issue", "probleem", "knelpunt", "issues", "i")

# Hours in one FTE when a file gives FTE rather than hours (Dutch collective agreements vary: 36-40).
HOURS_PER_FTE = 40.0
DEFAULT_WEEKLY_HOURS = 40.0

# "Budget (k€)", "Begroting x 1000", "Amount (EUR thousands)" -> multiply by 1,000.
_THOUSANDS_UNIT = re.compile(
    r"(k\s*€|k\s*eur\b|keur\b|€\s*k\b|eur\s*k\b|x\s*1[.,]?000\b|\bx\s*€?\s*1[.,]?000|thousands?|duizenden|\(\s*000\s*\)|€\s*000\b|\bdzd\b)",
    re.IGNORECASE,
)
_MILLIONS_UNIT = re.compile(r"(m\s*€|m\s*eur\b|meur\b|€\s*m\b|millions?|miljoen)", re.IGNORECASE)
_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")


def strip_accents(text: str) -> str:
    """ "Financiële" -> "Financiele"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise_value(text: str) -> str:
    """A cell value as matched against enum words: "  On-Hold " -> "on hold", "Geëscaleerd" -> "geescaleerd"."""
    text = strip_accents(str(text)).lower()
    text = re.sub(r"[^0-9a-z%]+", " ", text)
    return text.strip()


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z%]+", "", text)


def header_keys(header: object) -> tuple[str, ...]:
    """The keys a header is matched by, most specific first.

    "Status (RAG)" -> ("statusrag", "status"); "Budget (k€)" -> ("budget",);
    "Project_Finish Date" -> ("projectfinishdate",). "%" is kept: "% Complete" -> "%complete".
    """
    if header is None:
        return ()
    text = strip_accents(str(header)).lower().strip()
    if not text:
        return ()
    keys = [_squash(text)]
    without = _squash(_BRACKETS.sub(" ", text))
    # Units outside brackets: "Budget k€", "Kosten EUR", "Uren (h)".
    without = re.sub(r"(keur|meur|eur|euro|k€|€|hrs|uren)$", "", without) if len(without) > 4 else without
    if without and without not in keys:
        keys.append(without)
    return tuple(k for k in keys if k)


def synonym_key(synonym: str) -> str:
    return _squash(strip_accents(synonym).lower())


def header_multiplier(header: object) -> float:
    """1,000 for "Budget (k€)" or "Begroting x 1.000", 1,000,000 for "Budget (M€)", else 1."""
    if header is None:
        return 1.0
    text = str(header)
    if _THOUSANDS_UNIT.search(text):
        return 1_000.0
    if _MILLIONS_UNIT.search(text):
        return 1_000_000.0
    return 1.0


_SYNONYM_INDEXES: dict[str, dict[str, str]] = {}


def synonym_index(table: Table) -> dict[str, str]:
    """Normalised header key -> column name, for one table (its contextual headers excluded)."""
    if table.name in _SYNONYM_INDEXES and table is TABLES.get(table.name):
        return _SYNONYM_INDEXES[table.name]
    index: dict[str, str] = {}
    for col in table.columns:
        for word in (col.name, col.name.replace("_", " "), *col.synonyms):
            index.setdefault(synonym_key(word), col.name)
    if table is TABLES.get(table.name):
        _SYNONYM_INDEXES[table.name] = index
    return index


def prefixed_keys(key: str) -> tuple[str, ...]:
    """Project Online puts "Project " before known fields: "projectfinishdate" -> also "finishdate"."""
    out = [key]
    for prefix in ("project", "projects"):
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            out.append(key[len(prefix) :])
    return tuple(out)


def ddl(table: Table) -> str:
    """CREATE TABLE statement for one contract table, provenance columns first."""
    cols = [f"{name} {sql}" for name, sql in PROVENANCE_COLUMNS]
    cols += [f"{c.name} {c.sql_type}" for c in table.columns]
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  " + ",\n  ".join(cols) + "\n)"


# DESIGN.md, risks: levels 1-5 stand for the probabilities 0.1/0.3/0.5/0.7/0.9 (the middle of bands of 0.2).
LEVEL_PROBABILITIES = np.array([np.nan, 0.1, 0.3, 0.5, 0.7, 0.9])


def level_to_probability(level: pd.Series) -> pd.Series:
    """Levels 1..5 -> 0.1/0.3/0.5/0.7/0.9 (float64); anything else NaN. Same index."""
    numbers = pd.to_numeric(level, errors="coerce").astype(float).to_numpy(na_value=np.nan)
    whole = np.where(np.isin(numbers, [1, 2, 3, 4, 5]), numbers, 0).astype(int)
    return pd.Series(LEVEL_PROBABILITIES[whole], index=level.index, dtype="float64")


def probability_to_level(probability: pd.Series) -> pd.Series:
    """Probabilities 0-1 -> levels (Int8): [0, 0.2] -> 1, (0.2, 0.4] -> 2, ... (0.8, 1] -> 5; else NA. Same index."""
    numbers = pd.to_numeric(probability, errors="coerce").astype(float).to_numpy(na_value=np.nan)
    # 0.6 * 5 = 3.0000000000000004: the tolerance keeps 0.6 in band 3
    levels = np.clip(np.ceil(numbers * 5 - 1e-9), 1, 5)
    levels = np.where((numbers >= 0) & (numbers <= 1), levels, np.nan)
    return pd.Series(levels, index=probability.index).astype("Int8")

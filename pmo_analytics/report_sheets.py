"""The layout of the management report: which sheets, which columns in which order, labels, kinds and widths.

A column's kind picks its Excel number format in report.py: money "€ #,##0", ratio "0.00", date "dd-mm-yyyy",
health (colour AND word), ... ``kind="row"`` takes the kind from the frame's ``kind`` column (the KPI block
mixes money, ratios and counts), ``"row_change"`` the matching change format (+€ 1,234 / -0.05).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pmo_analytics.dashboard import KPIS
from pmo_analytics.formatting import format_date
from pmo_analytics.indicators.health_settings import Bands
from pmo_analytics.indicators.portfolio import HEADLINE_FIGURES
from pmo_analytics.report_content import ReportContent, filters_text


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a sheet: the frame column it shows, its header, its kind (number format) and width."""

    key: str
    label: str
    kind: str = "text"
    width: float = 12
    wrap: bool = False
    frozen: bool = False  # stays in view when scrolling right (the project's id and name)


@dataclass(frozen=True)
class Block:
    """A titled table on a sheet."""

    title: str
    frame: pd.DataFrame
    columns: tuple[ColumnSpec, ...]
    empty_note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    description: str
    blocks: Callable[[ReportContent], list[Block]]
    shown: Callable[[ReportContent], bool] = lambda content: True

    def row_count(self, content: ReportContent) -> int:
        return sum(len(block.frame) for block in self.blocks(content))


def _id(label: str = "Project ID") -> ColumnSpec:
    return ColumnSpec("project_id", label, "text", 12, frozen=True)


PROJECT_NAME = ColumnSpec("project_name", "Project", "text", 34, frozen=True)
KPI_KINDS = {"bac": "money", "ac": "money", "eac": "money", "cpi": "ratio", "spi_t": "ratio"}  # the rest: counts
FIGURE_LABELS = {
    "bac": ("BAC", "money"),
    "ac": ("AC", "money"),
    "eac": ("EAC", "money"),
    "cpi": ("CPI", "ratio"),
    "spi_t": ("SPI(t)", "ratio"),
    "finish_slip_days": ("Finish slip (days)", "days"),
    "open_risks": ("Open risks", "count"),
    "risk_exposure": ("Risk exposure", "money"),
    "open_issues": ("Open issues", "count"),
    "milestones_late": ("Late milestones", "count"),
}

# --- Summary ---------------------------------------------------------------------------------------------------


def _bands(name: str, figure: str, bands: Bands) -> str:
    return (
        f"{name} on {figure}: green {bands.green_low:.2f}-{bands.green_high:.2f}, amber {bands.amber_low:.2f}-"
        f"{bands.green_low:.2f} or {bands.green_high:.2f}-{bands.amber_high:.2f}, red outside"
    )


def summary_rows(content: ReportContent) -> list[tuple[str, str]]:
    """The lines above the Summary's tables: (text, style) with style title, line or note."""
    settings = content.settings
    compared = (
        f"compared with the snapshot of {format_date(content.previous_as_of)}"
        if content.previous_as_of
        else "no earlier snapshot to compare with"
    )
    slip = settings.schedule_slip
    rules = (
        f"Health rules: {_bands('cost', 'CPI', settings.cost)}; {_bands('schedule', 'SPI(t)', settings.schedule)} "
        f"(without SPI(t): finish slip green <= {slip.green_max_percent:g}%, amber <= {slip.amber_max_percent:g}% "
        f"of the planned duration); risk red when an open risk scores >= {settings.risk.red_score:g}, amber >= "
        f"{settings.risk.amber_score:g}. A project's health is its worst component."
    )
    return [
        ("PMO portfolio report", "title"),
        (f"As of {format_date(content.as_of)}, {compared}", "line"),
        (f"Filters: {filters_text(content.filters)}", "line"),
        (rules, "note"),
    ]


def kpi_frame(content: ReportContent) -> pd.DataFrame:
    """The KPI block. One row per KPI (dashboard.KPIS order): measure, now, previous, change, kind."""
    previous = content.previous_kpis or {}
    rows = []
    for key, label in KPIS.items():
        now, before = content.kpis.get(key), previous.get(key)
        change = None if now is None or before is None or pd.isna(now) or pd.isna(before) else now - before
        rows.append(
            {"measure": label, "now": now, "previous": before, "change": change, "kind": KPI_KINDS.get(key, "count")}
        )
    return pd.DataFrame(rows)


def _summary_blocks(content: ReportContent) -> list[Block]:
    kpi_columns = (
        ColumnSpec("measure", "Measure", width=26),
        ColumnSpec("now", f"{format_date(content.as_of)}", "row", 34),
        ColumnSpec(
            "previous", f"{format_date(content.previous_as_of)}" if content.previous_as_of else "Previous", "row", 24
        ),
        ColumnSpec("change", "Change", "row_change", 14),
    )
    health_columns = (
        ColumnSpec("health", "Health", "health", 26),
        ColumnSpec("projects", "Projects", "count", 34),
        ColumnSpec("previous", "Previous", "count", 24),
        ColumnSpec("change", "Change", "count_change", 14),
    )
    red_columns = (
        ColumnSpec("project_id", "Project ID", width=26),
        ColumnSpec("project_name", "Project", width=34),
        ColumnSpec("project_manager", "Project manager", width=24),
        ColumnSpec("health_cost", "Cost", "health", 14),
        ColumnSpec("health_schedule", "Schedule", "health", 14),
        ColumnSpec("health_risk", "Risk", "health", 14),
        ColumnSpec("why_red", "Why red (the rule that decided it)", width=80, wrap=True),
        ColumnSpec("reported_status", "Reported status", "health_or_blank", 16),
    )
    red = content.red_projects
    return [
        Block("Key figures", kpi_frame(content), kpi_columns),
        Block("Health of the projects", content.health_counts, health_columns),
        Block(f"Red projects ({len(red)})", red, red_columns, "No red projects in this snapshot."),
    ]


# --- the data sheets -------------------------------------------------------------------------------------------

PROJECT_COLUMNS = (
    _id(),
    PROJECT_NAME,
    ColumnSpec("health_overall", "Health", "health", 14),
    ColumnSpec("health_cost", "Cost", "health", 14),
    ColumnSpec("health_schedule", "Schedule", "health", 14),
    ColumnSpec("health_risk", "Risk", "health", 14),
    ColumnSpec("health_reasons", "Why (health rules)", width=70, wrap=True),
    ColumnSpec("reported_status", "Reported status", "health_or_blank", 14),
    ColumnSpec("portfolio", "Portfolio", width=20),
    ColumnSpec("programme", "Programme", width=20),
    ColumnSpec("department", "Department", width=20),
    ColumnSpec("project_manager", "Project manager", width=22),
    ColumnSpec("phase", "Phase", width=14),
    ColumnSpec("status", "Status", width=12),
    ColumnSpec("bac", "BAC (budget)", "money", 14),
    ColumnSpec("pv", "PV (planned value)", "money", 14),
    ColumnSpec("ev", "EV (earned value)", "money", 14),
    ColumnSpec("ac", "AC (actual cost)", "money", 14),
    ColumnSpec("sv", "SV (EV - PV)", "money", 14),
    ColumnSpec("cv", "CV (EV - AC)", "money", 14),
    ColumnSpec("spi", "SPI", "ratio", 8),
    ColumnSpec("cpi", "CPI", "ratio", 8),
    ColumnSpec("eac", "EAC (forecast)", "money", 14),
    ColumnSpec("etc", "ETC (to complete)", "money", 14),
    ColumnSpec("vac", "VAC (BAC - EAC)", "money", 14),
    ColumnSpec("tcpi", "TCPI", "ratio", 8),
    ColumnSpec("es", "ES (months)", "months", 10),
    ColumnSpec("at", "AT (months)", "months", 10),
    ColumnSpec("pd", "PD (months)", "months", 10),
    ColumnSpec("sv_t", "SV(t) (months)", "months", 10),
    ColumnSpec("spi_t", "SPI(t)", "ratio", 8),
    ColumnSpec("tspi", "TSPI", "ratio", 8),
    ColumnSpec("ieac_t", "IEAC(t) (months)", "months", 10),
    ColumnSpec("forecast_finish_date", "Forecast finish (earned schedule)", "date", 14),
    ColumnSpec("planned_finish_date", "Planned finish", "date", 12),
    ColumnSpec("finish_slip_days", "Finish slip (days)", "days", 10),
    ColumnSpec("milestones_late", "Late milestones", "count", 10),
    ColumnSpec("open_risks", "Open risks", "count", 9),
    ColumnSpec("risk_exposure", "Risk exposure", "money", 14),
    ColumnSpec("open_issues", "Open issues", "count", 9),
    ColumnSpec("as_of", "As of", "date", 12),
)


def _change_columns() -> tuple[ColumnSpec, ...]:
    columns = [
        _id(),
        PROJECT_NAME,
        ColumnSpec("health_overall_previous", "Health before", "health_or_blank", 14),
        ColumnSpec("health_overall", "Health now", "health_or_blank", 14),
        ColumnSpec("health_trend", "Trend", width=9),
        ColumnSpec("presence", "New or gone", width=10),
    ]
    for key in HEADLINE_FIGURES:
        label, kind = FIGURE_LABELS[key]
        columns += [
            ColumnSpec(f"{key}_previous", f"{label} before", kind, 13),
            ColumnSpec(key, f"{label} now", kind, 13),
            ColumnSpec(f"{key}_change", f"{label} change", f"{kind}_change", 13),
        ]
    return tuple(columns)


def _changes_block(content: ReportContent) -> list[Block]:
    if content.changes is None:
        note = f"No snapshot before {format_date(content.as_of)}: nothing to compare with."
        return [Block("Changes", pd.DataFrame(), _change_columns(), note)]
    frame = content.changes
    presence = frame["is_new"].map({True: "new"}).fillna(frame["is_gone"].map({True: "gone"})).fillna("")
    return [Block("Changes", frame.assign(presence=presence.astype("str")), _change_columns(), "No projects.")]


MILESTONE_COLUMNS = (
    _id(),
    PROJECT_NAME,
    ColumnSpec("milestone_name", "Milestone", width=34),
    ColumnSpec("state", "State", width=10),
    ColumnSpec("baseline_date", "Baseline", "date", 12),
    ColumnSpec("forecast_date", "Forecast", "date", 12),
    ColumnSpec("actual_date", "Actual", "date", 12),
    ColumnSpec("slip_days", "Slip (days)", "days", 10),
    ColumnSpec("slip_since_days", "Moved since previous (days)", "days_change", 14),
    ColumnSpec("milestone_id", "Milestone ID", width=12),
)
RISK_COLUMNS = (
    ColumnSpec("risk_id", "Risk ID", width=10, frozen=True),
    ColumnSpec("project_id", "Project ID", width=12),
    ColumnSpec("project_name", "Project", width=30),
    ColumnSpec("title", "Risk", width=40, wrap=True),
    ColumnSpec("score", "Score (1-25)", "count", 9),
    ColumnSpec("score", "Zone", "zone", 12),
    ColumnSpec("probability_level", "Probability (1-5)", "count", 11),
    ColumnSpec("impact_level", "Impact (1-5)", "count", 9),
    ColumnSpec("probability", "Probability", "percent", 10),
    ColumnSpec("impact_amount", "Impact amount", "money", 14),
    ColumnSpec("expected_value", "Expected value", "money", 14),
    ColumnSpec("category", "Category", width=16),
    ColumnSpec("owner", "Owner", width=20),
    ColumnSpec("response", "Response", width=40, wrap=True),
    ColumnSpec("due_date", "Due", "date", 12),
)
ISSUE_COLUMNS = (
    ColumnSpec("issue_id", "Issue ID", width=10, frozen=True),
    ColumnSpec("project_id", "Project ID", width=12),
    ColumnSpec("project_name", "Project", width=30),
    ColumnSpec("title", "Issue", width=44, wrap=True),
    ColumnSpec("priority", "Priority", width=10),
    ColumnSpec("age_days", "Age (days)", "days", 10),
    ColumnSpec("raised_date", "Raised", "date", 12),
    ColumnSpec("owner", "Owner", width=20),
)
RESOURCE_COLUMNS = (
    ColumnSpec("person_name", "Person", width=22, frozen=True),
    ColumnSpec("team", "Team", width=20),
    ColumnSpec("period_start", "Month", "month", 10),
    ColumnSpec("utilisation", "Utilisation", "percent", 11),
    ColumnSpec("allocated_hours", "Allocated (h)", "hours", 12),
    ColumnSpec("available_hours", "Available (h)", "hours", 12),
    ColumnSpec("project_id", "Project ID", width=12),
    ColumnSpec("project_name", "Project", width=30),
    ColumnSpec("project_hours", "Project hours (h)", "hours", 12),
    ColumnSpec("share", "Share of the month", "percent", 11),
)
TREND_COLUMNS = (
    ColumnSpec("as_of", "As of", "date", 12, frozen=True),
    ColumnSpec("bac", "BAC", "money", 14),
    ColumnSpec("ac", "AC", "money", 14),
    ColumnSpec("eac", "EAC", "money", 14),
    ColumnSpec("cpi", "CPI", "ratio", 8),
    ColumnSpec("spi_t", "SPI(t)", "ratio", 8),
    ColumnSpec("health_red", "Red", "count", 8),
    ColumnSpec("health_amber", "Amber", "count", 8),
    ColumnSpec("health_green", "Green", "count", 8),
    ColumnSpec("health_grey", "Grey (no data)", "count", 9),
    ColumnSpec("milestones_late", "Late milestones", "count", 10),
    ColumnSpec("open_risks", "Open risks", "count", 9),
    ColumnSpec("risk_exposure", "Risk exposure", "money", 14),
    ColumnSpec("open_issues", "Open issues", "count", 9),
)


def _resources_block(content: ReportContent) -> list[Block]:
    start, end = content.resource_window
    note = f"Nobody is over-allocated from {format_date(start)} to {format_date(end)}."
    return [Block("Resources", content.resources, RESOURCE_COLUMNS, note)]


# Sheet name -> what it holds, in workbook order.
SHEETS: dict[str, SheetSpec] = {
    "Summary": SheetSpec(
        "Key figures with the change since the previous snapshot, health counts, red projects and why", _summary_blocks
    ),
    "Projects": SheetSpec(
        "One row per project: health with reasons, EVM, earned schedule, milestones, risks, issues",
        lambda c: [Block("Projects", c.projects, PROJECT_COLUMNS, "No projects in this snapshot.")],
    ),
    "Changes": SheetSpec("Per project: health and headline figures before, now and the change", _changes_block),
    "Milestones": SheetSpec(
        "Late and slipping milestones, open ones first, with the move since the previous snapshot",
        lambda c: [Block("Milestones", c.milestones, MILESTONE_COLUMNS, "No late or slipping milestones.")],
    ),
    "Risks": SheetSpec(
        "Open risks, highest score first, with zone and expected value",
        lambda c: [
            Block("Risks", c.risks, RISK_COLUMNS, "No open risks in this snapshot (they come from a risk register).")
        ],
    ),
    "Issues": SheetSpec(
        "Open issues, oldest first",
        lambda c: [Block("Issues", c.issues, ISSUE_COLUMNS, "No open issues in this snapshot.")],
    ),
    "Resources": SheetSpec(
        "Over-allocated people per month (this month and the next two) and the projects that cause it", _resources_block
    ),
    "Trend": SheetSpec(
        "Portfolio totals and health counts per snapshot",
        lambda c: [Block("Trend", c.history if c.history is not None else pd.DataFrame(), TREND_COLUMNS)],
        shown=lambda c: c.history is not None,
    ),
}

__all__ = ["SHEETS", "Block", "ColumnSpec", "SheetSpec", "kpi_frame", "summary_rows"]

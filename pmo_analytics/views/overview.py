"""The overview page's data: KPI cards with their change, and the project table worst-first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pmo_analytics.charts.style import HEALTH_ORDER, health_label
from pmo_analytics.dashboard import KPIS
from pmo_analytics.formatting import format_count, format_money, format_ratio

# How each KPI is written, and whether a rise is good ("normal"), bad ("inverse") or neither ("off").
_KPI_FORMAT = {
    "projects": (format_count, "off"),
    "bac": (format_money, "off"),
    "ac": (format_money, "off"),
    "eac": (format_money, "inverse"),
    "cpi": (format_ratio, "normal"),
    "spi_t": (format_ratio, "normal"),
    "red_projects": (format_count, "inverse"),
    "open_high_risks": (format_count, "inverse"),
    "over_allocated_people": (format_count, "inverse"),
}


@dataclass(frozen=True)
class KpiCard:
    key: str
    label: str
    value: str  # "€ 35.6 M"
    delta: str | None  # "+€ 0.4 M" since the previous snapshot; None when there is none
    delta_color: str  # "normal" | "inverse" | "off"


def kpi_cards(kpis: Mapping[str, float], deltas: Mapping[str, float | None]) -> list[KpiCard]:
    """One card per KPI in dashboard.KPIS order: {"cpi": 0.931} + {"cpi": 0.0011} -> "0.93", "+0.00"."""
    cards = []
    for key, label in KPIS.items():
        formatter, colour = _KPI_FORMAT[key]
        delta = deltas.get(key)
        cards.append(
            KpiCard(
                key, label, formatter(kpis.get(key)), None if delta is None else formatter(delta, signed=True), colour
            )
        )
    return cards


def project_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per project, worst health first (then lowest cpi): what a manager scans for the red ones.

    Columns: project (ID), name, portfolio, health ("✖ Off track"), why (the health reasons of the components
    that are not green, joined), cpi, spi_t, bac, eac, finish_slip_days, open_risks, manager.
    """
    rank = {status: i for i, status in enumerate(HEALTH_ORDER)}
    order = indicators["health_overall"].map(rank).fillna(len(rank))
    reasons = indicators["health_reasons"].map(_why)
    table = pd.DataFrame(
        {
            "project": indicators["project_id"].astype("str"),
            "name": indicators["project_name"],
            "portfolio": indicators["portfolio"],
            "health": indicators["health_overall"].map(health_label),
            "why": reasons,
            "cpi": indicators["cpi"].astype("float64"),
            "spi_t": indicators["spi_t"].astype("float64"),
            "bac": indicators["bac"].astype("float64"),
            "eac": indicators["eac"].astype("float64"),
            "finish_slip_days": indicators["finish_slip_days"].astype("float64"),
            "open_risks": indicators["open_risks"],
            "manager": indicators["project_manager"],
            "_order": order.to_numpy(),
        }
    )
    return (
        table.sort_values(["_order", "cpi"], na_position="last", kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _why(reasons: object) -> str:
    """["cost red: cpi 0.86 < 0.90", "schedule green: ..."] -> "cost red: cpi 0.86 < 0.90" (green parts left out)."""
    if isinstance(reasons, str):
        return reasons
    if reasons is None or not hasattr(reasons, "__iter__"):
        return ""
    parts = [str(r) for r in reasons if " green" not in str(r).split(":")[0]]
    return "; ".join(parts) if parts else "all components green"


def red_projects(indicators: pd.DataFrame) -> pd.DataFrame:
    """The red projects with why they are red, worst cpi first. One row per red project."""
    table = project_table(indicators)
    return table[table["health"] == health_label("red")].reset_index(drop=True)

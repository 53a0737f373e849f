"""The budget page's data: the figures of the chosen project or group, cpi/spi_t history, budget bars, variances.

Pure functions over ``project_indicators`` rows, ``portfolio_totals`` rows and ``dashboard.trends`` histories.
``project_id=None`` means every project in the (filtered) view: the figures are then the portfolio totals,
ratios of sums, never averages of ratios.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmo_analytics.charts.style import health_label
from pmo_analytics.formatting import format_money, format_ratio
from pmo_analytics.indicators.common import REASONS
from pmo_analytics.indicators.evm import (
    as_of_month,
    cost_months,
    curves_from_months,
    earned_value,
    month_start_dates,
    tidy_projects,
)

# The figures of the selection's cards and the S-curve's marks.
SELECTION_FIGURES = ["bac", "pv", "ev", "ac", "eac", "vac", "cpi", "spi_t", "tcpi"]

# The variance table's figures, in the order shown.
VARIANCE_FIGURES = ["bac", "ac", "ev", "pv", "cv", "sv", "cpi", "spi", "spi_t", "eac", "vac", "tcpi"]
VARIANCE_COLUMNS = ["project_id", "project_name", "portfolio", "health", *VARIANCE_FIGURES, "notes"]
MONEY_FIGURES = ["bac", "ac", "ev", "pv", "cv", "sv", "eac", "vac"]

# How the budget bars can be ordered: key -> label.
BAR_ORDERS: dict[str, str] = {
    "overrun": "Largest forecast overrun first",
    "budget": "Largest budget first",
    "name": "By name",
}


def project_choices(indicators: pd.DataFrame) -> dict[str, str]:
    """Project id -> label for a selectbox, ordered by name: {"1003": "Archief digitaal (1003)", ...}."""
    ids = indicators["project_id"].astype("str")
    names = indicators["project_name"].where(indicators["project_name"].notna(), ids).astype("str")
    order = pd.DataFrame({"id": ids, "name": names, "_key": names.str.casefold()}).sort_values(
        ["_key", "id"], kind="stable"
    )
    return {
        pid: pid if name == pid else f"{name} ({pid})" for pid, name in zip(order["id"], order["name"], strict=True)
    }


CURVE_COLUMNS = ["period_end_date", "pv", "ev", "ac"]


def _cumulative(values: pd.DataFrame, column: str, months: pd.RangeIndex) -> pd.Series:
    """A per-month column summed over projects and accumulated over ``months`` (a month without rows adds 0)."""
    return values.groupby("month")[column].sum().reindex(months, fill_value=0.0).cumsum()


def s_curve_data(
    tables: Mapping[str, pd.DataFrame], as_of: dt.date | pd.Timestamp, project_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Cumulative pv, ev and ac of a project or a group (summed), the input of charts.s_curve. One row per month
    from the first planned or booked month through the last (and the as-of month), dated at its last day.

    pv runs over the whole plan (cost_periods' planned_value, else the budget spread linearly, as the indicators
    do). ev and ac stop at the as-of month. A project whose cost periods carry earned_value (actual_cost) adds
    them month by month; one that reports only percent_complete (a total actual_cost on the project row) adds
    its ev (ac) from the as-of month on, the only month it is known. So the as-of point equals the sum of the
    indicators' ev and ac: the group's cpi can be read off the curve.
    """
    projects, cost = tables["projects"], tables["cost_periods"]
    if project_ids is not None:
        wanted = [str(pid) for pid in project_ids]
        projects = projects[projects["project_id"].astype("str").isin(wanted)]
    tidy = tidy_projects(projects)
    months = cost_months(cost)
    months = months[months["project_id"].isin(tidy.index)]
    curves = curves_from_months(tidy, months)
    if curves.empty and months.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="datetime64[ns]" if c == "period_end_date" else "float64") for c in CURVE_COLUMNS}
        )
    now = as_of_month(as_of)
    known = np.concatenate([curves["month"].to_numpy(), months["month"].to_numpy(), [now]])
    span = pd.RangeIndex(int(known.min()), int(known.max()) + 1)
    figures = earned_value(projects, cost, as_of).set_index("project_id")
    after = span > now
    columns = {"pv": _cumulative(curves, "planned_value", span)}
    for figure, column, monthly_source in (
        ("ev", "earned_value", "earned_value"),
        ("ac", "actual_cost", "cost_periods"),
    ):
        by_month = figures.index[figures[f"{figure}_source"] == monthly_source]
        once = figures.loc[figures[f"{figure}_source"] != monthly_source, figure].sum()  # NaN (unknown) adds 0
        curve = _cumulative(months[months["project_id"].isin(by_month)], column, span)
        columns[figure] = (curve + np.where(span >= now, once, 0.0)).where(~after)
    return pd.DataFrame(
        {
            "period_end_date": pd.DatetimeIndex(month_start_dates(span.to_numpy())) + pd.offsets.MonthEnd(0),
            **{name: series.to_numpy(dtype="float64") for name, series in columns.items()},
        }
    )[CURVE_COLUMNS]


def _subject(count: int, project_id: str | None, singular: str, plural: str) -> str:
    """ "This project reports", "1 project reports", "3 projects report"."""
    if project_id is not None:
        return f"This project {singular}"
    return f"{count} project {singular}" if count == 1 else f"{count} projects {plural}"


def curve_notes(indicators: pd.DataFrame, project_id: str | None = None) -> list[str]:
    """What a reader should know about the S-curve of a project or the view: which projects add their ev or ac
    in the as-of month only ("2 projects report progress as percent complete only: ...")."""
    rows = indicators if project_id is None else indicators[indicators["project_id"].astype("str") == str(project_id)]
    notes = []
    percent = int((rows["ev_source"] == "percent_complete").sum())
    if percent:
        notes.append(
            f"{_subject(percent, project_id, 'reports', 'report')} progress as percent complete only, not earned "
            "value per month: that earned value enters the curve in the as-of month."
        )
    totals = int((rows["ac_source"] == "projects").sum())
    if totals:
        notes.append(
            f"{_subject(totals, project_id, 'gives', 'give')} one actual cost total rather than cost per month: "
            "it enters the curve in the as-of month."
        )
    return notes


def selection_figures(
    indicators: pd.DataFrame, totals: pd.DataFrame, project_id: str | None = None
) -> dict[str, object]:
    """The EVM figures of one project (its indicator row) or of the whole view (the totals row).

    Keys ``SELECTION_FIGURES`` as floats (NaN when undefined), forecast_finish_date (earned schedule's
    forecast, a Timestamp or None) and reasons (figure -> why it is undefined). An unknown project or empty
    totals give NaN everywhere.
    """
    if project_id is None:
        rows = totals
    else:
        rows = indicators[indicators["project_id"].astype("str") == str(project_id)]
    row = rows.iloc[0] if len(rows) else pd.Series(dtype="object")
    figures: dict[str, object] = {
        name: float(row[name]) if name in row.index and pd.notna(row[name]) else float("nan")
        for name in SELECTION_FIGURES
    }
    finish = row.get("forecast_finish_date")
    figures["forecast_finish_date"] = pd.Timestamp(finish) if finish is not None and pd.notna(finish) else None
    reasons = row.get(REASONS)
    figures[REASONS] = dict(reasons) if isinstance(reasons, Mapping) else {}
    return figures


# The selection's cards: figure -> (label, formatter, whether a rise is good "normal", bad "inverse" or neither).
CARDS: dict[str, tuple[str, Callable[..., str], str]] = {
    "bac": ("Budget (BAC)", format_money, "off"),
    "pv": ("Planned value (PV)", format_money, "off"),
    "ev": ("Earned value (EV)", format_money, "off"),
    "ac": ("Actual cost (AC)", format_money, "off"),
    "eac": ("Forecast (EAC)", format_money, "inverse"),
    "vac": ("Variance at completion", format_money, "normal"),
    "cpi": ("CPI", format_ratio, "normal"),
    "spi_t": ("SPI(t)", format_ratio, "normal"),
    "tcpi": ("TCPI", format_ratio, "inverse"),
}


@dataclass(frozen=True)
class FigureCard:
    key: str
    label: str
    value: str  # "€ 35.6 M"
    delta: str | None  # "+€ 0.4 M" since the previous snapshot; None when either side is unknown
    delta_color: str  # "normal" | "inverse" | "off"
    help: str | None  # why the figure is undefined: "cpi undefined: ac is 0"


def selection_cards(current: Mapping[str, object], previous: Mapping[str, object] | None = None) -> list[FigureCard]:
    """One card per ``CARDS`` figure from two ``selection_figures`` results: cpi 0.93 now, 0.95 before ->
    value "0.93", delta "-0.02"; no delta when either side is unknown or the change rounds to nothing (0.931 and
    0.929 both read "0.93"); an undefined figure shows "—" with its reason as help."""
    reasons = current.get(REASONS) or {}
    cards = []
    for key, (label, formatter, colour) in CARDS.items():
        value = float(current.get(key, float("nan")))  # type: ignore[arg-type]
        before = float(previous.get(key, float("nan"))) if previous is not None else float("nan")  # type: ignore[arg-type]
        change = formatter(value - before, signed=True)
        cards.append(
            FigureCard(
                key,
                label,
                formatter(value),
                change if change.startswith(("+", "-")) else None,  # "€ 0", "0.00": no arrow for no change
                colour,
                reasons.get(key) if not np.isfinite(value) else None,  # type: ignore[union-attr]
            )
        )
    return cards


def performance_history(
    project_history: pd.DataFrame, portfolio_history: pd.DataFrame, project_id: str | None = None
) -> pd.DataFrame:
    """cpi and spi_t per snapshot of one project (``project_history`` rows) or of the view (``portfolio_history``).

    One row per snapshot date: as_of, cpi, spi_t (float64), oldest first.
    """
    if project_id is None:
        rows = portfolio_history
    else:
        rows = project_history[project_history["project_id"].astype("str") == str(project_id)]
    return (
        rows[["as_of", "cpi", "spi_t"]]
        .astype({"cpi": "float64", "spi_t": "float64"})
        .sort_values("as_of", kind="stable")
        .reset_index(drop=True)
    )


def budget_ranking(indicators: pd.DataFrame, order: str = "overrun", limit: int | None = None) -> pd.DataFrame:
    """The projects for the budget bars, in the order to show. One row per project (project_id, project_name,
    bac, ac, eac, vac), at most ``limit`` rows.

    "overrun": the lowest vac (bac - eac) first, so a -€ 0.5 M project tops a -€ 0.1 M one; projects with an
    undefined eac last. "budget": the largest bac first. "name": by name.
    """
    if order not in BAR_ORDERS:
        raise ValueError(f"unknown order {order!r}: choose one of {sorted(BAR_ORDERS)}")
    frame = indicators[["project_id", "project_name", "bac", "ac", "eac", "vac"]].astype(
        {"bac": "float64", "ac": "float64", "eac": "float64", "vac": "float64"}
    )
    if order == "overrun":
        frame = frame.sort_values(["vac", "project_id"], na_position="last", kind="stable")
    elif order == "budget":
        frame = frame.sort_values(["bac", "project_id"], ascending=[False, True], na_position="last", kind="stable")
    else:
        names = frame["project_name"].fillna(frame["project_id"]).astype("str").str.casefold()
        frame = frame.assign(_name=names).sort_values(["_name", "project_id"], kind="stable").drop(columns="_name")
    return frame.head(limit).reset_index(drop=True) if limit is not None else frame.reset_index(drop=True)


def _notes(reasons: pd.Series) -> pd.Series:
    """Why the table's undefined figures are undefined: "cpi undefined: ac is 0; vac undefined: eac undefined"."""
    wanted = set(VARIANCE_FIGURES)
    texts = [
        "; ".join(text for figure, text in mapping.items() if figure in wanted) if isinstance(mapping, Mapping) else ""
        for mapping in reasons.to_numpy()
    ]
    return pd.Series(texts, index=reasons.index, dtype="str")


def variance_table(indicators: pd.DataFrame, per: float = 1.0) -> pd.DataFrame:
    """The EVM variances of every project, worst cost variance first. One row per project.

    Columns ``VARIANCE_COLUMNS``: the figures as float64 numbers (the page formats them, so they sort as
    numbers), the ``MONEY_FIGURES`` divided by ``per`` (1,000 for a table in € k: 4,535,000 -> 4,535.0),
    health as icon and word ("✖ Off track"), notes with the reasons of the undefined figures.
    cv = ev - ac and sv = ev - pv (negative: over budget, behind plan); vac = bac - eac.
    """
    figures = indicators[VARIANCE_FIGURES].astype("float64")
    figures = figures.assign(**{name: figures[name] / per for name in MONEY_FIGURES})
    table = pd.concat(
        [
            indicators[["project_id", "project_name", "portfolio"]].astype("str"),
            indicators["health_overall"].map(health_label).rename("health"),
            figures,
            _notes(indicators[REASONS]).rename("notes"),
        ],
        axis=1,
    )
    return table.sort_values(["cv", "project_id"], na_position="last", kind="stable").reset_index(drop=True)[
        VARIANCE_COLUMNS
    ]


__all__ = [
    "BAR_ORDERS",
    "CARDS",
    "SELECTION_FIGURES",
    "VARIANCE_COLUMNS",
    "VARIANCE_FIGURES",
    "FigureCard",
    "CURVE_COLUMNS",
    "MONEY_FIGURES",
    "budget_ranking",
    "curve_notes",
    "performance_history",
    "project_choices",
    "s_curve_data",
    "selection_cards",
    "selection_figures",
    "variance_table",
]

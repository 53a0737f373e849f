"""Resource charts: utilisation per person or team per period, and capacity against demand."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmo_analytics.charts.style import (
    HEALTH_STYLES,
    REFERENCE_COLOUR,
    SERIES_COLOURS,
    apply_layout,
    empty_note,
    texts,
)
from pmo_analytics.formatting import format_date, format_hours, format_percent
from pmo_analytics.indicators.health import RED

UTILISATION_CEILING = 1.5  # the colour scale tops out at 150%; anything above reads as 150%+
NO_TEAM = "(no team)"
# Blues up to 100% (how full), then amber to vermillion beyond it (over-allocated): the break is at 1.0 / 1.5.
_BREAK = 1.0 / UTILISATION_CEILING
UTILISATION_COLOURSCALE = [
    [0.0, "#F7FBFF"],
    [0.5 * _BREAK, "#9ECAE1"],
    [_BREAK, "#2171B5"],
    [_BREAK, "#F0B453"],
    [1.0, "#D55E00"],
]
OVER_MARK = "▲"


def period_labels(starts: pd.Series | pd.DatetimeIndex, period: str = "week") -> list[str]:
    """Axis labels for period starts: week 2026-03-02 -> "W10 2026" (ISO), month -> "Mar 2026", quarter -> "Q1 2026"."""
    if period not in ("week", "month", "quarter"):
        raise ValueError(f"period must be 'week', 'month' or 'quarter', not {period!r}")
    # Written once per distinct date: a table of 15,000 over-allocation rows holds a dozen periods.
    codes, dates = pd.factorize(pd.DatetimeIndex(pd.to_datetime(starts)), use_na_sentinel=False)
    if period == "week":
        iso = dates.isocalendar()
        labels = [f"W{week:02d} {year}" for year, week in zip(iso["year"], iso["week"], strict=True)]
    elif period == "month":
        labels = [format_date(day).split(" ", 1)[1] for day in dates]  # "1 Mar 2026" -> "Mar 2026"
    else:
        labels = [f"Q{day.quarter} {day.year}" for day in dates]
    return [labels[code] for code in codes]


def _group_column(load: pd.DataFrame) -> str:
    """person_name for ``resource_load(by="person")``, team for ``by="team"``."""
    for name in ("person_name", "team"):
        if name in load.columns:
            return name
    raise ValueError("the load frame needs a person_name or a team column (resource_load's output)")


def _each_distinct(values: np.ndarray, formatter: Callable[[object], str]) -> np.ndarray:
    """``formatter`` of every cell, as an object array of the same shape, calling it once per distinct value: a
    3,000-person year holds 36,000 utilisations but about 4,600 distinct ones (missing -> formatter(None), "—")."""
    codes, distinct = pd.factorize(values.ravel())  # a missing value gets code -1: the last text below
    written = np.array([formatter(value) for value in distinct] + [formatter(None)], dtype=object)
    return written[codes].reshape(values.shape)


def resource_heatmap(load: pd.DataFrame, period: str = "week", title: str | None = None) -> go.Figure:
    """Utilisation per person (or team) per period: rows are people, columns period starts, z = utilisation.

    ``load``: ``resource_load`` rows (person_name or team, period_start, allocated_hours, available_hours,
    utilisation, over_allocated), one per group per period (a repeated pair is an error: nothing is summed
    here); ``period`` is the one the load was computed for, naming the columns "W10 2026", "Mar 2026" or
    "Q1 2026". Colours run from white (0%) through blue (100%) to vermillion (150% and beyond); over-allocated
    cells also carry the text "▲ 112%", so they are found without colour. People without a team are
    "(no team)". Rows run top to bottom in the order the people (or teams) first appear in ``load``
    (``resource_load`` sorts them by name; ``views.resources.heatmap_load`` puts the most loaded first).
    """
    figure = go.Figure()
    if load.empty:
        return empty_note(apply_layout(figure, title, None, None), "No allocations in this period")
    group = _group_column(load)
    names = load[group].astype("str")
    rows = load.assign(**{group: names.where(names.notna(), NO_TEAM)})
    wide = rows.pivot(index=group, columns="period_start")  # raises on a repeated (group, period): no summing
    wide = wide.reindex(rows[group].unique())  # pivot sorts the rows by name: back to the order given
    utilisation = wide["utilisation"].astype("float64")
    over = wide["over_allocated"].fillna(False).astype(bool).to_numpy()
    periods = pd.to_datetime(utilisation.columns)
    period_texts = [f"{period.capitalize()} of {format_date(day)}" for day in periods]
    labels = [str(name) for name in utilisation.index]
    percents = _each_distinct(utilisation.to_numpy(), format_percent)
    cell_text = np.where(over, f"{OVER_MARK} " + percents, "")
    # One row of hover texts per cell: ["Week of 2 Mar 2026", "50 h", "40 h", "125%"].
    details = np.stack(
        [
            np.broadcast_to(np.array(period_texts, dtype=object), utilisation.shape),
            _each_distinct(wide["allocated_hours"].to_numpy(), format_hours),
            _each_distinct(wide["available_hours"].to_numpy(), format_hours),
            percents,
        ],
        axis=-1,
    )
    figure.add_trace(
        go.Heatmap(
            z=utilisation.to_numpy(),
            x=period_labels(periods, period),
            y=labels,
            zmin=0.0,
            zmax=UTILISATION_CEILING,
            colorscale=UTILISATION_COLOURSCALE,
            colorbar={
                "title": {"text": "Utilisation"},
                "tickvals": [0, 0.5, 1.0, 1.5],
                "ticktext": ["0%", "50%", "100%", "150%+"],
                "thickness": 12,
            },
            text=cell_text,
            texttemplate="%{text}",
            textfont={"size": 10},
            xgap=1,
            ygap=1,
            customdata=details,
            hovertemplate=(
                "<b>%{y}</b> · %{customdata[0]}<br>%{customdata[1]} allocated of %{customdata[2]} available"
                " (%{customdata[3]})<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(type="category")
    figure.update_layout(height=max(240, 110 + 26 * len(labels)))
    return apply_layout(figure, title, None, "Person" if group == "person_name" else "Team")


def capacity_vs_demand(load: pd.DataFrame, period: str = "week", title: str | None = None) -> go.Figure:
    """Allocated hours (bars) against available hours (line) per period.

    ``load``: one row per period with period_start, allocated_hours, available_hours (over_allocated
    optional): one person's or one team's ``resource_load`` rows, or the totals over everyone; ``period``
    names the bars as in :func:`resource_heatmap`. A period
    given twice raises ValueError, since adding rows up is the indicator's job. Over-allocated periods are
    drawn in vermillion with a cross-hatch and say so in the hover.
    """
    figure = go.Figure()
    if load.empty:
        return empty_note(apply_layout(figure, title, None, "Hours"), "No allocations in this period")
    if load["period_start"].duplicated().any():
        raise ValueError("capacity_vs_demand draws one row per period; pass one person's or team's rows, or the totals")
    periods = pd.to_datetime(load["period_start"])
    labels = period_labels(periods, period)
    allocated = load["allocated_hours"].astype("float64")
    available = load["available_hours"].astype("float64")
    over = (
        load["over_allocated"].fillna(False).astype(bool).to_numpy()
        if "over_allocated" in load
        else np.zeros(len(load), dtype=bool)
    )
    customdata = np.column_stack(
        [
            [f"{period.capitalize()} of {format_date(day)}" for day in periods],
            texts(allocated, format_hours),
            texts(available, format_hours),
            np.where(over, "over-allocated", "within capacity"),
        ]
    )
    figure.add_trace(
        go.Bar(
            x=labels,
            y=allocated,
            name="Allocated (demand)",
            marker={
                "color": np.where(over, HEALTH_STYLES[RED].colour, SERIES_COLOURS[0]),
                "pattern": {"shape": np.where(over, "x", ""), "fgcolor": "#FFFFFF"},
            },
            customdata=customdata,
            hovertemplate="%{customdata[0]}<br>Allocated %{customdata[1]} (%{customdata[3]})<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=available,
            mode="lines+markers",
            name="Available (capacity)",
            line={"color": REFERENCE_COLOUR, "width": 2, "shape": "hvh"},
            marker={"symbol": "line-ew-open", "size": 26, "line": {"width": 3, "color": REFERENCE_COLOUR}},
            customdata=customdata,
            hovertemplate="%{customdata[0]}<br>Available %{customdata[2]}<extra></extra>",
        )
    )
    figure.update_xaxes(type="category")
    return apply_layout(figure, title, None, "Hours")

"""The S-curve: cumulative planned value, earned value and actual cost, with the estimate at completion.

Input shape (a later helper builds it from ``planned_value_curves`` and ``cost_periods``), one row per month:

    period_end_date  the month's last day: the values are cumulative through it
    pv               cumulative planned value
    ev               cumulative earned value (NaN after the as-of month: nothing is earned yet)
    ac               cumulative actual cost (NaN after the as-of month)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmo_analytics.charts.style import (
    PLAN_COLOUR,
    SERIES_COLOURS,
    add_date_line,
    apply_layout,
    empty_note,
    texts,
)
from pmo_analytics.formatting import format_date, format_money

CURVE_COLUMNS = ["period_end_date", "pv", "ev", "ac"]
_SERIES = (
    ("pv", "Planned value (pv)", PLAN_COLOUR, "dash"),
    ("ev", "Earned value (ev)", SERIES_COLOURS[0], "solid"),
    ("ac", "Actual cost (ac)", SERIES_COLOURS[1], "solid"),
)


def s_curve(
    curves: pd.DataFrame,
    as_of: object,
    eac: float | None = None,
    finish_date: object = None,
    bac: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """Cumulative pv, ev and ac per month, the as-of line, and optionally:

    eac          the dashed "eac" projection from the last month with an ac (its period_end_date and ac)
                 to (``finish_date``, eac); without ``finish_date`` it ends on the last month of the curve.
                 Earned schedule's forecast_finish_date is the usual finish_date.
    bac          a dotted horizontal "bac" line over the whole curve: the budget the pv climbs to.
    ``curves`` as the module docstring describes, for a project or any group of projects. Each trace's
    ``meta`` names it ("pv", "ev", "ac", "bac", "eac") for pages and tests.
    """
    figure = go.Figure()
    if curves.empty:
        return empty_note(apply_layout(figure, title, None, "Cumulative (€)"), "No planned or actual cost to draw")
    dates = pd.to_datetime(curves["period_end_date"])
    date_texts = texts(dates, format_date)
    for column, name, colour, dash in _SERIES:
        values = curves[column].astype("float64")
        figure.add_trace(
            go.Scatter(
                x=dates,
                y=values,
                mode="lines+markers",
                name=name,
                meta=column,
                line={"color": colour, "dash": dash, "width": 2.5},
                marker={"size": 5},
                customdata=np.column_stack([date_texts, texts(values, format_money)]),
                hovertemplate=f"{name}: %{{customdata[1]}}<extra>%{{customdata[0]}}</extra>",
            )
        )
    if bac is not None and np.isfinite(bac):
        figure.add_trace(
            go.Scatter(
                x=[dates.min(), dates.max()],
                y=[bac, bac],
                mode="lines",
                name="Budget (bac)",
                meta="bac",
                line={"color": PLAN_COLOUR, "dash": "dot", "width": 1},
                hovertemplate=f"Budget (bac): {format_money(bac)}<extra></extra>",
            )
        )
    known_ac = curves["ac"].astype("float64").notna().to_numpy()
    if eac is not None and np.isfinite(eac) and known_ac.any():
        last = np.flatnonzero(known_ac)[-1]
        start_date, start_ac = dates.iloc[last], float(curves["ac"].iloc[last])
        end_date = pd.Timestamp(finish_date) if finish_date is not None else dates.max()  # type: ignore[arg-type]
        if pd.isna(end_date):
            end_date = dates.max()
        figure.add_trace(
            go.Scatter(
                x=[start_date, end_date],
                y=[start_ac, eac],
                mode="lines+markers",
                name="Estimate at completion (eac)",
                meta="eac",
                line={"color": SERIES_COLOURS[1], "dash": "dash", "width": 2},
                marker={"symbol": ["circle", "diamond"], "size": [1, 10]},
                hovertemplate=f"eac {format_money(eac)} by {format_date(end_date)}<extra></extra>",
            )
        )
    add_date_line(figure, as_of)
    figure.update_yaxes(tickprefix="€ ", tickformat="~s", rangemode="tozero")
    return apply_layout(figure, title, None, "Cumulative (€)")

"""Portfolio charts for the overview and budget pages: the spi_t x cpi quadrant, health counts and trend,
cpi and spi_t over snapshots, budget against actual and forecast.

Frames in, figures out: every number drawn is a number of the input, nothing is filtered or summed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmo_analytics.charts.style import (
    HEALTH_COUNT_COLUMNS,
    HEALTH_ORDER,
    HEALTH_STYLES,
    SERIES_COLOURS,
    add_band_strips,
    add_reference_line,
    apply_layout,
    column_or_missing,
    empty_note,
    health_style,
    project_labels,
    texts,
    tint,
    whole_number_axis,
)
from pmo_analytics.formatting import format_count, format_date, format_money, format_ratio
from pmo_analytics.indicators.health import AMBER, GREEN
from pmo_analytics.indicators.health_settings import Bands

MAX_BUBBLE_PIXELS = 44  # diameter of the largest bac
MIN_BUBBLE_PIXELS = 6  # a project without a bac is still a visible point


def _health_of(frame: pd.DataFrame) -> pd.Series:
    """health_overall with anything unknown as grey; every row grey when the frame has no such column."""
    if "health_overall" not in frame.columns:
        return pd.Series("grey", index=frame.index, dtype="str")
    return frame["health_overall"].map(lambda status: health_style(status).status).astype("str")


def quadrant(
    indicators: pd.DataFrame,
    bands: Bands | None = None,
    title: str | None = None,
    max_bubble_pixels: int = MAX_BUBBLE_PIXELS,
) -> go.Figure:
    """Schedule (spi_t, x) against cost (cpi, y), one bubble per project with its area proportional to bac.

    ``indicators``: one row per project with project_id, project_name, spi_t, cpi, bac, health_overall
    (optional: ac, eac), as ``project_indicators`` gives them. One trace per health status present (colour,
    symbol and the word in the legend); ``customdata[0]`` of each point is the project_id, for a click
    that opens the project. A project without spi_t or cpi cannot be placed and is not drawn. The boxes
    mark the bands (default 0.90-1.10 amber, 0.95-1.05 green) and the lines the target 1.0.
    """
    bands = bands or Bands()
    figure = go.Figure()
    bac = pd.to_numeric(indicators["bac"], errors="coerce").astype("float64")
    largest = float(bac[bac > 0].max()) if (bac > 0).any() else 1.0
    # sizemode "area": a marker's area is size / sizeref, so twice the bac is twice the ink.
    sizeref = 2.0 * largest / max_bubble_pixels**2
    health = _health_of(indicators)
    for status in HEALTH_ORDER:
        rows = indicators[(health == status).to_numpy()]
        if rows.empty:
            continue
        style = HEALTH_STYLES[status]
        sizes = pd.to_numeric(rows["bac"], errors="coerce").astype("float64").clip(lower=0).fillna(0.0)
        customdata = np.column_stack(
            [
                rows["project_id"].astype("str").to_numpy(),
                project_labels(rows),
                texts(rows["spi_t"], format_ratio),
                texts(rows["cpi"], format_ratio),
                texts(rows["bac"], format_money),
                texts(column_or_missing(rows, "ac"), format_money),
                texts(column_or_missing(rows, "eac"), format_money),
            ]
        )
        figure.add_trace(
            go.Scatter(
                x=rows["spi_t"].astype("float64"),
                y=rows["cpi"].astype("float64"),
                mode="markers",
                name=style.label,
                legendgroup=status,
                marker={
                    "size": sizes.to_numpy(),
                    "sizemode": "area",
                    "sizeref": sizeref,
                    "sizemin": MIN_BUBBLE_PIXELS,
                    "color": style.colour,
                    "opacity": 0.8,
                    "symbol": style.symbol,
                    "line": {"color": "#FFFFFF", "width": 1},
                },
                customdata=customdata,
                hovertemplate=(
                    f"<b>%{{customdata[1]}}</b> (%{{customdata[0]}})<br>{style.icon} {style.label}<br>"
                    "spi_t %{customdata[2]} · cpi %{customdata[3]}<br>"
                    "bac %{customdata[4]} · ac %{customdata[5]} · eac %{customdata[6]}<extra></extra>"
                ),
            )
        )
    # The amber box, then the green box inside it, behind the bubbles; they also keep 0.9-1.1 in view.
    for name, low, high, status in (
        ("band_amber", bands.amber_low, bands.amber_high, AMBER),
        ("band_green", bands.green_low, bands.green_high, GREEN),
    ):
        figure.add_shape(
            type="rect",
            name=name,
            layer="below",
            x0=low,
            x1=high,
            y0=low,
            y1=high,
            line={"width": 0},
            fillcolor=tint(HEALTH_STYLES[status].colour, 0.16),
        )
    figure.update_layout(showlegend=True)
    add_reference_line(figure, 1.0, "x", name="target_spi_t")
    add_reference_line(figure, 1.0, "y", name="target_cpi")
    corners = (
        (0.01, 0.99, "left", "top", "Behind schedule, under budget"),
        (0.99, 0.99, "right", "top", "Ahead of schedule, under budget"),
        (0.01, 0.01, "left", "bottom", "Behind schedule, over budget"),
        (0.99, 0.01, "right", "bottom", "Ahead of schedule, over budget"),
    )
    for x, y, x_anchor, y_anchor, text in corners:
        figure.add_annotation(
            x=x,
            y=y,
            xref="paper",
            yref="paper",
            text=text,
            showarrow=False,
            xanchor=x_anchor,
            yanchor=y_anchor,
            font={"size": 10, "color": "#888888"},
        )
    return apply_layout(figure, title, "Schedule performance (spi_t)", "Cost performance (cpi)")


def health_counts(counts: pd.DataFrame, by: str | None = None, title: str | None = None) -> go.Figure:
    """Projects per health status as bars, each status with its colour, pattern and word.

    ``counts``: ``portfolio_totals`` rows, with health_green, health_amber, health_red and health_grey.
    Without ``by`` it draws the first row (the portfolio): one bar per status. With ``by`` (the group
    column, e.g. "portfolio") it draws one stacked bar per group.
    """
    figure = go.Figure()
    if counts.empty:
        return empty_note(apply_layout(figure, title, None, "Projects"), "No projects")
    rows = counts if by else counts.iloc[:1]
    for status in HEALTH_ORDER:
        style = HEALTH_STYLES[status]
        values = rows[HEALTH_COUNT_COLUMNS[status]].astype("int64").to_numpy()
        x = rows[by].fillna("(none)").astype("str").to_numpy() if by else np.array([style.label])
        figure.add_trace(
            go.Bar(
                x=x,
                y=values,
                name=style.label,
                marker={"color": style.colour, "pattern": {"shape": style.pattern, "fgcolor": "#FFFFFF"}},
                text=[format_count(value) for value in values],
                textposition="inside" if by else "outside",
                hovertemplate=f"{style.icon} {style.label}: %{{y}} projects<extra>%{{x}}</extra>",
            )
        )
    figure.update_layout(barmode="stack", showlegend=bool(by))
    whole_number_axis(figure, rows[list(HEALTH_COUNT_COLUMNS.values())].sum(axis=1).max())
    return apply_layout(figure, title, by.replace("_", " ").capitalize() if by else None, "Projects")


def health_trend(history: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Projects per health status per snapshot, stacked bars (Off track at the bottom).

    ``history``: one row per snapshot with ``as_of`` and the count columns health_green .. health_grey,
    i.e. ``portfolio_totals(..., by=None)`` of each snapshot with its as_of date. The same frame feeds
    :func:`performance_trend`.
    """
    figure = go.Figure()
    dates = pd.to_datetime(history["as_of"]) if "as_of" in history else pd.Series(dtype="datetime64[ns]")
    for status in HEALTH_ORDER:
        style = HEALTH_STYLES[status]
        values = history[HEALTH_COUNT_COLUMNS[status]].astype("int64").to_numpy()
        figure.add_trace(
            go.Bar(
                x=dates,
                y=values,
                name=style.label,
                marker={"color": style.colour, "pattern": {"shape": style.pattern, "fgcolor": "#FFFFFF"}},
                customdata=texts(dates, format_date),
                hovertemplate=f"{style.icon} {style.label}: %{{y}} projects<extra>%{{customdata}}</extra>",
            )
        )
    figure.update_layout(barmode="stack", bargap=0.3)
    if not history.empty:
        whole_number_axis(figure, history[list(HEALTH_COUNT_COLUMNS.values())].sum(axis=1).max())
    if history.empty:
        empty_note(figure, "No snapshots yet")
    return apply_layout(figure, title, "Snapshot", "Projects")


def performance_trend(history: pd.DataFrame, bands: Bands | None = None, title: str | None = None) -> go.Figure:
    """cpi and spi_t per snapshot as lines over the shaded bands and the 1.0 target.

    ``history``: one row per snapshot with ``as_of``, cpi and spi_t: ``portfolio_totals`` rows (a
    portfolio) or ``project_indicators`` rows (one project) of each snapshot. The two lines differ in
    colour, dash and marker symbol.
    """
    bands = bands or Bands()
    figure = go.Figure()
    dates = pd.to_datetime(history["as_of"])
    series = (
        ("cpi", "Cost performance (cpi)", SERIES_COLOURS[0], "solid", "circle"),
        ("spi_t", "Schedule performance (spi_t)", SERIES_COLOURS[1], "dash", "diamond"),
    )
    for column, name, colour, dash, symbol in series:
        values = history[column].astype("float64")
        figure.add_trace(
            go.Scatter(
                x=dates,
                y=values,
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": dash, "width": 2},
                marker={"symbol": symbol, "size": 8},
                customdata=np.column_stack([texts(dates, format_date), texts(values, format_ratio)]),
                hovertemplate=f"{column} %{{customdata[1]}}<extra>%{{customdata[0]}}</extra>",
            )
        )
    add_band_strips(figure, bands, "y")
    add_reference_line(figure, 1.0, "y", name="target")
    return apply_layout(figure, title, "Snapshot", "Index (1.0 = on plan)")


def budget_bars(indicators: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Budget (bac), actual cost (ac) and forecast (eac) per project, grouped horizontal bars, first row on top.

    ``indicators``: one row per project with project_id, project_name, bac, ac and eac, in the order to show.
    The forecast bars are hatched, so the three differ by more than colour.
    """
    figure = go.Figure()
    labels = project_labels(indicators)
    series = (
        ("bac", "Budget (bac)", SERIES_COLOURS[2], ""),
        ("ac", "Actual cost (ac)", SERIES_COLOURS[0], ""),
        ("eac", "Forecast (eac)", SERIES_COLOURS[1], "/"),
    )
    for column, name, colour, pattern in series:
        values = indicators[column].astype("float64")
        figure.add_trace(
            go.Bar(
                y=labels,
                x=values,
                orientation="h",
                name=name,
                marker={"color": colour, "pattern": {"shape": pattern}},
                customdata=np.column_stack([indicators["project_id"].astype("str"), texts(values, format_money)]),
                hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{customdata[1]}}<extra></extra>",
            )
        )
    figure.update_layout(barmode="group", height=max(260, 90 + 54 * len(indicators)))
    figure.update_xaxes(tickprefix="€ ", tickformat="~s")
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    return apply_layout(figure, title, "Amount (€)", None)

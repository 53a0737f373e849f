"""The look every chart shares: the health palette, risk score zones, series colours, layout and reference marks.

Health is never told by colour alone: each status has a colour that colour-blind readers can tell apart
(Okabe & Ito, "Color Universal Design", 2008), a marker symbol, a bar pattern, an icon and a word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmo_analytics.formatting import MISSING, format_date
from pmo_analytics.indicators.health import AMBER, GREEN, GREY, RED
from pmo_analytics.indicators.health_settings import Bands, RiskThresholds


@dataclass(frozen=True)
class HealthStyle:
    """How one health status is drawn and written."""

    status: str  # "green", as health_overall holds it
    colour: str  # "#009E73"
    label: str  # "On track": the word shown in legends, hovers and tables
    symbol: str  # plotly marker symbol for scatter points
    pattern: str  # plotly bar pattern shape ("" is solid)
    icon: str  # a text mark for tables: "●"


HEALTH_STYLES: dict[str, HealthStyle] = {
    GREEN: HealthStyle(GREEN, "#009E73", "On track", "circle", "", "●"),
    AMBER: HealthStyle(AMBER, "#E69F00", "At risk", "diamond", "/", "◆"),
    RED: HealthStyle(RED, "#D55E00", "Off track", "x", "x", "✖"),
    GREY: HealthStyle(GREY, "#999999", "No data", "square", ".", "○"),
}
# Worst first: legends and stacks read from the projects that need attention.
HEALTH_ORDER = (RED, AMBER, GREEN, GREY)
# portfolio_totals' count columns: health_green .. health_grey.
HEALTH_COUNT_COLUMNS = {status: f"health_{status}" for status in HEALTH_ORDER}

# Risk score zones share the health colours: red is high whichever thing it rates.
ZONE_LABELS = {RED: "High", AMBER: "Medium", GREEN: "Low", GREY: "Not scored"}

# Okabe-Ito colours the health palette does not use, for series that are not a status.
SERIES_COLOURS = ("#0072B2", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
PLAN_COLOUR = "#555555"
BASELINE_COLOUR = "#C8C8C8"
REFERENCE_COLOUR = "#444444"
TEMPLATE = "plotly_white"


def health_style(status: object) -> HealthStyle:
    """The style of a status; anything not green/amber/red (NaN, "", unknown words) is grey "No data"."""
    return HEALTH_STYLES.get(status if isinstance(status, str) else GREY, HEALTH_STYLES[GREY])


def health_label(status: object) -> str:
    """Icon and word: "amber" -> "◆ At risk". For tables and KPI cards."""
    style = health_style(status)
    return f"{style.icon} {style.label}"


def health_palette() -> dict[str, str]:
    """Status -> colour, e.g. for a pandas Styler or st.column_config: {"green": "#009E73", ...}."""
    return {status: style.colour for status, style in HEALTH_STYLES.items()}


def risk_zone(score: object, thresholds: RiskThresholds | None = None) -> str:
    """A risk score's zone as a status word: >= 15 "red", >= 8 "amber", else "green"; unscored "grey"."""
    limits = thresholds or RiskThresholds()
    if score is None or score is pd.NA:
        return GREY
    number = float(score)  # type: ignore[arg-type]
    if np.isnan(number):
        return GREY
    if number >= limits.red_score:
        return RED
    return AMBER if number >= limits.amber_score else GREEN


def tint(colour: str, alpha: float) -> str:
    """ "#D55E00", 0.3 -> "rgba(213,94,0,0.3)": a light fill that keeps the text on it readable."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def project_labels(frame: pd.DataFrame) -> list[str]:
    """One axis label per row: project_name, else project_id; a name used twice gets its id: "ERP (P7)"."""
    ids = frame["project_id"].astype("str") if "project_id" in frame else pd.Series("", index=frame.index)
    names = frame["project_name"] if "project_name" in frame else pd.Series(np.nan, index=frame.index)
    labels = names.where(names.notna() & (names.astype("str") != ""), ids).astype("str")
    repeated = labels.duplicated(keep=False) & names.notna()
    return [f"{label} ({pid})" if twice else label for label, pid, twice in zip(labels, ids, repeated, strict=True)]


def column_or_missing(frame: pd.DataFrame, name: str) -> pd.Series:
    """The column, or NaN for every row when the frame does not carry it (optional hover figures)."""
    return frame[name] if name in frame.columns else pd.Series(np.nan, index=frame.index, dtype="float64")


def text_column(frame: pd.DataFrame, name: str, missing: str = MISSING) -> list[str]:
    """A text column for hovers, ``missing`` where blank or where the frame has no such column."""
    if name not in frame.columns:
        return [missing] * len(frame)
    return [value if isinstance(value, str) and value != "" else missing for value in frame[name]]


def texts(values: Sequence[object] | pd.Series, formatter: Callable[[object], str]) -> list[str]:
    """Each value through a formatting function: [0.93, nan] with format_ratio -> ["0.93", "—"]."""
    return [formatter(value) for value in values]


def apply_layout(figure: go.Figure, title: str | None, x_title: str | None, y_title: str | None) -> go.Figure:
    """The common layout: plotly_white, compact margins, a legend above the plot, axis titles, optional title."""
    figure.update_layout(
        template=TEMPLATE,
        title={"text": title} if title else None,
        margin={"l": 8, "r": 8, "t": 48 if title else 28, "b": 8},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hoverlabel={"align": "left"},
        xaxis_title_text=x_title,
        yaxis_title_text=y_title,
    )
    return figure


def add_date_line(figure: go.Figure, date: object, label: str | None = None, name: str = "as_of") -> go.Figure:
    """A dotted vertical line at ``date`` across the whole plot, labelled "As of 31 Mar 2026" at the top.

    The shape is named ``name`` so a test or a page can find it in ``figure.layout.shapes``.
    """
    when = pd.Timestamp(date)  # type: ignore[arg-type]
    figure.add_shape(
        type="line",
        name=name,
        x0=when,
        x1=when,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": REFERENCE_COLOUR, "width": 1.5, "dash": "dot"},
    )
    figure.add_annotation(
        x=when,
        y=1,
        yref="paper",
        text=label or f"As of {format_date(when)}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 11, "color": REFERENCE_COLOUR},
    )
    return figure


def add_reference_line(figure: go.Figure, value: float, axis: str = "y", name: str = "reference") -> go.Figure:
    """A thin solid line at ``value`` across the plot: the 1.0 of an index (on target)."""
    if axis == "y":
        coordinates = {"x0": 0, "x1": 1, "xref": "paper", "y0": value, "y1": value}
    else:
        coordinates = {"y0": 0, "y1": 1, "yref": "paper", "x0": value, "x1": value}
    figure.add_shape(type="line", name=name, line={"color": REFERENCE_COLOUR, "width": 1}, **coordinates)
    return figure


def add_band_strips(figure: go.Figure, bands: Bands, axis: str = "y") -> go.Figure:
    """Shade an index axis: green over green_low..green_high, amber over the two amber bands (0.90-0.95, 1.05-1.10)."""
    strips = [
        ("band_green", bands.green_low, bands.green_high, HEALTH_STYLES[GREEN].colour),
        ("band_amber_low", bands.amber_low, bands.green_low, HEALTH_STYLES[AMBER].colour),
        ("band_amber_high", bands.green_high, bands.amber_high, HEALTH_STYLES[AMBER].colour),
    ]
    for name, low, high, colour in strips:
        if axis == "y":
            coordinates = {"x0": 0, "x1": 1, "xref": "paper", "y0": low, "y1": high}
        else:
            coordinates = {"y0": 0, "y1": 1, "yref": "paper", "x0": low, "x1": high}
        figure.add_shape(
            type="rect", name=name, layer="below", line={"width": 0}, fillcolor=tint(colour, 0.14), **coordinates
        )
    return figure


def whole_number_axis(figure: go.Figure, largest: float, axis: str = "y") -> go.Figure:
    """Counts get whole ticks: one per unit up to 10 (no "1.5 projects"), plotly's own spacing beyond."""
    settings = {"dtick": 1, "tick0": 0} if largest <= 10 else {"tickformat": ",d"}
    (figure.update_yaxes if axis == "y" else figure.update_xaxes)(rangemode="tozero", **settings)
    return figure


def empty_note(figure: go.Figure, text: str) -> go.Figure:
    """A centred note on a chart with nothing to draw, so the page never shows a blank frame."""
    figure.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 13, "color": "#777777"}
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure

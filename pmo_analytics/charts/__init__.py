"""Plotly figures for the pages: a frame from an indicator function in, a ``go.Figure`` out.

No filtering and no aggregation here (the indicator functions do that), no Streamlit and no DuckDB.
Every figure uses ``plotly_white``, compact margins, axis titles, formatted hovers (``formatting``) and an
optional ``title`` (leave it out when the page gives a heading). Health is shown by colour, symbol or
pattern and a word together (``style.HEALTH_STYLES``). Points a page can click carry the project_id
(or risk_id, or the matrix cell) in ``customdata[0]``.
"""

from pmo_analytics.charts.budget import CURVE_COLUMNS, s_curve
from pmo_analytics.charts.portfolio import budget_bars, health_counts, health_trend, performance_trend, quadrant
from pmo_analytics.charts.resources import capacity_vs_demand, resource_heatmap
from pmo_analytics.charts.risk import (
    exposure_bar,
    issue_age_histogram,
    issues_by_priority,
    risk_heatmap,
    top_risks_bar,
)
from pmo_analytics.charts.schedule import milestone_trend_chart, timeline
from pmo_analytics.charts.style import (
    HEALTH_ORDER,
    HEALTH_STYLES,
    HealthStyle,
    health_label,
    health_palette,
    health_style,
    risk_zone,
)

__all__ = [
    "CURVE_COLUMNS",
    "HEALTH_ORDER",
    "HEALTH_STYLES",
    "HealthStyle",
    "budget_bars",
    "capacity_vs_demand",
    "exposure_bar",
    "health_counts",
    "health_label",
    "health_palette",
    "health_style",
    "health_trend",
    "issue_age_histogram",
    "issues_by_priority",
    "milestone_trend_chart",
    "performance_trend",
    "quadrant",
    "resource_heatmap",
    "risk_heatmap",
    "risk_zone",
    "s_curve",
    "timeline",
    "top_risks_bar",
]

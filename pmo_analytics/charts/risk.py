"""Risk and issue charts: the 5x5 matrix, top risks, exposure per project, open issues by priority and by age."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmo_analytics.charts.style import (
    HEALTH_STYLES,
    SERIES_COLOURS,
    ZONE_LABELS,
    apply_layout,
    column_or_missing,
    empty_note,
    project_labels,
    risk_zone,
    texts,
    tint,
    whole_number_axis,
)
from pmo_analytics.formatting import format_count, format_money
from pmo_analytics.indicators.health_settings import RiskThresholds

LEVELS = [1, 2, 3, 4, 5]
NO_PRIORITY = "(no priority)"
# Common priority words, most urgent first; other words follow in alphabetical order.
_PRIORITY_RANKS = {
    word: rank
    for rank, words in enumerate(
        (
            ("blocker", "critical", "kritiek", "kritisch", "urgent", "highest", "zeer hoog", "1"),
            ("high", "hoog", "major", "2"),
            ("medium", "middel", "gemiddeld", "normal", "normaal", "3"),
            ("low", "laag", "minor", "4"),
            ("lowest", "zeer laag", "trivial", "5"),
        )
    )
    for word in words
}
# Sequential blues, darkest for the most urgent: priority is an order, not a status.
_PRIORITY_COLOURS = ("#08306B", "#2171B5", "#6BAED6", "#BDD7EE", "#DEEBF7")


def priorities_of(frame: pd.DataFrame) -> pd.Series:
    """The priority column as text, blank as "(no priority)" (every row when the frame has no such column)."""
    if "priority" not in frame.columns:
        return pd.Series(NO_PRIORITY, index=frame.index, dtype="str")
    priority = frame["priority"].astype("str")
    return priority.where(priority.notna() & (priority.str.strip() != ""), NO_PRIORITY)


def priority_order(priorities: pd.Series) -> list[str]:
    """The priorities present, most urgent first: ["Low", "High", "(no priority)"] -> ["High", "Low", "(no priority)"]."""
    words = priorities.unique()

    def rank(word: str) -> tuple[int, str]:
        if word == NO_PRIORITY:
            return (99, word)
        return (_PRIORITY_RANKS.get(word.strip().lower(), 50), word.lower())

    return sorted(words, key=rank)


def risk_heatmap(matrix: pd.DataFrame, thresholds: RiskThresholds | None = None, title: str | None = None) -> go.Figure:
    """The 5x5 risk matrix: probability level up (y), impact level across (x), open-risk counts in the cells.

    ``matrix``: ``risk_matrix`` (index probability_level 1-5, columns impact_level 1-5, counts). The heatmap
    trace's z is that matrix; its colours are transparent, because each cell's background is the zone of
    its score = probability x impact (>= 15 red, >= 8 amber, else green), drawn as shapes below it. A
    second trace ("cells", one invisible square marker per cell) carries ``customdata`` = [probability
    level, impact level] for a click: Streamlit reports clicks on scatter points, not on heatmap cells.
    """
    thresholds = thresholds or RiskThresholds()
    grid = matrix.reindex(index=LEVELS, columns=LEVELS, fill_value=0).astype("int64")
    counts = grid.to_numpy()
    probability, impact = np.meshgrid(LEVELS, LEVELS, indexing="ij")  # probability[p-1, i-1] == p
    scores = probability * impact
    zones = np.array([[risk_zone(score, thresholds) for score in row] for row in scores])
    # details[p-1, i-1] = [p, i, count, score, zone word]: numbers stay numbers for the page's click handler.
    details = np.empty((len(LEVELS), len(LEVELS), 5), dtype=object)
    for (row, column), zone in np.ndenumerate(zones):
        details[row, column] = [
            int(probability[row, column]),
            int(impact[row, column]),
            int(counts[row, column]),
            int(scores[row, column]),
            ZONE_LABELS[zone],
        ]
    hover = (
        "Probability %{customdata[0]} x impact %{customdata[1]} = score %{customdata[3]} "
        "(%{customdata[4]})<br><b>%{customdata[2]} open risks</b><extra></extra>"
    )
    # One layout update with all 25 cell backgrounds: add_shape per cell validates the figure 25 times.
    figure = go.Figure(
        layout={
            "shapes": [
                {
                    "type": "rect",
                    "name": f"zone_{p}_{i}",
                    "layer": "below",
                    "x0": i - 0.5,
                    "x1": i + 0.5,
                    "y0": p - 0.5,
                    "y1": p + 0.5,
                    "fillcolor": tint(HEALTH_STYLES[zones[p - 1, i - 1]].colour, 0.45),
                    "line": {"color": "#FFFFFF", "width": 2},
                }
                for p in LEVELS
                for i in LEVELS
            ]
        }
    )
    figure.add_trace(
        go.Heatmap(
            z=counts,
            x=LEVELS,
            y=LEVELS,
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            showscale=False,
            text=np.where(counts > 0, counts.astype(str), ""),
            texttemplate="%{text}",
            textfont={"size": 16},
            customdata=details,
            hovertemplate=hover,
            name="risks",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=impact.ravel(),
            y=probability.ravel(),
            mode="markers",
            name="cells",
            showlegend=False,
            marker={"symbol": "square", "size": 34, "color": "rgba(0,0,0,0)"},
            customdata=details.reshape(-1, details.shape[-1]),
            hovertemplate=hover,
        )
    )
    figure.update_xaxes(tickvals=LEVELS, range=[0.5, 5.5], showgrid=False, zeroline=False, constrain="domain")
    figure.update_yaxes(tickvals=LEVELS, range=[0.5, 5.5], showgrid=False, zeroline=False, scaleanchor="x")
    figure.update_layout(clickmode="event+select", dragmode=False)
    return apply_layout(figure, title, "Impact level", "Probability level")


def top_risks_bar(
    top: pd.DataFrame, by: str = "score", thresholds: RiskThresholds | None = None, title: str | None = None
) -> go.Figure:
    """The ranked risks as horizontal bars, the first row on top, coloured and patterned by score zone.

    ``top``: ``top_risks(risks, n, by)`` rows (risk_id, project_id, title, score, expected_value). ``by`` is
    "score" or "expected_value", the figure the bars show. ``customdata[0]`` is the risk_id,
    ``customdata[1]`` the project_id.
    """
    if by not in ("score", "expected_value"):
        raise ValueError(f"top_risks_bar draws 'score' or 'expected_value', not {by!r}")
    thresholds = thresholds or RiskThresholds()
    figure = go.Figure()
    x_title = "Score (probability x impact)" if by == "score" else "Expected value (€)"
    if top.empty:
        return empty_note(apply_layout(figure, title, x_title, None), "No open risks")
    ids = column_or_missing(top, "risk_id")
    ids = ids.where(ids.notna(), "").astype("str")
    titles = column_or_missing(top, "title").fillna("").astype("str")
    labels = [f"{rid} {text}".strip() or f"risk {n + 1}" for n, (rid, text) in enumerate(zip(ids, titles, strict=True))]
    labels = [
        f"{label} ({pid})" if labels.count(label) > 1 else label
        for label, pid in zip(labels, top["project_id"], strict=True)
    ]
    zones = [risk_zone(score, thresholds) for score in top["score"]]
    figure.add_trace(
        go.Bar(
            y=labels,
            x=top[by].astype("float64"),
            orientation="h",
            name="Risks",
            marker={
                "color": [HEALTH_STYLES[zone].colour for zone in zones],
                "pattern": {"shape": [HEALTH_STYLES[zone].pattern for zone in zones], "fgcolor": "#FFFFFF"},
            },
            customdata=np.column_stack(
                [
                    ids.to_numpy(),
                    top["project_id"].astype("str").to_numpy(),
                    texts(top["score"], format_count),
                    texts(top["expected_value"], format_money),
                    [ZONE_LABELS[zone] for zone in zones],
                ]
            ),
            hovertemplate=(
                "<b>%{y}</b> · project %{customdata[1]}<br>Score %{customdata[2]} (%{customdata[4]})"
                " · expected value %{customdata[3]}<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    if by == "expected_value":
        figure.update_xaxes(tickprefix="€ ", tickformat="~s")
    figure.update_layout(height=max(240, 80 + 28 * len(top)), showlegend=False)
    return apply_layout(figure, title, x_title, None)


def exposure_bar(exposure: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Risk exposure (sum of the expected values of open risks) per project, largest on top.

    ``exposure``: ``risk_exposure`` rows (project_id, open_risks, risk_exposure, open_risks_without_value),
    or ``project_indicators`` rows; project_name is used when present. ``customdata[0]`` is the project_id.
    """
    figure = go.Figure()
    if exposure.empty:
        return empty_note(apply_layout(figure, title, "Exposure (€)", None), "No open risks")
    rows = exposure.sort_values("risk_exposure", ascending=False, na_position="last", kind="stable")
    labels = project_labels(rows)
    figure.add_trace(
        go.Bar(
            y=labels,
            x=rows["risk_exposure"].astype("float64"),
            orientation="h",
            name="Exposure",
            marker={"color": SERIES_COLOURS[0]},
            customdata=np.column_stack(
                [
                    rows["project_id"].astype("str").to_numpy(),
                    texts(rows["risk_exposure"], format_money),
                    texts(column_or_missing(rows, "open_risks"), format_count),
                    texts(column_or_missing(rows, "open_risks_without_value"), format_count),
                ]
            ),
            hovertemplate=(
                "<b>%{y}</b><br>Exposure %{customdata[1]} over %{customdata[2]} open risks"
                "<br>%{customdata[3]} open risks without a value<extra></extra>"
            ),
        )
    )
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    figure.update_xaxes(tickprefix="€ ", tickformat="~s")
    figure.update_layout(height=max(240, 80 + 28 * len(rows)), showlegend=False)
    return apply_layout(figure, title, "Exposure (€)", None)


def _priority_colour(position: int) -> str:
    return _PRIORITY_COLOURS[min(position, len(_PRIORITY_COLOURS) - 1)]


def issues_by_priority(open_issues: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Open issues per project, stacked by priority (one trace per priority, most urgent first).

    ``open_issues``: ``open_issues`` rows (project_id, priority, open_issues; project_name when present).
    ``customdata[0]`` is the project_id.
    """
    figure = go.Figure()
    if open_issues.empty:
        return empty_note(apply_layout(figure, title, "Open issues", None), "No open issues")
    labels = np.array(project_labels(open_issues))
    priorities = priorities_of(open_issues)
    for position, priority in enumerate(priority_order(priorities)):
        chosen = (priorities == priority).to_numpy()
        rows = open_issues[chosen]
        figure.add_trace(
            go.Bar(
                y=labels[chosen],
                x=rows["open_issues"].astype("int64"),
                orientation="h",
                name=priority,
                marker={"color": _priority_colour(position)},
                customdata=rows["project_id"].astype("str").to_numpy(),
                hovertemplate=f"<b>%{{y}}</b><br>{priority}: %{{x}} open issues<extra></extra>",
            )
        )
    order = list(pd.unique(labels))
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=order)
    # Plotly lists stacked horizontal bars in reverse; "normal" keeps the most urgent first in the legend too.
    figure.update_layout(barmode="stack", height=max(240, 80 + 28 * len(order)), legend_traceorder="normal")
    whole_number_axis(figure, open_issues["open_issues"].sum(), axis="x")
    return apply_layout(figure, title, "Open issues", None)


def issue_age_histogram(issues: pd.DataFrame, bin_days: int = 14, title: str | None = None) -> go.Figure:
    """How long the given issues have been open: age_days in bins of ``bin_days``, stacked by priority.

    ``issues``: ``issue_ages`` rows to draw; pass the open ones (``aged[aged["is_open"]]``). Plotly bins
    the ages (starting at day 0); every trace's x is the input's age_days of that priority.
    """
    figure = go.Figure()
    if issues.empty:
        return empty_note(apply_layout(figure, title, "Age (days)", "Issues"), "No open issues")
    priorities = priorities_of(issues)
    for position, priority in enumerate(priority_order(priorities)):
        chosen = (priorities == priority).to_numpy()
        figure.add_trace(
            go.Histogram(
                x=issues["age_days"].astype("float64")[chosen],
                name=priority,
                xbins={"start": 0, "size": bin_days},
                marker={"color": _priority_colour(position), "line": {"color": "#FFFFFF", "width": 1}},
                hovertemplate=f"{priority}: %{{y}} issues aged %{{x}} days<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack")
    return apply_layout(figure, title, "Age (days)", "Issues")

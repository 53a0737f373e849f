"""Schedule charts: the portfolio timeline (baseline against forecast) and milestone trend analysis (MTA)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmo_analytics.charts.style import (
    BASELINE_COLOUR,
    HEALTH_ORDER,
    HEALTH_STYLES,
    REFERENCE_COLOUR,
    SERIES_COLOURS,
    add_date_line,
    apply_layout,
    column_or_missing,
    empty_note,
    health_style,
    project_labels,
    text_column,
    texts,
)
from pmo_analytics.formatting import format_date, format_days

ONE_MILLISECOND = pd.Timedelta(milliseconds=1)
ROW_PIXELS = 26


def _dates(frame: pd.DataFrame, name: str) -> pd.Series:
    """A date column as datetime64, NaT throughout when the frame lacks it."""
    if name not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[name])


def timeline(
    projects: pd.DataFrame,
    as_of: object = None,
    forecast_column: str = "forecast_finish_date",
    title: str | None = None,
) -> go.Figure:
    """Portfolio Gantt: per project a wide grey baseline bar (start_date .. planned_finish_date) and on it
    a narrow forecast bar (start_date .. actual_finish_date, else ``forecast_column``) in its health colour.

    ``projects``: one row per project with project_id, project_name, start_date, planned_finish_date,
    ``forecast_column`` and optionally actual_finish_date, portfolio, health_overall, finish_slip_days.
    ``project_indicators`` carries them all; its forecast_finish_date is earned schedule's forecast, pass
    ``forecast_column="reported_forecast_finish_date"`` to draw the file's. Rows are shown by portfolio,
    then start date; bars are ``base`` = start with ``x`` = the length in milliseconds (as px.timeline
    does). ``customdata[0]`` is the project_id. ``as_of`` draws the dotted as-of line.
    """
    figure = go.Figure()
    if projects.empty:
        return empty_note(apply_layout(figure, title, None, None), "No projects to show")
    portfolio = column_or_missing(projects, "portfolio")
    order = projects.assign(_portfolio=portfolio, _start=_dates(projects, "start_date")).sort_values(
        ["_portfolio", "_start"], na_position="last", kind="stable"
    )
    rows = projects.loc[order.index]
    labels = np.array(project_labels(rows))
    start = _dates(rows, "start_date")
    planned = _dates(rows, "planned_finish_date")
    actual = _dates(rows, "actual_finish_date")
    finish = actual.where(actual.notna(), _dates(rows, forecast_column))
    health = (
        rows["health_overall"].map(lambda status: health_style(status).status)
        if "health_overall" in rows
        else pd.Series("none", index=rows.index)
    )
    finish_words = np.where(actual.notna(), "Finished", "Forecast finish")
    customdata = np.column_stack(
        [
            rows["project_id"].astype("str").to_numpy(),
            text_column(rows, "portfolio"),
            [health_style(status).label for status in health],
            texts(start, format_date),
            texts(planned, format_date),
            finish_words,
            texts(finish, format_date),
            texts(column_or_missing(rows, "finish_slip_days"), format_days),
        ]
    )
    hover = (
        "<b>%{y}</b> (%{customdata[0]}) · %{customdata[1]}<br>"
        "Start %{customdata[3]} · planned finish %{customdata[4]}<br>"
        "%{customdata[5]} %{customdata[6]} · slip %{customdata[7]}<extra>%{customdata[2]}</extra>"
    )
    figure.add_trace(
        go.Bar(
            y=labels,
            base=start,
            x=((planned - start) / ONE_MILLISECOND).astype("float64"),
            orientation="h",
            name="Baseline (planned)",
            width=0.7,
            marker={"color": BASELINE_COLOUR},
            customdata=customdata,
            hovertemplate=hover,
        )
    )
    lengths = ((finish - start) / ONE_MILLISECOND).astype("float64")
    statuses = HEALTH_ORDER if "health_overall" in rows else ("none",)
    for status in statuses:
        chosen = (health == status).to_numpy() & lengths.notna().to_numpy()  # no forecast date: no bar
        if not chosen.any():
            continue
        style = HEALTH_STYLES.get(status)
        figure.add_trace(
            go.Bar(
                y=labels[chosen],
                base=start[chosen],
                x=lengths[chosen],
                orientation="h",
                name=f"Forecast: {style.label}" if style else "Forecast",
                width=0.32,
                marker={
                    "color": style.colour if style else SERIES_COLOURS[0],
                    "pattern": {"shape": style.pattern if style else "", "fgcolor": "#FFFFFF"},
                },
                customdata=customdata[chosen],
                hovertemplate=hover,
            )
        )
    figure.update_layout(barmode="overlay", height=120 + ROW_PIXELS * len(rows))
    figure.update_xaxes(type="date")
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=list(labels))
    if as_of is not None:
        add_date_line(figure, as_of)
    return apply_layout(figure, title, None, None)


def milestone_trend_chart(mta: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Milestone trend analysis: x = report date, y = the date forecast in that report, one line per milestone.

    ``mta``: ``milestone_trend`` rows (project_id, milestone_id, milestone_name, report_date, forecast_date,
    is_actual), usually of one project. A flat line is a milestone holding its date, a rising one is
    slipping; actual dates are drawn as filled stars, forecasts as open circles. The dashed diagonal
    (report date = forecast date, the first trace, meta "diagonal") runs from the earliest to the latest date
    in the frame: a milestone reaches it when it is done.
    """
    figure = go.Figure()
    if mta.empty:
        return empty_note(apply_layout(figure, title, "Report date", "Forecast date"), "No milestone dates")
    report = pd.to_datetime(mta["report_date"])
    forecast = pd.to_datetime(mta["forecast_date"])
    low = min(report.min(), forecast.min())
    high = max(report.max(), forecast.max())
    figure.add_trace(
        go.Scatter(
            x=[low, high],
            y=[low, high],
            mode="lines",
            name="Report date = forecast date",
            meta="diagonal",
            showlegend=False,
            line={"color": REFERENCE_COLOUR, "dash": "dash", "width": 1},
            hoverinfo="skip",
        )
    )
    several_projects = mta["project_id"].nunique(dropna=False) > 1
    key = mta["milestone_id"].where(mta["milestone_id"].notna(), mta["milestone_name"]).astype("str")
    keys = mta["project_id"].astype("str") + "\x00" + key
    for position, one in enumerate(pd.unique(keys)):
        rows = mta[(keys == one).to_numpy()]
        name = str(rows["milestone_name"].iloc[0])
        if several_projects:
            name = f"{rows['project_id'].iloc[0]}: {name}"
        is_actual = rows["is_actual"].astype(bool).to_numpy()
        colour = SERIES_COLOURS[position % len(SERIES_COLOURS)]
        figure.add_trace(
            go.Scatter(
                x=pd.to_datetime(rows["report_date"]),
                y=pd.to_datetime(rows["forecast_date"]),
                mode="lines+markers",
                name=name,
                line={"color": colour, "width": 2},
                marker={
                    "symbol": np.where(is_actual, "star", "circle-open"),
                    "size": np.where(is_actual, 13, 8),
                    "color": colour,
                    "line": {"color": colour, "width": 2},
                },
                customdata=np.column_stack(
                    [
                        texts(rows["report_date"], format_date),
                        texts(rows["forecast_date"], format_date),
                        np.where(is_actual, "done on", "forecast"),
                        np.full(len(rows), name, dtype=object),
                    ]
                ),
                hovertemplate="<b>%{customdata[3]}</b><br>Report of %{customdata[0]}: %{customdata[2]} %{customdata[1]}"
                "<extra></extra>",
            )
        )
    # The same range on both axes, so the diagonal runs corner to corner at 45 degrees as MTA charts do.
    margin = max((high - low) * 0.04, pd.Timedelta(days=2))
    shown = [low - margin, high + margin]
    figure.update_yaxes(type="date", range=shown)
    figure.update_xaxes(type="date", range=shown)
    return apply_layout(figure, title, "Report date", "Forecast date")

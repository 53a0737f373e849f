"""The Risks & issues page's data: the 5x5 matrix and its cells, ranked risks, exposure, open issues, the trend.

Page-data functions take ``(tables, as_of, **params)`` (the filtered tables of one snapshot, as ``ui.view_data``
passes them) and return frames with the project's name beside its id, so a page only draws. ``risk_trend``
takes one risks table per snapshot; ``risk_trend_figure`` draws it (no chart module has a risk trend yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pmo_analytics.charts.style import (
    HEALTH_STYLES,
    SERIES_COLOURS,
    ZONE_LABELS,
    apply_layout,
    empty_note,
    risk_zone,
    texts,
)
from pmo_analytics.formatting import format_date, format_money
from pmo_analytics.indicators.health import RED
from pmo_analytics.indicators.health_settings import RiskThresholds
from pmo_analytics.indicators.portfolio import _table  # the table, or an empty typed one when missing
from pmo_analytics.indicators.risk import (
    HIGH_RISK_SCORE,
    issue_ages,
    open_issues,
    risk_exposure,
    risk_matrix,
    risk_scores,
    top_risks,
)
from pmo_analytics.indicators.risk import LEVELS as RISK_LEVELS

Tables = Mapping[str, pd.DataFrame]
TREND_COLUMNS = ["as_of", "open_risks", "open_high_risks", "risk_exposure"]
CELL_COLUMNS = ["probability_level", "impact_level", "open_risks", "score", "zone", "label"]


def with_project_names(frame: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with project_name (from ``projects``) right after project_id; NaN for an unknown project.

    Same rows in the same order: a project listed twice in ``projects`` gives its first name.
    """
    names = projects.drop_duplicates("project_id").set_index("project_id")["project_name"]
    named = frame.drop(columns="project_name", errors="ignore")
    position = list(named.columns).index("project_id") + 1
    return named.assign(project_name=named["project_id"].map(names).astype("str")).reindex(
        columns=[*named.columns[:position], "project_name", *named.columns[position:]]
    )


def matrix(tables: Tables, as_of: dt.date) -> pd.DataFrame:
    """``risk_matrix`` of the snapshot: open-risk counts, probability level 1-5 (rows) x impact level 1-5."""
    return risk_matrix(_table(tables, "risks"))


def matrix_cells(counts: pd.DataFrame, thresholds: RiskThresholds | None = None) -> pd.DataFrame:
    """The cells of the matrix that hold open risks, highest score first. One row per non-empty cell.

    label: "Probability 4 x impact 5 · score 20 (High) · 3 risks", for a list a keyboard can reach.
    """
    long = counts.reindex(index=RISK_LEVELS, columns=RISK_LEVELS, fill_value=0).stack().rename("open_risks")
    cells = long.reset_index()
    cells.columns = ["probability_level", "impact_level", "open_risks"]
    cells = cells[cells["open_risks"] > 0].astype("int64")
    cells = cells.assign(score=cells["probability_level"] * cells["impact_level"])
    zones = [ZONE_LABELS[risk_zone(score, thresholds)] for score in cells["score"]]
    labels = [
        f"Probability {p} x impact {i} · score {s} ({zone}) · {n} {'risk' if n == 1 else 'risks'}"
        for p, i, s, n, zone in zip(
            cells["probability_level"], cells["impact_level"], cells["score"], cells["open_risks"], zones, strict=True
        )
    ]
    cells = cells.assign(zone=pd.Series(zones, index=cells.index, dtype="str"), label=labels)
    ordered = cells.sort_values(["score", "probability_level"], ascending=False, kind="stable")
    return ordered[CELL_COLUMNS].reset_index(drop=True)


def cell_risks(tables: Tables, as_of: dt.date, probability_level: int, impact_level: int) -> pd.DataFrame:
    """The open risks of one matrix cell, largest expected value first. One row per risk (risk_scores columns)."""
    scored = risk_scores(_table(tables, "risks"))
    chosen = (
        scored["is_open"]
        & (scored["probability_level"] == probability_level).fillna(False).astype(bool)
        & (scored["impact_level"] == impact_level).fillna(False).astype(bool)
    )
    rows = scored[chosen].sort_values(["expected_value", "risk_id"], ascending=[False, True], na_position="last")
    return with_project_names(rows.reset_index(drop=True), _table(tables, "projects"))


def ranked_risks(tables: Tables, as_of: dt.date, by: str = "score", n: int = 10) -> pd.DataFrame:
    """``top_risks`` of the snapshot (the ``n`` open risks highest by ``by``), with project names. One row per risk."""
    return with_project_names(top_risks(_table(tables, "risks"), n, by), _table(tables, "projects"))  # type: ignore[arg-type]


def exposure_by_project(tables: Tables, as_of: dt.date) -> pd.DataFrame:
    """``risk_exposure`` of the projects that have open risks, largest exposure first. One row per project."""
    exposure = risk_exposure(_table(tables, "risks"))
    exposure = exposure[exposure["open_risks"] > 0]
    exposure = exposure.sort_values(["risk_exposure", "project_id"], ascending=[False, True], na_position="last")
    return with_project_names(exposure.reset_index(drop=True), _table(tables, "projects"))


def issues_by_project(tables: Tables, as_of: dt.date) -> pd.DataFrame:
    """``open_issues`` (one row per project per priority with open issues), with project names."""
    return with_project_names(open_issues(_table(tables, "issues"), as_of), _table(tables, "projects"))


def open_issue_list(tables: Tables, as_of: dt.date) -> pd.DataFrame:
    """The issues open on ``as_of``, oldest first. One row per issue: the issue columns plus is_open, age_days."""
    aged = issue_ages(_table(tables, "issues"), as_of)
    still_open = aged[aged["is_open"]].sort_values(
        ["age_days", "issue_id"], ascending=[False, True], na_position="last"
    )
    return with_project_names(still_open.reset_index(drop=True), _table(tables, "projects"))


def risk_page(tables: Tables, as_of: dt.date, top: int = 10, table_rows: int = 25) -> dict[str, pd.DataFrame]:
    """Everything the Risks & issues page shows of one snapshot, in one call (one cache entry per snapshot):

    matrix (``matrix``), top_by_score and top_by_expected_value (``ranked_risks``, ``top`` rows),
    top_table (``ranked_risks`` by score, ``table_rows`` rows), exposure (``exposure_by_project``),
    issues_by_project (``issues_by_project``), open_issues (``open_issue_list``).
    """
    return {
        "matrix": matrix(tables, as_of),
        "top_by_score": ranked_risks(tables, as_of, "score", top),
        "top_by_expected_value": ranked_risks(tables, as_of, "expected_value", top),
        "top_table": ranked_risks(tables, as_of, "score", table_rows),
        "exposure": exposure_by_project(tables, as_of),
        "issues_by_project": issues_by_project(tables, as_of),
        "open_issues": open_issue_list(tables, as_of),
    }


def risk_trend(snapshots: Sequence[tuple[dt.date, pd.DataFrame]]) -> pd.DataFrame:
    """Open risks, open high risks (score >= 15) and total exposure per snapshot. One row per snapshot date.

    ``snapshots``: (as_of, risks table of that snapshot). risk_exposure is the sum over projects of
    ``risk_exposure`` (expected values of open risks; a project with no valued open risk adds nothing).
    """
    rows = []
    for as_of, risks in snapshots:
        exposure = risk_exposure(risks)
        rows.append(
            {
                "as_of": pd.Timestamp(as_of),
                "open_risks": int(exposure["open_risks"].sum()),
                "open_high_risks": int(exposure["open_high_risks"].sum()),
                "risk_exposure": float(exposure["risk_exposure"].sum()),
            }
        )
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    return frame.astype(
        {"as_of": "datetime64[ns]", "open_risks": "int64", "open_high_risks": "int64", "risk_exposure": "float64"}
    )


def risk_trend_figure(trend: pd.DataFrame, title: str | None = None) -> go.Figure:
    """``risk_trend`` drawn: open and open high risks as lines (top), total exposure as bars (bottom)."""
    if trend.empty:
        return empty_note(apply_layout(go.Figure(), title, "Snapshot", None), "No snapshots yet")
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45])
    dates = pd.to_datetime(trend["as_of"])
    when = texts(dates, format_date)
    high = HEALTH_STYLES[RED]
    series = (
        ("open_risks", "Open risks", SERIES_COLOURS[0], "solid", "circle"),
        ("open_high_risks", f"Open high risks (score >= {HIGH_RISK_SCORE})", high.colour, "dash", high.symbol),
    )
    for column, name, colour, dash, symbol in series:
        figure.add_trace(
            go.Scatter(
                x=dates,
                y=trend[column].astype("int64"),
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": dash, "width": 2},
                marker={"symbol": symbol, "size": 8},
                customdata=when,
                hovertemplate=f"{name}: %{{y}}<extra>%{{customdata}}</extra>",
            ),
            row=1,
            col=1,
        )
    figure.add_trace(
        go.Bar(
            x=dates,
            y=trend["risk_exposure"].astype("float64"),
            name="Total exposure (€)",
            marker={"color": SERIES_COLOURS[2]},
            customdata=list(zip(when, texts(trend["risk_exposure"], format_money), strict=True)),
            hovertemplate="Exposure %{customdata[1]}<extra>%{customdata[0]}</extra>",
        ),
        row=2,
        col=1,
    )
    apply_layout(figure, title, None, None)
    # Counts get whole ticks (no "2.5 risks"); only the top axis is a count.
    ticks = {"dtick": 1, "tick0": 0} if trend["open_risks"].max() <= 10 else {"tickformat": ",d"}
    figure.update_yaxes(title_text="Open risks", rangemode="tozero", row=1, col=1, **ticks)
    figure.update_yaxes(title_text="Exposure (€)", tickprefix="€ ", tickformat="~s", rangemode="tozero", row=2, col=1)
    figure.update_layout(height=420, bargap=0.4)
    return figure


def risk_trend_of(snapshots: list[tuple[dt.date, Mapping[str, pd.DataFrame]]]) -> pd.DataFrame:
    """risk_trend over snapshots of whole tables (what ui.history_data passes)."""
    return risk_trend([(as_of, tables["risks"]) for as_of, tables in snapshots])

"""Charts for the overview, schedule and budget pages: traces, values, axis titles and reference marks.

Risk and resource charts are in test_charts_risk_resources.py. Figures are checked through figure.data
and figure.layout, never pixels; every expected number is the input's or worked out in a comment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from contract_frames import contract_frame

from pmo_analytics import charts
from pmo_analytics.charts.style import HEALTH_ORDER, HEALTH_STYLES, health_label, health_style, risk_zone
from pmo_analytics.indicators.health_settings import RiskThresholds
from pmo_analytics.indicators.portfolio import portfolio_totals, project_indicators

DAY_MS = 86_400_000


def shape(figure, name):
    matches = [s for s in figure.layout.shapes if s.name == name]
    assert len(matches) == 1, f"expected one shape named {name!r}, found {len(matches)}"
    return matches[0]


def by_meta(figure, meta):
    return next(trace for trace in figure.data if trace.meta == meta)


def dates(values):
    return list(pd.to_datetime(pd.Series(list(values))))


def stamps(*texts):
    return [pd.Timestamp(text) for text in texts]


# --- palette -------------------------------------------------------------------------------------------


def test_every_status_has_its_own_colour_symbol_pattern_and_word():
    styles = [HEALTH_STYLES[status] for status in ("green", "amber", "red", "grey")]
    for attribute in ("colour", "symbol", "pattern", "label", "icon"):
        values = [getattr(style, attribute) for style in styles]
        assert len(set(values)) == 4, attribute
    assert [style.label for style in styles] == ["On track", "At risk", "Off track", "No data"]
    # Okabe-Ito: bluish green, orange, vermillion, grey
    assert [style.colour for style in styles] == ["#009E73", "#E69F00", "#D55E00", "#999999"]


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("green", "● On track"),
        ("amber", "◆ At risk"),
        ("red", "✖ Off track"),
        ("grey", "○ No data"),
        (None, "○ No data"),
    ],
)
def test_health_label_gives_icon_and_word(status, label):
    assert health_label(status) == label


@pytest.mark.parametrize("unknown", [None, np.nan, "", "purple"])
def test_an_unknown_status_is_drawn_as_no_data(unknown):
    assert health_style(unknown).status == "grey"


@pytest.mark.parametrize(
    ("score", "zone"), [(25, "red"), (15, "red"), (14, "amber"), (8, "amber"), (7, "green"), (1, "green")]
)
def test_risk_zone_uses_the_health_thresholds(score, zone):
    assert risk_zone(score) == zone


@pytest.mark.parametrize("score", [None, np.nan, pd.NA])
def test_an_unscored_risk_has_no_zone(score):
    assert risk_zone(score) == "grey"


def test_risk_zone_follows_edited_thresholds():
    thresholds = RiskThresholds(amber_score=5, red_score=10)
    assert [risk_zone(score, thresholds) for score in (4, 5, 10)] == ["green", "amber", "red"]


# --- quadrant ------------------------------------------------------------------------------------------

INDICATORS = pd.DataFrame(
    {
        "project_id": ["P1", "P2", "P3", "P4"],
        "project_name": ["ERP", "Warehouse", "Portal", "Archive"],
        "spi_t": [1.0, 0.93, 0.85, np.nan],
        "cpi": [1.02, 0.96, 0.80, np.nan],
        "bac": [100_000.0, 400_000.0, 200_000.0, np.nan],
        "ac": [50_000.0, 300_000.0, 150_000.0, 10_000.0],
        "eac": [98_039.0, 416_667.0, 250_000.0, np.nan],
        "health_overall": ["green", "amber", "red", "grey"],
    }
)


def test_quadrant_has_one_trace_per_status_with_its_symbol_colour_and_word():
    figure = charts.quadrant(INDICATORS)
    assert [trace.type for trace in figure.data] == ["scatter"] * 4
    assert [trace.name for trace in figure.data] == ["Off track", "At risk", "On track", "No data"]
    for trace, status in zip(figure.data, HEALTH_ORDER, strict=True):
        assert trace.marker.symbol == HEALTH_STYLES[status].symbol
        assert trace.marker.color == HEALTH_STYLES[status].colour
    assert figure.layout.showlegend is True


def test_quadrant_places_projects_at_spi_t_and_cpi_with_their_id_for_a_click():
    red = charts.quadrant(INDICATORS).data[0]
    assert list(red.x) == [0.85]
    assert list(red.y) == [0.80]
    assert list(red.customdata[:, 0]) == ["P3"]
    # customdata: id, name, spi_t, cpi, bac, ac, eac as people read them
    assert list(red.customdata[0, 1:]) == ["Portal", "0.85", "0.80", "€ 200.0 k", "€ 150.0 k", "€ 250.0 k"]


def test_quadrant_bubble_area_is_proportional_to_bac():
    figure = charts.quadrant(INDICATORS)
    sizes = {trace.customdata[0, 0]: trace.marker.size[0] for trace in figure.data}
    assert sizes == {"P1": 100_000.0, "P2": 400_000.0, "P3": 200_000.0, "P4": 0.0}  # no bac: the minimum size
    assert {trace.marker.sizemode for trace in figure.data} == {"area"}
    # The largest bac (400,000) gets a 44-pixel diameter: sizeref = 2 x 400,000 / 44^2, the same for every trace.
    assert {trace.marker.sizeref for trace in figure.data} == {2 * 400_000 / 44**2}


def test_quadrant_marks_the_bands_and_the_target():
    figure = charts.quadrant(INDICATORS)
    green, amber = shape(figure, "band_green"), shape(figure, "band_amber")
    assert (green.x0, green.x1, green.y0, green.y1) == (0.95, 1.05, 0.95, 1.05)
    assert (amber.x0, amber.x1, amber.y0, amber.y1) == (0.90, 1.10, 0.90, 1.10)
    assert (shape(figure, "target_spi_t").x0, shape(figure, "target_cpi").y0) == (1.0, 1.0)
    assert figure.layout.xaxis.title.text == "Schedule performance (spi_t)"
    assert figure.layout.yaxis.title.text == "Cost performance (cpi)"


# --- with the real indicator functions -----------------------------------------------------------------


@pytest.fixture(scope="module")
def tables():
    projects = contract_frame(
        "projects",
        [
            # P1: pv 100,000 a month Jan-Jun; through March ev 285,000, ac 330,000 -> cpi 0.86 (red)
            {
                "project_id": "P1",
                "project_name": "ERP",
                "portfolio": "IT",
                "start_date": "2026-01-01",
                "planned_finish_date": "2026-06-30",
                "budget": 600_000.0,
            },
            # P2: no cost periods; ev = 50% of 300,000, ac 200,000 -> cpi 0.75 (red)
            {
                "project_id": "P2",
                "project_name": "Warehouse",
                "portfolio": "Ops",
                "start_date": "2026-02-01",
                "planned_finish_date": "2026-04-30",
                "budget": 300_000.0,
                "percent_complete": 50.0,
                "actual_cost": 200_000.0,
            },
        ],
    )
    cost_periods = contract_frame(
        "cost_periods",
        [
            {
                "project_id": "P1",
                "period_date": f"2026-0{month}-01",
                "planned_value": 100_000.0,
                "actual_cost": 110_000.0 if month <= 3 else None,
                "earned_value": 95_000.0 if month <= 3 else None,
            }
            for month in range(1, 7)
        ],
    )
    return {"projects": projects, "cost_periods": cost_periods}


def test_quadrant_and_health_counts_draw_the_indicator_functions_output(tables):
    indicators = project_indicators(tables, "2026-03-31")
    totals = portfolio_totals(indicators, tables, "2026-03-31")
    figure = charts.quadrant(indicators)
    points = {
        pid: (x, y) for trace in figure.data for pid, x, y in zip(trace.customdata[:, 0], trace.x, trace.y, strict=True)
    }
    for pid, spi_t, cpi in zip(indicators["project_id"], indicators["spi_t"], indicators["cpi"], strict=True):
        assert points[pid] == pytest.approx((spi_t, cpi))
    assert points["P1"][1] == pytest.approx(285_000 / 330_000)
    counts = charts.health_counts(totals)
    assert [list(trace.y) for trace in counts.data] == [[totals[f"health_{s}"].iloc[0]] for s in HEALTH_ORDER]


# --- health counts and trend ---------------------------------------------------------------------------

COUNTS = pd.DataFrame(
    {
        "portfolio": ["IT", "Ops"],
        "health_green": [3, 1],
        "health_amber": [1, 0],
        "health_red": [2, 1],
        "health_grey": [0, 2],
    }
)


def test_health_counts_draws_one_bar_per_status_with_word_colour_and_pattern():
    figure = charts.health_counts(COUNTS.iloc[:1])
    assert [trace.type for trace in figure.data] == ["bar"] * 4
    assert [list(trace.x) for trace in figure.data] == [["Off track"], ["At risk"], ["On track"], ["No data"]]
    assert [list(trace.y) for trace in figure.data] == [[2], [1], [3], [0]]
    assert len({trace.marker.color for trace in figure.data}) == 4
    assert len({trace.marker.pattern.shape for trace in figure.data}) == 4
    assert figure.layout.yaxis.title.text == "Projects"
    assert figure.layout.yaxis.dtick == 1  # no "1.5 projects"


def test_health_counts_by_group_stacks_a_bar_per_group():
    figure = charts.health_counts(COUNTS, by="portfolio")
    assert figure.layout.barmode == "stack"
    assert [list(trace.x) for trace in figure.data] == [["IT", "Ops"]] * 4
    assert [list(trace.y) for trace in figure.data] == [[2, 1], [1, 0], [3, 1], [0, 2]]
    assert figure.layout.xaxis.title.text == "Portfolio"


def test_health_trend_stacks_the_counts_of_each_snapshot():
    history = COUNTS.drop(columns="portfolio").assign(as_of=stamps("2026-02-28", "2026-03-31"))
    figure = charts.health_trend(history)
    assert figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["Off track", "At risk", "On track", "No data"]
    assert dates(figure.data[0].x) == stamps("2026-02-28", "2026-03-31")
    assert [list(trace.y) for trace in figure.data] == [[2, 1], [1, 0], [3, 1], [0, 2]]
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == ("Snapshot", "Projects")


def test_performance_trend_draws_cpi_and_spi_t_over_the_bands():
    history = pd.DataFrame(
        {
            "as_of": stamps("2026-01-31", "2026-02-28", "2026-03-31"),
            "cpi": [0.9, 0.95, 1.02],
            "spi_t": [0.8, 0.85, 0.97],
        }
    )
    figure = charts.performance_trend(history)
    assert [trace.name for trace in figure.data] == ["Cost performance (cpi)", "Schedule performance (spi_t)"]
    assert [list(trace.y) for trace in figure.data] == [[0.9, 0.95, 1.02], [0.8, 0.85, 0.97]]
    assert dates(figure.data[0].x) == list(history["as_of"])
    assert figure.data[0].line.dash != figure.data[1].line.dash  # told apart without colour
    assert (shape(figure, "band_green").y0, shape(figure, "band_green").y1) == (0.95, 1.05)
    assert (shape(figure, "band_amber_low").y0, shape(figure, "band_amber_high").y1) == (0.90, 1.10)
    assert shape(figure, "target").y0 == 1.0


def test_budget_bars_group_bac_ac_and_eac_per_project():
    figure = charts.budget_bars(INDICATORS.iloc[:2])
    assert [trace.name for trace in figure.data] == ["Budget (bac)", "Actual cost (ac)", "Forecast (eac)"]
    assert {trace.orientation for trace in figure.data} == {"h"}
    assert [list(trace.x) for trace in figure.data] == [[100_000, 400_000], [50_000, 300_000], [98_039, 416_667]]
    assert list(figure.data[0].y) == ["ERP", "Warehouse"]
    assert list(figure.data[2].customdata[:, 1]) == ["€ 98.0 k", "€ 416.7 k"]
    assert figure.layout.barmode == "group"
    assert figure.layout.xaxis.title.text == "Amount (€)"


# --- timeline ------------------------------------------------------------------------------------------


def test_timeline_draws_baseline_and_forecast_bars_sorted_by_portfolio():
    projects = pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3"],
            "project_name": ["One", "Two", "Three"],
            "portfolio": ["B", "A", "A"],
            "start_date": stamps("2026-01-01", "2026-02-01", "2026-01-15"),
            "planned_finish_date": stamps("2026-03-01", "2026-05-01", "2026-06-01"),
            "forecast_finish_date": [pd.Timestamp("2026-04-01"), pd.NaT, pd.NaT],
            "actual_finish_date": [pd.NaT, pd.Timestamp("2026-04-15"), pd.NaT],
            "health_overall": ["red", "green", "amber"],
        }
    )
    figure = charts.timeline(projects, as_of="2026-03-31")
    baseline = figure.data[0]
    # portfolio A first (Three starts 15 Jan, Two 1 Feb), then B
    assert list(baseline.y) == ["Three", "Two", "One"]
    assert dates(baseline.base) == stamps("2026-01-15", "2026-02-01", "2026-01-01")
    # 15 Jan -> 1 Jun: 137 days; 1 Feb -> 1 May: 89 days; 1 Jan -> 1 Mar: 59 days
    assert list(baseline.x) == [137 * DAY_MS, 89 * DAY_MS, 59 * DAY_MS]
    forecasts = {trace.name: trace for trace in figure.data[1:]}
    # Three (amber) has no forecast date: no forecast bar, and no empty "At risk" legend entry
    assert list(forecasts) == ["Forecast: Off track", "Forecast: On track"]
    assert list(forecasts["Forecast: Off track"].x) == [90 * DAY_MS]  # 1 Jan -> 1 Apr
    assert list(forecasts["Forecast: On track"].x) == [73 * DAY_MS]  # 1 Feb -> actual 15 Apr
    assert forecasts["Forecast: Off track"].marker.pattern.shape == HEALTH_STYLES["red"].pattern
    assert list(baseline.customdata[:, 0]) == ["P3", "P2", "P1"]
    today = shape(figure, "as_of")
    assert today.x0 == today.x1 == pd.Timestamp("2026-03-31")
    assert figure.layout.yaxis.autorange == "reversed"


def test_timeline_reads_the_forecast_column_it_is_given():
    projects = pd.DataFrame(
        {
            "project_id": ["P1"],
            "start_date": stamps("2026-01-01"),
            "planned_finish_date": stamps("2026-03-01"),
            "forecast_finish_date": stamps("2026-03-01"),
            "reported_forecast_finish_date": stamps("2026-03-11"),
        }
    )
    figure = charts.timeline(projects, forecast_column="reported_forecast_finish_date")
    assert list(figure.data[1].x) == [69 * DAY_MS]  # 1 Jan -> 11 Mar
    assert list(figure.data[1].y) == ["P1"]  # no project_name: the id
    assert len(figure.layout.shapes) == 0  # no as_of, no line


# --- milestone trend analysis --------------------------------------------------------------------------


def test_milestone_trend_chart_draws_a_line_per_milestone_and_the_diagonal():
    mta = pd.DataFrame(
        {
            "project_id": ["P1"] * 5,
            "milestone_id": ["M1", "M1", "M1", "M2", "M2"],
            "milestone_name": ["Design", "Design", "Design", "Go-live", "Go-live"],
            "report_date": stamps("2026-01-31", "2026-02-28", "2026-03-31", "2026-01-31", "2026-02-28"),
            "forecast_date": stamps("2026-03-01", "2026-03-10", "2026-03-05", "2026-06-01", "2026-07-01"),
            "is_actual": [False, False, True, False, False],
        }
    )
    figure = charts.milestone_trend_chart(mta)
    diagonal = by_meta(figure, "diagonal")
    # from the earliest date in the frame (report 31 Jan) to the latest (forecast 1 Jul), x = y
    assert dates(diagonal.x) == dates(diagonal.y) == stamps("2026-01-31", "2026-07-01")
    lines = [trace for trace in figure.data if trace.meta != "diagonal"]
    assert [trace.name for trace in lines] == ["Design", "Go-live"]
    assert dates(lines[0].x) == stamps("2026-01-31", "2026-02-28", "2026-03-31")
    assert dates(lines[0].y) == stamps("2026-03-01", "2026-03-10", "2026-03-05")
    assert list(lines[0].marker.symbol) == ["circle-open", "circle-open", "star"]  # the actual is marked
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == ("Report date", "Forecast date")
    assert figure.layout.xaxis.range == figure.layout.yaxis.range  # equal scales: the diagonal is at 45 degrees


# --- S-curve -------------------------------------------------------------------------------------------

CURVES = pd.DataFrame(
    {
        "period_end_date": stamps("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"),
        "pv": [100_000.0, 200_000.0, 300_000.0, 400_000.0],
        "ev": [90_000.0, 180_000.0, 270_000.0, np.nan],
        "ac": [100_000.0, 210_000.0, 330_000.0, np.nan],
    }
)


def test_s_curve_draws_cumulative_pv_ev_ac_and_the_as_of_line():
    figure = charts.s_curve(CURVES, as_of="2026-03-31")
    assert [trace.meta for trace in figure.data] == ["pv", "ev", "ac"]
    assert list(by_meta(figure, "pv").y) == [100_000, 200_000, 300_000, 400_000]
    assert list(by_meta(figure, "ac").y)[:3] == [100_000, 210_000, 330_000]
    assert dates(by_meta(figure, "ev").x) == list(CURVES["period_end_date"])
    assert shape(figure, "as_of").x0 == pd.Timestamp("2026-03-31")
    assert figure.layout.yaxis.title.text == "Cumulative (€)"


def test_s_curve_projects_eac_from_the_last_actual_to_the_forecast_finish():
    figure = charts.s_curve(CURVES, as_of="2026-03-31", eac=660_000.0, finish_date="2026-07-31", bac=600_000.0)
    projection = by_meta(figure, "eac")
    assert dates(projection.x) == stamps("2026-03-31", "2026-07-31")
    assert list(projection.y) == [330_000.0, 660_000.0]
    assert projection.line.dash == "dash"
    assert list(by_meta(figure, "bac").y) == [600_000.0, 600_000.0]


def test_s_curve_without_a_finish_date_ends_the_projection_on_the_last_month():
    projection = by_meta(charts.s_curve(CURVES, as_of="2026-03-31", eac=500_000.0), "eac")
    assert dates(projection.x) == stamps("2026-03-31", "2026-04-30")


@pytest.mark.parametrize("eac", [None, np.nan])
def test_s_curve_without_eac_draws_no_projection(eac):
    figure = charts.s_curve(CURVES, as_of="2026-03-31", eac=eac)
    assert "eac" not in [trace.meta for trace in figure.data]


# --- common layout -------------------------------------------------------------------------------------

BUILDERS = [
    lambda title: charts.quadrant(INDICATORS, title=title),
    lambda title: charts.health_counts(COUNTS, title=title),
    lambda title: charts.budget_bars(INDICATORS, title=title),
    lambda title: charts.s_curve(CURVES, "2026-03-31", title=title),
]


@pytest.mark.parametrize("build", BUILDERS)
def test_figures_use_plotly_white_and_take_an_optional_title(build):
    plain, titled = build(None), build("Portfolio")
    assert plain.layout.template == pio.templates["plotly_white"]
    assert plain.layout.title.text is None
    assert titled.layout.title.text == "Portfolio"
    assert plain.layout.margin.t < 60


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.quadrant(INDICATORS.iloc[:0]),
        lambda: charts.health_counts(COUNTS.iloc[:0]),
        lambda: charts.timeline(INDICATORS.iloc[:0]),
        lambda: charts.milestone_trend_chart(pd.DataFrame(columns=["project_id", "report_date", "forecast_date"])),
        lambda: charts.s_curve(CURVES.iloc[:0], "2026-03-31"),
    ],
)
def test_an_empty_frame_gives_an_empty_figure(build):
    figure = build()
    assert len(figure.data) == 0

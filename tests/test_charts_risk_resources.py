"""Risk, issue and resource charts, drawn from the real indicator functions on tiny registers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics import charts
from pmo_analytics.charts.resources import period_labels
from pmo_analytics.charts.risk import priority_order
from pmo_analytics.charts.style import HEALTH_STYLES, tint
from pmo_analytics.indicators.resources import resource_load
from pmo_analytics.indicators.risk import issue_ages, open_issues, risk_exposure, risk_matrix, top_risks

AS_OF = "2026-03-31"

RISKS = contract_frame(
    "risks",
    [
        # level 4 x 5 = 20 (red zone); 0.7 x 50,000 = 35,000
        {"risk_id": "R1", "project_id": "P1", "title": "Supplier late", "probability_level": 4, "impact_level": 5,
         "impact_amount": 50_000.0},
        # level 4 x 5 = 20 again: the (4, 5) cell counts 2; 0.7 x 10,000 = 7,000
        {"risk_id": "R2", "project_id": "P2", "title": "Key person leaves", "probability_level": 4, "impact_level": 5,
         "impact_amount": 10_000.0},
        # 0.3 -> level 2; 2 x 3 = 6 (green zone); 0.3 x 100,000 = 30,000
        {"risk_id": "R3", "project_id": "P2", "title": "Licence cost", "probability": 0.3, "impact_level": 3,
         "impact_amount": 100_000.0},
        # closed: on no chart
        {"risk_id": "R4", "project_id": "P1", "title": "Old", "probability_level": 5, "impact_level": 5,
         "status": "closed"},
    ],
)  # fmt: skip


def shape(figure, name):
    return next(s for s in figure.layout.shapes if s.name == name)


# --- risk matrix ---------------------------------------------------------------------------------------


def test_risk_heatmap_z_is_the_matrix_and_counts_are_written_in_the_cells():
    matrix = risk_matrix(RISKS)
    figure = charts.risk_heatmap(matrix)
    heatmap = figure.data[0]
    assert heatmap.type == "heatmap"
    assert np.array_equal(np.asarray(heatmap.z), matrix.to_numpy())
    assert heatmap.z[3][4] == 2  # probability 4 (row 4), impact 5 (column 5)
    assert heatmap.z[1][2] == 1  # probability 2, impact 3
    assert list(heatmap.x) == list(heatmap.y) == [1, 2, 3, 4, 5]
    assert heatmap.text[3][4] == "2"
    assert heatmap.text[0][0] == ""  # empty cells stay blank
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == ("Impact level", "Probability level")


@pytest.mark.parametrize(
    ("probability", "impact", "zone"),
    [(4, 5, "red"), (3, 5, "red"), (2, 4, "amber"), (2, 3, "green"), (1, 5, "green"), (5, 2, "amber")],
)
def test_risk_heatmap_colours_each_cell_by_its_score_zone(probability, impact, zone):
    # 3 x 5 = 15 -> red; 2 x 4 = 8 -> amber; 2 x 3 = 6 -> green; 5 x 2 = 10 -> amber
    cell = shape(charts.risk_heatmap(risk_matrix(RISKS)), f"zone_{probability}_{impact}")
    assert cell.fillcolor == tint(HEALTH_STYLES[zone].colour, 0.45)
    assert (cell.x0, cell.x1, cell.y0, cell.y1) == (impact - 0.5, impact + 0.5, probability - 0.5, probability + 0.5)


def test_risk_heatmap_cells_carry_probability_and_impact_for_a_click():
    cells = next(trace for trace in charts.risk_heatmap(risk_matrix(RISKS)).data if trace.name == "cells")
    assert cells.type == "scatter"
    at = {(x, y): list(data) for x, y, data in zip(cells.x, cells.y, cells.customdata, strict=True)}
    assert len(at) == 25
    # impact 5 across, probability 4 up: [probability, impact, count, score, zone]
    assert at[(5, 4)] == [4, 5, 2, 20, "High"]
    assert at[(3, 2)] == [2, 3, 1, 6, "Low"]


# --- top risks, exposure -------------------------------------------------------------------------------


def test_top_risks_bar_ranks_by_score_coloured_by_zone():
    figure = charts.top_risks_bar(top_risks(RISKS, n=3))
    bars = figure.data[0]
    assert list(bars.y) == ["R1 Supplier late", "R2 Key person leaves", "R3 Licence cost"]
    assert list(bars.x) == [20, 20, 6]
    assert list(bars.marker.color) == [HEALTH_STYLES[z].colour for z in ("red", "red", "green")]
    assert list(bars.marker.pattern.shape) == [HEALTH_STYLES[z].pattern for z in ("red", "red", "green")]
    assert list(bars.customdata[:, 0]) == ["R1", "R2", "R3"]
    assert figure.layout.yaxis.autorange == "reversed"  # the highest on top
    assert figure.layout.xaxis.title.text == "Score (probability x impact)"


def test_top_risks_bar_by_expected_value_shows_money():
    figure = charts.top_risks_bar(top_risks(RISKS, n=3, by="expected_value"), by="expected_value")
    bars = figure.data[0]
    # 0.7 x 50,000 = 35,000; 0.3 x 100,000 = 30,000; 0.7 x 10,000 = 7,000
    assert list(bars.x) == pytest.approx([35_000, 30_000, 7_000])
    assert list(bars.customdata[:, 3]) == ["€ 35.0 k", "€ 30.0 k", "€ 7.0 k"]
    assert figure.layout.xaxis.title.text == "Expected value (€)"


def test_top_risks_bar_refuses_another_figure():
    with pytest.raises(ValueError, match="score"):
        charts.top_risks_bar(top_risks(RISKS), by="impact_amount")


def test_exposure_bar_puts_the_largest_exposure_on_top():
    figure = charts.exposure_bar(risk_exposure(RISKS))
    bars = figure.data[0]
    # P1: 35,000 (R4 is closed); P2: 7,000 + 30,000 = 37,000
    assert list(bars.y) == ["P2", "P1"]
    assert list(bars.x) == pytest.approx([37_000, 35_000])
    assert list(bars.customdata[:, 0]) == ["P2", "P1"]
    assert list(bars.customdata[:, 2]) == ["2", "1"]  # open risks


# --- issues --------------------------------------------------------------------------------------------

ISSUES = contract_frame(
    "issues",
    [
        {"issue_id": "I1", "project_id": "P1", "priority": "Low", "raised_date": "2026-03-01"},  # 30 days open
        {"issue_id": "I2", "project_id": "P1", "priority": "High", "raised_date": "2026-01-30"},  # 60 days
        {"issue_id": "I3", "project_id": "P1", "priority": "High", "raised_date": "2026-03-21"},  # 10 days
        {"issue_id": "I4", "project_id": "P2", "raised_date": "2026-03-29"},  # 2 days, no priority
    ],
)


def test_issues_by_priority_stacks_open_issues_most_urgent_first():
    figure = charts.issues_by_priority(open_issues(ISSUES, AS_OF))
    assert [trace.name for trace in figure.data] == ["High", "Low", "(no priority)"]
    assert [list(trace.y) for trace in figure.data] == [["P1"], ["P1"], ["P2"]]
    assert [list(trace.x) for trace in figure.data] == [[2], [1], [1]]
    assert figure.layout.barmode == "stack"
    assert figure.layout.xaxis.title.text == "Open issues"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["Low", "High", "Medium"], ["High", "Medium", "Low"]),
        (["laag", "Hoog", "(no priority)", "Kritiek"], ["Kritiek", "Hoog", "laag", "(no priority)"]),
        (["P9", "Low", "Blocker"], ["Blocker", "Low", "P9"]),  # unknown words after the known ones
    ],
)
def test_priority_order(words, expected):
    assert priority_order(pd.Series(words, dtype="str")) == expected


def test_issue_age_histogram_bins_the_ages_per_priority():
    aged = issue_ages(ISSUES, AS_OF)
    figure = charts.issue_age_histogram(aged[aged["is_open"]], bin_days=14)
    assert [trace.type for trace in figure.data] == ["histogram"] * 3
    assert [trace.name for trace in figure.data] == ["High", "Low", "(no priority)"]
    assert [list(trace.x) for trace in figure.data] == [[60.0, 10.0], [30.0], [2.0]]
    assert (figure.data[0].xbins.start, figure.data[0].xbins.size) == (0, 14)
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == ("Age (days)", "Issues")


# --- resources -----------------------------------------------------------------------------------------

PEOPLE = contract_frame(
    "people",
    [{"person_name": "Ann", "team": "Data", "weekly_hours": 40.0}, {"person_name": "Bob", "weekly_hours": 32.0}],
)
ALLOCATIONS = contract_frame(
    "allocations",
    [
        # 100 h over the 10 working days of 2-13 March: 50 h a week against 40 -> 125%
        {"person_name": "Ann", "project_id": "P1", "start_date": "2026-03-02", "finish_date": "2026-03-13", "hours": 100.0},
        # 40 h over the same days: 20 h a week against 32 -> 62.5%
        {"person_name": "Bob", "project_id": "P2", "start_date": "2026-03-02", "finish_date": "2026-03-13", "hours": 40.0},
    ],
)  # fmt: skip


def test_resource_heatmap_z_is_utilisation_per_person_per_week():
    figure = charts.resource_heatmap(resource_load(ALLOCATIONS, PEOPLE))
    heatmap = figure.data[0]
    assert heatmap.type == "heatmap"
    assert list(heatmap.y) == ["Ann", "Bob"]
    assert list(heatmap.x) == ["W10 2026", "W11 2026"]  # weeks of Monday 2 and 9 March
    assert np.allclose(np.asarray(heatmap.z, dtype=float), [[1.25, 1.25], [0.625, 0.625]])
    # over-allocated cells say so in text, not only in colour
    assert [list(row) for row in heatmap.text] == [["▲ 125%", "▲ 125%"], ["", ""]]
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 1.5)
    assert list(heatmap.customdata[0][0]) == ["Week of 2 Mar 2026", "50 h", "40 h", "125%"]
    assert figure.layout.yaxis.title.text == "Person"


def test_resource_heatmap_colour_scale_breaks_at_100_percent():
    heatmap = charts.resource_heatmap(resource_load(ALLOCATIONS, PEOPLE)).data[0]
    scale = [(position, colour) for position, colour in heatmap.colorscale]
    # 100% of a 0-150% scale sits at 2/3: blue up to it, then a step to amber, vermillion at 150% and beyond
    assert scale[2:4] == [(pytest.approx(2 / 3), "#2171B5"), (pytest.approx(2 / 3), "#F0B453")]
    assert scale[-1] == (1.0, HEALTH_STYLES["red"].colour)


def test_resource_heatmap_by_team_names_people_without_a_team():
    figure = charts.resource_heatmap(resource_load(ALLOCATIONS, PEOPLE, by="team", period="month"), period="month")
    heatmap = figure.data[0]
    assert sorted(heatmap.y) == ["(no team)", "Data"]
    assert list(heatmap.x) == ["Mar 2026"]
    assert figure.layout.yaxis.title.text == "Team"


def test_resource_heatmap_refuses_to_sum_a_repeated_cell():
    load = resource_load(ALLOCATIONS, PEOPLE)
    with pytest.raises(ValueError):
        charts.resource_heatmap(pd.concat([load, load.iloc[:1]]))


def test_capacity_vs_demand_draws_allocated_bars_and_available_line():
    load = resource_load(ALLOCATIONS, PEOPLE)
    ann = load[load["person_name"] == "Ann"]
    figure = charts.capacity_vs_demand(ann)
    bars, line = figure.data
    assert (bars.type, line.type) == ("bar", "scatter")
    assert list(bars.x) == list(line.x) == ["W10 2026", "W11 2026"]
    assert list(bars.y) == pytest.approx([50.0, 50.0])
    assert list(line.y) == pytest.approx([40.0, 40.0])
    # over-allocated weeks: vermillion and cross-hatched
    assert list(bars.marker.color) == [HEALTH_STYLES["red"].colour] * 2
    assert list(bars.marker.pattern.shape) == ["x", "x"]
    assert figure.layout.yaxis.title.text == "Hours"


def test_capacity_vs_demand_wants_one_row_per_period():
    with pytest.raises(ValueError, match="one row per period"):
        charts.capacity_vs_demand(resource_load(ALLOCATIONS, PEOPLE))


@pytest.mark.parametrize(
    ("start", "period", "label"),
    [
        ("2026-03-02", "week", "W10 2026"),
        ("2026-12-28", "week", "W53 2026"),  # ISO: the week holding 1 January 2027 is 2026's 53rd
        ("2026-03-01", "month", "Mar 2026"),
        ("2026-07-01", "quarter", "Q3 2026"),
    ],
)
def test_period_labels(start, period, label):
    assert period_labels(pd.Series([pd.Timestamp(start)]), period) == [label]


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.risk_heatmap(risk_matrix(RISKS.iloc[:0])),
        lambda: charts.top_risks_bar(top_risks(RISKS.iloc[:0])),
        lambda: charts.exposure_bar(risk_exposure(RISKS.iloc[:0])),
        lambda: charts.issues_by_priority(open_issues(ISSUES.iloc[:0], AS_OF)),
        lambda: charts.resource_heatmap(resource_load(ALLOCATIONS.iloc[:0], PEOPLE.iloc[:0])),
    ],
)
def test_empty_registers(build):
    figure = build()
    if figure.data and figure.data[0].type == "heatmap":  # the matrix is always 5 x 5, all zeros
        assert np.asarray(figure.data[0].z).sum() == 0
    else:
        assert len(figure.data) == 0

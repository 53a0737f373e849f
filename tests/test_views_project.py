"""The project page's data (pmo_analytics/views/project.py) on tiny tables worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.views import project as views

AS_OF = dt.date(2026, 10, 31)


# --- choosing the project ----------------------------------------------------------------------------------


def test_project_options_are_sorted_labelled_and_unique():
    projects = contract_frame(
        "projects",
        [
            {"project_id": "P-2", "project_name": "Website"},
            {"project_id": "P-1", "project_name": "ERP"},
            {"project_id": "P-1", "project_name": "ERP (second row)"},
            {"project_id": "P-3"},
        ],
    )
    assert views.project_options(projects) == {"P-1": "P-1 — ERP", "P-2": "P-2 — Website", "P-3": "P-3"}


OPTIONS = {"1011": "1011 — Contracts", "1012": "1012 — Zaaksysteem"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1011", "1011"),  # a link from another page: the bare id
        ("1011 — Contracts", "1011"),  # the selectbox's own label
        ("1011 — Old name", "1011"),  # a mailed link from before the project was renamed
        ("9999", "9999"),  # unknown: returned so the page can say which one it could not find
        ("  ", None),
        (None, None),
    ],
)
def test_requested_project(value, expected):
    assert views.requested_project(value, OPTIONS) == expected


@pytest.mark.parametrize(
    ("project_id", "is_filtered", "start"),
    [
        ("1011", True, 'Project "1011" is hidden by the filters'),
        ("9999", True, 'Project "9999" is not in the snapshot of 31 Oct 2026.'),
        ("9999", False, 'Project "9999" is not in the snapshot of 31 Oct 2026.'),
        ("1011", False, 'Project "1011" is not in the snapshot of 31 Oct 2026.'),
    ],
)
def test_missing_project_message(project_id, is_filtered, start):
    assert views.missing_project_message(project_id, ["1011", "1012"], AS_OF, is_filtered).startswith(start)


# --- header and health -------------------------------------------------------------------------------------


def _row(**values: object) -> pd.Series:
    return pd.Series(values, dtype="object")


def test_health_components_carry_label_and_reason():
    row = _row(
        health_overall="red",
        health_cost="red",
        health_schedule="green",
        health_risk=np.nan,
        health_reasons=[
            "cost red: cpi 0.86 < 0.90",
            "schedule green: spi_t 1.00 in 0.95-1.05",
            "risk grey: no risks registered",
        ],
    )
    expected = pd.DataFrame(
        {
            "component": ["overall", "cost", "schedule", "risk"],
            "title": ["Overall", "Cost", "Schedule", "Risk"],
            "status": ["red", "red", "green", "grey"],
            "label": ["✖ Off track", "✖ Off track", "● On track", "○ No data"],
            # overall names the components that made it worse than green
            "reason": [
                "cost red: cpi 0.86 < 0.90",
                "cost red: cpi 0.86 < 0.90",
                "schedule green: spi_t 1.00 in 0.95-1.05",
                "risk grey: no risks registered",
            ],
        }
    )
    pd.testing.assert_frame_equal(views.health_components(row), expected)


@pytest.mark.parametrize(
    ("overall", "cost", "reason"),
    [("green", "green", "no component is amber or red"), (np.nan, np.nan, "no figure to judge it by")],
)
def test_overall_reason_when_no_component_is_amber_or_red(overall, cost, reason):
    row = _row(health_overall=overall, health_cost=cost, health_schedule=np.nan, health_risk=np.nan, health_reasons=[])
    components = views.health_components(row).set_index("component")
    assert components.loc["overall", "reason"] == reason
    assert components.loc["schedule", ["status", "label", "reason"]].tolist() == ["grey", "○ No data", ""]


@pytest.mark.parametrize(
    ("reported", "overall", "disagrees", "expected"),
    [
        ("green", "red", True, "The project reports ● On track; the figures say ✖ Off track."),
        ("red", "red", False, None),
        (np.nan, "amber", False, None),
    ],
)
def test_status_disagreement(reported, overall, disagrees, expected):
    row = _row(reported_status=reported, health_overall=overall, status_disagrees=disagrees)
    assert views.status_disagreement(row) == expected


# --- EVM cards ---------------------------------------------------------------------------------------------


def _cards(row: pd.Series, previous: pd.Series | None) -> dict[str, views.FigureCard]:
    return {card.figure: card for card in views.evm_cards(row, previous)}


def test_evm_cards_values_changes_and_reasons():
    row = _row(
        bac=1_000_000.0,
        ac=500_000.0,
        cpi=0.86,
        eac=1_162_790.7,
        tcpi=np.nan,
        sv_t=-1.5,
        forecast_finish_date=pd.Timestamp("2027-03-15"),
        reasons={"tcpi": "tcpi undefined: ac >= bac (the budget is spent)"},
    )
    previous = _row(
        bac=1_000_000.0, ac=400_000.0, cpi=0.91, eac=1_098_901.1, tcpi=1.2, sv_t=-1.0,
        forecast_finish_date=pd.Timestamp("2027-03-01"),
    )  # fmt: skip
    cards = _cards(row, previous)
    assert [card.figure for card in views.evm_cards(row, previous)] == list(views.EVM_FIGURES)
    # cpi 0.91 -> 0.86: -0.05, and a fall in cpi is bad, which "normal" colours red
    assert (cards["cpi"].value, cards["cpi"].delta, cards["cpi"].delta_color) == ("0.86", "-0.05", "normal")
    # eac 1,098,901 -> 1,162,791: +63,890 = "+€ 63.9 k", and a rise in eac is bad ("inverse")
    assert (cards["eac"].value, cards["eac"].delta, cards["eac"].delta_color) == ("€ 1.2 M", "+€ 63.9 k", "inverse")
    assert (cards["ac"].delta, cards["ac"].delta_color) == ("+€ 100.0 k", "off")
    # unchanged: grey and without an arrow, not a green "+€ 0"
    assert (cards["bac"].delta, cards["bac"].delta_color, cards["bac"].delta_arrow) == ("€ 0", "off", "off")
    # undefined now: a dash, no change, the reason as help
    assert (cards["tcpi"].value, cards["tcpi"].delta) == ("—", None)
    assert cards["tcpi"].help.startswith("tcpi undefined: ac >= bac (the budget is spent).")
    # earned schedule in months; a finish 14 days later is bad
    assert (cards["sv_t"].value, cards["sv_t"].delta) == ("-1.5 months", "-0.5 months")
    assert cards["forecast_finish_date"].value == "15 Mar 2027"
    assert (cards["forecast_finish_date"].delta, cards["forecast_finish_date"].delta_color) == ("+14 days", "inverse")
    # a figure missing without a reason still says so
    assert cards["es"].value == "—" and cards["es"].help.startswith("es is not known in this snapshot")


def test_evm_cards_without_previous_snapshot_show_no_change():
    cards = _cards(_row(cpi=1.0, reasons={}), None)
    assert all(card.delta is None for card in cards.values())
    assert cards["cpi"].help == views.EVM_FIGURES["cpi"][4]


# --- milestones ---------------------------------------------------------------------------------------------


def test_project_milestones_flags_and_order():
    milestones = contract_frame(
        "milestones",
        [
            # forecast 20 Dec after a 1 Dec baseline, not done: slipping by 19 days
            {"project_id": "A", "milestone_id": "3", "milestone_name": "Go-live", "baseline_date": "2026-12-01",
             "forecast_date": "2026-12-20"},
            # done 10 days after its baseline
            {"project_id": "A", "milestone_id": "1", "milestone_name": "Design", "baseline_date": "2026-03-01",
             "actual_date": "2026-03-11"},
            # baseline 1 Oct passed on 31 Oct without an actual date: overdue
            {"project_id": "A", "milestone_id": "2", "milestone_name": "Build", "baseline_date": "2026-10-01",
             "forecast_date": "2026-10-01"},
            {"project_id": "A", "milestone_id": "4", "milestone_name": "Handover", "forecast_date": "2027-01-15"},
            {"project_id": "B", "milestone_id": "9", "milestone_name": "Other project", "baseline_date": "2026-01-01"},
        ],
    )  # fmt: skip
    result = views.project_milestones({"milestones": milestones}, AS_OF, "A")
    assert result["milestone_name"].tolist() == ["Design", "Build", "Go-live", "Handover"]
    assert result["state"].tolist() == ["Done late", "Late", "Slipping", "On plan"]
    assert result["slip_days"].tolist()[:3] == [10.0, 0.0, 19.0]
    assert np.isnan(result["slip_days"].iloc[3]) and result["note"].iloc[3] == "no baseline date"


def test_project_milestone_trend_keeps_the_project():
    september = contract_frame(
        "milestones",
        [
            {"project_id": "A", "milestone_id": "1", "milestone_name": "Go-live", "forecast_date": "2026-12-01"},
            {"project_id": "B", "milestone_id": "2", "milestone_name": "Other", "forecast_date": "2026-12-01"},
        ],
    )
    october = september.assign(forecast_date=pd.to_datetime(["2026-12-15", "2026-12-01"]))
    result = views.project_milestone_trend([(dt.date(2026, 9, 30), september), (AS_OF, october)], "A")
    assert result["report_date"].tolist() == [pd.Timestamp("2026-09-30"), pd.Timestamp("2026-10-31")]
    assert result["forecast_date"].tolist() == [pd.Timestamp("2026-12-01"), pd.Timestamp("2026-12-15")]
    assert set(result["project_id"]) == {"A"}


# --- risks, issues, people ---------------------------------------------------------------------------------


def test_project_risks_open_first_then_score():
    risks = contract_frame(
        "risks",
        [
            {"risk_id": "R1", "project_id": "A", "probability": 0.3, "impact_level": 2, "impact_amount": 10_000.0,
             "status": "open"},
            {"risk_id": "R2", "project_id": "A", "probability_level": 5, "impact_level": 4, "status": "closed"},
            {"risk_id": "R3", "project_id": "A", "probability_level": 4, "impact_level": 5, "impact_amount": 50_000.0,
             "status": "open"},
            {"risk_id": "R4", "project_id": "B", "probability_level": 5, "impact_level": 5, "status": "open"},
        ],
    )  # fmt: skip
    result = views.project_risks({"risks": risks}, AS_OF, "A")
    assert result["risk_id"].tolist() == ["R3", "R1", "R2"]
    # R3: 4 x 5 = 20 (High), expected 0.7 x 50,000 = 35,000; R1: probability 0.3 is level 2, 2 x 2 = 4 (Low),
    # expected 0.3 x 10,000 = 3,000; R2 (closed): 5 x 4 = 20, no amount
    assert result["score"].tolist() == [20, 4, 20]
    assert result["zone"].tolist() == ["High", "Low", "High"]
    assert result["expected_value"].iloc[:2].tolist() == pytest.approx([35_000.0, 3_000.0])
    assert result["is_open"].tolist() == [True, True, False]


def test_project_issues_open_first_by_priority_then_age():
    issues = contract_frame(
        "issues",
        [
            {"issue_id": "I1", "project_id": "A", "priority": "Low", "status": "open", "raised_date": "2026-10-01"},
            {"issue_id": "I2", "project_id": "A", "priority": "High", "status": "open", "raised_date": "2026-10-21"},
            {"issue_id": "I3", "project_id": "A", "priority": "High", "status": "closed", "raised_date": "2026-01-01",
             "resolved_date": "2026-01-31"},
            {"issue_id": "I4", "project_id": "A", "priority": "High", "status": "open", "raised_date": "2026-09-01"},
            {"issue_id": "I5", "project_id": "B", "priority": "High", "status": "open", "raised_date": "2026-09-01"},
        ],
    )  # fmt: skip
    result = views.project_issues({"issues": issues}, AS_OF, "A")
    assert result["issue_id"].tolist() == ["I4", "I2", "I1", "I3"]
    # open: 31 Oct - raised (1 Sep -> 60, 21 Oct -> 10, 1 Oct -> 30); closed: resolved - raised = 30
    assert result["age_days"].tolist() == [60.0, 10.0, 30.0, 30.0]


@pytest.mark.parametrize(
    ("as_of", "first", "last"),
    [
        (dt.date(2026, 10, 31), "2026-11-01", "2027-01-31"),
        (dt.date(2026, 3, 15), "2026-03-01", "2026-05-31"),  # the rest of March is still to come
    ],
)
def test_coming_months(as_of, first, last):
    assert views.coming_months(as_of, 3) == (pd.Timestamp(first), pd.Timestamp(last))


def test_month_labels():
    assert views.month_labels(AS_OF, 3) == ["Nov 2026", "Dec 2026", "Jan 2027"]


def test_project_people_hours_and_load():
    people = contract_frame(
        "people",
        [
            {"person_name": "Anna", "team": "PMO", "role": "Project manager", "weekly_hours": 40.0},
            {"person_name": "Bram", "team": "Test", "role": "Tester", "weekly_hours": 40.0},
        ],
    )
    allocations = contract_frame(
        "allocations",
        [
            {"person_name": "Anna", "project_id": "A", "period_date": "2026-11-01", "hours": 40.0},
            {"person_name": "Anna", "project_id": "B", "period_date": "2026-11-01", "hours": 140.0},
            {"person_name": "Bram", "project_id": "A", "period_date": "2026-05-01", "hours": 80.0},
            {"person_name": "Carl", "project_id": "B", "period_date": "2026-11-01", "hours": 80.0},
        ],
    )
    result = views.project_people({"allocations": allocations, "people": people}, AS_OF, "A", months=2)
    assert result.columns.tolist() == [
        "person_name", "team", "role", "Nov 2026", "Dec 2026", "project_hours", "first_date", "last_date",
        "peak_utilisation", "over_allocated",
    ]  # fmt: skip
    assert result["person_name"].tolist() == ["Anna", "Bram"]  # Carl is not on A
    assert result["Nov 2026"].tolist() == [40.0, 0.0]
    assert result["Dec 2026"].tolist() == [0.0, 0.0]
    assert result["project_hours"].tolist() == [40.0, 0.0]
    # November 2026 has 21 working days: 21 x 8 = 168 h available; Anna has 40 + 140 = 180 on all projects
    assert result["peak_utilisation"].tolist() == pytest.approx([180 / 168, 0.0])
    assert result["over_allocated"].tolist() == [True, False]
    # Bram worked on A in May only: the whole month is his span
    assert result["first_date"].tolist() == [pd.Timestamp("2026-11-01"), pd.Timestamp("2026-05-01")]
    assert result["last_date"].tolist() == [pd.Timestamp("2026-11-30"), pd.Timestamp("2026-05-31")]


def test_project_people_empty_when_nobody_is_allocated():
    tables = {"allocations": contract_frame("allocations", []), "people": contract_frame("people", [])}
    result = views.project_people(tables, AS_OF, "A", months=2)
    assert result.empty
    assert result.columns.tolist()[3:5] == ["Nov 2026", "Dec 2026"]

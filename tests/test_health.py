"""Health: bands and their boundaries, the reasons, worst-of, grey, reported status, and the settings file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics.indicators.health import (
    DEFAULT_SETTINGS_PATH,
    SETTINGS_ENV,
    Bands,
    HealthSettings,
    SettingsError,
    band_health,
    load_settings,
    project_health,
    worst_health,
)
from pmo_analytics.indicators.risk import risk_exposure
from pmo_analytics.indicators.schedule import finish_slip

# --- bands ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.00, "green"),
        (0.95, "green"),  # inclusive as written: green 0.95-1.05
        (1.05, "green"),
        (0.1 * 9.5, "green"),  # 0.9500000000000001 or 0.95 in binary: green either way
        (0.9499, "amber"),
        (0.93, "amber"),
        (0.90, "amber"),  # amber 0.90-0.95 includes 0.90
        (0.8999, "red"),
        (1.0501, "amber"),
        (1.10, "amber"),
        (1.12, "red"),  # underspend is a signal too (FEMA MIP dashboard)
        (0.0, "red"),
        (np.nan, "grey"),
    ],
)
def test_band_health_default_bands(value, expected):
    assert band_health(pd.Series([value]), Bands()).tolist() == [expected]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["green", "grey", "grey"], "green"),  # grey never makes it worse
        (["grey", "grey", "grey"], "grey"),  # grey only when all are
        (["amber", "red", "green"], "red"),
        (["green", "amber", "grey"], "amber"),
        (["green", "green", "green"], "green"),
    ],
)
def test_worst_health(values, expected):
    components = [pd.Series([value]) for value in values]
    assert worst_health(*components).tolist() == [expected]


# --- project_health ------------------------------------------------------------------------------------------


def _frame(rows: list[dict], figure: str) -> pd.DataFrame:
    """A minimal earned_value / earned_schedule frame: project_id, the figure, reasons."""
    return pd.DataFrame(
        {
            "project_id": pd.Series([row["project_id"] for row in rows], dtype="str"),
            figure: pd.Series([row.get(figure, np.nan) for row in rows], dtype="float64"),
            "reasons": pd.Series([row.get("reasons", {}) for row in rows], dtype="object"),
        }
    )


PROJECTS = contract_frame(
    "projects",
    [
        {"project_id": "A", "project_name": "Alpha", "reported_status": "red"},
        # Planned 2026-01-01 .. 2026-04-11 is 100 days; forecast 8 days later: 8% slip.
        {
            "project_id": "B",
            "project_name": "Beta",
            "start_date": "2026-01-01",
            "planned_finish_date": "2026-04-11",
            "forecast_finish_date": "2026-04-19",
        },
        {"project_id": "C", "project_name": "Gamma", "reported_status": "green"},
        {"project_id": "D", "project_name": "Delta", "reported_status": "red"},
    ],
)
RISKS = contract_frame(
    "risks",
    [
        {"risk_id": "R-07", "project_id": "A", "title": "Supplier", "probability_level": 4, "impact_level": 5},
        {"risk_id": "R-08", "project_id": "A", "title": "Licence", "probability_level": 3, "impact_level": 5},
        {"risk_id": "R-09", "project_id": "A", "title": "Minor", "probability_level": 1, "impact_level": 2},
        {"risk_id": None, "project_id": "B", "title": "Key person", "probability_level": 3, "impact_level": 3},
        {
            "risk_id": "R-11",
            "project_id": "D",
            "title": "Gone",
            "probability_level": 5,
            "impact_level": 5,
            "status": "closed",
        },
    ],
)
EV = _frame(
    [
        {"project_id": "A", "cpi": 0.86},
        {"project_id": "B", "reasons": {"cpi": "cpi undefined: ac is 0"}},
        {
            "project_id": "C",
            "reasons": {
                "ev": "ev unknown: no earned_value in cost_periods and no percent_complete",
                "cpi": "cpi undefined: ev unknown",
            },
        },
        {"project_id": "D", "cpi": 1.0},
    ],
    "cpi",
)
ES = _frame(
    [
        {"project_id": "A", "spi_t": 1.12},
        {"project_id": "B", "reasons": {"spi_t": "spi_t undefined: at is 0 (the plan has not started)"}},
        {"project_id": "C", "reasons": {"spi_t": "spi_t undefined: pv unknown"}},
        {"project_id": "D", "spi_t": 0.93},
    ],
    "spi_t",
)


def test_project_health_components_reasons_and_worst_of():
    health = project_health(EV, ES, finish_slip(PROJECTS), risk_exposure(RISKS), PROJECTS, HealthSettings(), RISKS)
    health = health.set_index("project_id")
    assert health.loc[:, ["health_cost", "health_schedule", "health_risk", "health_overall"]].to_dict("index") == {
        "A": {"health_cost": "red", "health_schedule": "red", "health_risk": "red", "health_overall": "red"},
        "B": {"health_cost": "grey", "health_schedule": "amber", "health_risk": "amber", "health_overall": "amber"},
        "C": {"health_cost": "grey", "health_schedule": "grey", "health_risk": "grey", "health_overall": "grey"},
        "D": {"health_cost": "green", "health_schedule": "amber", "health_risk": "green", "health_overall": "amber"},
    }
    assert health.loc["A", "health_reasons"] == [
        "cost red: cpi 0.86 < 0.90",
        "schedule red: spi_t 1.12 > 1.10",
        # R-07 scores 4 x 5 = 20 and R-08 3 x 5 = 15: both reach 15, the higher one is named.
        "risk red: open risk R-07 scores 20 >= 15 (2 open risks score >= 15)",
    ]
    assert health.loc["B", "health_reasons"] == [
        "cost grey: no cpi (ac is 0)",
        "schedule amber: finish slip 8 days, 8.0% of the planned duration, in 5-10%"
        " (no spi_t: at is 0 (the plan has not started))",
        # No risk id: the title names it; 3 x 3 = 9.
        "risk amber: open risk 'Key person' scores 9 >= 8",
    ]
    assert health.loc["C", "health_reasons"] == [
        "cost grey: no cpi (ev unknown: no earned_value in cost_periods and no percent_complete)",
        "schedule grey: no spi_t (pv unknown) and no finish slip % (no planned finish date)",
        "risk grey: no risks registered for this project",
    ]
    assert health.loc["D", "health_reasons"] == [
        "cost green: cpi 1.00 in 0.95-1.05",
        "schedule amber: spi_t 0.93 in 0.90-0.95",
        "risk green: no open risks",
    ]
    assert health["schedule_basis"].fillna("none").tolist() == ["spi_t", "finish_slip", "none", "spi_t"]
    # A: reported red = computed red; C: computed grey, nothing to compare; D: reported red, computed amber.
    assert health["status_disagrees"].tolist() == [False, False, False, True]
    assert health.loc["D", "reported_status"] == "red"


@pytest.mark.parametrize(
    ("forecast", "expected"),
    [
        # planned 2026-01-01 .. 2026-04-11 = 100 days, so a day is 1%
        ("2026-04-05", "schedule green: finish slip -6 days, -6.0% of the planned duration, <= 5%"),
        ("2026-04-16", "schedule green: finish slip 5 days, 5.0% of the planned duration, <= 5%"),
        ("2026-04-21", "schedule amber: finish slip 10 days, 10.0% of the planned duration, in 5-10%"),
        ("2026-04-22", "schedule red: finish slip 11 days, 11.0% of the planned duration, > 10%"),
    ],
)
def test_schedule_falls_back_on_finish_slip_percent(forecast, expected):
    projects = contract_frame(
        "projects",
        [
            {
                "project_id": "B",
                "start_date": "2026-01-01",
                "planned_finish_date": "2026-04-11",
                "forecast_finish_date": forecast,
            }
        ],
    )
    ev = _frame([{"project_id": "B", "cpi": 1.0}], "cpi")
    es = _frame([{"project_id": "B", "reasons": {"spi_t": "spi_t undefined: pv unknown"}}], "spi_t")
    health = project_health(ev, es, finish_slip(projects), risk_exposure(RISKS.iloc[:0]), projects)
    assert health.loc[0, "health_reasons"][1] == f"{expected} (no spi_t: pv unknown)"


@pytest.mark.parametrize(
    ("cpi", "reason"),
    [
        (0.8996, "cost red: cpi 0.8996 < 0.90"),  # not "0.90 < 0.90": more decimals where rounding would lie
        (0.9, "cost amber: cpi 0.90 in 0.90-0.95"),
        (1.07, "cost amber: cpi 1.07 in 1.05-1.10"),
        (1.1004, "cost red: cpi 1.1004 > 1.10"),
    ],
)
def test_cost_reason_shows_the_figure_and_the_rule(cpi, reason):
    ev = _frame([{"project_id": "A", "cpi": cpi}], "cpi")
    es = _frame([{"project_id": "A", "spi_t": 1.0}], "spi_t")
    health = project_health(ev, es, finish_slip(PROJECTS.iloc[:1]), risk_exposure(RISKS), PROJECTS.iloc[:1])
    assert health.loc[0, "health_reasons"][0] == reason


def test_open_risks_without_levels_are_grey_and_low_scores_green():
    risks = contract_frame(
        "risks",
        [
            {"risk_id": "R-1", "project_id": "A", "title": "Unscored"},
            {"risk_id": "R-2", "project_id": "D", "title": "Small", "probability_level": 2, "impact_level": 3},
        ],
    )
    health = project_health(EV, ES, finish_slip(PROJECTS), risk_exposure(risks), PROJECTS, risks=risks)
    reasons = dict(zip(health["project_id"], health["health_reasons"], strict=True))
    assert reasons["A"][2] == "risk grey: 1 open risks, none with a probability and impact level"
    assert reasons["D"][2] == "risk green: highest open risk score 6 < 8"  # 2 x 3 = 6
    # Without the risks table the risk cannot be named, the rule still can.
    unnamed = project_health(EV, ES, finish_slip(PROJECTS), risk_exposure(RISKS), PROJECTS)
    assert unnamed.loc[0, "health_reasons"][2] == "risk red: an open risk scores 20 >= 15"


# --- settings ------------------------------------------------------------------------------------------------


def test_shipped_settings_file_holds_the_design_defaults(monkeypatch):
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    settings = load_settings()
    assert settings == HealthSettings()
    assert settings.source == DEFAULT_SETTINGS_PATH.name == "health.toml"
    assert (settings.cost.green_low, settings.cost.amber_high, settings.risk.red_score) == (0.95, 1.10, 15)
    assert (settings.schedule_slip.green_max_percent, settings.schedule_slip.amber_max_percent) == (5, 10)


def test_custom_settings_file_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "strict.toml"
    path.write_text("[cost]\ngreen_low = 0.92\namber_low = 0.85\n\n[risk]\nred_score = 20\n", encoding="utf-8")
    monkeypatch.setenv(SETTINGS_ENV, str(path))
    settings = load_settings()
    assert settings.cost == Bands(green_low=0.92, green_high=1.05, amber_low=0.85, amber_high=1.10)
    assert settings.schedule == Bands()  # keys left out keep their defaults
    ev = _frame([{"project_id": "A", "cpi": 0.93}], "cpi")
    health = project_health(
        ev, ES.iloc[:1], finish_slip(PROJECTS), risk_exposure(RISKS), PROJECTS.iloc[:1], settings, RISKS
    )
    # cpi 0.93 is green from 0.92; R-08 (15) is no longer red, R-07 (20) still is.
    assert health.loc[0, "health_reasons"][0] == "cost green: cpi 0.93 in 0.92-1.05"
    assert health.loc[0, "health_reasons"][2] == "risk red: open risk R-07 scores 20 >= 20"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[cost]\ngreen_low = 0.95\ngreen_high = 0.9\n", "cost.green_low must be below cost.green_high (0.95 >= 0.9)"),
        ("[cost]\namber_low = 0.96\n", "cost.amber_low must not be above cost.green_low (0.96 > 0.95)"),
        ("[schedule]\namber_high = 1.0\n", "schedule.green_high must not be above schedule.amber_high (1.05 > 1)"),
        ('[cost]\ngreen_low = "high"\n', "cost.green_low must be a number, not 'high'"),
        ("[cost]\ngreen_low = true\n", "cost.green_low must be a number, not True"),
        ("[cost]\ngreen_low = nan\n", "cost.green_low must be a number, not nan"),
        ("[cost]\namber_low = -0.5\n", "cost.amber_low must not be negative (-0.5)"),
        (
            "[cost]\ngren_low = 0.9\n",
            "unknown setting cost.gren_low (known: amber_high, amber_low, green_high, green_low)",
        ),
        ("[costs]\ngreen_low = 0.9\n", "unknown section [costs] (known: cost, risk, schedule, schedule_slip)"),
        ("cost = 0.9\n", "cost must be a section [cost] of keys, not a single value"),
        ("[risk]\nred_score = 30\n", "risk.red_score must lie within 1-25, the range of a risk score (30)"),
        ("[risk]\namber_score = 16\n", "risk.amber_score must not be above risk.red_score (16 > 15)"),
        (
            "[schedule_slip]\ngreen_max_percent = 12\n",
            "schedule_slip.green_max_percent must not be above schedule_slip.amber_max_percent (12 > 10)",
        ),
    ],
)
def test_settings_validation_names_the_file_key_and_values(tmp_path, text, message):
    path = tmp_path / "health.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings(path)
    assert str(raised.value) == f"health.toml: {message}"


def test_settings_file_that_is_not_toml_or_missing(tmp_path):
    broken = tmp_path / "health.toml"
    broken.write_text("[cost\ngreen_low = 0.9\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^health\.toml: not valid TOML: "):
        load_settings(broken)
    with pytest.raises(SettingsError, match=r"^absent\.toml: cannot read the health settings file "):
        load_settings(tmp_path / "absent.toml")

"""Explainable project health: cost, schedule and risk components and the worst of them.

Each component is green, amber or red by a rule on one figure, or grey when that figure is missing, and
says which rule and figure decided it ("cost red: cpi 0.86 < 0.90"). Thresholds come from the settings
file (see :mod:`health_settings`; defaults from DESIGN.md):

cost      on cpi, two-sided bands: green 0.95-1.05, amber 0.90-0.95 or 1.05-1.10, red outside (FEMA MIP
          dashboard: underspending is a signal too, so cpi 1.12 is red)
schedule  on spi_t (earned schedule), the same bands; without spi_t on finish slip as % of the planned
          duration: green <= 5%, amber <= 10%, red beyond (finishing early is green)
risk      on the highest score among open risks: red >= 15, amber >= 8, green below or with no open risk;
          grey when the project has no risks registered or none of its open risks is scored
overall   the worst component; grey components do not make it worse, and it is grey only when all are.

Bands are inclusive as written (cpi 0.95 is green, 0.90 amber) with a 1e-9 tolerance, so a figure that
is 0.95 in decimal but 0.9499999999999999 in binary floating point still lands on the band it reads as.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_analytics.indicators.common import REASONS
from pmo_analytics.indicators.health_settings import (
    DEFAULT_SETTINGS_PATH,
    SETTINGS_ENV,
    Bands,
    HealthSettings,
    RiskThresholds,
    SettingsError,
    SlipBands,
    load_settings,
)
from pmo_analytics.indicators.risk import risk_scores

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}  # grey has none: it never makes the overall health worse
TOLERANCE = 1e-9
HEALTH_COLUMNS = [
    "project_id",
    "health_cost",
    "health_schedule",
    "health_risk",
    "health_overall",
    "health_reasons",
    "schedule_basis",
    "reported_status",
    "status_disagrees",
]

__all__ = [
    "AMBER",
    "DEFAULT_SETTINGS_PATH",
    "GREEN",
    "GREY",
    "HEALTH_COLUMNS",
    "RED",
    "SETTINGS_ENV",
    "Bands",
    "HealthSettings",
    "RiskThresholds",
    "SettingsError",
    "SlipBands",
    "band_health",
    "load_settings",
    "project_health",
    "worst_health",
]


# --- formatting --------------------------------------------------------------------------------------------


def _threshold(value: float) -> str:
    """A band limit as the settings file would write it, at least two decimals: 0.9 -> "0.90", 0.925 -> "0.925"."""
    for decimals in range(2, 7):
        text = f"{value:.{decimals}f}"
        if float(text) == value:
            return text
    return f"{value:.6f}"


def _figure(value: float, *thresholds: float, decimals: int = 2) -> str:
    """The figure with enough decimals not to read as a threshold it is not: 0.8996 next to 0.90 -> "0.8996"."""
    for places in range(decimals, 7):
        text = f"{value:.{places}f}"
        if not any(float(text) == t and abs(value - t) > TOLERANCE for t in thresholds):
            return text
    return repr(value)


def _percent(value: float) -> str:
    return f"{value:g}%"


# --- rules -------------------------------------------------------------------------------------------------


def band_health(values: pd.Series, bands: Bands) -> pd.Series:
    """green / amber / red per value on two-sided inclusive bands, grey where the value is NaN.

    With the defaults: 0.95 -> green, 0.93 -> amber, 0.90 -> amber, 0.8999 -> red, 1.12 -> red.
    """
    numbers = values.astype("float64")
    green = (numbers >= bands.green_low - TOLERANCE) & (numbers <= bands.green_high + TOLERANCE)
    amber = (numbers >= bands.amber_low - TOLERANCE) & (numbers <= bands.amber_high + TOLERANCE)
    health = np.select([numbers.isna(), green, amber], [GREY, GREEN, AMBER], RED)
    return pd.Series(health, index=values.index, dtype="str")


def _band_reason(component: str, figure: str, value: float, health: str, bands: Bands) -> str:
    """ "cost amber: cpi 0.93 in 0.90-0.95", "cost red: cpi 1.12 > 1.10"."""
    low, high = bands.amber_low, bands.amber_high
    shown = _figure(value, bands.green_low, bands.green_high, low, high)
    if health == GREEN:
        rule = f"in {_threshold(bands.green_low)}-{_threshold(bands.green_high)}"
    elif health == AMBER and value < bands.green_low:
        rule = f"in {_threshold(low)}-{_threshold(bands.green_low)}"
    elif health == AMBER:
        rule = f"in {_threshold(bands.green_high)}-{_threshold(high)}"
    elif value < low:
        rule = f"< {_threshold(low)}"
    else:
        rule = f"> {_threshold(high)}"
    return f"{component} {health}: {figure} {shown} {rule}"


def _slip_health(percent: float, slip: SlipBands) -> str:
    if percent <= slip.green_max_percent + TOLERANCE:
        return GREEN
    return AMBER if percent <= slip.amber_max_percent + TOLERANCE else RED


def _slip_reason(health: str, days: float, percent: float, slip: SlipBands, why_no_spi_t: str) -> str:
    """ "schedule amber: finish slip 20 days, 8.3% of the planned duration, in 5-10% (no spi_t: ...)"."""
    green, amber = slip.green_max_percent, slip.amber_max_percent
    shown = _figure(percent, green, amber, decimals=1)
    rule = {GREEN: f"<= {_percent(green)}", AMBER: f"in {green:g}-{_percent(amber)}", RED: f"> {_percent(amber)}"}
    return (
        f"schedule {health}: finish slip {days:g} days, {shown}% of the planned duration, {rule[health]}"
        f" (no spi_t: {why_no_spi_t})"
    )


def _why(reasons: object, figure: str, fallback: str) -> str:
    """Why an indicator frame left a figure undefined, following the chain back to the first cause:
    spi_t "es undefined" -> es "ev unknown" -> "ev unknown: no earned_value in cost_periods and no
    percent_complete". The leading "<figure> undefined: " is dropped."""
    if not isinstance(reasons, dict) or not reasons.get(figure):
        return fallback
    text, seen = reasons[figure], {figure}
    while True:
        text = text.removeprefix(f"{figure} undefined: ")
        cause = text.removesuffix(" unknown").removesuffix(" undefined")
        if cause == text or cause in seen or not isinstance(reasons.get(cause), str):
            return text
        figure, text = cause, reasons[cause]
        seen.add(figure)


def worst_health(*components: pd.Series) -> pd.Series:
    """The worst non-grey health per row; grey only where every component is grey."""
    frame = pd.concat(components, axis=1)
    severity = frame.apply(lambda column: column.map(SEVERITY)).astype("float64")
    worst = severity.max(axis=1, skipna=True)
    names = {value: name for name, value in SEVERITY.items()}
    return worst.map(names).fillna(GREY).astype("str")


# --- components --------------------------------------------------------------------------------------------


def _cost(ev: pd.DataFrame, settings: HealthSettings) -> tuple[pd.Series, list[str]]:
    cpi = ev["cpi"].astype("float64")
    health = band_health(cpi, settings.cost)
    reasons = [
        f"cost grey: no cpi ({_why(why, 'cpi', 'cpi undefined')})"
        if state == GREY
        else _band_reason("cost", "cpi", value, state, settings.cost)
        for value, state, why in zip(cpi, health, ev[REASONS], strict=True)
    ]
    return health, reasons


def _schedule(
    ev: pd.DataFrame, es: pd.DataFrame, slip: pd.DataFrame, settings: HealthSettings
) -> tuple[pd.Series, list[str], pd.Series]:
    spi_t = es["spi_t"].astype("float64")
    by_spi_t = band_health(spi_t, settings.schedule)
    rows = zip(
        spi_t.to_numpy(),
        by_spi_t.to_numpy(),
        slip["finish_slip_percent"].astype("float64").to_numpy(),
        slip["finish_slip_days"].astype("float64").to_numpy(),
        ev[REASONS].to_numpy(),
        es[REASONS].to_numpy(),
        slip[REASONS].to_numpy(),
        strict=True,
    )
    health, reasons, basis = [], [], []
    for value, band, percent, days, ev_reasons, es_reasons, slip_reasons in rows:
        if band != GREY:
            health.append(band)
            reasons.append(_band_reason("schedule", "spi_t", value, band, settings.schedule))
            basis.append("spi_t")
            continue
        # es's reasons first, then ev's: "pv unknown" -> "pv unknown: no cost_periods and no budget to spread"
        why_spi_t = _why({**ev_reasons, **es_reasons}, "spi_t", "spi_t undefined")
        if np.isnan(percent):
            why_slip = _why(slip_reasons, "finish_slip_days", "") or _why(slip_reasons, "finish_slip_percent", "")
            health.append(GREY)
            reasons.append(f"schedule grey: no spi_t ({why_spi_t}) and no finish slip % ({why_slip or 'unknown'})")
            basis.append(None)
            continue
        state = _slip_health(percent, settings.schedule_slip)
        health.append(state)
        reasons.append(_slip_reason(state, days, percent, settings.schedule_slip, why_spi_t))
        basis.append("finish_slip")
    index = spi_t.index
    return pd.Series(health, index=index, dtype="str"), reasons, pd.Series(basis, index=index, dtype="str")


def _top_open_risks(risks: pd.DataFrame | None, settings: RiskThresholds) -> pd.DataFrame:
    """Per project: the label of its highest-scoring open risk and how many open risks reach red and amber."""
    columns = ["top_risk", "risks_at_red", "risks_at_amber"]
    if risks is None or risks.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="project_id", dtype="str"))
    scored = risk_scores(risks)
    scored = scored[scored["is_open"] & scored["score"].notna()]
    has_id = scored["risk_id"].notna() & (scored["risk_id"] != "")
    score = scored["score"].astype("float64")
    ranked = scored.assign(
        label=scored["risk_id"].where(has_id, "'" + scored["title"] + "'"),  # no id: 'Supplier late'
        score=score,
        at_red=score >= settings.red_score,
        at_amber=score >= settings.amber_score,
    ).sort_values(["score", "expected_value"], ascending=False, na_position="last", kind="stable")
    grouped = ranked.groupby("project_id", sort=False)
    return pd.DataFrame(
        {
            "top_risk": grouped["label"].first(),
            "risks_at_red": grouped["at_red"].sum(),
            "risks_at_amber": grouped["at_amber"].sum(),
        }
    )


def _risk(
    ids: pd.Index, exposure: pd.DataFrame, risks: pd.DataFrame | None, settings: RiskThresholds
) -> tuple[pd.Series, list[str]]:
    per_project = exposure.drop_duplicates("project_id").set_index("project_id").reindex(ids)
    tops = _top_open_risks(risks, settings).reindex(ids)
    open_counts = per_project["open_risks"].astype("float64").to_numpy()
    max_scores = per_project["max_score"].astype("float64").to_numpy()
    health, reasons = [], []
    for open_count, max_score, top, at_red, at_amber in zip(
        open_counts, max_scores, tops["top_risk"], tops["risks_at_red"], tops["risks_at_amber"], strict=True
    ):
        if np.isnan(open_count):
            state, reason = GREY, "risk grey: no risks registered for this project"
        elif open_count == 0:
            state, reason = GREEN, "risk green: no open risks"
        elif np.isnan(max_score):
            state = GREY
            reason = f"risk grey: {open_count:g} open risks, none with a probability and impact level"
        elif max_score < settings.amber_score:
            state = GREEN
            reason = f"risk green: highest open risk score {max_score:g} < {settings.amber_score:g}"
        else:
            is_red = max_score >= settings.red_score
            state = RED if is_red else AMBER
            threshold, count = (settings.red_score, at_red) if is_red else (settings.amber_score, at_amber)
            which = f"open risk {top}" if isinstance(top, str) else "an open risk"
            more = f" ({count:g} open risks score >= {threshold:g})" if pd.notna(count) and count > 1 else ""
            reason = f"risk {state}: {which} scores {max_score:g} >= {threshold:g}{more}"
        health.append(state)
        reasons.append(reason)
    return pd.Series(health, index=ids, dtype="str"), reasons


# --- per project -------------------------------------------------------------------------------------------


def _by_project(frame: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    return frame.drop_duplicates("project_id").set_index("project_id").reindex(ids)


def project_health(
    ev: pd.DataFrame,
    es: pd.DataFrame,
    slip: pd.DataFrame,
    risk_exposure: pd.DataFrame,
    projects: pd.DataFrame,
    settings: HealthSettings | None = None,
    risks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cost, schedule, risk and overall health with the reasons. One row per project (of ``projects``).

    ``ev``, ``es``, ``slip`` and ``risk_exposure`` are the frames of ``earned_value``, ``earned_schedule``,
    ``finish_slip`` and ``risk_exposure``; ``risks`` (optional) names the deciding risk by its id
    ("risk red: open risk R-07 scores 20 >= 15"). ``health_reasons`` is a list of three strings, one per
    component. ``schedule_basis`` is "spi_t", "finish_slip" or None (grey). ``status_disagrees`` is True
    where the file carried a reported_status that differs from health_overall (never for grey: nothing to
    compare).
    """
    settings = settings or HealthSettings()
    ids = pd.Index(projects["project_id"].dropna().drop_duplicates().astype("str"), name="project_id")
    empty_reasons = pd.Series([{} for _ in ids], index=ids, dtype="object")
    ev_rows = _by_project(ev, ids).assign(**{REASONS: lambda f: f[REASONS].where(f[REASONS].notna(), empty_reasons)})
    es_rows = _by_project(es, ids).assign(**{REASONS: lambda f: f[REASONS].where(f[REASONS].notna(), empty_reasons)})
    slip_rows = _by_project(slip, ids)
    slip_rows = slip_rows.assign(**{REASONS: slip_rows[REASONS].where(slip_rows[REASONS].notna(), empty_reasons)})

    cost, cost_reasons = _cost(ev_rows, settings)
    schedule, schedule_reasons, basis = _schedule(ev_rows, es_rows, slip_rows, settings)
    risk, risk_reasons = _risk(ids, risk_exposure, risks, settings.risk)
    overall = worst_health(cost, schedule, risk)

    reported = _by_project(projects, ids)["reported_status"] if "reported_status" in projects else None
    reported = pd.Series(pd.NA, index=ids, dtype="str") if reported is None else reported.astype("str")
    disagrees = reported.notna() & (overall != GREY) & (reported != overall)
    return pd.DataFrame(
        {
            "health_cost": cost,
            "health_schedule": schedule,
            "health_risk": risk,
            "health_overall": overall,
            "health_reasons": pd.Series(
                [list(parts) for parts in zip(cost_reasons, schedule_reasons, risk_reasons, strict=True)],
                index=ids,
                dtype="object",
            ),
            "schedule_basis": basis,
            "reported_status": reported,
            "status_disagrees": disagrees.astype(bool),
        },
        index=ids,
    ).reset_index()[HEALTH_COLUMNS]

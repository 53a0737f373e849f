"""The health thresholds a PMO can edit: pmo_analytics/settings/health.toml, read and checked on load.

``load_settings()`` reads the file named by ``$PMO_HEALTH_SETTINGS``, else the shipped one. A key left
out keeps its default; an unknown key, a value that is not a number or bands in the wrong order raise
:class:`SettingsError` with one line naming the file, the key and the values:
"health.toml: cost.green_low must be below cost.green_high (0.95 >= 0.9)".
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

SETTINGS_ENV = "PMO_HEALTH_SETTINGS"
DEFAULT_SETTINGS_PATH = Path(__file__).resolve().parent.parent / "settings" / "health.toml"


class SettingsError(ValueError):
    """The health settings file cannot be used; ``str()`` is one line naming the file and the problem."""


@dataclass(frozen=True)
class Bands:
    """Two-sided bands on an index (cpi, spi_t), inclusive as written (FEMA MIP dashboard defaults).

    green: green_low <= value <= green_high
    amber: amber_low <= value < green_low, or green_high < value <= amber_high
    red:   value < amber_low or value > amber_high
    """

    green_low: float = 0.95
    green_high: float = 1.05
    amber_low: float = 0.90
    amber_high: float = 1.10


@dataclass(frozen=True)
class SlipBands:
    """One-sided bands on finish slip as % of the planned duration: late is bad, early is green.

    green: slip <= green_max_percent; amber: slip <= amber_max_percent; red beyond.
    """

    green_max_percent: float = 5.0
    amber_max_percent: float = 10.0


@dataclass(frozen=True)
class RiskThresholds:
    """On the highest score (1-25) among a project's open risks: red >= red_score, amber >= amber_score."""

    amber_score: float = 8
    red_score: float = 15


@dataclass(frozen=True)
class HealthSettings:
    """All health thresholds. ``HealthSettings()`` holds the defaults of DESIGN.md (the shipped file's values)."""

    cost: Bands = field(default_factory=Bands)
    schedule: Bands = field(default_factory=Bands)
    schedule_slip: SlipBands = field(default_factory=SlipBands)
    risk: RiskThresholds = field(default_factory=RiskThresholds)
    source: str = field(default="defaults", compare=False)  # the file read, for messages


_SECTIONS: dict[str, type] = {"cost": Bands, "schedule": Bands, "schedule_slip": SlipBands, "risk": RiskThresholds}


def settings_path(path: str | Path | None = None) -> Path:
    """``path``, else ``$PMO_HEALTH_SETTINGS``, else the shipped pmo_analytics/settings/health.toml."""
    chosen = path if path not in (None, "") else os.environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_PATH
    return Path(chosen).expanduser()


def load_settings(path: str | Path | None = None) -> HealthSettings:
    """Read and check the health settings file (see :func:`settings_path` for which one)."""
    chosen = settings_path(path)
    name = chosen.name
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as err:
        raise SettingsError(f"{name}: cannot read the health settings file {chosen}: {err.strerror or err}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{name}: not valid TOML: {err}") from None
    except UnicodeDecodeError as err:
        raise SettingsError(f"{name}: not valid TOML: {err}") from None
    return settings_from_dict(document, name)


def settings_from_dict(document: dict, name: str = "health.toml") -> HealthSettings:
    """Settings from a parsed TOML document; missing keys keep their defaults. Raises :class:`SettingsError`."""
    unknown = sorted(set(document) - set(_SECTIONS))
    if unknown:
        raise SettingsError(f"{name}: unknown section [{unknown[0]}] (known: {', '.join(sorted(_SECTIONS))})")
    sections = {}
    for section, kind in _SECTIONS.items():
        values = document.get(section, {})
        if not isinstance(values, dict):
            raise SettingsError(f"{name}: {section} must be a section [{section}] of keys, not a single value")
        known = [f.name for f in fields(kind)]
        strange = sorted(set(values) - set(known))
        if strange:
            raise SettingsError(f"{name}: unknown setting {section}.{strange[0]} (known: {', '.join(sorted(known))})")
        for key, value in values.items():
            _check_number(name, f"{section}.{key}", value)
        sections[section] = kind(**{key: float(value) for key, value in values.items()})
    settings = HealthSettings(**sections, source=name)
    _check_order(settings, name)
    return settings


def _check_number(name: str, key: str, value: object) -> None:
    # TOML true is a bool, and bool is an int in Python: "green_low = true" must not read as 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(f"{name}: {key} must be a number, not {value!r}")
    if math.isnan(value):
        raise SettingsError(f"{name}: {key} must be a number, not nan")
    if value < 0:
        raise SettingsError(f"{name}: {key} must not be negative ({value:g})")


def _below(name: str, section: str, low: str, high: str, values: object, strict: bool) -> None:
    """``section.low`` < ``section.high`` (strict) or <= (not strict), else a SettingsError with both values."""
    low_value, high_value = getattr(values, low), getattr(values, high)
    if strict and not low_value < high_value:
        raise SettingsError(f"{name}: {section}.{low} must be below {section}.{high} ({low_value:g} >= {high_value:g})")
    if not strict and not low_value <= high_value:
        raise SettingsError(
            f"{name}: {section}.{low} must not be above {section}.{high} ({low_value:g} > {high_value:g})"
        )


def _check_order(settings: HealthSettings, name: str) -> None:
    # amber_low <= green_low < green_high <= amber_high: an amber band may be empty (equal bounds), green not.
    for section in ("cost", "schedule"):
        bands = getattr(settings, section)
        _below(name, section, "green_low", "green_high", bands, strict=True)
        _below(name, section, "amber_low", "green_low", bands, strict=False)
        _below(name, section, "green_high", "amber_high", bands, strict=False)
    _below(name, "schedule_slip", "green_max_percent", "amber_max_percent", settings.schedule_slip, strict=False)
    risk = settings.risk
    for key in ("amber_score", "red_score"):
        value = getattr(risk, key)
        if not 1 <= value <= 25:
            raise SettingsError(f"{name}: risk.{key} must lie within 1-25, the range of a risk score ({value:g})")
    _below(name, "risk", "amber_score", "red_score", risk, strict=False)

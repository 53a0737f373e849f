"""Numbers written for people: money, ratios, days, percentages, hours and dates, the same on every page.

Every function takes one value and returns text; a missing value (None, NaN, NA, NaT, inf) is an em dash,
so a table never shows "nan". ``signed=True`` writes the sign of a change: +€ 0.3 M, -0.05, +12 days.
Rounding is half up on the number as written: 0.925 -> "0.93" and 112.5% -> "113%" (Python's own
formatting gives "0.93" but "112", rounding the binary value half to even).

    format_money(1_234_567)   -> "€ 1.2 M"        format_ratio(0.9349)   -> "0.93"
    format_money(12_500)      -> "€ 12.5 k"       format_days(12)        -> "12 days"
    format_money(-2_500_000)  -> "-€ 2.5 M"       format_percent(0.934)  -> "93%"
    format_hours(1234.5)      -> "1,235 h"        format_date("2026-03-31") -> "31 Mar 2026"
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

MISSING = "—"
CURRENCY = "€"
# Ascending, so the smallest unit that keeps the number below 1,000 wins: 999,940 -> "999.9 k", 999,960 -> "1.0 M".
_MONEY_UNITS = ((1e3, "k"), (1e6, "M"), (1e9, "bn"))
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _number(value: object) -> float | None:
    """The value as a finite float, or None when it is missing or not a number."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _rounded(magnitude: float, decimals: int) -> Decimal:
    """``magnitude`` (>= 0) rounded half up as its shortest decimal text reads: 112.5 -> 113, 0.925 -> 0.93."""
    return Decimal(repr(magnitude)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _signed_text(number: float, decimals: int, signed: bool, scale: float = 1.0) -> tuple[str, Decimal]:
    """(sign, rounded magnitude): the sign is "" when the text rounds to zero (-0.3 -> "0", never "-0")."""
    rounded = _rounded(abs(number) * scale, decimals)
    if rounded == 0:
        return "", rounded
    if number < 0:
        return "-", rounded
    return ("+" if signed else ""), rounded


def format_money(value: object, currency: str = CURRENCY, signed: bool = False) -> str:
    """An amount in euro with one decimal in k, M or bn: 1,234,567 -> "€ 1.2 M"; below 1,000 whole euros: "€ 950"."""
    number = _number(value)
    if number is None:
        return MISSING
    sign, whole = _signed_text(number, 0, signed)
    if whole < 1000:
        return f"{sign}{currency} {whole}"
    for size, unit in _MONEY_UNITS:
        scaled = _rounded(abs(number) / size, 1)
        if scaled < 1000 or unit == _MONEY_UNITS[-1][1]:
            return f"{sign}{currency} {scaled:,} {unit}"
    raise AssertionError("unreachable: the last unit always returns")


def format_ratio(value: object, decimals: int = 2, signed: bool = False) -> str:
    """An index such as cpi or spi_t: 0.9349 -> "0.93"; a change with ``signed``: -0.05 -> "-0.05"."""
    number = _number(value)
    if number is None:
        return MISSING
    sign, rounded = _signed_text(number, decimals, signed)
    return f"{sign}{rounded}"


def format_days(value: object, signed: bool = False) -> str:
    """Whole calendar days: 12 -> "12 days", 1 -> "1 day", -3 -> "-3 days", 12.5 -> "13 days"."""
    number = _number(value)
    if number is None:
        return MISSING
    sign, days = _signed_text(number, 0, signed)
    return f"{sign}{days:,} {'day' if days == 1 else 'days'}"


def format_percent(fraction: object, decimals: int = 0, signed: bool = False) -> str:
    """A fraction as a percentage: 0.934 -> "93%", 1.125 -> "113%" (utilisation). Pass 0-100 figures divided by 100."""
    number = _number(fraction)
    if number is None:
        return MISSING
    sign, percent = _signed_text(number, decimals, signed, scale=100.0)
    return f"{sign}{percent:,}%"


def format_hours(value: object, signed: bool = False) -> str:
    """Whole hours with a thousands separator: 1234.5 -> "1,235 h"."""
    number = _number(value)
    if number is None:
        return MISSING
    sign, hours = _signed_text(number, 0, signed)
    return f"{sign}{hours:,} h"


def format_count(value: object, signed: bool = False) -> str:
    """A whole count: 1234 -> "1,234"; a change of 2 with ``signed`` -> "+2"."""
    number = _number(value)
    if number is None:
        return MISSING
    sign, count = _signed_text(number, 0, signed)
    return f"{sign}{count:,}"


def format_date(value: object) -> str:
    """A date the same in every locale: 2026-03-31 -> "31 Mar 2026"; NaT, NaN or None -> "—"."""
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    try:
        day = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return MISSING
    if pd.isna(day):
        return MISSING
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


__all__ = [
    "CURRENCY",
    "MISSING",
    "format_count",
    "format_date",
    "format_days",
    "format_hours",
    "format_money",
    "format_percent",
    "format_ratio",
]

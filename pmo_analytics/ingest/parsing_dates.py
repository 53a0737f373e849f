"""Date cells and month headers, in the forms Excel, MS Project and Dutch registers produce.

"2026-03-15 00:00:00" (an Excel date cell), "46096" (an Excel serial), "2026-03-15", "15-03-2026",
"15/3/26", "15.03.2026", "15 mrt 2026", "March 15, 2026", "15-Mar-2026", "mrt 2026", "2026-03".
Times of day are dropped; a month without a day is its first day; a date that exists in no calendar
("31-02-2026") is unreadable, never rolled over.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa

from pmo_analytics.ingest.parsing_base import Distinct, Parsed, distinct, extract, lookup, matches, replace, to_float

# Month words in English and Dutch, full and short ("sept", Dutch "mrt" and "maa").
MONTHS: dict[str, int] = {
    "january": 1, "januari": 1, "jan": 1,
    "february": 2, "februari": 2, "feb": 2,
    "march": 3, "maart": 3, "mar": 3, "mrt": 3, "maa": 3,
    "april": 4, "apr": 4,
    "may": 5, "mei": 5,
    "june": 6, "juni": 6, "jun": 6,
    "july": 7, "juli": 7, "jul": 7,
    "august": 8, "augustus": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oktober": 10, "oct": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

# Excel's 1900 date system counts days from 1899-12-30 (its phantom 1900-02-29 included).
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
# Serials read as dates: 20000 = 1954-10-03 .. 80000 = 2119-01-10; other numbers are not dates.
SERIAL_RANGE = (20_000, 80_000)
YEAR_RANGE = (1900, 2199)

# "ma 15-3-26", "Mon 3/15/26", "Monday, March 15, 2026": MS Project prefixes a weekday.
_WEEKDAY = (
    r"^(?:monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thu|friday|fri|saturday|sat|sunday|sun"
    r"|maandag|ma|dinsdag|di|woensdag|wo|donderdag|do|vrijdag|vr|zaterdag|za|zondag|zo)\.?,?\s+"
)
# " 00:00:00", "T10:30", " 9:05 pm", " 10:00:00.000+01:00"
_TIME = r",?(?:\s+|t)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:am|pm|u|uur|h)?\s*(?:z|[+-]\d{2}:?\d{2})?$"

_ISO = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"  # 2026-03-15, 2026/3/15
_COMPACT = r"^(?P<y>(?:19|20|21)\d{2})(?P<m>\d{2})(?P<d>\d{2})$"  # 20260315
_NUMERIC = r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})$"  # 15-03-2026 or 03/15/2026
_YEAR_MONTH = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"  # 2026-03
_MONTH_YEAR = r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$"  # 03-2026
_SERIAL = r"^(?P<n>\d{5})(?:\.\d+)?$"  # 46096, 46096.5 (noon)
# On texts whose punctuation became single spaces: "15-Mar-2026" -> "15 mar 2026".
_DAY_NAME_YEAR = r"^(?P<d>\d{1,2})(?:st|nd|rd|th|e)? (?P<mon>[a-z]+) (?P<y>\d{4}|\d{2})$"  # 15 mrt 2026
_NAME_DAY_YEAR = r"^(?P<mon>[a-z]+) (?P<d>\d{1,2})(?:st|nd|rd|th)? (?P<y>\d{4})$"  # March 15, 2026
_NAME_YEAR = r"^(?P<mon>[a-z]+) (?P<y>\d{4}|\d{2})$"  # mrt 2026, jan-26
_YEAR_NAME = r"^(?P<y>\d{4}) (?P<mon>[a-z]+)$"  # 2026 mrt

DAY_FIRST = "day-first dates (15-03-2026)"
MONTH_FIRST = "month-first dates (12/25/2026)"
DAY_FIRST_ASSUMED = "day-first dates (03/04/2026 = 3 April), assumed: no value shows the order"
SERIALS = "Excel serial numbers as dates (46096 = 2026-03-15)"


def _full_year(year: np.ndarray) -> np.ndarray:
    """Two-digit years as Python's %y reads them: 00-68 -> 2000s, 69-99 -> 1900s."""
    return np.where(year < 69, year + 2000, np.where(year < 100, year + 1900, year))


def _calendar_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Float arrays (NaN = missing) -> datetime64[D]; NaT where the date exists in no calendar."""
    valid = (year >= YEAR_RANGE[0]) & (year <= YEAR_RANGE[1]) & (month >= 1) & (month <= 12) & (day >= 1)
    months = (np.where(valid, year, 1970) - 1970) * 12 + np.where(valid, month, 1) - 1
    first = months.astype(np.int64).astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = ((months.astype(np.int64) + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(int)
    valid &= np.where(valid, day, 99) <= days_in_month  # 31-02-2026, 29-02-2025 -> unreadable
    dates = first + (np.where(valid, day, 1).astype(np.int64) - 1)
    return np.where(valid, dates, np.datetime64("NaT", "D"))


def _read(texts: pa.Array, counts: np.ndarray, dayfirst: bool | None) -> tuple[np.ndarray, list[str]]:
    """Lower-case stripped texts -> (datetime64[D] per text, convention parts)."""
    texts = replace(replace(texts, _WEEKDAY), _TIME)
    year = np.full(len(texts), np.nan)
    month = year.copy()
    day = year.copy()

    def fill(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> None:
        take = np.isnan(year) & ~np.isnan(y)
        year[take], month[take], day[take] = y[take], m[take], d[take]

    for pattern in (_ISO, _COMPACT):
        parts = extract(texts, pattern)
        fill(to_float(parts["y"]), to_float(parts["m"]), to_float(parts["d"]))
    for pattern in (_YEAR_MONTH, _MONTH_YEAR):
        parts = extract(texts, pattern)
        first_day = np.where(parts["y"].is_valid().to_numpy(zero_copy_only=False), 1.0, np.nan)
        fill(to_float(parts["y"]), to_float(parts["m"]), first_day)

    # 03/04/2026: day-first unless the column proves month-first (12/25/2026, and no 25/12/2026).
    parts = extract(texts, _NUMERIC)
    first, second, numeric_year = to_float(parts["a"]), to_float(parts["b"]), to_float(parts["y"])
    present = ~np.isnan(first) & (counts > 0)
    only_day_first = present & (first > 12) & (second <= 12)
    only_month_first = present & (second > 12) & (first <= 12)
    month_first = dayfirst is False or (dayfirst is None and only_month_first.any() and not only_day_first.any())
    if month_first:
        fill(numeric_year, first, second)
    else:
        fill(numeric_year, second, first)

    worded = np.flatnonzero(matches(texts, "[a-z]"))  # month names: only these texts can hold one

    def spread(values: np.ndarray) -> np.ndarray:
        out = np.full(len(texts), np.nan)
        out[worded] = values
        return out

    if len(worded):
        words = replace(texts.take(pa.array(worded)), r"[\s.,/'\-]+", " ")  # "15-Mar-2026" -> "15 mar 2026"
        for pattern in (_DAY_NAME_YEAR, _NAME_DAY_YEAR, _NAME_YEAR, _YEAR_NAME):
            parts = extract(words, pattern)
            matched = parts["y"].is_valid().to_numpy(zero_copy_only=False)
            days = to_float(parts["d"]) if "d" in parts else np.where(matched, 1.0, np.nan)
            fill(spread(to_float(parts["y"])), spread(lookup(parts["mon"], MONTHS)), spread(days))

    dates = _calendar_dates(_full_year(year), month, day)
    serial = to_float(extract(texts, _SERIAL)["n"])
    is_serial = (serial >= SERIAL_RANGE[0]) & (serial <= SERIAL_RANGE[1])
    dates = np.where(is_serial, EXCEL_EPOCH + np.where(is_serial, serial, 0).astype(np.int64), dates)

    convention = []
    if present.any():
        if month_first:
            convention.append(MONTH_FIRST)
        elif dayfirst is None and not only_day_first.any():
            convention.append(DAY_FIRST_ASSUMED)
        else:
            convention.append(DAY_FIRST)
    if (is_serial & (counts > 0)).any():
        convention.append(SERIALS)
    return dates, convention


def parse_dates(s: pd.Series, *, dayfirst: bool | None = None) -> Parsed:
    """Date cells -> datetime64[ns] at midnight. One entry per input row.

    ``dayfirst`` None decides per column: an ambiguous 03/04/2026 is 3 April unless some value can only
    be month-first (12/25/2026) and none can only be day-first. True/False force the order.
    """
    cells: Distinct = distinct(s)
    dates, convention = _read(cells.lower, cells.counts, dayfirst)
    return cells.result(dates.astype("datetime64[ns]"), "; ".join(convention))


def _month_of(text: str) -> tuple[int, int] | None:
    """One lower-case text -> (year, month) when it is a date or a month, else None.

    The scalar twin of ``_read`` (day-first, same patterns): wide-grid detection asks this of every
    header cell it considers, and Arrow's per-call overhead (milliseconds) would add up there.
    """
    text = re.sub(_TIME, "", re.sub(_WEEKDAY, "", text))
    words = re.sub(r"[\s.,/'\-]+", " ", text).strip()
    found = None
    if match := re.fullmatch(_SERIAL, text):
        serial = int(match["n"])
        if SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
            day = EXCEL_EPOCH + np.timedelta64(serial, "D")
            return int(str(day)[:4]), int(str(day)[5:7])
        return None
    for pattern in (_ISO, _COMPACT, _YEAR_MONTH, _MONTH_YEAR, _NUMERIC):
        if match := re.fullmatch(pattern, text):
            parts = match.groupdict()
            found = (parts["y"], parts.get("m") or parts["b"], parts.get("d") or parts.get("a") or "1")
            break
    else:
        for pattern in (_DAY_NAME_YEAR, _NAME_DAY_YEAR, _NAME_YEAR, _YEAR_NAME):
            if (match := re.fullmatch(pattern, words)) and match["mon"] in MONTHS:
                found = (match["y"], str(MONTHS[match["mon"]]), match.groupdict().get("d") or "1")
                break
    if found is None:
        return None
    year, month, day = (int(part) for part in found)
    year = int(_full_year(np.array([year]))[0])
    try:
        dt.date(year, month, day)
    except ValueError:  # 31-02-2026, 2026-13
        return None
    return (year, month) if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else None


@functools.lru_cache(maxsize=4096)
def _cached_month(text: str) -> tuple[int, int] | None:
    return _month_of(text)


def parse_period_header(text: object, *, default_year: int | None = None) -> pd.Timestamp | None:
    """One wide-grid column header -> the first day of its month, or None when it names no month.

    "Jan 2026", "jan-26", "januari 2026", "2026-01", "01-2026", "2026-01-01 00:00:00", "46023"
    -> 2026-01-01; "mrt" -> March of ``default_year`` (None without one); "Totaal", "Q1 2026" -> None.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    cleaned = str(text).strip().lower()
    found = _cached_month(cleaned)
    if found is not None:
        return pd.Timestamp(year=found[0], month=found[1], day=1)
    month = MONTHS.get(cleaned.strip(" ."))
    if month is None or default_year is None:
        return None
    return pd.Timestamp(year=default_year, month=month, day=1)

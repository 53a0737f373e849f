"""Amounts, quantities and percentages, with the thousands/decimal convention decided per column.

Values that show their convention decide it, weighted by the rows that hold them:
  Dutch    "1.234,56", "32,5", "12,50", "1.234.567", "€ 12,-", "€ 8.000" (money has no 3 decimals)
  English  "1,234.56", "1,234,567", "EUR 1234.50", "€ 1,234"
An Excel number cell ("1234.5": no currency, no thousands separator) shows nothing: a Dutch column
holds them too. Only a single group of three digits is ambiguous ("8.000", "1,234"): it follows the
column, and a column that shows nothing reads it the English way (8.000 = 8, 1,234 = 1234).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_analytics.ingest.parsing_base import Parsed, contains, distinct, drop, matches, matches_where, replace

# Shapes, tried only on the texts whose count of "." and "," allows them.
_SHAPE = r"^(?:\d+(?:[.,]\d+)*|[.,]\d+|\d+(?:\.\d+)?e[+-]?\d+)$"  # digits and separators; 1.5e-05
_ONE_POINT_GROUP = r"^[1-9]\d{0,2}\.\d{3}$"  # 8.000: 8 or 8000
_ONE_COMMA_GROUP = r"^[1-9]\d{0,2},\d{3}$"  # 1,234: 1.234 or 1234
_POINT_GROUPS = r"^[1-9]\d{0,2}(?:\.\d{3})+$"  # 1.234.567
_COMMA_GROUPS = r"^[1-9]\d{0,2}(?:,\d{3})+$"  # 1,234,567
_DUTCH_FULL = r"^[1-9]\d{0,2}(?:\.\d{3})+,\d+$"  # 1.234,56
_ENGLISH_FULL = r"^[1-9]\d{0,2}(?:,\d{3})+\.\d+$"  # 1,234.56

_SPACES = r"[\s\x{00a0}\x{2007}\x{2009}\x{202f}'\x{2019}]+"  # "1 234,56", "1'234.56"
_THOUSANDS = r"^([-+(]*)k|k([)\-]*)$"  # k€ 12, 12k
_MILLIONS = r"^([-+(]*)(?:mln|mio|m)|(?:miljoen|mln|mio|m)([)\-]*)$"  # 1,2 mln
_UNIT_WORDS = r"(?:uren|uur|u|hours|hour|hrs|hr|h|fte)$"  # 40 uur, 40h, 0,8 fte
_PERCENT = r"(?:%|procent|pct)$"

DUTCH = "dutch"
ENGLISH = "english"
ASSUMED = "assumed"  # ambiguous values, nothing in the column showed the convention


@dataclass(frozen=True)
class Numbers:
    """The numbers read from a column's distinct texts. One entry per distinct text."""

    values: np.ndarray  # float64, sign and cell units (k€) applied; NaN where unreadable
    has_percent: np.ndarray  # bool: written with "%"
    has_cell_unit: np.ndarray  # bool: the cell carried its own k/mln scale
    separators: str  # DUTCH, ENGLISH, ASSUMED, or "" when nothing was ambiguous or shown


def _first_before(texts: pa.Array, first: str, second: str) -> np.ndarray:
    """Bool per text: ``first`` occurs, and before any ``second`` ("1.234,56": "." before ",")."""
    at_first = pc.find_substring(texts, first).fill_null(-1).to_numpy(zero_copy_only=False)
    at_second = pc.find_substring(texts, second).fill_null(-1).to_numpy(zero_copy_only=False)
    return (at_first >= 0) & ((at_second < 0) | (at_first < at_second))


def _any(texts: pa.Array, pattern: str) -> bool:
    return bool(matches(texts, pattern).any())


def read_numbers(
    texts: pa.Array, counts: np.ndarray, *, money: bool = False, percent: bool = False, units: bool = False
) -> Numbers:
    """Lower-case stripped texts -> numbers, the separator convention decided over the whole column.

    ``counts`` (rows per text) weights the evidence; ``money`` strips € / EUR and reads k€ / mln;
    ``percent`` strips a trailing "%"; ``units`` strips "uur", "h", "fte". Regexes run only where
    a cheap test says they can match: this runs on up to 200,000 distinct texts.
    """
    size = len(texts)
    if (contains(texts, "\u2212") | contains(texts, "\u2013")).any():  # Unicode minus, en dash
        texts = pc.replace_substring(pc.replace_substring(texts, "\u2212", "-"), "\u2013", "-")
    texts = drop(texts, " ")
    if _any(texts, _SPACES):
        texts = replace(texts, _SPACES)
    has_percent = np.zeros(size, dtype=bool)
    if percent and (contains(texts, "%") | contains(texts, "procent") | contains(texts, "pct")).any():
        has_percent = matches(texts, _PERCENT)
        texts = replace(texts, _PERCENT)
    currency = np.zeros(size, dtype=bool)
    scale = np.ones(size)
    if money:
        currency = contains(texts, "€") | contains(texts, "eur")
        if currency.any():
            texts = drop(texts, "euros", "euro", "eur", "€")
        if contains(texts, "k").any() or contains(texts, "m").any():
            thousands, millions = matches(texts, _THOUSANDS), matches(texts, _MILLIONS)
            scale = np.where(thousands, 1e3, np.where(millions, 1e6, 1.0))
            texts = replace(replace(texts, _THOUSANDS, r"\1\2"), _MILLIONS, r"\1\2")  # keep the sign
    if units and _any(texts, "[a-z]"):
        texts = replace(texts, _UNIT_WORDS)
    dash_cents = np.zeros(size, dtype=bool)
    if contains(texts, "-").any():
        dash_cents = matches(texts, r",-+\)?$")  # "€ 12,-" = 12.00, Dutch
        texts = replace(texts, r"[.,]-+(\)?)$", r"\1")
    # -12, 12.50-, (1.234,56)
    opens, closes = pc.starts_with(texts, "("), pc.ends_with(texts, ")")
    negative = pc.or_(pc.or_(pc.starts_with(texts, "-"), pc.ends_with(texts, "-")), pc.and_(opens, closes))
    negative = negative.fill_null(False).to_numpy(zero_copy_only=False)
    texts = pc.utf8_trim(texts, characters="+-()")

    points = pc.count_substring(texts, ".").fill_null(0).to_numpy(zero_copy_only=False)
    commas = pc.count_substring(texts, ",").fill_null(0).to_numpy(zero_copy_only=False)
    shaped = matches(texts, _SHAPE)
    one_point = matches_where(texts, _ONE_POINT_GROUP, shaped & (points == 1) & (commas == 0))
    one_comma = matches_where(texts, _ONE_COMMA_GROUP, shaped & (points == 0) & (commas == 1))
    point_groups = matches_where(texts, _POINT_GROUPS, shaped & (points >= 2) & (commas == 0))
    comma_groups = matches_where(texts, _COMMA_GROUPS, shaped & (points == 0) & (commas >= 2))
    both = shaped & (points >= 1) & (commas >= 1)
    # Which separator comes first decides which of the two full shapes a text can have: 1.234,56 or 1,234.56.
    point_first = both & _first_before(texts, ".", ",")
    dutch_full = matches_where(texts, _DUTCH_FULL, point_first & (commas == 1))
    english_full = matches_where(texts, _ENGLISH_FULL, both & ~point_first & (points == 1))
    point_decimal = shaped & (points == 1) & (commas == 0) & ~one_point  # 1234.5, 0.125, 1.5e-05
    comma_decimal = shaped & (points == 0) & (commas == 1) & ~one_comma  # 32,5, 0,125

    dutch_reading = comma_decimal | point_groups | dutch_full | (dash_cents & one_point)
    english_reading = (shaped & (points == 0) & (commas == 0)) | point_decimal | comma_groups | english_full
    ambiguous = (one_point | one_comma) & ~dutch_reading
    # Money is not written with three decimals: "€ 8.000" is eight thousand, "€ 1,234" is 1234.
    dutch_shown = comma_decimal | point_groups | dutch_full | dash_cents | (currency & one_point)
    english_shown = comma_groups | english_full | (currency & (point_decimal | one_comma))
    dutch_rows, english_rows = counts[dutch_shown].sum(), counts[english_shown].sum()
    if dutch_rows > english_rows:
        separators = DUTCH
    elif english_rows > dutch_rows:
        separators = ENGLISH
    else:
        separators = ASSUMED if (ambiguous & (counts > 0)).any() else ""

    use_dutch = dutch_reading | (ambiguous & (separators == DUTCH))
    readable = dutch_reading | english_reading | ambiguous
    chosen = pc.replace_substring(texts, ",", "")  # 1,234.56 -> 1234.56
    if use_dutch.any():
        dutch_text = pc.replace_substring(pc.replace_substring(texts, ".", ""), ",", ".")  # 1.234,56 -> 1234.56
        chosen = pc.if_else(pa.array(use_dutch), dutch_text, chosen)
    chosen = pc.if_else(pa.array(readable), chosen, pa.scalar(None, chosen.type))
    values = pc.cast(chosen, pa.float64()).to_numpy(zero_copy_only=False)
    values = np.where(negative, -values, values) * scale
    return Numbers(values, has_percent & readable, (scale != 1.0) & readable, separators)


def separator_label(separators: str, noun: str = "numbers") -> str:
    """DUTCH, "amounts" -> "Dutch amounts (1.234,56)"; "numbers" -> "Dutch numbers (1.234,5)"."""
    decimals = "56" if noun == "amounts" else "5"
    return {
        DUTCH: f"Dutch {noun} (1.234,{decimals})",
        ENGLISH: f"English {noun} (1,234.{decimals})",
        ASSUMED: "decimal point assumed (8.000 = 8, 1,234 = 1234)",
    }.get(separators, "")


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def parse_amounts(s: pd.Series, *, multiplier: float = 1.0) -> Parsed:
    """Money cells -> float64 euro. One entry per input row.

    "€ 1.234,56" -> 1234.56, "EUR 1,234.56" -> 1234.56, "(1.234,56)" -> -1234.56, "12.50-" -> -12.5,
    "€ 12,-" -> 12. ``multiplier`` (1,000 under a "Budget (k€)" header) scales every value except
    those that carry their own unit ("k€ 12" -> 12,000).
    """
    cells = distinct(s)
    numbers = read_numbers(cells.lower, cells.counts, money=True)
    values = numbers.values if multiplier == 1.0 else np.where(numbers.has_cell_unit, 1.0, multiplier) * numbers.values
    scaled = f"x {multiplier:,.0f}" if multiplier != 1.0 else ""
    return cells.result(values, _join(separator_label(numbers.separators, "amounts"), scaled))


def parse_numbers(s: pd.Series) -> Parsed:
    """Quantities (hours, FTE) -> float64. One entry per input row. "32,5" -> 32.5, "40 uur" -> 40."""
    cells = distinct(s)
    numbers = read_numbers(cells.lower, cells.counts, units=True)
    return cells.result(numbers.values, separator_label(numbers.separators, "numbers"))


def parse_percent(s: pd.Series) -> Parsed:
    """Percentages -> float64 0-100. One entry per input row.

    "35%" -> 35, "35" -> 35, "35,5%" -> 35.5; "0.35" -> 35 when every plain number in the column lies
    within 0-1 (a column of fractions, as Excel stores a cell formatted as 35%). Below 0 or above 100
    is unreadable.
    """
    cells = distinct(s)
    numbers = read_numbers(cells.lower, cells.counts, percent=True)
    values = numbers.values
    plain = ~numbers.has_percent & ~np.isnan(values) & (cells.counts > 0)
    fractions = bool(plain.any() and (values[plain] >= 0).all() and (values[plain] <= 1).all())
    fractions = fractions and bool((values[plain] > 0).any())
    if fractions:
        # round: 0.29 * 100 = 28.999999999999996
        values = np.where(numbers.has_percent, values, np.round(values * 100, 10))
    values = np.where((values >= 0) & (values <= 100), values, np.nan)
    label = "fractions (0.35 = 35%)" if fractions else ""
    return cells.result(values, _join(label, separator_label(numbers.separators, "numbers")))

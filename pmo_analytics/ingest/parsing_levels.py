"""Risk scales: probabilities (0-1) and levels (1-5), from numbers, percentages and words.

Low/Medium/High and Laag/Middel/Hoog are levels 1/3/5; a column that also uses a "very"/"zeer" word
is on the five-word scale (Very low 1, Low 2, Medium 3, High 4, Very high 5). Risk-matrix words
(Rare ... Almost certain, Insignificant ... Severe) always name their own level. Levels map to
probabilities as the midpoints of five equal bands: 1 -> 0.1, 2 -> 0.3, ... 5 -> 0.9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pmo_analytics.ingest.parsing_base import Parsed, distinct, extract, lookup, matches_where, replace, to_float
from pmo_analytics.ingest.parsing_numbers import ASSUMED, read_numbers, separator_label
from pmo_analytics.schema import LEVEL_PROBABILITIES

LOW_WORDS = ("low", "laag", "l", "klein", "gering", "small", "lo")
MEDIUM_WORDS = ("medium", "med", "mid", "middel", "middle", "gemiddeld", "matig", "m", "average")
HIGH_WORDS = ("high", "hoog", "h", "groot", "large", "hi")
VERY_LOW_WORDS = ("very low", "zeer laag", "erg laag", "vl", "zeer klein", "very small", "zeer gering", "extremely low")
VERY_HIGH_WORDS = ("very high", "zeer hoog", "erg hoog", "vh", "zeer groot", "very large", "extremely high", "extreme")

# Words of the common 5x5 risk matrices: their level does not depend on the column.
MATRIX_WORDS: dict[str, float] = {
    **dict.fromkeys(("rare", "zelden", "very unlikely", "zeer onwaarschijnlijk"), 1.0),
    **dict.fromkeys(("insignificant", "negligible", "verwaarloosbaar"), 1.0),
    **dict.fromkeys(("unlikely", "onwaarschijnlijk", "minor"), 2.0),
    **dict.fromkeys(("possible", "mogelijk", "moderate"), 3.0),
    **dict.fromkeys(("likely", "waarschijnlijk", "major"), 4.0),
    **dict.fromkeys(("almost certain", "very likely", "zeer waarschijnlijk", "vrijwel zeker"), 5.0),
    **dict.fromkeys(("severe", "catastrophic", "critical", "kritiek"), 5.0),
}
THREE_WORD_SCALE: dict[str, float] = {
    **dict.fromkeys(LOW_WORDS, 1.0),
    **dict.fromkeys(MEDIUM_WORDS, 3.0),
    **dict.fromkeys(HIGH_WORDS, 5.0),
}
FIVE_WORD_SCALE: dict[str, float] = {
    **dict.fromkeys(VERY_LOW_WORDS, 1.0),
    **dict.fromkeys(LOW_WORDS, 2.0),
    **dict.fromkeys(MEDIUM_WORDS, 3.0),
    **dict.fromkeys(HIGH_WORDS, 4.0),
    **dict.fromkeys(VERY_HIGH_WORDS, 5.0),
}
# Level 1..5 -> probability; index 0 and anything else is undefined.

THREE_WORDS = "Low/Medium/High = levels 1/3/5"
FIVE_WORDS = "five-word scale (Very low = 1, Low = 2, Medium = 3, High = 4, Very high = 5)"
LEVELS = "levels 1-5 (1 = 0.1, 3 = 0.5, 5 = 0.9)"
PERCENTAGES = "percentages (35 = 0.35)"


def read_level_words(texts: pa.Array, counts: np.ndarray) -> tuple[np.ndarray, str]:
    """Lower-case texts -> (level per text, NaN where not a level word; the scale used).

    "Hoog" -> 5 (or 4 in a column that also says "Zeer hoog"); "3 - Gemiddeld", "Hoog (4)" -> the digit.
    """
    levels = np.full(len(texts), np.nan)
    worded = np.flatnonzero(matches_where(texts, r"\pL", counts > 0))
    if len(worded) == 0:  # a column of numbers
        return levels, ""
    texts = texts.take(pa.array(worded))  # only the texts with a letter: the regexes below cost per text
    words = replace(replace(texts, r"[\s_\-./]+", " "), r"^ | $")  # "Very-High" -> "very high"
    very = ~np.isnan(lookup(words, dict.fromkeys(VERY_LOW_WORDS + VERY_HIGH_WORDS, 1.0)))
    scale = FIVE_WORD_SCALE if very.any() else THREE_WORD_SCALE
    found = lookup(words, {**scale, **MATRIX_WORDS})
    scale_used = (~np.isnan(lookup(words, scale))).any()
    for pattern in (r"^(?P<n>[1-5])(?:\s*[-.:)=]\s*|\s+)\pL", r"\pL.*\(\s*(?P<n>[1-5])\s*\)$"):
        digit = to_float(extract(texts, pattern)["n"])  # "3 - gemiddeld", "hoog (4)"
        found = np.where(np.isnan(digit), found, digit)
    levels[worded] = found
    label = (FIVE_WORDS if very.any() else THREE_WORDS) if scale_used else ""
    return levels, label


def parse_level(s: pd.Series) -> Parsed:
    """Levels -> Int8 1-5. One entry per input row. "3", "3.0", "Hoog", "H", "3 - Gemiddeld"; others unreadable."""
    cells = distinct(s)
    numbers = read_numbers(cells.lower, cells.counts)
    levels, label = read_level_words(cells.lower, cells.counts)
    whole = np.isin(numbers.values, [1, 2, 3, 4, 5])
    levels = np.where(np.isnan(levels) & whole, numbers.values, levels)
    return cells.result(levels, label, dtype="Int8")


def parse_probability(s: pd.Series) -> Parsed:
    """Probabilities -> float64 0-1. One entry per input row.

    "0.35" and "35%" -> 0.35. A column whose plain numbers are all whole 1-5 holds levels (3 -> 0.5);
    otherwise a column with a plain number above 5 holds percentages (35 -> 0.35), and numbers within
    0-1 are fractions ("1" among 0.3 and 0.4 is certain). Words are levels (Hoog -> 5 -> 0.9).
    """
    cells = distinct(s)
    numbers = read_numbers(cells.lower, cells.counts, percent=True)
    levels, words_label = read_level_words(cells.lower, cells.counts)
    values = numbers.values
    plain = ~numbers.has_percent & ~np.isnan(values) & np.isnan(levels) & (cells.counts > 0)
    as_levels = bool(plain.any() and np.isin(values[plain], [1, 2, 3, 4, 5]).all())
    as_percentages = not as_levels and bool((values[plain] > 5).any())
    if as_levels:
        read = LEVEL_PROBABILITIES[np.where(np.isin(values, [1, 2, 3, 4, 5]), values, 0).astype(int)]
    elif as_percentages:
        read = np.where(values > 1, values / 100, values)  # 35 -> 0.35, 0.4 stays
    else:
        read = values
    read = np.where(numbers.has_percent, values / 100, read)
    level_read = LEVEL_PROBABILITIES[np.where(np.isnan(levels), 0, levels).astype(int)]
    read = np.where(np.isnan(levels), read, level_read)
    read = np.where((read >= 0) & (read <= 1), read, np.nan)
    label = LEVELS if as_levels else PERCENTAGES if as_percentages else ""
    separators = separator_label(numbers.separators) if numbers.separators != ASSUMED else ""
    return cells.result(read, "; ".join(part for part in (label, words_label, separators) if part))

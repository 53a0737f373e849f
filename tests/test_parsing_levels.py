"""Risk scales: probabilities 0-1 and levels 1-5 from numbers, percentages and words."""

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.ingest.parsing import level_to_probability, parse_level, parse_probability, probability_to_level
from pmo_analytics.ingest.parsing_levels import FIVE_WORDS, LEVELS, PERCENTAGES, THREE_WORDS


def cells(*texts: str | None) -> pd.Series:
    return pd.Series(list(texts), dtype="str")


def floats(*values: float | None) -> pd.Series:
    return pd.Series([np.nan if value is None else value for value in values], dtype="float64")


def levels(*values: int | None) -> pd.Series:
    return pd.Series(list(values), dtype="Int8")


@pytest.mark.parametrize(
    ("column", "expected", "convention"),
    [
        (["0.35", "0.1"], [0.35, 0.1], ""),
        (["35%", "0.35", "0,4"], [0.35, 0.35, 0.4], "Dutch numbers (1.234,5)"),
        # "1" in a column of fractions is certain, not level 1.
        (["0.3", "0.4", "1"], [0.3, 0.4, 1.0], ""),
        # A plain number above 5: the column holds percentages; fractions within 0-1 stay.
        (["35", "10", "0.5"], [0.35, 0.1, 0.5], PERCENTAGES),
        (["0.3", "35"], [0.3, 0.35], PERCENTAGES),
        # Only whole numbers 1-5: levels, the midpoints of five bands.
        (["1", "2", "3", "4", "5"], [0.1, 0.3, 0.5, 0.7, 0.9], LEVELS),
        (["3.0", "5"], [0.5, 0.9], LEVELS),
        # Three words: levels 1/3/5.
        (
            ["Low", "Medium", "High", "Laag", "Middel", "Gemiddeld", "Hoog"],
            [0.1, 0.5, 0.9, 0.1, 0.5, 0.5, 0.9],
            THREE_WORDS,
        ),
        # A "very"/"zeer" word anywhere: the five-word scale, so Low is level 2 and High level 4.
        (
            ["Very low", "Low", "Medium", "High", "Very high", "Zeer laag", "Zeer hoog"],
            [0.1, 0.3, 0.5, 0.7, 0.9, 0.1, 0.9],
            FIVE_WORDS,
        ),
        (["Unlikely", "Likely", "Almost certain"], [0.3, 0.7, 0.9], ""),  # risk-matrix words name their level
        (["3 - Gemiddeld", "Hoog (4)"], [0.5, 0.7], ""),  # the digit decides, not the word
    ],
)
def test_probability(column, expected, convention):
    parsed = parse_probability(cells(*column))
    pd.testing.assert_series_equal(parsed.values, floats(*expected))
    assert not parsed.invalid.any()
    assert parsed.convention == convention


@pytest.mark.parametrize(
    ("column", "invalid_at"),
    [
        (["0.3", "2"], 1),  # 2 among fractions: neither a fraction, a level column nor a percentage
        (["35", "150"], 1),
        (["35", "-10"], 1),
        (["0.3", "true"], 1),
        (["0.3", "soms"], 1),
        (["0.3", "120%"], 1),
    ],
)
def test_unreadable_probability(column, invalid_at):
    parsed = parse_probability(cells(*column))
    assert np.isnan(parsed.values[invalid_at])
    assert parsed.invalid.tolist() == [position == invalid_at for position in range(len(column))]


def test_empty_probability_cells_are_missing_not_invalid():
    parsed = parse_probability(cells(None, " ", "n.v.t.", "0.5"))
    pd.testing.assert_series_equal(parsed.values, floats(None, None, None, 0.5))
    assert not parsed.invalid.any()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("3.0", 3),
        ("3,0", 3),
        ("1", 1),
        ("5", 5),
        ("Hoog", 5),
        ("hoog", 5),
        ("HIGH", 5),
        ("Middel", 3),
        ("Laag", 1),
        ("H", 5),
        ("M", 3),
        ("L", 1),
        ("Klein", 1),
        ("Groot", 5),
        ("3 - Gemiddeld", 3),
        ("4. Hoog", 4),
        ("Hoog (4)", 4),
        ("Likely", 4),
        ("Severe", 5),
        ("Minor", 2),
    ],
)
def test_level_forms(text, expected):
    parsed = parse_level(cells(text))
    pd.testing.assert_series_equal(parsed.values, levels(expected))
    assert parsed.invalid.tolist() == [False]


@pytest.mark.parametrize("text", ["0", "6", "2.5", "35%", "0.3", "true", "veel"])
def test_unreadable_levels(text):
    parsed = parse_level(cells(text, None))
    pd.testing.assert_series_equal(parsed.values, levels(None, None))
    assert parsed.invalid.tolist() == [True, False]


def test_five_word_scale_for_levels():
    parsed = parse_level(cells("Zeer laag", "Laag", "Gemiddeld", "Hoog", "Zeer hoog"))
    pd.testing.assert_series_equal(parsed.values, levels(1, 2, 3, 4, 5))
    assert parsed.convention == FIVE_WORDS


@pytest.mark.parametrize(
    ("probability", "level"),
    [
        (0.0, 1),
        (0.2, 1),  # band edges belong to the lower band: [0, 0.2] -> 1
        (0.21, 2),
        (0.4, 2),
        (0.5, 3),
        (0.6, 3),  # 0.6 * 5 = 3.0000000000000004 in binary: still band 3
        (0.61, 4),
        (0.8, 4),
        (0.81, 5),
        (1.0, 5),
        (1.1, None),
        (-0.1, None),
        (None, None),
    ],
)
def test_probability_to_level(probability, level):
    found = probability_to_level(floats(probability))
    pd.testing.assert_series_equal(found, levels(level))


def test_level_to_probability():
    found = level_to_probability(pd.Series([1, 2, 3, 4, 5, 0, 6, None], dtype="Int8", index=list("abcdefgh")))
    expected = floats(0.1, 0.3, 0.5, 0.7, 0.9, None, None, None).set_axis(list("abcdefgh"))
    pd.testing.assert_series_equal(found, expected)

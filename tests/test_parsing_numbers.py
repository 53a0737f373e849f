"""Amounts, quantities and percentages, and the thousands/decimal convention decided per column."""

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.ingest.parsing import parse_amounts, parse_numbers, parse_percent

DUTCH_AMOUNTS = "Dutch amounts (1.234,56)"
ENGLISH_AMOUNTS = "English amounts (1,234.56)"
ASSUMED = "decimal point assumed (8.000 = 8, 1,234 = 1234)"


def cells(*texts: str | None) -> pd.Series:
    return pd.Series(list(texts), dtype="str")


def floats(*values: float | None) -> pd.Series:
    return pd.Series([np.nan if value is None else value for value in values], dtype="float64")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 1.234,56", 1234.56),
        ("EUR 1,234.56", 1234.56),
        ("1.234.567", 1234567.0),  # two point groups: Dutch thousands
        ("1,234,567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("(1.234,56)", -1234.56),  # brackets are negative
        ("-1234", -1234.0),
        ("1234.5", 1234.5),  # an Excel number cell
        ("1.5e-05", 0.000015),  # a small Excel number cell
        ("€ -12,50", -12.5),
        ("-€ 12,50", -12.5),
        ("\u2212 5", -5.0),  # Unicode minus
        ("12.50-", -12.5),  # trailing minus (SAP)
        ("€ 12,-", 12.0),  # Dutch: twelve euro, no cents
        ("€ 1.250,-", 1250.0),
        ("1 234,56", 1234.56),  # space as thousands separator
        ("1\u00a0234,56", 1234.56),  # non-breaking space
        ("0,125", 0.125),  # a group never starts with 0: a decimal
        ("0.125", 0.125),
        (",5", 0.5),
        ("€ 8.000", 8000.0),  # money is not written with three decimals
        ("€ 1,234", 1234.0),
        ("k€ 12", 12000.0),  # the cell's own unit
        ("12k", 12000.0),
        ("€ 1,2 mln", 1200000.0),
        ("euro 15", 15.0),
    ],
)
def test_amount_forms(text, expected):
    parsed = parse_amounts(cells(text))
    assert parsed.values.tolist() == [expected]
    assert parsed.invalid.tolist() == [False]


@pytest.mark.parametrize("text", ["true", "abc", "1.2.3", "1,2.3", "12,34,5", "€", "35%", "1.234,5.6"])
def test_unreadable_amounts(text):
    parsed = parse_amounts(cells(text))
    assert np.isnan(parsed.values[0])
    assert parsed.invalid.tolist() == [True]


def test_empty_amount_cells_are_missing_not_invalid():
    parsed = parse_amounts(cells(None, "", "   ", "-", "12"))
    pd.testing.assert_series_equal(parsed.values, floats(None, None, None, None, 12.0))
    assert not parsed.invalid.any()


@pytest.mark.parametrize(
    ("column", "expected", "convention"),
    [
        # A lone 8.000 among Dutch amounts is eight thousand; the Excel number cell 1234.5 stays 1234.5.
        (["€ 20.000,00", "8.000", "1234.5"], [20000.0, 8000.0, 1234.5], DUTCH_AMOUNTS),
        # Among English amounts it is eight.
        (["1,234.56", "8.000"], [1234.56, 8.0], ENGLISH_AMOUNTS),
        # A column that shows nothing reads it the English way, and says it assumed so.
        (["8.000", "1234.5"], [8.0, 1234.5], ASSUMED),
        (["1,234", "12"], [1234.0, 12.0], ASSUMED),
        # A decimal comma (32,50) makes the column Dutch: 1,234 is then one point two three four.
        (["1,234", "32,50"], [1.234, 32.5], DUTCH_AMOUNTS),
        # Excel number cells show nothing: two of them do not outvote one Dutch text.
        (["1234.5", "2500.75", "20.000,00", "8.000"], [1234.5, 2500.75, 20000.0, 8000.0], DUTCH_AMOUNTS),
        # Rows weigh: 2 Dutch rows beat 1 English row; the English value still reads as written.
        (["1.234,56", "1.234,56", "1,234.56", "8.000"], [1234.56, 1234.56, 1234.56, 8000.0], DUTCH_AMOUNTS),
        (["1,234.56", "1,234.56", "1.234,56", "8.000"], [1234.56, 1234.56, 1234.56, 8.0], ENGLISH_AMOUNTS),
        # Only unambiguous values: nothing to decide, nothing to report.
        (["1234.5", "12"], [1234.5, 12.0], ""),
    ],
)
def test_separators_are_decided_per_column(column, expected, convention):
    parsed = parse_amounts(cells(*column))
    pd.testing.assert_series_equal(parsed.values, floats(*expected))
    assert parsed.convention == convention


def test_multiplier_scales_all_but_cells_with_their_own_unit():
    # Header "Budget (k€)": 12 -> 12,000; 1,5 -> 1,500; "k€ 2" already says thousands -> 2,000.
    parsed = parse_amounts(cells("12", "1,5", "k€ 2", None), multiplier=1000.0)
    pd.testing.assert_series_equal(parsed.values, floats(12000.0, 1500.0, 2000.0, None))
    assert parsed.convention == "Dutch amounts (1.234,56); x 1,000"


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (["32,5", "40"], [32.5, 40.0]),
        (["40 uur", "40 h", "36 hrs", "0,8 fte"], [40.0, 40.0, 36.0, 0.8]),
        (["32,5", "1.000"], [32.5, 1000.0]),  # Dutch column: 1.000 is a thousand
        (["1.000"], [1.0]),  # nothing shows Dutch: one
        (["7.5", "8"], [7.5, 8.0]),
    ],
)
def test_numbers(column, expected):
    parsed = parse_numbers(cells(*column))
    pd.testing.assert_series_equal(parsed.values, floats(*expected))
    assert not parsed.invalid.any()


def test_unreadable_numbers():
    parsed = parse_numbers(cells("veel", "true", "8"))
    pd.testing.assert_series_equal(parsed.values, floats(None, None, 8.0))
    assert parsed.invalid.tolist() == [True, True, False]


@pytest.mark.parametrize(
    ("column", "expected", "convention"),
    [
        (["35%", "35", "35,5%", "100%", "0%"], [35.0, 35.0, 35.5, 100.0, 0.0], "Dutch numbers (1.234,5)"),
        (["35 %", "50"], [35.0, 50.0], ""),
        # Every plain number within 0-1: a column of fractions (Excel stores 35% as 0.35).
        (["0.35", "1", "0", "0.29"], [35.0, 100.0, 0.0, 29.0], "fractions (0.35 = 35%)"),
        (["35%", "0.5"], [35.0, 50.0], "fractions (0.35 = 35%)"),  # "%" values are not plain numbers
        (["0.5", "50"], [0.5, 50.0], ""),  # 50 is no fraction: 0.5 means half a percent
        (["0", "0"], [0.0, 0.0], ""),
    ],
)
def test_percent(column, expected, convention):
    parsed = parse_percent(cells(*column))
    pd.testing.assert_series_equal(parsed.values, floats(*expected))
    assert not parsed.invalid.any()
    assert parsed.convention == convention


@pytest.mark.parametrize("text", ["true", "false", "-5", "150", "101%", "veel"])
def test_unreadable_percent(text):
    parsed = parse_percent(cells(text, "35"))
    pd.testing.assert_series_equal(parsed.values, floats(None, 35.0))
    assert parsed.invalid.tolist() == [True, False]

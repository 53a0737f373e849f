"""Numbers written for people: one table of inputs and the text expected for each formatter."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.formatting import (
    format_count,
    format_date,
    format_days,
    format_hours,
    format_money,
    format_percent,
    format_ratio,
)

MISSING_VALUES = [None, float("nan"), np.nan, pd.NA, pd.NaT, float("inf"), float("-inf"), "not a number"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_234_567, "€ 1.2 M"),
        (12_500, "€ 12.5 k"),
        (950, "€ 950"),
        (-2_500_000, "-€ 2.5 M"),
        (0, "€ 0"),
        (-0.3, "€ 0"),  # rounds to nothing: no minus sign
        (949.5, "€ 950"),  # half up
        (999.6, "€ 1.0 k"),  # 1,000 whole euros is already thousands
        (999_940, "€ 999.9 k"),
        (999_960, "€ 1.0 M"),  # 999.96 k would read "1,000.0 k": the next unit takes it
        (1_000_000, "€ 1.0 M"),
        (2_340_000_000, "€ 2.3 bn"),
        (np.float64(1_500), "€ 1.5 k"),
        (np.int64(-12_500), "-€ 12.5 k"),
    ],
)
def test_format_money(value, expected):
    assert format_money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(300_000, "+€ 300.0 k"), (-50_000, "-€ 50.0 k"), (0, "€ 0"), (0.2, "€ 0")],
)
def test_format_money_signed_shows_the_direction_of_a_change(value, expected):
    assert format_money(value, signed=True) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.9349, "0.93"),
        (1, "1.00"),
        (0.925, "0.93"),  # half up as written (the binary 0.925 is 0.92499...)
        (1.105, "1.11"),
        (-0.001, "0.00"),  # no "-0.00"
        (12.3456, "12.35"),
    ],
)
def test_format_ratio(value, expected):
    assert format_ratio(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(-0.05, "-0.05"), (0.05, "+0.05"), (0.0, "0.00")])
def test_format_ratio_signed(value, expected):
    assert format_ratio(value, signed=True) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, "12 days"),
        (1, "1 day"),
        (-1, "-1 day"),
        (0, "0 days"),
        (-3, "-3 days"),
        (12.5, "13 days"),
        (2.4, "2 days"),
        (1234, "1,234 days"),
        (0.6, "1 day"),
    ],
)
def test_format_days(value, expected):
    assert format_days(value) == expected


def test_format_days_signed():
    assert [format_days(7, signed=True), format_days(-7, signed=True)] == ["+7 days", "-7 days"]


@pytest.mark.parametrize(
    ("fraction", "decimals", "expected"),
    [
        (0.934, 0, "93%"),
        (1.125, 0, "113%"),  # 112.5% half up; Python's f"{112.5:.0f}" gives "112"
        (0.0, 0, "0%"),
        (0.12345, 1, "12.3%"),
        (15.0, 0, "1,500%"),
    ],
)
def test_format_percent(fraction, decimals, expected):
    assert format_percent(fraction, decimals) == expected


def test_format_percent_signed():
    assert format_percent(-0.05, signed=True) == "-5%"
    assert format_percent(0.05, signed=True) == "+5%"


@pytest.mark.parametrize(("value", "expected"), [(1234.5, "1,235 h"), (0, "0 h"), (40, "40 h"), (7.49, "7 h")])
def test_format_hours(value, expected):
    assert format_hours(value) == expected


@pytest.mark.parametrize(("value", "signed", "expected"), [(3, False, "3"), (1234, False, "1,234"), (2, True, "+2")])
def test_format_count(value, signed, expected):
    assert format_count(value, signed=signed) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-31", "31 Mar 2026"),
        (pd.Timestamp("2026-12-01 14:30"), "1 Dec 2026"),
        (dt.date(2026, 1, 5), "5 Jan 2026"),
        (np.datetime64("2027-07-04"), "4 Jul 2027"),
        (None, "—"),
        (pd.NaT, "—"),
        (np.nan, "—"),
        ("not a date", "—"),
    ],
)
def test_format_date(value, expected):
    assert format_date(value) == expected


@pytest.mark.parametrize(
    "formatter", [format_money, format_ratio, format_days, format_percent, format_hours, format_count]
)
@pytest.mark.parametrize("value", MISSING_VALUES)
def test_missing_numbers_are_a_dash(formatter, value):
    assert formatter(value) == "—"

"""Date cells and month headers: every form the importer reads, and the day/month order per column."""

import pandas as pd
import pytest

from pmo_analytics.ingest.parsing import parse_dates, parse_period_header
from pmo_analytics.ingest.parsing_dates import DAY_FIRST, DAY_FIRST_ASSUMED, MONTH_FIRST, SERIALS


def cells(*texts: str | None) -> pd.Series:
    return pd.Series(list(texts), dtype="str")


def dates(*texts: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts)), dtype="datetime64[ns]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-15 00:00:00", "2026-03-15"),  # an Excel date cell as the reader gives it
        ("2026-03-15 13:45:10", "2026-03-15"),  # time of day dropped
        ("2026-03-15T10:30:00", "2026-03-15"),
        # Excel serial: 46023 is 2026-01-01; + 31 (Jan) + 28 (Feb) + 14 = 46096 -> 15 March
        ("46096", "2026-03-15"),
        ("46096.75", "2026-03-15"),  # 18:00 on that day
        ("2026-03-15", "2026-03-15"),
        ("2026/03/15", "2026-03-15"),
        ("20260315", "2026-03-15"),
        ("15-03-2026", "2026-03-15"),
        ("15/03/2026", "2026-03-15"),
        ("15.03.2026", "2026-03-15"),
        ("15-3-26", "2026-03-15"),  # two-digit year: 00-68 -> 2000s
        ("15-3-99", "1999-03-15"),  # 69-99 -> 1900s
        ("15-03-2026 14:30", "2026-03-15"),
        ("ma 15-3-26", "2026-03-15"),  # MS Project's Dutch weekday prefix
        ("15 mrt 2026", "2026-03-15"),
        ("15 maart 2026", "2026-03-15"),
        ("15 mrt. 2026", "2026-03-15"),
        ("15 maa 2026", "2026-03-15"),
        ("15 mei 2026", "2026-05-15"),
        ("3 okt 2026", "2026-10-03"),
        ("March 15, 2026", "2026-03-15"),
        ("Sunday, March 15, 2026", "2026-03-15"),
        ("March 15th, 2026", "2026-03-15"),
        ("15-Mar-2026", "2026-03-15"),
        ("15-Mar-26", "2026-03-15"),
        ("mrt 2026", "2026-03-01"),  # a month is its first day
        ("Mar 2026", "2026-03-01"),
        ("maart 2026", "2026-03-01"),
        ("Sept. 2026", "2026-09-01"),
        ("jan-26", "2026-01-01"),
        ("2026-03", "2026-03-01"),
        ("03-2026", "2026-03-01"),
        ("29-02-2028", "2028-02-29"),  # a leap year
    ],
)
def test_date_forms(text, expected):
    parsed = parse_dates(cells(text))
    pd.testing.assert_series_equal(parsed.values, dates(expected))
    assert not parsed.invalid.any()


@pytest.mark.parametrize(
    "text",
    [
        "31-02-2026",  # exists in no calendar: unreadable, not rolled over to 3 March
        "29-02-2025",  # 2025 is no leap year
        "2026-13-01",
        "2026-02-30",
        "32-01-2026",
        "15 foo 2026",
        "mrt",  # a month without a year
        "12345",  # a number outside the serial range 20000-80000
        "2026",
        "true",
        "hallo",
    ],
)
def test_unreadable_dates_are_flagged(text):
    parsed = parse_dates(cells(text))
    assert pd.isna(parsed.values[0])
    assert parsed.invalid.tolist() == [True]


@pytest.mark.parametrize("text", [None, "", "   ", "\u00a0", "n.v.t.", "-", "tbd"])
def test_empty_cells_are_missing_not_invalid(text):
    parsed = parse_dates(cells(text, "15-03-2026"))
    pd.testing.assert_series_equal(parsed.values, dates(None, "2026-03-15"))
    assert parsed.invalid.tolist() == [False, False]


@pytest.mark.parametrize(
    ("column", "expected", "convention"),
    [
        # Nothing shows the order: 03/04/2026 is 3 April (day-first), and the report says it was assumed.
        (["03/04/2026"], ["2026-04-03"], DAY_FIRST_ASSUMED),
        # 15/04/2026 can only be day-first: the column proves it.
        (["03/04/2026", "15/04/2026"], ["2026-04-03", "2026-04-15"], DAY_FIRST),
        # 12/25/2026 can only be month-first, and nothing is only day-first: 03/04/2026 is 4 March.
        (["03/04/2026", "12/25/2026"], ["2026-03-04", "2026-12-25"], MONTH_FIRST),
        # Both kinds: day-first stays, and 12/25/2026 (month 25) is unreadable.
        (["03/04/2026", "12/25/2026", "25/12/2026"], ["2026-04-03", None, "2026-12-25"], DAY_FIRST),
    ],
)
def test_day_month_order_is_decided_per_column(column, expected, convention):
    parsed = parse_dates(cells(*column))
    pd.testing.assert_series_equal(parsed.values, dates(*expected))
    assert parsed.invalid.tolist() == [value is None for value in expected]
    assert parsed.convention == convention


def test_the_order_can_be_forced():
    assert parse_dates(cells("03/04/2026"), dayfirst=False).values.tolist() == [pd.Timestamp("2026-03-04")]
    forced = parse_dates(cells("03/04/2026", "12/25/2026"), dayfirst=True)
    assert forced.values.tolist()[0] == pd.Timestamp("2026-04-03")
    assert forced.invalid.tolist() == [False, True]
    assert forced.convention == DAY_FIRST


def test_a_mixed_column_keeps_its_index_and_reports_serials():
    column = pd.Series(["2026-03-15 00:00:00", None, "46097", "1 april 2026", "2026-02-29"], index=[5, 6, 7, 8, 9])
    parsed = parse_dates(column)
    expected = dates("2026-03-15", None, "2026-03-16", "2026-04-01", None).set_axis([5, 6, 7, 8, 9])
    pd.testing.assert_series_equal(parsed.values, expected)
    pd.testing.assert_series_equal(parsed.invalid, pd.Series([False, False, False, False, True], index=expected.index))
    assert parsed.convention == SERIALS  # no numeric d/m/y values: no order to report


def test_an_empty_column():
    parsed = parse_dates(pd.Series([], dtype="str"))
    assert parsed.values.dtype == "datetime64[ns]"
    assert parsed.values.empty and parsed.invalid.empty


@pytest.mark.parametrize(
    ("header", "default_year", "expected"),
    [
        ("Jan 2026", None, "2026-01-01"),
        ("jan-26", None, "2026-01-01"),
        ("Jan '26", None, "2026-01-01"),
        ("januari 2026", None, "2026-01-01"),
        ("Maart 2026", None, "2026-03-01"),
        ("2026-01", None, "2026-01-01"),
        ("01-2026", None, "2026-01-01"),
        ("2026-01-01 00:00:00", None, "2026-01-01"),  # an Excel date header
        ("2026-01-15 00:00:00", None, "2026-01-01"),  # any day -> its month
        ("46023", None, "2026-01-01"),  # the serial of 2026-01-01
        ("mrt", 2026, "2026-03-01"),  # a bare month takes the default year
        ("Sept.", 2025, "2025-09-01"),
        ("mrt", None, None),  # ... and is no month without one
        ("Q1 2026", 2026, None),  # months only
        ("Totaal", 2026, None),
        ("Total", None, None),
        ("Project", 2026, None),
        ("2026", None, None),
        ("31-02-2026", None, None),
        (None, 2026, None),
    ],
)
def test_period_headers(header, default_year, expected):
    found = parse_period_header(header, default_year=default_year)
    assert found == (pd.Timestamp(expected) if expected else None)


@pytest.mark.parametrize(
    "text",
    ["2026-03-15 00:00:00", "46096", "15.03.2026", "15-3-26", "15 mrt 2026", "March 15, 2026", "2026-03", "mrt 2026"],
)
def test_headers_and_cells_read_dates_alike(text):
    # parse_period_header has its own scalar reader (fast per header); it must agree with parse_dates.
    cell = parse_dates(cells(text)).values[0]
    assert parse_period_header(text) == pd.Timestamp(year=cell.year, month=cell.month, day=1)

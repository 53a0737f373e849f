"""The parsing API: text, keys, enums, dispatch by contract kind, and whole columns of 200,000 rows.

Dates, numbers and risk scales have their own modules: test_parsing_dates, _numbers, _levels.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pmo_analytics import schema
from pmo_analytics.ingest import parsing
from pmo_analytics.ingest.parsing import (
    Parsed,
    normalise_values,
    parse_amounts,
    parse_column,
    parse_dates,
    parse_enum,
    parse_id,
    parse_text,
)


def cells(*texts: str | None) -> pd.Series:
    return pd.Series(list(texts), dtype="str")


def texts(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def test_all_names_are_exported():
    assert all(callable(getattr(parsing, name)) for name in parsing.__all__)


def test_text_is_stripped_and_blank_is_missing():
    parsed = parse_text(pd.Series([" Alpha ", "", "   ", None, "-", "Hoog"], index=[2, 3, 4, 5, 6, 7], dtype="str"))
    expected = texts("Alpha", None, None, None, "-", "Hoog").set_axis([2, 3, 4, 5, 6, 7])
    pd.testing.assert_series_equal(parsed.values, expected)  # text keeps "-" as written
    assert not parsed.invalid.any()


def test_text_from_an_object_column():
    parsed = parse_text(pd.Series(["a", None, 12], dtype=object))
    pd.testing.assert_series_equal(parsed.values, texts("a", None, "12"))


def test_ids():
    # A key column read from number cells arrives as "1001.0"; 1001.5 is no whole number and stays.
    parsed = parse_id(cells("1001.0", " P-01 ", "1001", "0042", "1001.5", "-", None))
    pd.testing.assert_series_equal(parsed.values, texts("1001", "P-01", "1001", "0042", "1001.5", None, None))
    assert not parsed.invalid.any()


@pytest.mark.parametrize(
    ("values", "text", "expected"),
    [
        (schema.PROJECT_STATUS, "Lopend", "active"),
        (schema.PROJECT_STATUS, " ON-HOLD ", "on_hold"),
        (schema.PROJECT_STATUS, "on_hold", "on_hold"),  # the canonical value itself
        (schema.PROJECT_STATUS, "Geannuleerd", "cancelled"),
        (schema.PROJECT_STATUS, "Afgerond", "completed"),
        (schema.RAG, "Groen", "green"),
        (schema.RAG, "ORANJE", "amber"),
        (schema.OPEN_CLOSED, "Geëscaleerd", "open"),
        (schema.OPEN_CLOSED, "In behandeling", "open"),
        (schema.OPEN_CLOSED, "Gesloten", "closed"),
    ],
)
def test_enum_words(values, text, expected):
    parsed = parse_enum(cells(text), values)
    pd.testing.assert_series_equal(parsed.values, texts(expected))
    assert parsed.invalid.tolist() == [False]


def test_unknown_enum_words_are_invalid():
    parsed = parse_enum(cells("Lopend", "Misschien", None, "  "), schema.PROJECT_STATUS)
    pd.testing.assert_series_equal(parsed.values, texts("active", None, None, None))
    assert parsed.invalid.tolist() == [False, True, False, False]


@pytest.mark.parametrize(
    "text", ["  On-Hold ", "Geëscaleerd", "IN_PROGRESS", "Niet gestart!", "ÅNGSTRÖM", "ﬁnished", "50%  klaar", "Ⅻ", "ß"]
)
def test_arrow_normalisation_matches_the_schema(text):
    # parse_enum normalises with Arrow kernels; they must agree with schema.normalise_value.
    assert normalise_values(pa.array([text], pa.large_string())).to_pylist() == [schema.normalise_value(text)]


@pytest.mark.parametrize(
    ("table", "column", "text", "expected"),
    [
        ("projects", "project_id", "1001.0", "1001"),
        ("projects", "project_name", "  Alpha ", "Alpha"),
        ("projects", "start_date", "15-03-2026", pd.Timestamp("2026-03-15")),
        ("projects", "budget", "€ 1.234,56", 1234.56),
        ("projects", "percent_complete", "35%", 35.0),
        ("projects", "status", "Lopend", "active"),
        ("projects", "reported_status", "Rood", "red"),
        ("risks", "probability", "35%", 0.35),
        ("risks", "impact_level", "Hoog", 5),
        ("people", "weekly_hours", "32,5", 32.5),
    ],
)
def test_parse_column_dispatches_on_kind(table, column, text, expected):
    parsed = parse_column(cells(text), schema.TABLES[table].column(column))
    assert isinstance(parsed, Parsed)
    assert parsed.values.tolist() == [expected]


def test_parse_column_passes_the_multiplier_to_amounts_only():
    budget = schema.PROJECTS.column("budget")
    hours = schema.PEOPLE.column("weekly_hours")
    assert parse_column(cells("12"), budget, multiplier=1000.0).values.tolist() == [12000.0]
    assert parse_column(cells("12"), hours, multiplier=1000.0).values.tolist() == [12.0]


def test_result_dtypes():
    assert parse_dates(cells("2026-03-15")).values.dtype == "datetime64[ns]"
    assert parse_amounts(cells("1")).values.dtype == "float64"
    assert parse_column(cells("3"), schema.RISKS.column("impact_level")).values.dtype == "Int8"
    assert parse_text(cells("a")).values.dtype == "str"
    assert parse_text(cells("a")).invalid.dtype == "bool"


def test_a_200000_row_date_column():
    # 50,000 times the same day written four ways, with an empty and an impossible date mixed in.
    column = pd.Series(
        ["2026-03-15 00:00:00", "15-03-2026", "46096", "15 mrt 2026", None, "31-02-2026"] * 50_000, dtype="str"
    )
    parsed = parse_dates(column)
    assert (parsed.values.dropna() == pd.Timestamp("2026-03-15")).sum() == 200_000
    assert parsed.values.isna().sum() == 100_000
    assert parsed.invalid.sum() == 50_000  # only the 31st of February
    assert parsed.invalid.iloc[5] and not parsed.invalid.iloc[4]


def test_a_200000_row_amount_column_of_distinct_values():
    # "€ 0,50" ... "€ 199999,50": sum(0..199999) = 199999 * 200000 / 2 = 19,999,900,000, plus 200,000 x 0.50.
    column = pd.Series([f"€ {i},50" for i in range(200_000)], dtype="str")
    parsed = parse_amounts(column)
    assert parsed.values.sum() == 20_000_000_000.0
    assert parsed.values.iloc[1234] == 1234.5
    assert not parsed.invalid.any()
    assert parsed.convention == "Dutch amounts (1.234,56)"


def test_a_200000_row_amount_column_keeps_the_column_convention():
    # Dutch text with Excel number cells and a lone 8.000: per 4 rows 1234.56 + 8000 + 1234.5 - 10 = 10,459.06.
    column = pd.Series(["€ 1.234,56", "8.000", "1234.5", "(10,00)"] * 50_000, index=np.arange(200_000) + 2, dtype="str")
    parsed = parse_amounts(column)
    assert parsed.values.sum() == pytest.approx(50_000 * 10_459.06)
    assert parsed.values.loc[3] == 8000.0  # index kept: the second row is Excel row 3

"""Value parsers: one column of cell texts in, one typed column out, conventions decided per column.

Input is a Series of cell texts as the reader gives them (str dtype, NA for empty): Excel date cells
as "2026-03-15 00:00:00", number cells as "1234.5", booleans as "true", typed text as typed. Every
parser returns a :class:`Parsed` with the values (same index), a flag per row that was non-empty but
unreadable, and the convention it chose for the import report ("day-first dates (15-03-2026)").

Parsers work over whole columns (pyarrow kernels on the column's distinct texts), never row by row.
The kinds are those of :data:`pmo_analytics.schema.Kind`; dates, numbers and risk scales live in
parsing_dates, parsing_numbers and parsing_levels.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_analytics import schema
from pmo_analytics.ingest.parsing_base import Parsed, distinct, replace
from pmo_analytics.ingest.parsing_dates import parse_dates, parse_period_header
from pmo_analytics.ingest.parsing_levels import parse_level, parse_probability
from pmo_analytics.ingest.parsing_numbers import parse_amounts, parse_numbers, parse_percent
from pmo_analytics.schema import level_to_probability, probability_to_level

__all__ = [
    "Parsed",
    "level_to_probability",
    "parse_amounts",
    "parse_column",
    "parse_dates",
    "parse_enum",
    "parse_id",
    "parse_level",
    "parse_numbers",
    "parse_percent",
    "parse_period_header",
    "parse_probability",
    "parse_text",
    "probability_to_level",
]


def parse_text(s: pd.Series) -> Parsed:
    """Text cells, stripped; "" and whitespace-only -> NA. One entry per input row. Never invalid."""
    cells = distinct(s, placeholders=False)
    return cells.result(cells.texts)


def parse_id(s: pd.Series) -> Parsed:
    """Key cells as text: stripped, "1001.0" (a number cell read as float) -> "1001". One entry per input row.

    A placeholder ("-", "n.v.t.") is empty, so a row keyed by it counts as missing its key.
    """
    cells = distinct(s)
    return cells.result(replace(cells.texts, r"^(-?\d+)\.0+$", r"\1"))


def enum_lookup(values: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised word -> canonical value; the canonical name itself counts ("on_hold" <- "On hold")."""
    words: dict[str, str] = {}
    for canonical, synonyms in values.items():
        for word in (canonical, *synonyms):
            words.setdefault(schema.normalise_value(word), canonical)
    return words


def normalise_values(texts: pa.Array) -> pa.Array:
    """:func:`schema.normalise_value` over an Arrow array: "  On-Hold " -> "on hold", "Geëscaleerd" -> "geescaleerd"."""
    accented = pc.invert(pc.string_is_ascii(texts).fill_null(True))
    if pc.any(accented).as_py():  # NFKD and dropping accents cost: only where a text needs it
        stripped = replace(pc.utf8_normalize(pc.filter(texts, accented), "NFKD"), r"\p{Mn}+")
        texts = pc.replace_with_mask(texts, accented, stripped)
    return pc.utf8_trim(replace(pc.utf8_lower(texts), r"[^0-9a-z%]+", " "), " ")


def parse_enum(s: pd.Series, values: dict[str, tuple[str, ...]]) -> Parsed:
    """Cells -> the canonical value whose synonyms hold them ("Lopend" -> "active"); unknown words invalid.

    One entry per input row. Words are matched after :func:`schema.normalise_value`.
    """
    cells = distinct(s)
    words = enum_lookup(values)
    canonical = pa.array(list(words.values()), pa.large_string())
    found = pc.index_in(normalise_values(cells.texts), value_set=pa.array(list(words), pa.large_string()))
    return cells.result(pc.take(canonical, found))


def parse_column(s: pd.Series, column: schema.Column, *, multiplier: float = 1.0) -> Parsed:
    """Parse one column by its contract kind; ``multiplier`` (k€ headers) applies to amounts only."""
    if column.kind == "id":
        return parse_id(s)
    if column.kind == "text":
        return parse_text(s)
    if column.kind == "date":
        return parse_dates(s)
    if column.kind == "amount":
        return parse_amounts(s, multiplier=multiplier)
    if column.kind == "number":
        return parse_numbers(s)
    if column.kind == "percent":
        return parse_percent(s)
    if column.kind == "probability":
        return parse_probability(s)
    if column.kind == "level":
        return parse_level(s)
    if column.kind == "enum":
        return parse_enum(s, column.values)
    raise ValueError(f"{column.name}: unknown kind {column.kind!r}")

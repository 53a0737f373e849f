"""Machinery shared by the value parsers: the ``Parsed`` result and parsing over a column's distinct texts.

A parser never loops over rows. It factorises the column into its distinct stripped texts (a
200,000-row date column holds a few thousand distinct dates at most), reads those with pyarrow
compute kernels (RE2 regular expressions, casts), decides the column's convention from them
(weighted by how many rows hold each text) and spreads the results back to the rows with one
numpy ``take``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Parsed:
    """One column read into a typed Series. One entry per input row, same index as the input."""

    values: pd.Series  # datetime64[ns] / float64 / Int8 / str; NA where empty or unreadable
    invalid: pd.Series  # bool: True where the cell was non-empty but could not be read
    convention: str = ""  # the choice made for this column, e.g. "day-first dates (15-03-2026)"


# Cells that mean "nothing here" in typed columns: empty, not unreadable ("n.v.t." = not applicable).
PLACEHOLDERS = (
    "-",
    "--",
    "---",
    "\u2013",
    "\u2014",
    "n/a",
    "n.a.",
    "nvt",
    "n.v.t.",
    "n.v.t",
    "tbd",
    "t.b.d.",
    "ntb",
    "n.t.b.",
    "nader te bepalen",
    "to be determined",
)


@dataclass(frozen=True)
class Distinct:
    """The distinct non-empty texts of one column (stripped), and where each row's text sits among them."""

    index: pd.Index  # the input's index
    codes: np.ndarray  # per row: position in `texts`, -1 for an empty cell
    texts: pa.Array  # distinct texts, stripped, case kept
    lower: pa.Array  # the same texts in lower case
    counts: np.ndarray  # rows holding each distinct text (0 for texts that became empty)

    def spread(self, values: np.ndarray, empty: object) -> np.ndarray:
        """Per-distinct ``values`` -> per-row array; rows with an empty cell get ``empty``."""
        # Index -1 picks the sentinel appended at the end.
        return np.append(values, np.array([empty], dtype=values.dtype))[self.codes]

    def result(self, values: np.ndarray | pa.Array, convention: str = "", dtype: str | None = None) -> Parsed:
        """Per-distinct parsed values (NA/NaN/NaT where unreadable) -> the column's Parsed."""
        if isinstance(values, pa.Array | pa.ChunkedArray):  # text kinds: keep Arrow strings
            unreadable = values.is_null().to_numpy(zero_copy_only=False)
            indices = pa.array(self.codes, mask=self.codes < 0)
            column = pd.Series(pd.array(pc.take(values, indices), dtype="str"), index=self.index)
        else:
            unreadable = pd.isna(values)
            empty = np.datetime64("NaT", "ns") if values.dtype.kind == "M" else np.nan
            column = pd.Series(self.spread(values, empty), index=self.index)
            if dtype is not None:
                column = column.astype(dtype)
        invalid = pd.Series(self.spread(np.asarray(unreadable, dtype=bool), False), index=self.index)
        return Parsed(column, invalid, convention)


def distinct(column: pd.Series, *, placeholders: bool = True) -> Distinct:
    """Factorise a column of cell texts; whitespace-only cells (and placeholders like "-") are empty."""
    if column.dtype != "str":
        column = column.astype("str")  # object columns from other callers: None stays missing
    cells = pa.array(column)  # zero-copy for pandas' Arrow-backed str
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    encoded = cells.cast(pa.large_string()).dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    texts = pc.utf8_trim_whitespace(encoded.dictionary)
    lower = pc.utf8_lower(texts)
    empty = pc.equal(pc.utf8_length(texts), 0)
    if placeholders:
        empty = pc.or_(empty, pc.is_in(lower, value_set=pa.array(PLACEHOLDERS, pa.large_string())))
    empty_texts = empty.to_numpy(zero_copy_only=False)
    if empty_texts.any():
        codes = np.where((codes >= 0) & empty_texts[codes], -1, codes)
    counts = np.bincount(codes[codes >= 0], minlength=len(texts))
    return Distinct(column.index, codes, texts, lower, counts)


def extract(texts: pa.Array, pattern: str) -> dict[str, pa.Array]:
    """Named groups of an RE2 pattern; null where the text does not match."""
    found = pc.extract_regex(texts, pattern)
    matched = found.is_valid()
    out = {}
    for position in range(found.type.num_fields):
        field = found.field(position)
        out[found.type.field(position).name] = pc.if_else(matched, field, pa.scalar(None, field.type))
    return out


def matches(texts: pa.Array, pattern: str) -> np.ndarray:
    """Bool per text: does the RE2 pattern match (search; anchor it with ^ and $)."""
    return pc.match_substring_regex(texts, pattern).fill_null(False).to_numpy(zero_copy_only=False)


def replace(texts: pa.Array, pattern: str, replacement: str = "") -> pa.Array:
    return pc.replace_substring_regex(texts, pattern, replacement)


def to_float(texts: pa.Array) -> np.ndarray:
    """Digits as text -> float64; null or "" -> NaN."""
    texts = pc.if_else(pc.equal(texts, ""), pa.scalar(None, texts.type), texts)
    return pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False)


def lookup(texts: pa.Array, table: dict[str, float]) -> np.ndarray:
    """Look texts up in a small dict (month or level words) without a Python loop: NaN when absent."""
    keys = pa.array(list(table), pa.large_string())
    numbers = np.append(np.array(list(table.values()), dtype=float), np.nan)
    found = pc.index_in(pc.cast(texts, pa.large_string()), value_set=keys).fill_null(-1)
    return numbers[found.to_numpy(zero_copy_only=False)]


def contains(texts: pa.Array, literal: str) -> np.ndarray:
    """Bool per text: does it contain ``literal`` (a plain substring, much faster than a regex)."""
    return pc.match_substring(texts, literal).fill_null(False).to_numpy(zero_copy_only=False)


def drop(texts: pa.Array, *literals: str) -> pa.Array:
    """Remove plain substrings, skipping the (slower) replace for those no text contains."""
    for literal in literals:
        if pc.any(pc.match_substring(texts, literal)).as_py():
            texts = pc.replace_substring(texts, literal, "")
    return texts


def matches_where(texts: pa.Array, pattern: str, where: np.ndarray) -> np.ndarray:
    """``matches`` run only on the texts where ``where`` holds (False elsewhere): a regex costs per text."""
    found = np.zeros(len(texts), dtype=bool)
    if where.all():
        return matches(texts, pattern)
    if where.any():
        positions = np.flatnonzero(where)
        found[positions] = matches(texts.take(pa.array(positions)), pattern)
    return found

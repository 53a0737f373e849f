"""Parse and validate extracted rows: every row is either kept or rejected with a reason.

A row is rejected when a required value is missing or unreadable; an optional value that cannot be read is left
empty and reported as a warning with the same detail (sheet, Excel row, column, value), and the row loads.
Duplicate keys are decided later, over all sheets of an import (pipeline.py), because a key may repeat across sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_analytics import schema
from pmo_analytics.ingest.extract import EXTRA, ROW, WHERE, Extracted
from pmo_analytics.ingest.parsing import normalise_values, parse_column

KIND_WORDS = {
    "id": "an ID",
    "text": "text",
    "date": "a date",
    "amount": "an amount",
    "number": "a number",
    "percent": "a percentage (0-100)",
    "probability": "a probability (0-1, a percentage, a level 1-5 or Low/Medium/High)",
    "level": "a level 1-5 (or Low/Medium/High)",
    "enum": "one of",
}


@dataclass
class Validated:
    """One table's rows from one sheet after parsing."""

    source: Extracted
    kept: pd.DataFrame  # typed contract columns + source_file, source_sheet, source_row, extra
    rejected: pd.DataFrame  # ISSUE_COLUMNS + raw
    warnings: pd.DataFrame  # ISSUE_COLUMNS
    conventions: list[str] = field(default_factory=list)


def describe_kind(column: schema.Column) -> str:
    if column.kind == "enum":
        return "one of " + "/".join(column.values)
    return KIND_WORDS[column.kind]


def issue_frame(
    table: str,
    source: Extracted,
    rows: pd.Series,
    column: pd.Series | str,
    values: pd.Series | str,
    reasons: pd.Series | str,
) -> pd.DataFrame:
    """Rejected-row or warning records: table, file, sheet, Excel row, column as written, value, reason."""
    n = len(rows)
    raw = source.plan.raw

    def _col(x: pd.Series | str) -> np.ndarray:
        return np.asarray(x, dtype=object) if isinstance(x, pd.Series) else np.full(n, x, dtype=object)

    return pd.DataFrame(
        {
            "table_name": np.full(n, table, dtype=object),
            "source_file": np.full(n, raw.file_name, dtype=object),
            "sheet": np.full(n, raw.sheet_name, dtype=object),
            "row": pd.array(np.asarray(rows, dtype="int64"), dtype="Int64"),
            "column": _col(column),
            "value": _col(values),
            "reason": _col(reasons),
        }
    ).astype(
        {"table_name": "str", "source_file": "str", "sheet": "str", "column": "str", "value": "str", "reason": "str"}
    )


def _where(source: Extracted, column: str) -> pd.Series:
    """The column as a user sees it: the header, or for a wide grid the month header of each cell."""
    header = source.headers.get(column, column)
    if header == "(month column)":
        return source.data[WHERE].fillna(header)
    return pd.Series(header, index=source.data.index, dtype="str")


def validate(source: Extracted) -> Validated:
    table = schema.TABLES[source.table]
    data = source.data
    raw = source.plan.raw
    parsed: dict[str, pd.Series] = {}
    bad_required = pd.Series(False, index=data.index)
    reasons = pd.Series(pd.NA, index=data.index, dtype="str")
    bad_columns = pd.Series(pd.NA, index=data.index, dtype="str")
    bad_values = pd.Series(pd.NA, index=data.index, dtype="str")
    warnings: list[pd.DataFrame] = []
    conventions: list[str] = []

    def reject(mask: pd.Series, column: str, reason: pd.Series | str) -> None:
        nonlocal bad_required
        fresh = mask & ~bad_required  # the first reason of a row is the one reported
        if not fresh.any():
            return
        where = _where(source, column)
        value = data[column] if column in data else pd.Series(pd.NA, index=data.index, dtype="str")
        reasons.loc[fresh] = reason[fresh] if isinstance(reason, pd.Series) else reason
        bad_columns.loc[fresh] = where[fresh]
        bad_values.loc[fresh] = value[fresh]
        bad_required = bad_required | fresh

    for column in table.columns:
        if column.name not in data:
            continue
        text = data[column.name]
        result = parse_column(text, column, multiplier=source.multipliers.get(column.name, 1.0))
        parsed[column.name] = result.values
        header = source.headers.get(column.name, column.name)
        if result.convention:
            conventions.append(f"{header}: {result.convention}")
        if result.invalid.any():
            expected = describe_kind(column)
            message = "'" + text.astype("str") + f"' is not {expected}"
            # In a month grid the cell is the row: an unreadable month value rejects it.
            from_grid = source.headers.get(column.name) == "(month column)"
            if column.required or from_grid:
                reject(result.invalid, column.name, message)
            else:
                mask = result.invalid
                warnings.append(
                    issue_frame(
                        table.name,
                        source,
                        data.loc[mask, ROW],
                        _where(source, column.name)[mask],
                        text[mask],
                        message[mask] + " (left empty, the row is kept)",
                    )
                )
    for name in table.required:
        if name in parsed:
            missing = parsed[name].isna() & data[name].isna()
        elif name == "project_id" and table.name in ("projects", "milestones"):
            continue  # filled from the project name or the import's only project (pipeline.py)
        else:
            missing = pd.Series(True, index=data.index)
        header = source.headers.get(name, name)
        reject(
            missing,
            name,
            f"{header} is empty: every {table.name[:-1] if table.name.endswith('s') else table.name} needs {name}",
        )
    if table.required_any:
        present = [parsed[n].notna() for n in table.required_any if n in parsed]
        has_any = np.logical_or.reduce(present) if present else pd.Series(False, index=data.index)
        names = "/".join(n for n in table.required_any)
        reject(~pd.Series(has_any, index=data.index), table.required_any[0], f"no value: a row needs one of {names}")
    # A "Totaal" row at the bottom of a register is a sum, not a project.
    for key in (c for c in table.key if c in parsed and schema.TABLES[table.name].column(c).kind in ("id", "text")):
        # Only a short text can be "Totaal": judge the few distinct short values, not every row.
        texts = data[key]
        distinct_texts = pc.unique(pa.array(texts, type=pa.large_string(), from_pandas=True)).drop_null()
        short = distinct_texts.filter(pc.less_equal(pc.utf8_length(distinct_texts), 20))
        is_total = pc.is_in(normalise_values(short), value_set=pa.array(schema.TOTAL_WORDS, short.type))
        totals = short.filter(is_total).to_pylist()
        if totals:
            reject(texts.isin(totals).fillna(False).astype(bool), key, "a total row, not data: not loaded")

    kept_mask = ~bad_required
    every_row = bool(kept_mask.all())  # the usual case: no filtering copy of every column

    def kept_rows(series: pd.Series) -> pd.Series:
        return series if every_row else series[kept_mask]

    kept = pd.DataFrame({name: kept_rows(series) for name, series in parsed.items()})
    kept = kept.assign(
        source_file=raw.file_name,
        source_sheet=raw.sheet_name,
        source_row=kept_rows(data[ROW]).astype("int64"),
        extra=kept_rows(data[EXTRA]),
    )
    rejected = issue_frame(
        table.name,
        source,
        data.loc[bad_required, ROW],
        bad_columns[bad_required],
        bad_values[bad_required],
        reasons[bad_required],
    ).assign(raw=_raw_rows(source, data.loc[bad_required, ROW]))
    warning_frame = (
        pd.concat(warnings, ignore_index=True)
        if warnings
        else issue_frame(table.name, source, pd.Series([], dtype="int64"), "", "", "")
    )
    return Validated(source, kept.reset_index(drop=True), rejected, warning_frame, conventions)


def _raw_rows(source: Extracted, rows: pd.Series) -> np.ndarray:
    """The rejected rows as written, header -> value, as JSON: nothing the user typed is lost."""
    if rows.empty:
        return np.array([], dtype=object)
    cells = source.plan.raw.cells
    labels = {c.position: c.header for c in source.plan.columns}
    labels.update({p.position: p.header for p in source.plan.periods})
    unique_rows = pd.Index(rows.unique())
    frame = cells.loc[unique_rows, [p for p in labels if p in cells.columns]].rename(columns=labels)
    lines = frame.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    by_row = dict(zip(unique_rows, lines, strict=True))
    return np.asarray([by_row[r] for r in rows], dtype=object)

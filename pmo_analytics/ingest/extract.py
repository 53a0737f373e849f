"""From a planned sheet to a long frame of texts: one row per data row (or per month cell of a wide grid).

Still text, not yet parsed: parsing and validation come next (validate.py). Blank rows are not rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from pmo_analytics import schema
from pmo_analytics.ingest._json_rows import json_objects
from pmo_analytics.ingest.mapping import ColumnMap, SheetPlan, _map_row, _measure_from_text

# Columns every extracted frame carries besides the contract columns.
ROW = "source_row"  # Excel row number
WHERE = "source_column"  # header of the cell a wide value came from ("mrt 2026"), else NA
EXTRA = "extra"  # JSON object of the unknown columns of the row


@dataclass
class Extracted:
    """One table's rows from one sheet, as text."""

    plan: SheetPlan
    table: str
    data: pd.DataFrame  # contract columns present (str) + ROW + WHERE + EXTRA
    headers: dict[str, str]  # contract column -> header as written (for messages)
    multipliers: dict[str, float]  # contract column -> 1,000 for "Budget (k€)"
    notes: list[str]


def _body(plan: SheetPlan) -> pd.DataFrame:
    """The rows below the header that hold a value. The reader drops blank rows and its index is ascending,
    so this is usually a slice, not a copy."""
    cells = plan.raw.cells
    body = cells.iloc[int(cells.index.searchsorted(plan.header_row, side="right")) :]
    if body.empty:
        return body
    filled = body.notna().any(axis=1)
    return body if filled.all() else body.loc[filled]


def _extra_json(body: pd.DataFrame, unknown: list[ColumnMap]) -> pd.Series:
    """{"Score (P*I)": "1.2", "Dependencies": "T001"} per row; NA where the row has none of them."""
    if not unknown or body.empty:
        return pd.Series(pd.NA, index=body.index, dtype="str")
    # Two unknown columns under one header: the last one is kept (as the dict of columns always did).
    columns = {column.header: pa.array(body[column.position], from_pandas=True) for column in unknown}
    return pd.Series(json_objects(columns), index=body.index, dtype="str")


def extract(plan: SheetPlan) -> list[Extracted]:
    """The sheet's rows as text; a RAID log with a risk/issue column becomes two tables."""
    body = _body(plan)
    if plan.type_position is None:
        return [_extract_table(plan, plan.table, plan.columns, body)]
    kinds = body[plan.type_position].map(lambda v: schema.normalise_value(v) if isinstance(v, str) else "")
    is_issue = kinds.isin(schema.ISSUE_WORDS)
    issue_plan = _map_row([(c.position, c.header) for c in plan.columns], schema.TABLES["issues"], None)
    issue_columns = issue_plan.columns if issue_plan else []
    for col in issue_columns:
        if col.position == plan.type_position:
            col.target = None
    return [
        _extract_table(plan, "risks", plan.columns, body.loc[~is_issue]),
        _extract_table(plan, "issues", issue_columns, body.loc[is_issue]),
    ]


def _extract_table(plan: SheetPlan, table: str, columns: list[ColumnMap], body: pd.DataFrame) -> Extracted:
    mapped = [c for c in columns if c.target]
    unknown = [c for c in columns if not c.target and c.position != plan.type_position]
    headers = {c.target: c.header for c in mapped}
    multipliers = {c.target: c.multiplier for c in mapped if c.multiplier != 1.0}
    notes = [f"'{c.header}': x {c.multiplier:,.0f}" for c in mapped if c.multiplier != 1.0]
    if not plan.is_wide:
        data = pd.DataFrame({c.target: body[c.position] for c in mapped}, index=body.index)
        data = data.assign(
            **{
                ROW: body.index.astype("int64"),
                WHERE: pd.Series(pd.NA, index=body.index, dtype="str"),
                EXTRA: _extra_json(body, unknown),
            }
        )
        return Extracted(plan, table, data.reset_index(drop=True), headers, multipliers, notes)
    return _extract_wide(plan, table, mapped, unknown, body, headers, multipliers, notes)


def _extract_wide(plan, table, mapped, unknown, body, headers, multipliers, notes) -> Extracted:  # noqa: ANN001
    """Unpivot a month grid: one row per non-empty month cell.

    Projectcode | Kostensoort | jan 2026 | feb 2026        project_id | cost_category | period_date | planned_value
    P-001       | Extern      | 1.000    |            ->   P-001      | Extern        | 2026-01-01  | 1.000
    """
    positions = [p.position for p in plan.periods]
    values = body[positions]
    stacked = values.stack()
    stacked = stacked[stacked.notna()]
    rows = stacked.index.get_level_values(0)
    cols = stacked.index.get_level_values(1)
    period_by_pos = {p.position: p for p in plan.periods}
    data = pd.DataFrame({c.target: body[c.position].reindex(rows).to_numpy() for c in mapped})
    # Month of each cell; a bare month name takes its year from the row's year column.
    months = pd.Series([period_by_pos[c].period for c in cols], dtype="datetime64[ns]")
    if plan.year_position is not None:
        years = pd.to_numeric(body[plan.year_position].reindex(rows), errors="coerce").to_numpy()
        month_numbers = pd.Series([period_by_pos[c].month for c in cols])
        built = pd.to_datetime(pd.DataFrame({"year": years, "month": month_numbers, "day": 1}), errors="coerce")
        months = months.where(months.notna(), built)
    period_text = months.dt.strftime("%Y-%m-%d")
    measure_values = stacked.to_numpy()
    data = data.assign(period_date=period_text.astype("str").to_numpy())
    headers = {**headers, "period_date": "(month column)"}
    if plan.measure_position is not None:
        per_row = body[plan.measure_position].map(lambda v: _measure_from_text(v) if isinstance(v, str) else None)
        measure_of_cell = per_row.reindex(rows).to_numpy()
        for measure in schema.TABLES[table].wide_measures:
            data[measure] = pd.Series(measure_values, dtype="str").where(measure_of_cell == measure).to_numpy()
            headers[measure] = "(month column)"
    else:
        measure = plan.measure or schema.TABLES[table].wide_measures[0]
        if table == "allocations" and measure == "hours":
            numbers = pd.to_numeric(
                pd.Series(measure_values, dtype="str").str.replace(",", ".", regex=False), errors="coerce"
            )
            if len(numbers) and numbers.notna().all() and numbers.max() <= 1.5:
                measure = "fte"
                notes.append("month values are all 1.5 or less: read as FTE, not hours")
        data[measure] = pd.Series(measure_values, dtype="str").to_numpy()
        headers[measure] = "(month column)"
        if plan.measure_position is None and plan.measure != measure:
            plan.measure = measure
    header_by_pos = {p.position: p.header for p in plan.periods}
    data = data.assign(
        **{
            ROW: pd.Series(rows, dtype="int64").to_numpy(),
            WHERE: pd.Series([header_by_pos[c] for c in cols], dtype="str").to_numpy(),
            EXTRA: _extra_json(body, unknown).reindex(rows).to_numpy(),
        }
    )
    return Extracted(plan, table, data, headers, multipliers, notes)

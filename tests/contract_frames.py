"""Build tiny tables shaped like the store returns them, for the indicator tests.

Every contract column of the table is present with the store's dtype (dates datetime64[ns], text str,
amounts and numbers float64, levels Int8), plus the provenance columns; cells not given are empty.
``contract_frame("risks", [{"title": "Supplier late", "impact_level": 4}])`` -> one row, 18 columns.
"""

from __future__ import annotations

import pandas as pd

from pmo_analytics.schema import TABLES

DTYPES = {
    "id": "str",
    "text": "str",
    "enum": "str",
    "date": "datetime64[ns]",
    "amount": "float64",
    "number": "float64",
    "percent": "float64",
    "probability": "float64",
    "level": "Int8",
}
PROVENANCE_DTYPES = {
    "import_id": "Int32",
    "source_file": "str",
    "source_sheet": "str",
    "source_row": "Int32",
    "extra": "str",
}


def contract_frame(table_name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    table = TABLES[table_name]
    columns = {**PROVENANCE_DTYPES, **{column.name: DTYPES[column.kind] for column in table.columns}}
    unknown = {key for row in rows for key in row} - set(columns)
    if unknown:
        raise KeyError(f"{table_name} has no column(s) {sorted(unknown)}")
    data = {
        name: pd.Series([row.get(name) for row in rows], dtype="object").astype(dtype)
        if dtype != "datetime64[ns]"
        else pd.to_datetime(pd.Series([row.get(name) for row in rows], dtype="object")).astype(dtype)
        for name, dtype in columns.items()
    }
    return pd.DataFrame(data).assign(
        import_id=pd.array([1] * len(rows), dtype="Int32"),
        source_file="test.xlsx",
        source_sheet=table_name,
        source_row=pd.array(range(2, len(rows) + 2), dtype="Int32"),
    )

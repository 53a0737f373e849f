"""The read worker's Arrow output -> RawSheet cells, without a copy where Arrow allows one.

One sheet is one Arrow IPC stream in the worker's output file (see _read_worker.py). It is memory-mapped,
blank rows are dropped, and each column becomes a pandas ``str`` column over the same Arrow buffers
(pandas 3 keeps ``str`` as Arrow large_string: no Python string is made per cell).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_analytics.ingest.model import RawSheet


def read_sheet(output_path: Path, start: int, end: int, file_name: str) -> RawSheet:
    """The sheet whose IPC stream the worker wrote at bytes [start, end) of its output file."""
    with pa.memory_map(str(output_path)) as source:
        if not 0 <= start < end <= source.size():
            raise ValueError(f"the reader reported a sheet at bytes {start}-{end} of a {source.size()}-byte file")
        source.seek(start)
        table = pa.ipc.open_stream(source).read_all()  # buffers point into the mapping, which they keep alive
    metadata = table.schema.metadata or {}
    return RawSheet(
        file_name=file_name,
        sheet_name=metadata.get(b"sheet_name", b"").decode("utf-8"),
        cells=cells_frame(table),
        visible=metadata.get(b"visibility") == b"visible",
    )


def cells_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow columns "2", "3" (Excel C, D), row i = Excel row i + 1 -> a str frame without blank rows,
    indexed by Excel row number, with integer column labels."""
    columns = pd.Index([int(label) for label in table.column_names], dtype="int64")
    if table.num_columns == 0:
        return pd.DataFrame(index=pd.Index([], dtype="int64"), columns=columns)
    row_numbers = np.arange(1, table.num_rows + 1, dtype="int64")
    # The worker reads whitespace-only cells as null, so a blank row is a row of nulls.
    has_value = functools.reduce(pc.or_, (pc.is_valid(column) for column in table.columns))
    if not pc.all(has_value).as_py():  # filtering copies every column: only when a row is blank
        table = table.filter(has_value)
        row_numbers = row_numbers[has_value.to_numpy(zero_copy_only=False)]
    # large_string (what the worker writes) is pandas' own storage for str: to_pandas shares the buffers.
    table = table.cast(pa.schema([(label, pa.large_string()) for label in table.column_names]))
    frame = table.to_pandas()
    return frame.set_axis(columns, axis=1).set_axis(pd.Index(row_numbers, dtype="int64"), axis=0)

"""The objects that pass between reader, mapping, validation and the store.

RawSheet   one sheet (or CSV file) as read: every cell as text, indexed by the Excel row a user sees.
SheetLoad  what became of one sheet: which table, which header row, which column mapped to what.
ImportResult  everything one import produces; the store saves it in one transaction.

Imports no pandas at module level: the command line starts the sandboxed readers (reader.py) before pandas
loads, so the import of pandas overlaps the reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Columns of the rejected-rows and warnings frames (and of their store tables).
ISSUE_COLUMNS = ["table_name", "source_file", "sheet", "row", "column", "value", "reason"]


class UnusableFile(Exception):
    """A file that cannot be used at all (not a workbook, encrypted, empty, too large, hostile).

    ``str(err)`` is the one-line message a user sees, naming the file: "budget.xlsx: the workbook is
    password-protected (encrypted); save it without a password and upload it again".
    """


@dataclass
class RawSheet:
    """One sheet as read: ``cells`` has str/NA values, index = Excel row number (1-based),
    columns = 0-based Excel column index (A = 0) where known, else position."""

    file_name: str
    sheet_name: str
    cells: pd.DataFrame
    visible: bool = True


@dataclass
class FileInfo:
    name: str
    sha256: str
    size_bytes: int


@dataclass
class SheetLoad:
    """What became of one sheet."""

    file_name: str
    sheet: str
    table: str | None  # None: skipped
    header_row: int | None = None  # Excel row number of the header
    mapping: dict[str, str] = field(default_factory=dict)  # header as written -> contract column
    unknown_columns: list[str] = field(default_factory=list)  # kept in `extra`, reported
    conventions: list[str] = field(default_factory=list)  # "Startdatum: day-first dates", ...
    notes: list[str] = field(default_factory=list)  # "wide month grid: 12 month columns unpivoted"
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    reason: str = ""  # why a sheet was skipped


@dataclass
class ImportResult:
    as_of: dt.date
    files: list[FileInfo]
    # table name -> rows to store: the contract columns plus source_file, source_sheet, source_row, extra.
    frames: dict[str, pd.DataFrame]
    sheets: list[SheetLoad]
    rejected: pd.DataFrame  # ISSUE_COLUMNS + "raw" (JSON of the row as written)
    warnings: pd.DataFrame  # ISSUE_COLUMNS
    import_id: int | None = None
    duplicate_of: int | None = None  # set when the same files were already imported for this date

    def table_summary(self) -> dict[str, dict[str, object]]:
        """{table: {"sheet", "rows_read", "rows_loaded", "rows_rejected"}} over all sheets of a table."""
        out: dict[str, dict[str, object]] = {}
        for s in self.sheets:
            if s.table is None:
                continue
            entry = out.setdefault(s.table, {"sheet": [], "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0})
            label = s.sheet if len(self.files) < 2 else f"{s.file_name}:{s.sheet}"
            if label not in entry["sheet"]:  # type: ignore[operator]
                entry["sheet"].append(label)  # type: ignore[union-attr]
            for key in ("rows_read", "rows_loaded", "rows_rejected"):
                entry[key] += getattr(s, key)  # type: ignore[operator]
        for entry in out.values():
            sheets = entry["sheet"]
            entry["sheet"] = sheets[0] if len(sheets) == 1 else ", ".join(sheets)  # type: ignore[arg-type]
        return out


def empty_issues(with_raw: bool = False) -> pd.DataFrame:
    import pandas as pd

    cols = ISSUE_COLUMNS + (["raw"] if with_raw else [])
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    return frame.astype({"row": "Int64"})

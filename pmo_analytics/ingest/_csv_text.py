"""CSV and delimited text exports -> one RawSheet, every value as text.

Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)" with semicolons in Windows-1252, English
Excel uses commas in UTF-8 with a BOM, "Unicode text" is tab-separated UTF-16. All three are read here;
nothing is converted: "001" stays "001", "€ 1.234,56" stays "€ 1.234,56".
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from pmo_analytics.ingest._file_checks import FileRefused
from pmo_analytics.ingest.model import RawSheet

DELIMITERS = (";", "\t", ",")  # on a tie the first wins: "1.234,56" makes commas look plausible
SNIFF_RECORDS = 30
CHUNK_ROWS = 20_000  # Python lists for 20,000 rows at a time; pandas holds the rest compactly
EXCEL_MAX_COLUMNS = 16_384
_SEPARATOR_HINT = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)  # Excel's own first line: "sep=;"


def decode_text(data: bytes) -> str | None:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; None for binary.

    b"Caf\\xe9" (cp1252) -> "Café"; b"%PDF-1.7\\n\\x00..." -> None.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8D, ...): not text
            return None
    sample = text[:65_536]
    control = sum(1 for character in sample if ord(character) < 32 and character not in "\t\r\n\f")
    return None if control > len(sample) // 100 else text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most rows of one width (more than one column).

    "Naam;Bedrag\\nA;€ 1.234,56\\nB;€ 99,00" -> ";" (3 rows of 2; commas give 1, 2, 2).
    Quotes are respected: '"Eindhoven, NL",12' has one comma outside quotes.
    """
    sample = text[:65_536]
    best, best_score = ",", (False, 0, 0)
    for delimiter in DELIMITERS:
        records = list(
            itertools.islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), SNIFF_RECORDS)
        )
        if len(sample) < len(text) and len(records) > 1:
            records = records[:-1]  # the sample may cut the last record
        widths = Counter(len(record) for record in records if record)  # [] is a blank line
        if not widths:
            continue
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (width > 1, rows, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_sheet(path: Path, file_name: str, max_cells: int) -> RawSheet:
    """One sheet named after the file stem; index = record number as Excel shows it (header line = 1)."""
    text = decode_text(path.read_bytes())
    if text is None:
        raise FileRefused("not a CSV or Excel file (the content is not text)")
    hint = _SEPARATOR_HINT.match(text)
    if hint and hint.group(1) in DELIMITERS:
        delimiter, text = hint.group(1), text[hint.end() :]  # Excel hides this line, so the next is row 1
    else:
        delimiter = sniff_delimiter(text)
    chunks: list[pd.DataFrame] = []
    row_numbers: list[int] = []
    rows: list[list[str | None]] = []
    cells = 0
    try:
        for row_number, record in enumerate(csv.reader(_lines(text), delimiter=delimiter), start=1):
            if len(record) > EXCEL_MAX_COLUMNS:
                raise FileRefused(
                    f"refused: row {row_number} has {len(record):,} columns (Excel allows {EXCEL_MAX_COLUMNS:,})"
                )
            values = [value if value.strip() else None for value in record]
            if not any(values):  # blank rows are not rows; the numbering keeps counting them
                continue
            cells += len(values)
            if cells > max_cells:
                raise FileRefused(f"refused: it holds more than {max_cells:,} cells")
            row_numbers.append(row_number)
            rows.append(values)
            if len(rows) == CHUNK_ROWS:
                chunks.append(_frame(rows, row_numbers))
                row_numbers, rows = [], []
    except csv.Error as error:  # a NUL byte or a field over csv.field_size_limit() (128 KB)
        raise FileRefused(f"not a readable CSV file ({error})") from error
    chunks.append(_frame(rows, row_numbers))
    frame = pd.concat(chunks) if len(chunks) > 1 else chunks[0]  # missing trailing cells -> NaN
    return RawSheet(file_name=file_name, sheet_name=Path(file_name).stem, cells=frame)


def _lines(text: str) -> Iterator[str]:
    """Lines with their endings for csv.reader, without io.StringIO's copy at 4 bytes per character.

    Only "\n" ends a line ("\r\n" keeps its "\r" for csv to drop); a file of bare "\r" endings
    (Excel for Mac 2011) is split on those.
    """
    separator = "\n" if "\n" in text or "\r" not in text else "\r"
    return (line + "\n" for line in text.split(separator))


def _frame(rows: list[list[str | None]], row_numbers: list[int]) -> pd.DataFrame:
    """Rows of any width -> a str frame as wide as the widest: ["Titel"] beside ["a", "b"] gets a NaN."""
    width = max((len(values) for values in rows), default=0)
    padded = [values + [None] * (width - len(values)) for values in rows]
    return pd.DataFrame(padded, index=pd.Index(row_numbers, dtype="int64"), columns=range(width), dtype="str")

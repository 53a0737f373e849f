"""Child process that reads one workbook with fastexcel (calamine) under memory and CPU limits.

reader.py runs it as ``python -P _read_worker.py WORKBOOK OUTPUT MEMORY_BYTES CPU_SECONDS``. The limits
are set before fastexcel is imported, so a hostile workbook (a cell at XFD1048576 makes calamine allocate
512 GB and abort) kills only this process. Imports only the standard library, pyarrow and fastexcel,
never pmo_analytics or pandas, so it starts in about 0.3 s.

OUTPUT receives one Arrow IPC stream per sheet, in workbook order. Each stream's schema metadata holds
``sheet_name`` and ``visibility`` ("visible", "hidden", "veryhidden"); its column names are the 0-based
Excel column indexes ("2" is column C); its rows are Excel rows 1, 2, 3, ... with every cell as text
(Arrow large_string). After each sheet is written and flushed, the worker writes the end offset of its stream as one line to
stdout ("1048576\n"), so the parent can work on a sheet while the next one is read.

Exit status: 0 read; 3 the workbook cannot be read, with one line "PMO_READ_ERROR <kind> <detail>" on
stderr (kind: "encrypted" or "unreadable"); 4 out of memory inside Python; anything else (a signal from
the memory, CPU or file-size limit, or calamine aborting) means the workbook could not be read safely.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

ERROR_MARKER = "PMO_READ_ERROR"
EXIT_UNREADABLE = 3
EXIT_OUT_OF_MEMORY = 4


def _apply_limits(memory_bytes: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # not on Linux/macOS: still a separate process, only without limits
        return

    def lower(kind: int, soft: int, hard: int) -> None:
        _, current_hard = resource.getrlimit(kind)
        if current_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(kind, (soft, hard))

    lower(resource.RLIMIT_CORE, 0, 0)  # an abort must not write a multi-GB core file
    lower(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    # SIGXCPU at the soft limit, SIGKILL two seconds later should the first be caught.
    lower(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 2)
    # Bounds the output file and anything calamine might spill to stderr.
    lower(resource.RLIMIT_FSIZE, memory_bytes, memory_bytes)


def _fail(kind: str, detail: str) -> None:
    line = " ".join(detail.split())[:500]
    sys.stderr.write(f"{ERROR_MARKER} {kind} {line}\n")
    sys.stderr.flush()
    raise SystemExit(EXIT_UNREADABLE)


def _read(workbook_path: str, output_path: str, progress: TextIO) -> None:
    import fastexcel

    try:
        reader = fastexcel.read_excel(workbook_path)
        sheet_names = reader.sheet_names
    except Exception as error:  # fastexcel raises its own error classes; all mean "not readable"
        kind = "encrypted" if "password" in str(error).lower() or "encrypt" in str(error).lower() else "unreadable"
        _fail(kind, f"{type(error).__name__}: {error}")
        return
    with open(output_path, "wb") as sink:  # noqa: PTH123 - a plain binary file object for Arrow
        for index, name in enumerate(sheet_names):
            try:
                # skip_rows=0: the first row is Excel row 1 even when the sheet starts at C3.
                sheet = reader.load_sheet(index, header_row=None, dtypes="string", skip_rows=0, whitespace_as_null=True)
                batch = sheet.to_arrow()
            except Exception as error:
                _fail("unreadable", f"sheet {name!r}: {type(error).__name__}: {error}")
                return
            # Imported only now (to_arrow has loaded it anyway): pyarrow's import before the first load_sheet
            # would add ~40 MB to this process's peak, which is calamine's parse of the largest sheet.
            import pyarrow as pa

            # fastexcel drops leading empty columns; absolute_index is the real column (C = 2).
            column_names = [str(column.absolute_index) for column in sheet.selected_columns]
            visibility = str(sheet.visible)
            del sheet  # calamine's cells of this sheet: freed before the next sheet is parsed
            # large_string is pandas' own storage for text: the parent then uses these bytes as they are.
            batch = batch.rename_columns(column_names)
            batch = batch.cast(pa.schema([(label, pa.large_string()) for label in column_names]))
            schema = batch.schema.with_metadata({"sheet_name": name, "visibility": visibility})
            with pa.ipc.new_stream(sink, schema) as writer:
                writer.write_batch(batch.replace_schema_metadata(schema.metadata))
            del batch
            sink.flush()
            progress.write(f"{sink.tell()}\n")
            progress.flush()


def main(arguments: list[str]) -> int:
    workbook_path, output_path, memory_bytes, cpu_seconds = arguments
    _apply_limits(int(memory_bytes), int(cpu_seconds))
    # Progress lines go to the real stdout; anything a library prints to stdout goes to stderr, which the
    # parent keeps away from users.
    progress = os.fdopen(os.dup(1), "w", encoding="ascii")
    os.dup2(2, 1)
    try:
        _read(workbook_path, output_path, progress)
    except MemoryError:
        return EXIT_OUT_OF_MEMORY
    except Exception as error:
        if "memory" in type(error).__name__.lower():  # pyarrow.ArrowMemoryError
            return EXIT_OUT_OF_MEMORY
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

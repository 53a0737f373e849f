"""Read an uploaded file (xlsx, xlsm, xls, csv) into RawSheets without letting it take the app down.

Untrusted bytes go through two gates. In this process, cheap checks that inflate at most a few KB per
zip part (_file_checks.py): size, container type, encryption, zip bomb, DOCTYPE/ENTITY declarations,
a worksheet dimension like A1:XFD1048576. Then the workbook is parsed by fastexcel (calamine) in a child
process (_read_worker.py) with memory, CPU and wall-clock limits, because calamine aborts the whole
process when an allocation fails: a 1.6 KB file with cells at A1 and XFD1048576 asks for 512 GB.
CSV files are parsed here (_csv_text.py): a parser of text cannot inflate.

Every refusal is an UnusableFile with one line naming the file; a user never sees a traceback.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_analytics.ingest import _read_worker
from pmo_analytics.ingest._csv_text import decode_text, read_csv_sheet
from pmo_analytics.ingest._file_checks import (
    ENCRYPTED,
    OLE2_MAGIC,
    ZIP_MAGICS,
    FileRefused,
    ZipLimits,
    check_parts,
    check_zip_directory,
    describe_bytes,
    describe_content,
    ole2_is_encrypted,
)
from pmo_analytics.ingest.model import RawSheet, UnusableFile

logger = logging.getLogger(__name__)

MEBIBYTE = 1024**2
DEFAULT_UPLOAD_MEGABYTES = 50
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
NOT_SAFE = "could not be read safely: it needs more memory/time than allowed (a cell far from the others, or a compressed bomb)"
NOT_READABLE = "could not be read as an Excel workbook (the file is damaged, or not an .xlsx, .xlsm or .xls file)"
WORKER_PATH = Path(_read_worker.__file__)


def _upload_limit_bytes() -> int:
    """PMO_MAX_UPLOAD_MB=200 -> 209715200; unset or unreadable -> 50 MB."""
    value = os.environ.get("PMO_MAX_UPLOAD_MB", "")
    try:
        return int(float(value) * MEBIBYTE) if value.strip() else DEFAULT_UPLOAD_MEGABYTES * MEBIBYTE
    except ValueError:
        logger.warning("PMO_MAX_UPLOAD_MB=%r is not a number; using %s MB", value, DEFAULT_UPLOAD_MEGABYTES)
        return DEFAULT_UPLOAD_MEGABYTES * MEBIBYTE


@dataclass(frozen=True)
class ReadLimits:
    """How much an upload may cost. The defaults suit a server with a few GB per user."""

    max_file_bytes: int = field(default_factory=_upload_limit_bytes)  # upload limit, env PMO_MAX_UPLOAD_MB
    max_zip_entries: int = 10_000
    max_uncompressed_bytes: int = 1 * 1024**3  # sum of the declared sizes of all zip parts
    max_compression_ratio: float = 200.0  # per part, for parts over 1 MiB uncompressed
    max_cells: int = 50_000_000  # from a worksheet's <dimension ref>; A1:XFD1048576 is 17 billion
    memory_bytes: int = 4 * 1024**3  # RLIMIT_AS of the child process
    cpu_seconds: int = 120  # RLIMIT_CPU of the child
    timeout_seconds: float = 180.0  # wall clock, then the child is killed


def sha256_file(path: str | Path) -> str:
    """Hex digest of the file's bytes, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        while block := stream.read(MEBIBYTE):
            digest.update(block)
    return digest.hexdigest()


def read_file(path: str | Path, *, file_name: str | None = None, limits: ReadLimits | None = None) -> list[RawSheet]:
    """Every sheet of a workbook (hidden ones too, ``visible=False``), or the one sheet of a CSV file.

    ``file_name`` is the name the user uploaded (the file at ``path`` may be a temporary copy); it names
    the file in messages, decides whether text is read as CSV, and is RawSheet.file_name.
    Raises UnusableFile("<file name>: <problem>") for anything that cannot or must not be read.
    """
    path = Path(path)
    name = _printable(file_name or path.name)
    limits = limits or ReadLimits()
    try:
        return _read(path, name, limits)
    except FileRefused as error:
        raise UnusableFile(f"{name}: {error}") from error
    except Exception as error:  # a case the checks did not foresee: still one line for the user
        logger.exception("reading %s failed", name)
        raise UnusableFile(f"{name}: {NOT_READABLE}") from error


def _printable(name: str) -> str:
    """One line: "bud\\nget.xlsx" -> "bud?get.xlsx"."""
    return re.sub(r"[\x00-\x1f\x7f]", "?", name)


def _read(path: Path, name: str, limits: ReadLimits) -> list[RawSheet]:
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("the file is empty (0 bytes)")
    if size > limits.max_file_bytes:
        raise FileRefused(
            f"the file is too large ({describe_bytes(size)}; the limit is {describe_bytes(limits.max_file_bytes)})"
        )
    with path.open("rb") as stream:
        head = stream.read(512)
    if head.startswith(ZIP_MAGICS):
        zip_limits = ZipLimits(
            limits.max_zip_entries, limits.max_uncompressed_bytes, limits.max_compression_ratio, limits.max_cells
        )
        with check_zip_directory(path, size, zip_limits) as archive:
            check_parts(archive, zip_limits)
        return _with_cells(_read_in_child(path, name, limits), "workbook")
    if head.startswith(OLE2_MAGIC):
        if ole2_is_encrypted(path):
            raise FileRefused(ENCRYPTED)
        return _with_cells(_read_in_child(path, name, limits), "workbook")
    if Path(name).suffix.lower() in TEXT_SUFFIXES:
        return _with_cells([read_csv_sheet(path, name, limits.max_cells)], "CSV file")
    content = describe_content(head)
    if content is None and decode_text(head) is not None:
        raise FileRefused("not an Excel workbook (it is a text file; if it is a CSV export, name it .csv)")
    raise FileRefused(f"not an Excel workbook (it looks like {content or 'unrecognised content'})")


def _with_cells(sheets: list[RawSheet], kind: str) -> list[RawSheet]:
    if not any(len(sheet.cells) for sheet in sheets):
        raise FileRefused(f"the {kind} is empty (no cell holds a value)")
    return sheets


def _read_in_child(path: Path, name: str, limits: ReadLimits) -> list[RawSheet]:
    """Run _read_worker.py on ``path`` under the limits; map every way it can fail to FileRefused."""
    with tempfile.TemporaryDirectory(prefix="pmo-read-") as directory:
        output_path = Path(directory) / "sheets.arrows"
        errors_path = Path(directory) / "stderr.txt"
        command = [
            sys.executable,
            "-P",  # not the worker's own folder on sys.path: a module there must not shadow the stdlib
            str(WORKER_PATH),
            str(path.resolve()),
            str(output_path),
            str(limits.memory_bytes),
            str(limits.cpu_seconds),
        ]
        with errors_path.open("wb") as errors:
            # RUST_BACKTRACE=0: an abort needs no symbolised stack, only its first line for the log.
            environment = {**os.environ, "RUST_BACKTRACE": "0"}
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, env=environment
            )
            try:
                exit_status: int | None = process.wait(timeout=limits.timeout_seconds)
            except subprocess.TimeoutExpired:
                exit_status = None
            finally:  # also on KeyboardInterrupt or Streamlit stopping the script thread
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if exit_status != 0:
            _raise_for_child_failure(name, exit_status, _stderr_summary(errors_path))
        data = output_path.read_bytes()
    return _sheets_from_arrow(pa.py_buffer(data), name)


def _stderr_summary(path: Path, size: int = 65_536) -> str:
    """The worker's error line if it wrote one, else the first line: "memory allocation of 549755813888
    bytes failed" (calamine aborting), or the last line of a traceback."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - size))
        lines = [line for line in stream.read().decode("utf-8", errors="replace").splitlines() if line.strip()]
    marked = [line for line in lines if line.startswith(_read_worker.ERROR_MARKER)]
    if marked:
        return marked[-1]
    if lines and lines[0].startswith("Traceback"):
        return lines[-1]
    return lines[0] if lines else ""


def _raise_for_child_failure(name: str, exit_status: int | None, stderr_summary: str) -> None:
    # The child's stderr is for the operator's log, never for the user.
    outcome = "was killed after the time limit" if exit_status is None else f"ended with exit status {exit_status}"
    logger.warning("reading %s: the child process %s: %s", name, outcome, stderr_summary)
    if exit_status is None or exit_status < 0 or exit_status == _read_worker.EXIT_OUT_OF_MEMORY:
        raise FileRefused(NOT_SAFE)  # killed by the timeout, a signal (SIGKILL, SIGXCPU, SIGABRT) or out of memory
    if stderr_summary.startswith(f"{_read_worker.ERROR_MARKER} encrypted"):
        raise FileRefused(ENCRYPTED)
    raise FileRefused(NOT_READABLE)


def _sheets_from_arrow(buffer: pa.Buffer, name: str) -> list[RawSheet]:
    """The worker's consecutive IPC streams, one per sheet -> RawSheets in workbook order."""
    sheets = []
    source = pa.BufferReader(buffer)
    while source.tell() < buffer.size:
        table = pa.ipc.open_stream(source).read_all()
        metadata = table.schema.metadata or {}
        sheets.append(
            RawSheet(
                file_name=name,
                sheet_name=metadata.get(b"sheet_name", b"").decode("utf-8"),
                cells=_cells_frame(table),
                visible=metadata.get(b"visibility") == b"visible",
            )
        )
    return sheets


def _cells_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow columns "2", "3" (Excel C, D), row i = Excel row i + 1 -> a str frame without blank rows,
    indexed by Excel row number, with integer column labels."""
    row_numbers = np.arange(1, table.num_rows + 1, dtype="int64")
    columns = pd.Index([int(label) for label in table.column_names], dtype="int64")
    if table.num_columns == 0:
        return pd.DataFrame(index=pd.Index([], dtype="int64"), columns=columns)
    has_value = functools.reduce(pc.or_, (pc.is_valid(column) for column in table.columns))
    table = table.filter(has_value).cast(pa.schema([(label, pa.string()) for label in table.column_names]))
    frame = table.to_pandas()
    return frame.set_axis(columns, axis=1).set_axis(pd.Index(row_numbers[has_value.to_numpy()], dtype="int64"), axis=0)

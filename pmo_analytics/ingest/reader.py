"""Read an uploaded file (xlsx, xlsm, xls, csv) into RawSheets without letting it take the app down.

Untrusted bytes go through two gates. In this process, cheap checks that inflate at most a few KB per
zip part (_file_checks.py): size, container type, encryption, zip bomb, DOCTYPE/ENTITY declarations,
a worksheet dimension like A1:XFD1048576. Then the workbook is parsed by fastexcel (calamine) in a child
process (_read_worker.py) with memory, CPU and wall-clock limits, because calamine aborts the whole
process when an allocation fails: a 1.6 KB file with cells at A1 and XFD1048576 asks for 512 GB.
CSV files are parsed here (_csv_text.py): a parser of text cannot inflate.

The child starts as soon as a read is asked for (start_read, ReadAhead) and hands over each sheet as it
finishes it, so the caller can load pandas and DuckDB, and work on one sheet, while the next is parsed.
This module imports only the standard library at load time for that reason (the command line starts the
children before pandas is imported); pyarrow and pandas are loaded when the first sheet is taken.

Every refusal is an UnusableFile with one line naming the file; a user never sees a traceback.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pmo_analytics.ingest import _read_worker
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
    return list(start_read(path, file_name=file_name, limits=limits).sheets())


def start_read(path: str | Path, *, file_name: str | None = None, limits: ReadLimits | None = None) -> PendingRead:
    """Check the file and start its child now; take the sheets later with ``.sheets()`` (or ``.close()``)."""
    path = Path(path)
    return PendingRead(path, _printable(file_name or path.name), limits or ReadLimits())


class PendingRead:
    """One file being read. A workbook's child starts at construction; a refusal found by the checks is kept
    and raised by :meth:`sheets`, so that of several files the first one given is the one reported."""

    def __init__(self, path: Path, name: str, limits: ReadLimits):
        self.path, self.name, self.limits = path, name, limits
        self._error: UnusableFile | None = None
        self._is_text = False
        self._child: _Child | None = None
        try:
            self._is_text = _check(path, name, limits)
            if not self._is_text:
                self._child = _Child(path, limits)
        except Exception as error:  # noqa: BLE001 - kept as the one-line UnusableFile that sheets() raises
            self._error = _unusable(name, error)

    def sheets(self) -> Iterator[RawSheet]:
        """Each sheet as soon as the child has written it, in workbook order; then the child's verdict.

        Raises UnusableFile (possibly after some sheets: the caller must then discard what it made of them).
        """
        try:
            if self._error is not None:
                raise self._error
            if self._is_text:
                from pmo_analytics.ingest._csv_text import read_csv_sheet

                sheet = read_csv_sheet(self.path, self.name, self.limits.max_cells)
                if not len(sheet.cells):
                    raise FileRefused("the CSV file is empty (no cell holds a value)")
                yield sheet
                return
            yield from self._workbook_sheets()
        except UnusableFile:
            raise
        except Exception as error:
            raise _unusable(self.name, error) from error
        finally:
            self.close()

    def _workbook_sheets(self) -> Iterator[RawSheet]:
        from pmo_analytics.ingest._arrow_sheets import read_sheet

        child = self._child
        assert child is not None
        start, any_cells = 0, False
        for line in child.process.stdout:  # type: ignore[union-attr]  # blocks until the next sheet or the end
            end = int(line)
            sheet = read_sheet(child.output_path, start, end, self.name)
            start = end
            any_cells = any_cells or bool(len(sheet.cells))
            yield sheet
        exit_status = child.wait()
        if exit_status != 0:
            _raise_for_child_failure(self.name, exit_status, _stderr_summary(child.errors_path))
        if not any_cells:
            raise FileRefused("the workbook is empty (no cell holds a value)")

    def close(self) -> None:
        """Stop the child if it still runs and remove its files. Idempotent."""
        if self._child is not None:
            self._child.close()


class _Child:
    """The sandboxed worker process of one workbook, its temporary files and its wall-clock limit."""

    def __init__(self, path: Path, limits: ReadLimits):
        self.directory = tempfile.TemporaryDirectory(prefix="pmo-read-", ignore_cleanup_errors=True)
        self.output_path = Path(self.directory.name) / "sheets.arrows"
        self.errors_path = Path(self.directory.name) / "stderr.txt"
        command = [
            sys.executable,
            "-P",  # not the worker's own folder on sys.path: a module there must not shadow the stdlib
            str(WORKER_PATH),
            str(path.resolve()),
            str(self.output_path),
            str(limits.memory_bytes),
            str(limits.cpu_seconds),
        ]
        # RUST_BACKTRACE=0: an abort needs no symbolised stack, only its first line for the log.
        environment = {**os.environ, "RUST_BACKTRACE": "0"}
        with self.errors_path.open("wb") as errors:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=environment
            )
        self.timed_out = threading.Event()
        self._timer = threading.Timer(limits.timeout_seconds, self._kill_on_timeout)
        self._timer.daemon = True
        self._timer.start()
        # Should the owner be dropped without close() (an exception between start and sheets), still end it.
        self._finalizer = weakref.finalize(self, _end_child, self.process, self._timer, self.directory)

    def _kill_on_timeout(self) -> None:
        if self.process.poll() is None:
            self.timed_out.set()
            self.process.kill()

    def wait(self) -> int | None:
        """The exit status, or None when the wall-clock limit killed the child."""
        status = self.process.wait()
        self._timer.cancel()
        return None if self.timed_out.is_set() else status

    def close(self) -> None:
        self._finalizer()


def _end_child(process: subprocess.Popen, timer: threading.Timer, directory: tempfile.TemporaryDirectory) -> None:
    timer.cancel()
    if process.poll() is None:  # also on KeyboardInterrupt or Streamlit stopping the script thread
        process.kill()
    process.wait()
    if process.stdout is not None:
        process.stdout.close()
    directory.cleanup()


class ReadAhead:
    """Several files, each read by its own child started ahead of need, as many at once as there are cores:
    the children spend much of their time starting Python, so a five-file import waits for the slowest file,
    not the sum. The sheets are taken file by file in the order given; leaving the ``with`` block stops
    whatever still runs.

        with ReadAhead([("budget.xlsx", Path("/tmp/upload-1"))]) as reads:
            for sheet in reads.sheets(0): ...
    """

    def __init__(self, named: Sequence[tuple[str, Path]], limits: ReadLimits | None = None):
        self.named = [(name, Path(path)) for name, path in named]
        self.limits = limits or ReadLimits()
        self._reads: dict[int, PendingRead] = {}
        self._parallel = max(1, os.cpu_count() or 1)
        self._start_up_to(self._parallel)

    def _start_up_to(self, count: int) -> None:
        for position in range(min(count, len(self.named))):
            if position not in self._reads:
                name, path = self.named[position]
                self._reads[position] = start_read(path, file_name=name, limits=self.limits)

    def sheets(self, position: int) -> Iterator[RawSheet]:
        """The sheets of file ``position`` (see PendingRead.sheets); the next file's child starts meanwhile."""
        self._start_up_to(position + self._parallel)
        try:
            yield from self._reads[position].sheets()
        finally:
            self._reads[position].close()

    def close(self) -> None:
        for read in self._reads.values():
            read.close()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _unusable(name: str, error: Exception) -> UnusableFile:
    if isinstance(error, UnusableFile):
        return error
    if isinstance(error, FileRefused):
        return UnusableFile(f"{name}: {error}")
    # A case the checks did not foresee: still one line for the user.
    logger.error("reading %s failed", name, exc_info=error)
    return UnusableFile(f"{name}: {NOT_READABLE}")


def _printable(name: str) -> str:
    """One line: "bud\\nget.xlsx" -> "bud?get.xlsx"."""
    return re.sub(r"[\x00-\x1f\x7f]", "?", name)


def _check(path: Path, name: str, limits: ReadLimits) -> bool:
    """The checks made in this process. True: a text file to read as CSV; False: a workbook for the child."""
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
        return False
    if head.startswith(OLE2_MAGIC):
        if ole2_is_encrypted(path):
            raise FileRefused(ENCRYPTED)
        return False
    if Path(name).suffix.lower() in TEXT_SUFFIXES:
        return True
    from pmo_analytics.ingest._csv_text import decode_text

    content = describe_content(head)
    if content is None and decode_text(head) is not None:
        raise FileRefused("not an Excel workbook (it is a text file; if it is a CSV export, name it .csv)")
    raise FileRefused(f"not an Excel workbook (it looks like {content or 'unrecognised content'})")


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

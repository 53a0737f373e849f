"""Cheap checks on an untrusted upload before any parser touches it.

Everything here reads at most a few KB per zip entry and never inflates a whole part: the header bytes
(which container is it), the zip directory (entry count, declared sizes, ratios), the XML prolog of each
part (no DOCTYPE or ENTITY declarations) and each worksheet's ``<dimension ref>`` (no sheet claiming
A1:XFD1048576). Each function raises ``FileRefused`` with the part of a message after the file name.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty zip
MEBIBYTE = 1024**2
PART_HEAD_BYTES = 8 * 1024  # holds the prolog and a worksheet's <dimension>, which follows <sheetPr>
PROLOG_BUDGET_BYTES = 64 * 1024  # a prolog longer than this is refused: Excel writes about 60 bytes
ENCRYPTED = "the workbook is password-protected (encrypted); save it without a password and upload it again"


class FileRefused(Exception):
    """``str(err)`` is the problem, without the file name: "the workbook is password-protected ..."."""


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_uncompressed_bytes: int
    max_compression_ratio: float
    max_cells: int


def describe_bytes(size: int) -> str:
    """52428800 -> "50.0 MB" (MiB, as upload widgets count)."""
    if size < 1024:
        return f"{size} bytes"
    if size < MEBIBYTE:
        return f"{size / 1024:.1f} KB"
    if size < 1024**3:
        return f"{size / MEBIBYTE:.1f} MB"
    return f"{size / 1024**3:.1f} GB"


def describe_content(head: bytes) -> str | None:
    """A phrase naming a well-known non-workbook file from its first bytes; None if unknown.

    b"%PDF-1.7" -> "a PDF document". Business systems often "export to Excel" as HTML or as Excel 2003
    XML under an .xls name; Excel opens those, so the phrase says how to convert them.
    """
    known = {
        b"%PDF": "a PDF document",
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
    }
    for magic, phrase in known.items():
        if head.startswith(magic):
            return phrase
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text or b"excel.sheet" in text:
        return "an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"
    if text.startswith((b"<!doctype html", b"<html", b"<table")):
        return "a web page (HTML); open it in Excel and save it as .xlsx"
    return None


# --- OLE2 (.xls, or an encrypted .xlsx/.xlsm) ---------------------------------------------------------


def ole2_is_encrypted(path: Path) -> bool:
    """True when the OLE2 directory holds a stream named "EncryptionInfo".

    That is how Excel saves a password-protected .xlsx: an OLE2 container with EncryptionInfo and
    EncryptedPackage streams instead of a zip. A directory entry is 128 bytes, starts at a multiple of
    128 in the file, and holds the UTF-16LE name, then at byte 64 the name length with its terminator
    (30 for "EncryptionInfo") and at byte 66 the object type (2 = stream).
    """
    name = "EncryptionInfo".encode("utf-16-le")
    chunk_bytes = 1024 * 128  # a multiple of 128: an entry never straddles two chunks
    with path.open("rb") as stream:
        while chunk := stream.read(chunk_bytes):
            start = chunk.find(name)
            while start != -1:
                if start % 128 == 0 and chunk[start + 64 : start + 67] == b"\x1e\x00\x02":
                    return True
                start = chunk.find(name, start + 1)
    return False


# --- zip containers (.xlsx, .xlsm) ----------------------------------------------------------------------


def _declared_directory(path: Path, file_size: int) -> tuple[int, int] | None:
    """(entry count, central directory bytes) from the zip's end record, read before zipfile parses the
    directory: a 50 MB file can hold a million tiny entries. None when no end record is found."""
    tail_bytes = min(file_size, 22 + 65_535)  # the end record plus the longest comment
    with path.open("rb") as stream:
        stream.seek(file_size - tail_bytes)
        tail = stream.read(tail_bytes)
    position = tail.rfind(b"PK\x05\x06")
    if position == -1 or len(tail) < position + 22:
        return None
    entries, directory_bytes = struct.unpack("<xxxxxxxxxxHIxxxxxx", tail[position : position + 22])
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:  # zip64: the real numbers are elsewhere
        return None
    return entries, directory_bytes


def check_zip_directory(path: Path, file_size: int, limits: ZipLimits) -> zipfile.ZipFile:
    """Open the zip after checking entry count, declared sizes and ratios; the caller closes it."""
    declared = _declared_directory(path, file_size)
    if declared and declared[0] > limits.max_entries:
        raise FileRefused(
            f"refused as a possible zip bomb: it holds {declared[0]:,} entries (the limit is {limits.max_entries:,})"
        )
    # 1 KB per entry is far more than an xlsx needs ("xl/worksheets/sheet12.xml" plus 46 bytes of header);
    # a bigger directory hides more entries than the end record admits.
    if declared and declared[1] > limits.max_entries * 1024:
        raise FileRefused(
            f"refused as a possible zip bomb: its directory takes {describe_bytes(declared[1])} "
            f"(the limit is {describe_bytes(limits.max_entries * 1024)})"
        )
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:  # BadZipFile, OSError, struct.error, ...: any of them means damaged
        raise FileRefused("not a readable Excel workbook (the zip container is damaged)") from error
    try:
        _check_entries(archive, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_entries(archive: zipfile.ZipFile, limits: ZipLimits) -> None:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise FileRefused(
            f"refused as a possible zip bomb: it holds {len(entries):,} entries (the limit is {limits.max_entries:,})"
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise FileRefused(
            f"refused as a possible zip bomb: its parts declare {describe_bytes(total)} uncompressed "
            f"(the limit is {describe_bytes(limits.max_uncompressed_bytes)})"
        )
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise FileRefused(ENCRYPTED)
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > MEBIBYTE and ratio > limits.max_compression_ratio:
            raise FileRefused(
                f"refused as a possible zip bomb: part {entry.filename} expands {ratio:,.0f} times "
                f"(the limit is {limits.max_compression_ratio:,.0f})"
            )
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        raise FileRefused("Excel binary workbooks (.xlsb) are not supported; save it as .xlsx and upload it again")
    if "content.xml" in names and "mimetype" in names:
        raise FileRefused("OpenDocument spreadsheets (.ods) are not supported; save it as .xlsx and upload it again")
    kind = "a Word document" if "word/document.xml" in names else "a zip archive"
    if "ppt/presentation.xml" in names:
        kind = "a PowerPoint presentation"
    raise FileRefused(f"not an Excel workbook (it is {kind})")


def _read_head(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> bytes:
    """The first ``budget`` bytes of a part, inflating no more than that."""
    try:
        with archive.open(entry) as stream:
            return stream.read(budget)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError, zlib.error) as error:
        # NotImplementedError: a compression method zipfile lacks (calamine lacks it too)
        raise FileRefused(f"not a readable Excel workbook (part {entry.filename} is damaged)") from error


def _as_text(head: bytes) -> str:
    """XML bytes -> text good enough to find markup; UTF-16 parts are decoded as such."""
    if head.startswith((b"\xff\xfe", b"<\x00")):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith((b"\xfe\xff", b"\x00<")):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("latin-1")  # ASCII-compatible; only markup characters matter here


_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _prolog_state(text: str) -> str:
    """Where the prolog ends: "clean" when the root element starts after only an XML declaration, processing instructions and
    comments; "declaration" when a <!DOCTYPE (or any other <!...) comes first; "incomplete" when the
    text ends inside the prolog; "not-xml" for anything else (the reader will fail on it)."""
    position = 1 if text.startswith("\ufeff") else 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return "incomplete"
        if text.startswith("<?", position):
            end = text.find("?>", position)
            if end == -1:
                return "incomplete"
            position = end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            if end == -1:
                return "incomplete"
            position = end + 3
        elif text.startswith("<!", position):
            return "declaration"
        elif text.startswith("<", position):
            return "clean"
        else:
            return "not-xml"


def _check_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> str:
    """Refuse a part that declares a DOCTYPE or ENTITY (billion laughs, external entities); return its head.

    Every part is looked at, whatever its name: the workbook's relationships decide which part is parsed
    as a worksheet, so "xl/worksheets/sheet1.dat" would be parsed too. "" for a part that is not XML.
    """
    budget = PART_HEAD_BYTES
    while True:
        head = _read_head(archive, entry, budget)
        text = _as_text(head)
        if not text.lstrip("\ufeff \t\r\n").startswith("<"):
            return ""  # an image, vbaProject.bin, printer settings
        state = _prolog_state(text)
        if state == "declaration" or _DECLARATION.search(text):
            raise FileRefused(
                f"refused: part {entry.filename} declares a DOCTYPE or ENTITY, which Excel never writes "
                "(possible XML entity attack)"
            )
        if state != "incomplete" or len(head) < budget:  # the root element was reached, or the whole part read
            return text
        if budget >= PROLOG_BUDGET_BYTES:
            raise FileRefused(
                f"refused: part {entry.filename} starts with over 64 KB before its first element, which Excel never writes"
            )
        budget = min(budget * 4, PROLOG_BUDGET_BYTES)


_DIMENSION = re.compile(r"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _column_index(letters: str) -> int:
    """Excel column letters -> 0-based index: "A" -> 0, "C" -> 2, "XFD" -> 16383."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def dimension_cells(ref: str) -> int | None:
    """Cells in a range: "A1:XFD1048576" -> 17179869184, "C3:F10" -> 32, "A1" -> 1; None if unparseable."""
    corners = [_CELL.fullmatch(part.strip().upper()) for part in ref.split(":")]
    if not 1 <= len(corners) <= 2 or not all(corners):
        return None
    (first_column, first_row), (last_column, last_row) = (
        (_column_index(corner.group(1)), int(corner.group(2))) for corner in (corners[0], corners[-1])
    )
    return (abs(last_row - first_row) + 1) * (abs(last_column - first_column) + 1)


def _sheet_names_by_part(archive: zipfile.ZipFile) -> dict[str, str]:
    """{"xl/worksheets/sheet1.xml": "Planning"} for messages; {} when the workbook parts are unusual.

    Runs after the DOCTYPE check, so ElementTree meets no entity declarations; parts over 4 MB are skipped.
    """
    try:
        parts = {name: archive.getinfo(name) for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")}
        if any(info.file_size > 4 * MEBIBYTE for info in parts.values()):
            return {}
        workbook = ElementTree.fromstring(archive.read(parts["xl/workbook.xml"]))
        relations = ElementTree.fromstring(archive.read(parts["xl/_rels/workbook.xml.rels"]))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {}
    for relation in relations:
        target = relation.get("Target", "")
        targets[relation.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    names = {}
    for element in workbook.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            relation_id = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
            if relation_id in targets:
                names[targets[relation_id]] = element.get("name", "")
    return names


def check_parts(archive: zipfile.ZipFile, limits: ZipLimits) -> None:
    """No DOCTYPE/ENTITY in any XML part; no worksheet whose dimension exceeds ``max_cells``."""
    oversized: list[tuple[str, str, int]] = []
    for entry in archive.infolist():
        if entry.is_dir():
            continue
        text = _check_xml_part(archive, entry)
        match = _DIMENSION.search(text)  # only worksheets have <dimension ref="A1:F200"/>
        cells = dimension_cells(match.group(1)) if match else None
        if cells is not None and cells > limits.max_cells:
            oversized.append((entry.filename, match.group(1), cells))  # type: ignore[union-attr]
    if oversized:
        part, ref, cells = oversized[0]
        sheet = _sheet_names_by_part(archive).get(part)
        where = f"sheet {sheet!r}" if sheet else f"part {part}"
        raise FileRefused(
            f"refused: {where} spans {ref} ({cells:,} cells; the limit is {limits.max_cells:,}), "
            "usually a stray cell far from the others; delete it and save again"
        )

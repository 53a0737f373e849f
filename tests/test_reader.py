"""pmo_analytics.ingest.reader: every uploaded file -> RawSheets, and every hostile file -> one clear line.

All inputs are built here in tmp_path: workbooks with openpyxl, zips with zipfile or by hand, an .xls
and an encrypted-workbook container as raw OLE2 bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pmo_analytics.ingest.model import UnusableFile
from pmo_analytics.ingest.reader import ReadLimits, read_file, sha256_file

NOT_SAFE = "could not be read safely: it needs more memory/time than allowed"


# --- builders -----------------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: dict[str, dict[str, object]], hidden: tuple[str, ...] = ()) -> Path:
    """{"Data": {"C3": "Id"}} -> a workbook at ``path``."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, cells in sheets.items():
        sheet = workbook.create_sheet(name)
        for reference, value in cells.items():
            sheet[reference] = value
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> Path:  # noqa: ANN001
    """Copy the zip at ``path`` with ``change(text) -> text`` applied to one part."""
    with zipfile.ZipFile(path) as source:
        contents = {info.filename: source.read(info) for info in source.infolist()}
    contents[part] = change(contents[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)
    return path


def raw_zip(path: Path, entries: list[tuple[str, bytes, int]]) -> Path:
    """A zip written byte by byte: (name, deflated bytes, declared uncompressed size) per entry.

    zipfile cannot store data it did not compress itself; this can declare what the test needs.
    The CRC is left 0: the reader must refuse these files before anything could check it.
    """
    body, directory = b"", b""
    for name, data, size in entries:
        encoded = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, 0, len(data), size, len(encoded), 0)
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, len(body))
        directory += encoded
        body += b"PK\x03\x04" + fields + encoded + data
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def deflated_zeros(gibibytes: int) -> bytes:
    """Raw deflate of ``gibibytes`` GiB of zero bytes, about 1 MB per GiB, built from one 64 MiB block.

    A block ending in a full flush is byte-aligned and refers to nothing before it, so copies of it
    can be chained; b"\\x03\\x00" is an empty final block.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(64 * 1024**2)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (16 * gibibytes) + b"\x03\x00"


def ole2(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal OLE2 (Compound File Binary, version 3) container holding ``streams``.

    Layout: 512-byte header, sector 0 = FAT, sector 1 = directory, then each stream padded to at least
    4096 bytes (the mini-stream cutoff) so no mini FAT is needed. At most 3 streams.
    """
    free, end_of_chain, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    data, fat, directory_entries, next_sector = b"", [fat_sector, end_of_chain], [], 2
    for name, content in streams:
        content = content.ljust(max(4096, -(-len(content) // 512) * 512), b"\0")
        count = len(content) // 512
        directory_entries.append((name, next_sector, len(content)))
        fat += [next_sector + i + 1 for i in range(count - 1)] + [end_of_chain]
        next_sector += count
        data += content

    def entry(name: str, kind: int, start: int, size: int, right: int = free, child: int = free) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
            + bytes(36)  # CLSID, state bits, creation and modification times
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, end_of_chain, 0, child=1)
    for index, (name, start, size) in enumerate(directory_entries):
        right = index + 2 if index + 1 < len(directory_entries) else free
        directory += entry(name, 2, start, size, right=right)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)  # version 3, little-endian, 512-byte sectors
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
        + struct.pack("<109I", 0, *[free] * 108)  # the FAT is sector 0
    )
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    return header + fat_bytes + directory.ljust(512, b"\0") + data


def biff8_workbook(sheets: list[tuple[str, bool, list[tuple[int, int, object]]]]) -> bytes:
    """The "Workbook" stream of an .xls: (name, hidden, [(row, column, value)]) per sheet, 0-based."""

    def record(kind: int, body: bytes = b"") -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    def bof(kind: int) -> bytes:  # 0x0005 workbook globals, 0x0010 worksheet
        return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def cell(row: int, column: int, value: object) -> bytes:
        if isinstance(value, str):  # LABEL, 8-bit characters
            return record(0x0204, struct.pack("<HHHHB", row, column, 0, len(value), 0) + value.encode("latin-1"))
        return record(0x0203, struct.pack("<HHHd", row, column, 0, value))  # NUMBER

    substreams = [bof(0x0010) + b"".join(cell(*c) for c in cells) + record(0x000A) for _, _, cells in sheets]

    def globals_(offsets: list[int]) -> bytes:
        bound_sheets = b"".join(
            record(0x0085, struct.pack("<IBBBB", offset, int(hidden), 0, len(name), 0) + name.encode("latin-1"))
            for (name, hidden, _), offset in zip(sheets, offsets, strict=True)
        )
        return bof(0x0005) + record(0x0042, struct.pack("<H", 1200)) + bound_sheets + record(0x000A)

    position = len(globals_([0] * len(sheets)))
    offsets = []
    for substream in substreams:
        offsets.append(position)
        position += len(substream)
    return globals_(offsets) + b"".join(substreams)


def text_frame(rows: dict[int, list[object]], columns: list[int]) -> pd.DataFrame:
    """The expected RawSheet.cells: {Excel row: values}, None for an empty cell."""
    return pd.DataFrame(list(rows.values()), index=pd.Index(list(rows), dtype="int64"), columns=columns, dtype="str")


# --- workbooks ----------------------------------------------------------------------------------------


def test_workbook_keeps_excel_rows_and_columns_and_reads_every_cell_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "portfolio.xlsx",
        {
            "Projecten": {
                "C1": "Projectoverzicht maart 2026",
                "C3": "Project",
                "D3": "Start",
                "E3": "Budget",
                "C4": 1001,
                "D4": dt.datetime(2026, 3, 15),
                "E4": 1234.5,
                "C5": "1002 ",  # text keeps its spaces
                "C6": "   ",  # a blank row is not a row
                "C7": 1003,
                "E7": True,
            }
        },
    )
    [sheet] = read_file(path)
    assert (sheet.file_name, sheet.sheet_name, sheet.visible) == ("portfolio.xlsx", "Projecten", True)
    # Columns C, D, E are 2, 3, 4; rows are Excel's own numbers, without the empty rows 2 and 6.
    expected = text_frame(
        {
            1: ["Projectoverzicht maart 2026", None, None],
            3: ["Project", "Start", "Budget"],
            4: ["1001", "2026-03-15 00:00:00", "1234.5"],
            5: ["1002 ", None, None],
            7: ["1003", None, "true"],
        },
        columns=[2, 3, 4],
    )
    pd.testing.assert_frame_equal(sheet.cells, expected)


def test_hidden_sheets_are_returned_with_their_visibility_and_a_first_cell_at_c3_is_row_3(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {"Risico's": {"C3": "Risico", "D4": 2}, "Lookup": {"A1": "hoog"}},
        hidden=("Lookup",),
    )
    sheets = read_file(path)
    assert [(sheet.sheet_name, sheet.visible) for sheet in sheets] == [("Risico's", True), ("Lookup", False)]
    pd.testing.assert_frame_equal(sheets[0].cells, text_frame({3: ["Risico", None], 4: [None, "2"]}, columns=[2, 3]))
    pd.testing.assert_frame_equal(sheets[1].cells, text_frame({1: ["hoog"]}, columns=[0]))


def test_xls_is_read_in_the_same_way(tmp_path: Path) -> None:
    stream = biff8_workbook(
        [
            ("Data", False, [(2, 2, "Id"), (2, 3, "Plaats"), (3, 2, 1001.0), (3, 3, "Café"), (4, 2, 1234.5)]),
            ("Verborgen", True, [(0, 0, "x")]),
        ]
    )
    path = tmp_path / "oud.xls"
    path.write_bytes(ole2([("Workbook", stream)]))
    sheets = read_file(path)
    assert [(sheet.sheet_name, sheet.visible) for sheet in sheets] == [("Data", True), ("Verborgen", False)]
    # BIFF rows/columns are 0-based: (2, 2) is C3.
    expected = text_frame({3: ["Id", "Plaats"], 4: ["1001", "Café"], 5: ["1234.5", None]}, columns=[2, 3])
    pd.testing.assert_frame_equal(sheets[0].cells, expected)


def test_the_user_s_file_name_names_the_sheet_source_and_the_errors(tmp_path: Path) -> None:
    upload = tmp_path / "upload-7f3a.tmp"  # how a web upload lands on disk
    upload.write_bytes(b"Project;Budget\nP1;10\n")
    [sheet] = read_file(upload, file_name="Begroting 2026.csv")
    assert (sheet.file_name, sheet.sheet_name) == ("Begroting 2026.csv", "Begroting 2026")
    with pytest.raises(UnusableFile, match=r"^Begroting 2026\.xlsx: not an Excel workbook \(it is a text file"):
        read_file(upload, file_name="Begroting 2026.xlsx")


# --- CSV ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected_rows"),
    [
        pytest.param(
            "Project;Plaats;Bedrag\r\nP1;Eindhoven;€ 1.234,56\r\nP2;Café;001\r\n".encode("cp1252"),
            {1: ["Project", "Plaats", "Bedrag"], 2: ["P1", "Eindhoven", "€ 1.234,56"], 3: ["P2", "Café", "001"]},
            id="semicolon-cp1252",
        ),
        pytest.param(
            "\ufeffProject,Bedrag,Start\nP1,1234.56,2026-03-15\n".encode(),
            {1: ["Project", "Bedrag", "Start"], 2: ["P1", "1234.56", "2026-03-15"]},
            id="comma-utf8-bom",
        ),
        pytest.param(
            b'Project,Plaats,Notitie\n"P1","Eindhoven, NL","zegt ""ja"""\nP2,,"twee\nregels"\n',
            {
                1: ["Project", "Plaats", "Notitie"],
                2: ["P1", "Eindhoven, NL", 'zegt "ja"'],
                3: ["P2", None, "twee\nregels"],
            },
            id="quoted-delimiter-and-newline",
        ),
        pytest.param(
            b"Project\tUren\nP1\t8\n",
            {1: ["Project", "Uren"], 2: ["P1", "8"]},
            id="tab",
        ),
        pytest.param(
            # Excel hides its "sep=" line, so the header is row 1; the blank line 3 is not a row.
            b"sep=;\nProject;Bedrag\nP1;1,5\n\nP2;2,5\n",
            {1: ["Project", "Bedrag"], 2: ["P1", "1,5"], 4: ["P2", "2,5"]},
            id="sep-hint-and-blank-line",
        ),
        pytest.param(
            # A title line above the header gives the title row one column; the rest of the cells stay empty.
            b"Risicoregister Q1\nRisico;Kans;Impact\nR1;hoog;laag\n",
            {1: ["Risicoregister Q1", None, None], 2: ["Risico", "Kans", "Impact"], 3: ["R1", "hoog", "laag"]},
            id="title-line",
        ),
    ],
)
def test_csv_values_stay_text_and_rows_are_numbered_like_excel(
    tmp_path: Path, content: bytes, expected_rows: dict[int, list[object]]
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    [sheet] = read_file(path)
    assert (sheet.file_name, sheet.sheet_name, sheet.visible) == ("export.csv", "export", True)
    width = len(next(iter(expected_rows.values())))
    pd.testing.assert_frame_equal(sheet.cells, text_frame(expected_rows, columns=list(range(width))))


# --- hostile and unusable files -----------------------------------------------------------------------


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def billion_laughs(text: str) -> str:
    # lol9 expands to 10**9 "lol"s: 3 GB from a few hundred bytes.
    entities = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return f"{XML_DECLARATION}<!DOCTYPE lolz [{entities}]>" + text.replace("<sheets>", "<sheets>&lol9;", 1)


def external_entity(text: str) -> str:
    return f'{XML_DECLARATION}<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>' + text


def doctype_after_long_comment(text: str) -> str:  # past the first 4 KB that are read at first
    return f"{XML_DECLARATION}<!--{'x' * 10_000}--><!DOCTYPE x [<!ENTITY a 'b'>]>" + text


def remove_dimension(text: str) -> str:
    return re.sub(r"<dimension [^>]*/>", "", text)


def falsify_dimension(text: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', text)


def build(kind: str, tmp_path: Path) -> Path:
    """One unusable file per kind."""
    normal = {"Data": {"A1": "Project", "A2": "P1"}}
    if kind == "pdf":
        path = tmp_path / "rapport.xlsx"
        path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    elif kind == "random":
        path = tmp_path / "ruis.xlsx"
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "zero-bytes":
        path = tmp_path / "leeg.xlsx"
        path.write_bytes(b"")
    elif kind == "empty-workbook":
        path = write_xlsx(tmp_path / "leeg.xlsx", {"Blad1": {}, "Blad2": {"B2": "  "}})
    elif kind == "empty-csv":
        path = tmp_path / "leeg.csv"
        path.write_bytes(b"\n;;\n \n")
    elif kind == "encrypted":
        path = tmp_path / "geheim.xlsx"
        path.write_bytes(
            ole2([("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00"), ("EncryptedPackage", bytes(64))])
        )
    elif kind == "word-in-ole2":
        path = tmp_path / "brief.xls"
        path.write_bytes(ole2([("WordDocument", b"\xec\xa5" + bytes(100))]))
    elif kind == "damaged-xlsx":
        path = rewrite_part(write_xlsx(tmp_path / "kapot.xlsx", normal), "xl/workbook.xml", lambda text: text[:100])
    elif kind == "word-zip":
        path = tmp_path / "notitie.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
    elif kind == "bomb-declared-size":
        path = raw_zip(
            tmp_path / "bom.xlsx",
            [
                ("xl/workbook.xml", zlib.compress(b"<workbook/>")[2:-4], 11),
                ("xl/worksheets/sheet1.xml", deflated_zeros(2), 2 * 1024**3),
            ],
        )
    elif kind == "bomb-ratio":
        path = write_xlsx(tmp_path / "bom.xlsx", normal)
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/media/padding.xml", bytes(64 * 1024**2))
    elif kind == "bomb-entries":
        path = tmp_path / "bom.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            for index in range(20):
                archive.writestr(f"xl/part{index}.xml", "<a/>")
    elif kind in ("billion-laughs", "external-entity", "doctype-after-comment"):
        change = {"billion-laughs": billion_laughs, "external-entity": external_entity}.get(
            kind, doctype_after_long_comment
        )
        path = rewrite_part(write_xlsx(tmp_path / "entiteit.xlsx", normal), "xl/workbook.xml", change)
    elif kind == "far-cell":
        path = write_xlsx(tmp_path / "ver.xlsx", {"Planning": {"A1": "Project", "XFD1048576": "x"}})
    elif kind in ("far-cell-no-dimension", "far-cell-false-dimension"):
        change = remove_dimension if kind == "far-cell-no-dimension" else falsify_dimension
        path = write_xlsx(tmp_path / "ver.xlsx", {"Planning": {"A1": "Project", "XFD1048576": "x"}})
        path = rewrite_part(path, "xl/worksheets/sheet1.xml", change)
    elif kind == "too-large":
        path = tmp_path / "groot.csv"
        path.write_bytes(b"a;b\n" * 512)  # 2,048 bytes
    else:
        raise AssertionError(kind)
    return path


@pytest.mark.parametrize(
    ("kind", "limits", "expected"),
    [
        ("pdf", None, "rapport.xlsx: not an Excel workbook (it looks like a PDF document)"),
        ("random", None, "ruis.xlsx: not an Excel workbook (it looks like unrecognised content)"),
        ("zero-bytes", None, "leeg.xlsx: the file is empty (0 bytes)"),
        ("empty-workbook", None, "leeg.xlsx: the workbook is empty (no cell holds a value)"),
        ("empty-csv", None, "leeg.csv: the CSV file is empty (no cell holds a value)"),
        ("encrypted", None, "geheim.xlsx: the workbook is password-protected (encrypted); save it without a password"),
        ("word-in-ole2", None, "brief.xls: could not be read as an Excel workbook (the file is damaged"),
        ("damaged-xlsx", None, "kapot.xlsx: could not be read as an Excel workbook (the file is damaged"),
        ("word-zip", None, "notitie.xlsx: not an Excel workbook (it is a Word document)"),
        # 2 GiB declared against the 1 GiB default.
        (
            "bomb-declared-size",
            None,
            "bom.xlsx: refused as a possible zip bomb: its parts declare 2.0 GB uncompressed (the limit is 1.0 GB)",
        ),
        # 64 MiB of zeros deflate to about 64 KB: some 1,000 times, over the 200 allowed.
        ("bomb-ratio", None, "bom.xlsx: refused as a possible zip bomb: part xl/media/padding.xml expands 1,0"),
        # xl/workbook.xml plus 20 parts = 21 entries.
        (
            "bomb-entries",
            ReadLimits(max_zip_entries=10),
            "bom.xlsx: refused as a possible zip bomb: it holds 21 entries (the limit is 10)",
        ),
        ("billion-laughs", None, "entiteit.xlsx: refused: part xl/workbook.xml declares a DOCTYPE or ENTITY"),
        ("external-entity", None, "entiteit.xlsx: refused: part xl/workbook.xml declares a DOCTYPE or ENTITY"),
        ("doctype-after-comment", None, "entiteit.xlsx: refused: part xl/workbook.xml declares a DOCTYPE or ENTITY"),
        # XFD is column 16,384 and 1,048,576 rows: 16,384 x 1,048,576 = 17,179,869,184 cells.
        (
            "far-cell",
            None,
            "ver.xlsx: refused: sheet 'Planning' spans A1:XFD1048576 (17,179,869,184 cells; the limit is 50,000,000)",
        ),
        # Only the child's memory limit stops these: calamine asks for hundreds of GB and dies, the test survives.
        ("far-cell-no-dimension", ReadLimits(memory_bytes=1024**3), f"ver.xlsx: {NOT_SAFE}"),
        ("far-cell-false-dimension", ReadLimits(memory_bytes=1024**3), f"ver.xlsx: {NOT_SAFE}"),
        # 2,048 bytes = 2.0 KB against 1,024 bytes = 1.0 KB.
        (
            "too-large",
            ReadLimits(max_file_bytes=1024),
            "groot.csv: the file is too large (2.0 KB; the limit is 1.0 KB)",
        ),
    ],
)
def test_unusable_files_get_one_line_naming_the_file_and_the_problem(
    tmp_path: Path, kind: str, limits: ReadLimits | None, expected: str
) -> None:
    path = build(kind, tmp_path)
    with pytest.raises(UnusableFile) as caught:
        read_file(path, limits=limits)
    message = str(caught.value)
    assert message.startswith(expected), message
    assert "\n" not in message and "Traceback" not in message
    # This process survived and still reads: A1 "ok" is row 1, column 0.
    [sheet] = read_file(write_xlsx(tmp_path / "after.xlsx", {"Data": {"A1": "ok"}}))
    assert sheet.cells.loc[1, 0] == "ok"


def test_a_child_that_takes_too_long_is_killed(tmp_path: Path) -> None:
    # The child needs about 0.3 s just to start Python and fastexcel; 0.05 s of wall clock kills it.
    path = write_xlsx(tmp_path / "traag.xlsx", {"Data": {"A1": "Project"}})
    with pytest.raises(UnusableFile, match=re.escape(f"traag.xlsx: {NOT_SAFE}")):
        read_file(path, limits=ReadLimits(timeout_seconds=0.05))


def test_upload_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_MAX_UPLOAD_MB", "2")
    assert ReadLimits().max_file_bytes == 2 * 1024 * 1024  # 2 MiB
    monkeypatch.delenv("PMO_MAX_UPLOAD_MB")
    assert ReadLimits().max_file_bytes == 50 * 1024 * 1024


def test_sha256_of_a_known_text(tmp_path: Path) -> None:
    path = tmp_path / "abc.csv"
    path.write_bytes(b"abc")
    # FIPS 180-2, appendix B.1: SHA-256("abc").
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

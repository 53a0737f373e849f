"""pmo_analytics.ingest.reader: every uploaded file -> RawSheets, and every hostile file -> one clear line.

All inputs are built in tmp_path: workbooks with openpyxl, zips with zipfile, and (binary_files.py) a
hand-written zip bomb, an .xls and an encrypted-workbook container as raw bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from binary_files import biff8_workbook, deflated_zeros, ole2, raw_zip

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


def rewrite_part(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """Copy the zip at ``path`` with ``change(text) -> text`` applied to one part."""
    with zipfile.ZipFile(path) as source:
        contents = {info.filename: source.read(info) for info in source.infolist()}
    contents[part] = change(contents[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)
    return path


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
            b"Project;Uren\rP1;8\r",  # Excel for Mac 2011 ends lines with a bare CR
            {1: ["Project", "Uren"], 2: ["P1", "8"]},
            id="mac-line-endings",
        ),
        pytest.param(
            "\ufeffProject\tUren\r\nP1\t8\r\n".encode("utf-16-le"),  # Excel's "Unicode text"
            {1: ["Project", "Uren"], 2: ["P1", "8"]},
            id="utf16-tab",
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
    elif kind == "html-as-xls":  # what many "export to Excel" buttons produce
        path = tmp_path / "export.xls"
        path.write_bytes(b"<html><body><table><tr><td>Project</td></tr></table></body></html>")
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


UNUSABLE_CASES = [
    ("pdf", None, "rapport.xlsx: not an Excel workbook (it looks like a PDF document)"),
    (
        "html-as-xls",
        None,
        "export.xls: not an Excel workbook (it looks like a web page (HTML); open it in Excel and save",
    ),
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
]


@pytest.mark.parametrize(("kind", "limits", "expected"), UNUSABLE_CASES, ids=[case[0] for case in UNUSABLE_CASES])
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

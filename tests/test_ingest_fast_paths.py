"""The import's fast paths (issue 5): the JSON of unknown columns built by Arrow kernels, readers started ahead of
need and stopped when not needed, a total row found among a column's distinct texts, DuckDB fed Arrow tables.

Inputs are built here in tmp_path; every expected value is written out by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from test_reader import build
from workbooks import write_workbook

from pmo_analytics.ingest._json_rows import json_objects
from pmo_analytics.ingest.model import FileInfo, ImportResult, UnusableFile, empty_issues
from pmo_analytics.ingest.pipeline import analyse
from pmo_analytics.ingest.reader import ReadAhead, start_read
from pmo_analytics.store import Store

AS_OF = dt.date(2026, 3, 31)

# --- one JSON object per row --------------------------------------------------------------------------

JSON_CASES = [
    # (columns, the JSON text per row as written, what it loads back to)
    ({"Opmerking": ["op schema"]}, ['{"Opmerking":"op schema"}'], [{"Opmerking": "op schema"}]),
    # A quote and a backslash are escaped with a backslash; é is kept as it is.
    ({"Notitie": ['zei "ja" \\ é']}, ['{"Notitie":"zei \\"ja\\" \\\\ é"}'], [{"Notitie": 'zei "ja" \\ é'}]),
    # Newline and tab get their two-character escapes; another control character (U+0001) the \\u form.
    ({"Notitie": ["a\nb\tc\x01"]}, ['{"Notitie":"a\\nb\\tc\\u0001"}'], [{"Notitie": "a\nb\tc\x01"}]),
    # A header with a quote is escaped as a key.
    ({'Maat "L"': ["x"]}, ['{"Maat \\"L\\"":"x"}'], [{'Maat "L"': "x"}]),
    # A row without any value has no object; a row with one value writes null for the other.
    (
        {"Kleur": [None, None, "rood"], "Code": [None, "7", None]},
        [None, '{"Kleur":null,"Code":"7"}', '{"Kleur":"rood","Code":null}'],
        [None, {"Kleur": None, "Code": "7"}, {"Kleur": "rood", "Code": None}],
    ),
    # The same text on many rows is escaped once and spread: three rows, two distinct texts.
    ({"Fase": ['"A"', "B", '"A"']}, ['{"Fase":"\\"A\\""}', '{"Fase":"B"}', '{"Fase":"\\"A\\""}'], None),
]


@pytest.mark.parametrize(("columns", "texts", "loaded"), JSON_CASES)
def test_json_objects_escape_every_cell_and_leave_rows_without_values_empty(columns, texts, loaded):
    arrays = {key: pa.array(values, pa.large_string()) for key, values in columns.items()}
    out = json_objects(arrays).to_pylist()
    assert out == texts
    if loaded is not None:
        assert [None if text is None else json.loads(text) for text in out] == loaded


def test_unknown_columns_reach_the_rows_as_json(tmp_path):
    path = write_workbook(
        tmp_path / "register.xlsx",
        {
            "Projecten": [
                ["Projectnummer", "Projectnaam", "Notitie", "Locatie"],
                ["P-1", "Alpha", 'klant zei "ja"', "Utrecht"],
                ["P-2", "Beta", None, None],  # no unknown value: no object
                ["P-3", "Gamma", None, 7],  # a number cell arrives as the text "7"
            ]
        },
    )
    projects = analyse([path], AS_OF).frames["projects"].set_index("project_id")
    assert json.loads(projects.loc["P-1", "extra"]) == {"Notitie": 'klant zei "ja"', "Locatie": "Utrecht"}
    assert pd.isna(projects.loc["P-2", "extra"])
    assert json.loads(projects.loc["P-3", "extra"]) == {"Notitie": None, "Locatie": "7"}


# --- a total row ---------------------------------------------------------------------------------------


TOTAL_CASES = [("Totaal", True), ("  TOTAAL ", True), ("Eindtotaal", True), ("Grand Total", True)]
TOTAL_CASES += [("Totaalrenovatie", False)]  # a project code that only starts like one


@pytest.mark.parametrize(("key", "is_total"), TOTAL_CASES)
def test_a_total_row_is_rejected_and_a_project_named_like_one_is_not(tmp_path, key, is_total):
    rows = [["Projectnummer", "Projectnaam", "Budget"], ["P-1", "Alpha", 100], ["P-2", "Beta", 200]]
    path = write_workbook(tmp_path / "register.xlsx", {"Projecten": [*rows, [key, "alle projecten", 300]]})
    result = analyse([path], AS_OF)
    if is_total:  # rows 2 and 3 load; row 4 (100 + 200 = 300) is their sum
        assert result.frames["projects"]["project_id"].tolist() == ["P-1", "P-2"]
        assert result.rejected[["row", "reason"]].values.tolist() == [[4, "a total row, not data: not loaded"]]
    else:
        assert result.frames["projects"]["project_id"].tolist() == ["P-1", "P-2", "Totaalrenovatie"]
        assert result.rejected.empty


# --- readers started ahead ---------------------------------------------------------------------------


def test_a_read_closed_before_its_sheets_are_taken_stops_its_child_and_removes_its_files(tmp_path):
    path = write_workbook(tmp_path / "planning.xlsx", {"Data": [["Project"], ["P-1"]]})
    read = start_read(path)
    child = read._child
    directory = Path(child.directory.name)
    assert directory.is_dir()
    read.close()
    assert child.process.poll() is not None  # ended (killed, or done)
    assert not directory.exists()
    read.close()  # twice is harmless


def test_of_several_unusable_files_the_first_given_is_reported(tmp_path):
    # kapot.xlsx passes the checks and fails in its child; leeg.xlsx (0 bytes) fails the checks at once, before
    # kapot.xlsx's child has finished. The message still names the first file given.
    damaged = build("damaged-xlsx", tmp_path)
    empty = build("zero-bytes", tmp_path)
    with pytest.raises(UnusableFile, match=r"^kapot\.xlsx: could not be read as an Excel workbook"):
        analyse([damaged, empty], AS_OF)
    with pytest.raises(UnusableFile, match=r"^leeg\.xlsx: the file is empty \(0 bytes\)"):
        analyse([empty, damaged], AS_OF)


def test_files_read_ahead_come_back_in_the_order_given(tmp_path):
    paths = [
        write_workbook(tmp_path / f"{name}.xlsx", {name: [["Projectnummer", "Projectnaam"], [f"P-{i}", name]]})
        for i, name in enumerate(["een", "twee", "drie"], start=1)
    ]
    named = [(path.name, path) for path in paths]
    with ReadAhead(named) as reads:
        result = analyse(paths, AS_OF, read_ahead=reads)
    assert [(s.file_name, s.sheet) for s in result.sheets] == [
        ("een.xlsx", "een"),
        ("twee.xlsx", "twee"),
        ("drie.xlsx", "drie"),
    ]
    assert result.frames["projects"]["project_id"].tolist() == ["P-1", "P-2", "P-3"]
    with ReadAhead(named[:1]) as reads, pytest.raises(ValueError, match="other files"):
        analyse(paths, AS_OF, read_ahead=reads)


# --- the store -------------------------------------------------------------------------------------------


def test_a_column_arrow_cannot_type_is_still_stored(tmp_path):
    # project_name holds an int and a str (object dtype): not one Arrow type, so DuckDB scans the frame itself.
    frame = pd.DataFrame(
        {
            "project_id": ["P-1", "P-2"],
            "project_name": pd.Series([1001, "Beta"], dtype=object),
            "source_file": "p.xlsx",
            "source_sheet": "Projecten",
            "source_row": [2, 3],
        }
    )
    result = ImportResult(
        as_of=AS_OF,
        files=[FileInfo("p.xlsx", "0" * 64, 10)],
        frames={"projects": frame},
        sheets=[],
        rejected=empty_issues(with_raw=True),
        warnings=empty_issues(),
    )
    store = Store(tmp_path / "pmo.duckdb")
    store.save_import(result)
    assert store.load_table("projects")["project_name"].tolist() == ["1001", "Beta"]

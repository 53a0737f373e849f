"""One import: files in, an ImportResult out (analyse), then saved as one snapshot (import_files).

result = analyse([Path("register.xlsx"), Path("budget.xlsx")], as_of=date(2026, 3, 31))
result.table_summary()  # {"projects": {"sheet": "Projecten", "rows_read": 40, ...}, ...}
store.save_import(result)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pmo_analytics import schema
from pmo_analytics.ingest.extract import Extracted, extract
from pmo_analytics.ingest.mapping import SheetPlan, Skipped, plan_sheet
from pmo_analytics.ingest.model import FileInfo, ImportResult, SheetLoad, UnusableFile, empty_issues
from pmo_analytics.ingest.parsing import level_to_probability, probability_to_level
from pmo_analytics.ingest.reader import ReadAhead, ReadLimits, sha256_file
from pmo_analytics.ingest.validate import Validated, issue_frame, validate

# An upload: a path on disk, or (name as the user called it, path of the temporary copy).
Upload = Path | str | tuple[str, Path | str]


def _name_and_path(upload: Upload) -> tuple[str, Path]:
    if isinstance(upload, tuple):
        return upload[0], Path(upload[1])
    return Path(upload).name, Path(upload)


def analyse(
    uploads: Sequence[Upload], as_of: dt.date, *, limits: ReadLimits | None = None, read_ahead: ReadAhead | None = None
) -> ImportResult:
    """Read, map and validate every file; nothing is stored. Raises UnusableFile for a file that cannot be used.

    ``read_ahead``: the files' readers, already started by the caller (the command line starts them before it
    loads pandas and DuckDB); by default they are started here.
    """
    if not uploads:
        raise UnusableFile("no file given")
    named = [_name_and_path(u) for u in uploads]
    with ExitStack() as stack:
        reads = read_ahead or stack.enter_context(ReadAhead(named, limits))
        return _analyse(named, as_of, reads)


def _analyse(
    named: list[tuple[str, Path]], as_of: dt.date, reads: ReadAhead, files: list[FileInfo] | None = None
) -> ImportResult:
    """Each sheet is planned, extracted and validated as soon as its reader hands it over (the reader works on
    the next sheet meanwhile); its cells and texts are let go once validated, so only the parsed rows stay."""
    if reads.named != named:
        raise ValueError("read_ahead reads other files than the uploads")
    known_files = files
    files = []
    sheet_loads: list[SheetLoad] = []
    validated: list[Validated] = []
    for position, (name, path) in enumerate(named):
        recognised = 0
        for raw in reads.sheets(position):
            plan = plan_sheet(raw)
            if isinstance(plan, Skipped):
                sheet_loads.append(SheetLoad(name, raw.sheet_name, None, reason=plan.reason))
            else:
                recognised += 1
                for part in extract(plan):
                    result = validate(part)
                    validated.append(result)
                    sheet_loads.append(_sheet_load(plan, part, result))
                    part.data = _emptied(part.data)  # the texts: parsed into result.kept, no longer needed
            raw.cells = _emptied(raw.cells)  # the sheet's cells, ditto (the objects stay for the messages)
            # Arrow's allocator keeps freed memory for reuse; hand the sheet's intermediates back (~40 MB for
            # 200,000 rows), so the database insert that follows does not stack on top of them.
            pa.default_memory_pool().release_unused()
        files.append(
            known_files[position]
            if known_files
            else FileInfo(name=name, sha256=sha256_file(path), size_bytes=path.stat().st_size)
        )
        if recognised == 0:
            reasons = "; ".join(f"{s.sheet}: {s.reason}" for s in sheet_loads if s.file_name == name)
            raise UnusableFile(
                f"{name}: no recognisable table (projects, cost periods, milestones, risks, issues, people or allocations) — {reasons}"
            )
    frames, rejected, warnings = _combine(validated, sheet_loads)
    return ImportResult(
        as_of=as_of, files=files, frames=frames, sheets=sheet_loads, rejected=rejected, warnings=warnings
    )


def _emptied(frame: pd.DataFrame) -> pd.DataFrame:
    """The same columns, no rows, sharing no memory with ``frame`` (a slice of an Arrow column keeps all of it)."""
    return pd.DataFrame({label: pd.Series([], dtype=dtype) for label, dtype in frame.dtypes.items()})


def _sheet_load(plan: SheetPlan, part: Extracted, result: Validated) -> SheetLoad:
    table = schema.TABLES[part.table]
    mapping = {header: target for target, header in part.headers.items() if header != "(month column)"}
    if plan.is_wide:
        mapping.update(
            {p.header: f"{plan.measure or 'value'} for {p.period:%Y-%m}" for p in plan.periods if p.period is not None}
        )
    notes = list(plan.notes) + part.notes
    for col in plan.columns:
        if col.note and col.target:
            notes.append(f"'{col.header}' read as {col.target}: {col.note}")
    unknown = [c.header for c in plan.columns if not c.target and c.position != plan.type_position]
    if unknown:
        notes.append("columns not in the contract, kept with each row: " + ", ".join(unknown))
    if plan.table != part.table or plan.type_position is not None:
        notes.append(f"rows of type {table.name[:-1]} only")
    read = len(part.data)
    return SheetLoad(
        file_name=plan.raw.file_name,
        sheet=plan.raw.sheet_name,
        table=part.table,
        header_row=plan.header_row,
        mapping=mapping,
        unknown_columns=unknown,
        conventions=result.conventions,
        notes=notes,
        rows_read=read,
        rows_loaded=len(result.kept),
        rows_rejected=len(result.rejected),
    )


def _combine(
    validated: list[Validated], loads: list[SheetLoad]
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """Per table over all sheets: link, merge complementary rows, reject repeated keys; count per sheet."""
    by_table: dict[str, list[Validated]] = {}
    for v in validated:
        by_table.setdefault(v.source.table, []).append(v)
    rejected = [v.rejected for v in validated if not v.rejected.empty]
    warnings = [v.warnings for v in validated if not v.warnings.empty]
    frames: dict[str, pd.DataFrame] = {}
    for name in schema.TABLES:
        parts = by_table.get(name, [])
        if not parts:
            continue
        frame = pd.concat([p.kept for p in parts], ignore_index=True)
        frame, extra_warnings = _fill_project_ids(name, frame, frames, parts)
        warnings.extend(extra_warnings)
        frame, dup_rejects = _dedupe(name, frame, parts)
        if not dup_rejects.empty:
            rejected.append(dup_rejects)
            _recount(loads, name, dup_rejects)
        frames[name] = _complete(name, frame).reset_index(drop=True)
    rejected_frame = pd.concat(rejected, ignore_index=True) if rejected else empty_issues(with_raw=True)
    warning_frame = pd.concat(warnings, ignore_index=True) if warnings else empty_issues()
    return frames, rejected_frame, warning_frame


def _complete(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Derived fields a file often leaves out: a risk's probability from its level and the level from the
    probability ("Kans: Hoog" -> level 5 -> 0.9; "Probability 0.3" -> level 2)."""
    if name != "risks" or frame.empty:
        return frame
    probability = frame["probability"] if "probability" in frame else pd.Series(float("nan"), index=frame.index)
    level = (
        frame["probability_level"]
        if "probability_level" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="Int8")
    )
    return frame.assign(
        probability=probability.fillna(level_to_probability(level)),
        probability_level=level.fillna(probability_to_level(probability)).astype("Int8"),
    )


def _fill_project_ids(
    name: str, frame: pd.DataFrame, done: dict[str, pd.DataFrame], parts: list[Validated]
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """A projects sheet with no ID column uses the name; a one-project workbook links its risks, issues and
    milestones to that project. Both are said as warnings."""
    notes: list[pd.DataFrame] = []
    table = schema.TABLES[name]
    if "project_id" not in table.column_names:
        return frame, notes
    if "project_id" not in frame:
        frame = frame.assign(project_id=pd.Series(pd.NA, index=frame.index, dtype="str"))
    missing = frame["project_id"].isna()
    if not missing.any():
        return frame, notes
    if name == "projects":
        frame = frame.assign(project_id=frame["project_id"].fillna(frame["project_name"]))
        for part in parts:
            if "project_id" not in part.source.headers and not part.kept.empty:
                notes.append(
                    issue_frame(
                        name,
                        part.source,
                        pd.Series([part.source.plan.header_row]),
                        "(no ID column)",
                        "",
                        "the sheet has no project ID column: the project name is used as the ID",
                    )
                )
        return frame, notes
    projects = done.get("projects")
    if projects is not None and len(projects) == 1:
        only = projects["project_id"].iloc[0]
        frame = frame.assign(project_id=frame["project_id"].fillna(only))
        for part in parts:
            if "project_id" not in part.source.headers and not part.kept.empty:
                notes.append(
                    issue_frame(
                        name,
                        part.source,
                        pd.Series([part.source.plan.header_row]),
                        "(no project column)",
                        "",
                        f"no project column: linked to the workbook's only project '{only}'",
                    )
                )
    return frame, notes


def _key_text(name: str, frame: pd.DataFrame) -> tuple[list[str], pd.DataFrame, pd.Series, pd.Series]:
    """Key columns, their text, one joined key per row, and which rows are keyed at all."""
    id_cols = [k for k in schema.TABLES[name].key if k in frame]
    keys = frame[id_cols].astype("str").fillna("")
    joined = keys[id_cols[0]]
    for col in id_cols[1:]:  # vectorised: "P-1" + "\x1f" + "2026-01-01" + "\x1f" + "Extern"
        joined = joined + "\x1f" + keys[col]
    if name in ("risks", "issues", "milestones"):
        # A risk without a risk ID (a milestone without a name) has no key to repeat.
        primary = "milestone_name" if name == "milestones" else id_cols[0]
        keyed = frame[primary].notna()
    else:
        keyed = pd.Series(True, index=frame.index)
    return id_cols, keys, joined, keyed


def _joined(keys: pd.DataFrame, columns: list[str], sep: str) -> pd.Series:
    out = keys[columns[0]]
    for col in columns[1:]:
        out = out + sep + keys[col]
    return out


def _dedupe(name: str, frame: pd.DataFrame, parts: list[Validated]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows whose key repeats: merged when they complement each other (a budget grid and an actuals grid for the
    same project and month), rejected when they disagree or simply repeat."""
    table = schema.TABLES[name]
    if frame.empty or not any(k in frame for k in table.key):
        return frame, empty_issues(with_raw=True)
    # Most imports repeat no key: hashing the typed key columns says so without building the key texts.
    if not frame.duplicated([k for k in table.key if k in frame], keep=False).any():
        return frame, empty_issues(with_raw=True)
    id_cols, keys, key_text, keyed = _key_text(name, frame)
    dup = key_text.duplicated(keep=False) & keyed
    if not dup.any():
        return frame, empty_issues(with_raw=True)
    measures = [c for c in table.required_any if c in frame]
    if measures:
        frame = _merge_complementary(frame, key_text, dup, measures)
        id_cols, keys, key_text, keyed = _key_text(name, frame)
    repeated = key_text.duplicated(keep="first") & keyed
    if not repeated.any():
        return frame, empty_issues(with_raw=True)
    first_row = frame.groupby(key_text, sort=False)["source_row"].transform("first")
    first_sheet = frame.groupby(key_text, sort=False)["source_sheet"].transform("first")
    bad = frame.loc[repeated]
    # "project_id 'P-1', period_date '2026-01-01'" (empty key parts left out)
    parts_desc = [(f"{k} '" + keys.loc[repeated, k] + "'").where(keys.loc[repeated, k] != "", "") for k in id_cols]
    key_desc = parts_desc[0]
    for part in parts_desc[1:]:
        key_desc = (key_desc + ", " + part).str.strip(", ")
    reasons = (
        "duplicate key: "
        + key_desc
        + " already on row "
        + first_row[repeated].astype("str")
        + " of sheet "
        + first_sheet[repeated]
    )
    value_cols = [c for c in table.column_names if c in frame]
    raw = bad[value_cols].to_json(orient="records", lines=True, date_format="iso", force_ascii=False).splitlines()
    rejected = pd.DataFrame(
        {
            "table_name": name,
            "source_file": bad["source_file"].to_numpy(),
            "sheet": bad["source_sheet"].to_numpy(),
            "row": pd.array(bad["source_row"].to_numpy(), dtype="Int64"),
            "column": ", ".join(parts[0].source.headers.get(k, k) for k in id_cols),
            "value": _joined(keys.loc[repeated], id_cols, " / ").to_numpy(),
            "reason": reasons.to_numpy(),
            "raw": raw,
        }
    ).astype({c: "str" for c in ("table_name", "source_file", "sheet", "column", "value", "reason", "raw")})
    return frame.loc[~repeated], rejected


def _merge_complementary(frame: pd.DataFrame, key_text: pd.Series, dup: pd.Series, measures: list[str]) -> pd.DataFrame:
    """Rows of one key that fill different measures become one row (the first row's provenance is kept):
    "Begroting" gives P-001 / 2026-03 planned 1,000 and "Realisatie" gives P-001 / 2026-03 actual 900 -> one row."""
    groups = frame.loc[dup].groupby(key_text[dup], sort=False)
    counts = groups[measures].count()  # non-empty values per measure per key
    mergeable = counts.index[(counts <= 1).all(axis=1)]
    if len(mergeable) == 0:
        return frame
    is_merge = key_text.isin(mergeable) & dup
    merged = frame.loc[is_merge].groupby(key_text[is_merge], sort=False, dropna=False).first()
    return pd.concat([frame.loc[~is_merge], merged.reset_index(drop=True)], ignore_index=True)


def _recount(loads: list[SheetLoad], name: str, rejected: pd.DataFrame) -> None:
    counts = rejected.groupby(["source_file", "sheet"]).size()
    for load in loads:
        if load.table == name and (load.file_name, load.sheet) in counts.index:
            n = int(counts[(load.file_name, load.sheet)])
            load.rows_loaded -= n
            load.rows_rejected += n


def import_files(
    uploads: Sequence[Upload],
    as_of: dt.date,
    store,  # noqa: ANN001
    *,
    limits: ReadLimits | None = None,
    read_ahead: ReadAhead | None = None,
) -> ImportResult:
    """analyse + save as one snapshot. A repeat of the same files for the same date is recognised (sha256) before
    anything is read into this process and not stored twice: the result then names the earlier import and holds
    no rows. The readers start first, so they parse while the database is asked."""
    named = [_name_and_path(u) for u in uploads]
    for name, path in named:
        if not path.is_file():
            raise UnusableFile(f"{name}: no such file")
    files = [FileInfo(name=n, sha256=sha256_file(p), size_bytes=p.stat().st_size) for n, p in named]
    with ExitStack() as stack:
        reads = read_ahead or stack.enter_context(ReadAhead(named, limits))
        store.prepare()  # while the readers work: the save then only inserts
        duplicate = store.find_duplicate(as_of, [f.sha256 for f in files])
        if duplicate is not None:
            return ImportResult(
                as_of=as_of,
                files=files,
                frames={},
                sheets=[],
                rejected=empty_issues(with_raw=True),
                warnings=empty_issues(),
                import_id=duplicate,
                duplicate_of=duplicate,
            )
        if not uploads:
            raise UnusableFile("no file given")
        result = _analyse(named, as_of, reads, files)
    store.save_import(result)
    return result


__all__ = ["analyse", "import_files", "Upload"]

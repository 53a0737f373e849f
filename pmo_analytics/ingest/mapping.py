"""Header detection and column mapping: which table a sheet holds, where its header is, what each column means.

A sheet is recognised by its headers (its name helps): the first row, among the first rows of the sheet, where
enough known headers of one table are found is the header row; title rows above it are skipped. A wide grid
(one column per month: "jan 2026", "2026-02", an Excel date) is recognised too, with its measure taken from the
sheet's name, a cell above the grid or a column that names it per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pmo_analytics import schema
from pmo_analytics.ingest.model import RawSheet
from pmo_analytics.ingest.parsing import parse_period_header

HEADER_SEARCH_ROWS = 30
FTE_KEYS = {"fte", "contractfte", "ftecontract", "aantalfte"}
# A generic header ("Status", "Name", "ID") says little about which table a sheet holds.
GENERIC_KEYS = {
    "status",
    "name",
    "naam",
    "id",
    "nr",
    "nummer",
    "code",
    "key",
    "date",
    "datum",
    "owner",
    "eigenaar",
    "omschrijving",
    "description",
    "title",
    "titel",
    "type",
    "category",
    "categorie",
    "start",
    "finish",
    "end",
    "einddatum",
    "priority",
    "prioriteit",
    "impact",
}


@dataclass
class ColumnMap:
    """One column of a sheet: where it is, its header as written, and the contract column it fills."""

    position: object  # label in RawSheet.cells
    header: str
    target: str | None  # None: unknown column, kept in `extra`
    multiplier: float = 1.0
    note: str = ""  # "k€: x 1,000", "also matches budget: first column used"


@dataclass
class PeriodColumn:
    position: object
    header: str
    period: pd.Timestamp | None  # None when the month has no year yet (resolved per row from a year column)
    month: int


@dataclass
class SheetPlan:
    raw: RawSheet
    table: str
    header_row: int
    columns: list[ColumnMap]
    periods: list[PeriodColumn] = field(default_factory=list)
    measure: str | None = None  # wide grid: the value column the cells fill
    measure_position: object | None = None  # wide grid: a column naming the measure per row
    year_position: object | None = None  # wide grid with bare month names: a year column
    type_position: object | None = None  # RAID log: a column saying risk or issue per row
    notes: list[str] = field(default_factory=list)
    total_columns: list[str] = field(default_factory=list)

    @property
    def is_wide(self) -> bool:
        return bool(self.periods)

    def mapped(self) -> dict[str, str]:
        return {c.header: c.target for c in self.columns if c.target}


@dataclass
class Skipped:
    raw: RawSheet
    reason: str


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _match_header(header: str, index: dict[str, str], table: schema.Table) -> tuple[str | None, bool]:
    """Contract column a header names for one table (None when unknown), and whether it matched contextually.

    "Project Finish Date" -> "planned_finish_date" (the "Project " prefix of Project Online is ignored);
    "Finish" -> a contextual header, resolved by :func:`_resolve_contextual`.
    """
    for key in schema.header_keys(header):
        for candidate in schema.prefixed_keys(key):
            if candidate in index:
                return index[candidate], False
            for word in table.contextual:
                if schema.synonym_key(word) == candidate:
                    return word, True
    return None, False


def _words(text: str) -> set[str]:
    return set(schema.normalise_value(text).split())


def _measure_from_text(text: str) -> str | None:
    """ "Begroting 2026" -> "planned_value"; "Inzet (uren)" -> "hours"; "Realisatie per maand" -> "actual_cost"."""
    norm = " " + schema.normalise_value(text) + " "
    for measure, words in schema.WIDE_MEASURE_WORDS.items():
        for word in words:
            if f" {schema.normalise_value(word)} " in norm:
                return measure
    return None


def _year_from_text(text: str) -> int | None:
    found = re.findall(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", text)
    return int(found[-1]) if found else None


@dataclass
class _Candidate:
    table: schema.Table
    score: float
    columns: list[ColumnMap]
    periods: list[PeriodColumn]


def _map_row(headers: list[tuple[object, str]], table: schema.Table, default_year: int | None) -> _Candidate | None:
    index = schema.synonym_index(table)
    columns: list[ColumnMap] = []
    periods: list[PeriodColumn] = []
    contextual: list[tuple[int, str]] = []
    for position, header in headers:
        if not header:
            continue
        target, is_contextual = _match_header(header, index, table)
        if target is None and table.name == "people" and set(schema.header_keys(header)) & FTE_KEYS:
            # "FTE 0,8" on a people sheet: weekly hours = FTE x hours per FTE.
            columns.append(
                ColumnMap(
                    position, header, "weekly_hours", schema.HOURS_PER_FTE, f"FTE x {schema.HOURS_PER_FTE:g} hours"
                )
            )
            continue
        if target is None and table.wide_measures:
            month = _period_of(header, default_year)
            if month is not None:
                periods.append(PeriodColumn(position, header, month[0], month[1]))
                continue
        if is_contextual:
            contextual.append((len(columns), target))  # type: ignore[arg-type]
        columns.append(ColumnMap(position, header, None if is_contextual else target, schema.header_multiplier(header)))
    # "Finish" beside "Baseline Finish" is the forecast; without a baseline it is the plan (MS Project's meaning).
    taken = {c.target for c in columns if c.target}
    for i, word in contextual:
        when_taken, fallback = table.contextual[word]
        target = when_taken if fallback in taken else fallback
        if target in taken:
            target = when_taken if target == fallback else None
        if target:
            columns[i].target = target
            columns[
                i
            ].note = f"{'forecast' if target == when_taken else 'plan'} ({'a baseline column is present' if target == when_taken else 'no baseline column'})"
            taken.add(target)
    # Two columns naming one field: the first wins, the other is kept as an unknown column and reported.
    seen: dict[str, str] = {}
    for col in columns:
        if col.target in seen:
            col.note = f"also matches {col.target}; the first such column ({seen[col.target]}) is used"
            col.target = None
        elif col.target:
            seen[col.target] = col.header
    mapped = set(seen)
    if len(periods) < 2:
        periods = []
    if not mapped and not periods:
        return None
    score = 0.0
    for col in columns:
        if col.target:
            keys = schema.header_keys(col.header)
            score += 0.5 if keys and keys[-1] in GENERIC_KEYS else 1.0
    if periods:
        score += 1.5
    return _Candidate(table, score, columns, periods)


def _period_of(header: str, default_year: int | None) -> tuple[pd.Timestamp | None, int] | None:
    stamp = parse_period_header(header, default_year=default_year)
    if stamp is not None:
        return stamp, stamp.month
    # A bare month name ("mrt") in a sheet with no year yet: the year comes from a year column per row.
    stamp = parse_period_header(header, default_year=2000)
    if stamp is not None:
        return None, stamp.month
    return None


def _eligible(candidate: _Candidate) -> bool:
    """Can the table's required fields be filled from this header row?"""
    table = candidate.table
    mapped = {c.target for c in candidate.columns if c.target}
    if candidate.periods:
        if not table.wide_measures:
            return False
        mapped |= {"period_date", table.wide_measures[0]}
        if table.name == "allocations":
            mapped |= {"hours"}
    required = set(table.required)
    if table.name == "projects":
        # A sheet with no ID column at all uses the project name (and says so).
        required.discard("project_id")
    if table.name in ("milestones",):
        # A one-project plan has no project column; the import links it to its only project.
        required.discard("project_id")
    if not required <= mapped:
        return False
    if table.required_any and not (set(table.required_any) & mapped):
        return False
    # A long cost sheet needs its period column; a month grid brings the periods itself.
    return bool(candidate.periods) or "period_date" in mapped or table.name != "cost_periods"


def _hint_bonus(table: schema.Table, sheet_name: str) -> float:
    name = " " + schema.normalise_value(sheet_name) + " "
    squashed = name.replace(" ", "")
    for hint in table.sheet_hints:
        h = schema.normalise_value(hint)
        if f" {h}" in name or (len(h) > 5 and h.replace(" ", "") in squashed):
            return 1.5
    return 0.0


def plan_sheet(raw: RawSheet) -> SheetPlan | Skipped:
    """Find the header row and the table of one sheet; Skipped (with the reason) when none fits."""
    cells = raw.cells
    if cells.empty or cells.notna().to_numpy().sum() == 0:
        return Skipped(raw, "empty sheet")
    sheet_year = _year_from_text(raw.sheet_name)
    above_texts: list[str] = []
    first_rows = cells.head(HEADER_SEARCH_ROWS)
    for row_number, row in first_rows.iterrows():
        headers = [(pos, _cell_text(v)) for pos, v in row.items()]
        filled = [h for _, h in headers if h]
        if not filled:
            continue
        default_year = sheet_year or _year_from_text(" ".join(above_texts))
        best: _Candidate | None = None
        for table in schema.TABLES.values():
            candidate = _map_row(headers, table, default_year)
            if candidate is None or not _eligible(candidate):
                continue
            candidate.score += _hint_bonus(table, raw.sheet_name)
            if best is None or candidate.score > best.score:
                best = candidate
        mapped_count = sum(1 for c in best.columns if c.target) if best else 0
        if best is not None and (mapped_count >= 2 or (best.periods and mapped_count >= 1)):
            return _finish_plan(raw, int(row_number), best, above_texts, sheet_year)  # type: ignore[arg-type]
        above_texts.extend(filled)
    sample = ", ".join(_cell_text(v) for v in cells.iloc[0].tolist() if _cell_text(v))[:120]
    return Skipped(raw, f"no known table recognised (first row: {sample})" if sample else "no known table recognised")


def _finish_plan(
    raw: RawSheet, header_row: int, best: _Candidate, above: list[str], sheet_year: int | None
) -> SheetPlan:
    table = best.table
    plan = SheetPlan(raw, table.name, header_row, best.columns, best.periods)
    if plan.is_wide:
        _plan_wide(plan, above, sheet_year)
    if table.name == "risks":
        for col in plan.columns:
            keys = schema.header_keys(col.header)
            if col.target in (None, "category") and any(
                k in {schema.synonym_key(w) for w in schema.RISK_ISSUE_TYPE_HEADERS} for k in keys
            ):
                values = raw.cells.loc[raw.cells.index > header_row, col.position].dropna().map(schema.normalise_value)
                if (
                    values.isin(schema.ISSUE_WORDS).any()
                    and values.isin(schema.RISK_WORDS + schema.ISSUE_WORDS).mean() > 0.8
                ):
                    plan.type_position = col.position
                    col.target = None
                    col.note = "says per row whether it is a risk or an issue: rows are split"
                    plan.notes.append(f"'{col.header}' splits the rows into risks and issues")
                    break
    return plan


def _plan_wide(plan: SheetPlan, above: list[str], sheet_year: int | None) -> None:
    """Name the measure of a wide grid and resolve month columns without a year."""
    table = schema.TABLES[plan.table]
    remaining: list[ColumnMap] = []
    for col in plan.columns:
        keys = schema.header_keys(col.header)
        if col.target is None and any(k in {schema.synonym_key(w) for w in schema.TOTAL_WORDS} for k in keys):
            plan.total_columns.append(col.header)
            continue
        if col.target is None and keys and keys[-1] in ("jaar", "year", "boekjaar", "fiscalyear"):
            plan.year_position = col.position
            continue
        if (
            col.target is None
            and keys
            and keys[-1]
            in ("measure", "soort", "type", "meetwaarde", "grootheid", "kostensoortmeting", "metric", "waarde")
        ):
            plan.measure_position = col.position
            continue
        remaining.append(col)
    plan.columns = remaining
    if plan.total_columns:
        plan.notes.append(f"total column(s) {', '.join(plan.total_columns)} not imported: totals are derived")
    measure = _measure_from_text(plan.raw.sheet_name) or next(
        (m for m in map(_measure_from_text, reversed(above)) if m), None
    )
    if measure is not None and measure not in table.wide_measures:
        measure = None
    if measure is None and plan.measure_position is None:
        measure = table.wide_measures[0]
        plan.notes.append(f"the grid does not name its measure; its values are read as {measure}")
    plan.measure = measure
    source = "the sheet name" if _measure_from_text(plan.raw.sheet_name) else "a cell above the grid"
    if plan.measure_position is not None:
        plan.notes.append("a column names the measure per row")
    elif measure and not any("does not name" in n for n in plan.notes):
        plan.notes.append(f"wide month grid: values are {measure} (from {source})")
    months = ", ".join(p.header for p in plan.periods[:3]) + (" ..." if len(plan.periods) > 3 else "")
    plan.notes.append(f"{len(plan.periods)} month columns unpivoted ({months})")
    if any(p.period is None for p in plan.periods) and plan.year_position is None:
        year = sheet_year or _year_from_text(" ".join(above))
        if year is None:
            plan.notes.append("month names without a year and no year column: those columns are not imported")
            plan.periods = [p for p in plan.periods if p.period is not None]
        else:
            for p in plan.periods:
                if p.period is None:
                    p.period = pd.Timestamp(year=year, month=p.month, day=1)

"""Streamlit helpers shared by the pages: the cached store, first-start demo load, the import flow's state.

The only library module that imports streamlit. Pages read, call and draw; the logic lives in the library.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pmo_analytics import dashboard, schema
from pmo_analytics.indicators.health import HealthSettings
from pmo_analytics.indicators.health_settings import DEFAULT_SETTINGS_PATH, SettingsError, load_settings
from pmo_analytics.ingest.model import ImportResult, UnusableFile
from pmo_analytics.ingest.reader import ReadLimits
from pmo_analytics.store import DatabaseBusy, Store, resolve_db_path

if TYPE_CHECKING:
    from pmo_analytics.report_content import ReportContent

_demo_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """One Store per database path for the whole server; it opens a short-lived connection per unit of work,
    so Streamlit's threads never share a cursor and the command line can import while the app runs."""
    return _store(str(resolve_db_path()))


@contextmanager
def database_busy_message() -> Iterator[None]:
    """Around a page: a database another process holds past $PMO_LOCK_TIMEOUT seconds (an import from the
    command line, say) becomes one line and a button to try again, instead of an error box."""
    try:
        yield
    except DatabaseBusy as busy:
        st.warning(f"{str(busy)[:1].upper()}{str(busy)[1:]}.", icon=":material/hourglass_top:")
        st.button("Try again", icon=":material/refresh:", key="database_busy_retry")  # a click reruns the page


def ensure_demo_loaded() -> None:
    """On first start (an empty database) load the demo portfolio, so the first screen is a living portfolio."""
    if snapshot_dates():  # read once per database version, not a connection on every rerun
        return
    store = get_store()
    with _demo_lock:
        if not store.is_empty():
            return
        from pmo_analytics.demo_loader import load_demo

        with st.spinner("First start: loading the demo portfolio (12 monthly snapshots) ..."):
            try:
                load_demo(store.path)
            except DatabaseBusy as err:
                st.warning(f"The demo portfolio could not be loaded now: {err}")
                return
        clear_caches()


def clear_caches() -> None:
    """After an import or a delete in this app: read the database's version again at once. Every cached result is
    keyed on the signatures of its snapshots (which import supplies each table), read anew for the new version:
    the snapshots the change leaves as they were keep their cached tables, indicators and page data."""
    _version.clear()


def upload_limit_mb() -> int:
    return ReadLimits().max_file_bytes // (1024 * 1024)


def analyse_uploads(files: list, as_of: dt.date) -> tuple[ImportResult | None, list[str]]:  # noqa: ANN001
    """Run the importer's analysis on uploaded files (nothing stored). Returns the result, or None with the
    one-line messages of the files that cannot be used."""
    from pmo_analytics.ingest.pipeline import analyse

    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pmo-upload-") as tmp:
        uploads = []
        for i, f in enumerate(files):
            path = Path(tmp) / f"{i}{Path(f.name).suffix.lower()}"
            path.write_bytes(f.getvalue())
            uploads.append((f.name, path))
        try:
            return analyse(uploads, as_of), errors
        except UnusableFile as err:
            errors.append(str(err))
        except Exception as err:  # never a traceback for the user
            errors.append(f"the files could not be read: {type(err).__name__}: {err}")
    return None, errors


def publish(result: ImportResult) -> tuple[int | None, str]:
    """Save an analysed import as a snapshot. Returns (import_id, message)."""
    store = get_store()
    try:
        duplicate = store.find_duplicate(result.as_of, [f.sha256 for f in result.files])
        if duplicate is not None:
            return (
                duplicate,
                f"These files were already imported for {result.as_of:%d %b %Y} (import {duplicate}); nothing was stored twice.",
            )
        import_id = store.save_import(result)
    except DatabaseBusy as err:
        return None, str(err)
    clear_caches()
    return import_id, f"Published as import {import_id}, snapshot of {result.as_of:%d %b %Y}."


def delete_import(import_id: int) -> tuple[bool, str]:
    """Delete one import (one transaction). Returns (deleted, message)."""
    try:
        deleted = get_store().delete_import(import_id)
    except DatabaseBusy as err:
        return False, str(err)
    if not deleted:
        return False, f"Import {import_id} no longer exists."
    clear_caches()
    return True, f"Import {import_id} deleted."


def sheet_overview(result: ImportResult) -> pd.DataFrame:
    """One row per sheet: file, sheet, table (or skipped), header row, rows read/loaded/rejected, notes."""
    rows = []
    for s in result.sheets:
        rows.append(
            {
                "file": s.file_name,
                "sheet": s.sheet,
                "table": s.table or "skipped",
                "header row": s.header_row,
                "rows read": s.rows_read,
                "loaded": s.rows_loaded,
                "rejected": s.rows_rejected,
                "notes": s.reason if s.table is None else "; ".join(s.notes),
            }
        )
    return pd.DataFrame(rows).astype({"header row": "Int64"})


def mapping_frame(result: ImportResult, index: int) -> pd.DataFrame:
    """Header as written -> contract column, for one sheet; unknown columns listed as kept."""
    s = result.sheets[index]
    rows = [{"header in the file": h, "read as": c} for h, c in s.mapping.items()]
    rows += [{"header in the file": h, "read as": "(kept as an extra column)"} for h in s.unknown_columns]
    return pd.DataFrame(rows, columns=["header in the file", "read as"])


def table_labels() -> dict[str, str]:
    return {name: name.replace("_", " ").capitalize() for name in schema.TABLES}


# -- what a cached result depends on ---------------------------------------------------------------------------
#
# A snapshot's tables are fully determined by which import supplies each table as of its date (store.py's as-of
# rule), so every per-snapshot cache below is keyed on that signature, not on the database's version: an import
# for a new month leaves every earlier snapshot's tables, indicators and page data cached, and a delete or a
# back-dated import recomputes exactly the snapshots whose sources it changes. Results over several snapshots
# (trends, the report) are keyed on the (date, signature) of each. Only the signatures themselves are read again
# when the version changes (a connection per snapshot date).

Signature = tuple[tuple[str, int, str], ...]  # (("projects", 12, "2026-11-02 09:14:00"), ...): the supplied tables


class _SnapshotChanged(Exception):
    """The tables read for a signature came from another import: an import or a delete landed in between."""


@st.cache_data(ttl=2, show_spinner=False)
def _version(path: str) -> int:
    return _store(path).data_version()


def data_version() -> int:
    """The database's version, read at most every 2 seconds: a page asks for it on every cached call, and a
    version check is a connection (20-40 ms). An import in the app forgets the version read, so it shows at once;
    an import from the command line shows within 2 seconds."""
    return _version(str(get_store().path))


@st.cache_resource(show_spinner=False, max_entries=8)
def _dates(path: str, version: int) -> tuple[dt.date, ...]:
    return tuple(_store(path).snapshot_dates())


def snapshot_dates() -> tuple[dt.date, ...]:
    """Every snapshot date, ascending; read once per database version (a connection saved on every rerun)."""
    return _dates(str(get_store().path), data_version())


@st.cache_resource(show_spinner=False, max_entries=8)
def _import_stamps(path: str, version: int) -> dict[int, str]:
    """import_id -> when it was imported. Part of a signature: import ids start at 1 again in a database that is
    deleted and created anew under the same path, the time of each import does not repeat them."""
    imports = _store(path).list_imports()
    return dict(zip(imports["import_id"].tolist(), imports["imported_at"].astype("str").tolist(), strict=True))


def _signature_from(sources: dict[str, int | None], stamps: dict[int, str]) -> Signature:
    return tuple((name, import_id, stamps.get(import_id, "")) for name, import_id in sources.items() if import_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _signatures(path: str, version: int) -> dict[dt.date, Signature]:
    """The signature of every snapshot date, read once per database version."""
    store = _store(path)
    sources = store.tables_as_of_ids(_dates(path, version))  # one connection for every date
    stamps = _import_stamps(path, version)
    return {day: _signature_from(ids, stamps) for day, ids in sources.items()}


@st.cache_resource(show_spinner=False, max_entries=64)
def _signature_at(path: str, version: int, as_of: dt.date | None) -> Signature:
    """The signature of a date that is not a snapshot date (None: the latest)."""
    return _signature_from(_store(path).table_as_of_ids(as_of), _import_stamps(path, version))


def _signature(path: str, version: int, as_of: dt.date | None) -> Signature:
    signatures = _signatures(path, version)
    return signatures[as_of] if as_of in signatures else _signature_at(path, version, as_of)


def snapshot_signature(as_of: dt.date | None) -> Signature:
    """Which import supplies each table as of that date, with the time it was imported (tables no import has yet
    are left out): what every cached result of that snapshot is keyed on."""
    return _consistent(lambda path, version: _signature(path, version, as_of))


def _snapshots(path: str, version: int, dates: tuple[dt.date, ...]) -> tuple[tuple[dt.date, Signature], ...]:
    return tuple((day, _signature(path, version, day)) for day in dates)


def _consistent(call):  # noqa: ANN001, ANN202
    """``call(path, version)``; again with the version read anew when a snapshot changed while it was read (an
    import or a delete from another session or the command line landed between reading the signatures and the
    tables), so no cache ever holds tables under a signature they do not have."""
    path = str(get_store().path)
    for _ in range(3):
        try:
            return call(path, data_version())
        except _SnapshotChanged:
            _version.clear()
    raise DatabaseBusy(f"the database {path} changed three times while it was read; reload the page")


# A snapshot is read in two parts: the tables its indicators read (dashboard.snapshot_figures: projects, costs,
# milestones, risks, issues) and the resource plan (people, allocations: at 2,000 projects ~100,000 rows, half the
# time of reading a snapshot). A part is read when one of its tables is first asked for (_Snapshot), so a trend
# over 12 snapshots reads the resource plan of none of the earlier ones.
RESOURCE_TABLES = ("people", "allocations")
_PARTS = {
    "portfolio": tuple(name for name in schema.TABLES if name not in RESOURCE_TABLES),
    "resources": RESOURCE_TABLES,
}
_PART_OF = {name: part for part, names in _PARTS.items() for name in names}


def _part_signature(signature: Signature, part: str) -> Signature:
    return tuple(entry for entry in signature if _PART_OF.get(entry[0]) == part)


# The snapshot's tables are cached as shared objects (st.cache_resource), not as copies (st.cache_data pickles a
# result and unpickles a fresh copy on every call: about 40 ms per rerun for the 160,000 rows of a 2,000-project
# snapshot, and a second copy in memory). Callers get shallow copies (_copies): with pandas' copy-on-write a
# change to one (frame["x"] = ...) copies that column first and never reaches the cache. A part is keyed on the
# signature of its own tables: a new resource plan for a date leaves that date's portfolio tables cached.
@st.cache_resource(show_spinner=False, max_entries=64)
def _load_part(path: str, as_of: dt.date | None, signature: Signature, part: str) -> dict[str, pd.DataFrame]:
    tables = _store(path).load_tables(list(_PARTS[part]), as_of)
    supplied = {name: import_id for name, import_id, _ in signature}
    for name, frame in tables.items():
        # Every row of a table comes from the one import that supplies it (an empty table: none, or an import
        # deleted meanwhile, whose id never comes back).
        if len(frame) and int(frame["import_id"].iat[0]) != supplied.get(name):
            raise _SnapshotChanged(name)
    return tables


def _table(path: str, as_of: dt.date | None, signature: Signature, name: str) -> pd.DataFrame:
    """One table as stored (the cached frame itself: hand out copies only)."""
    part = _PART_OF[name]
    return _load_part(path, as_of, _part_signature(signature, part), part)[name]


def _load_tables(path: str, as_of: dt.date | None, signature: Signature) -> dict[str, pd.DataFrame]:
    return {name: _table(path, as_of, signature, name) for name in schema.TABLES}


def _copies(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A new dict of shallow copies (microseconds): safe to change, the cached frames stay as they are."""
    return {name: frame.copy(deep=False) for name, frame in tables.items()}


def frame_caption(view: Frame) -> str:
    """ "As of 31 October 2026 · change since 30 Sep 2026 · filtered: Portfolio = Bedrijfsvoering"."""
    since = f"since {view.previous:%d %b %Y}" if view.previous else "no earlier snapshot"
    filtered = ", ".join(f"{dashboard.FILTERS[k]} = {', '.join(v)}" for k, v in view.filters if v)
    return f"As of {view.as_of:%d %B %Y} · change {since}" + (f" · filtered: {filtered}" if filtered else "")


def load_tables(as_of: dt.date | None) -> dict[str, pd.DataFrame]:
    """Every table as of a snapshot date, read once per part and cached per signature: a rerun costs one version
    check, not a reload, and an import that leaves the date's tables as they were does not reload them."""
    return _consistent(lambda path, version: _copies(_load_tables(path, as_of, _signature(path, version, as_of))))


def load_table(name: str, as_of: dt.date | None) -> pd.DataFrame:
    return _consistent(
        lambda path, version: _table(path, as_of, _signature(path, version, as_of), name).copy(deep=False)
    )


@dataclass(frozen=True)
class Frame:
    """What every dashboard page works on: the chosen snapshot, the previous one, the filters."""

    as_of: dt.date
    previous: dt.date | None
    dates: tuple[dt.date, ...]  # every snapshot date, ascending
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # (("portfolio", ("Bedrijfsvoering",)), ...): hashable

    @property
    def filter_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.filters}

    @property
    def is_filtered(self) -> bool:
        return any(v for _, v in self.filters)

    @property
    def history_dates(self) -> tuple[dt.date, ...]:
        """Every snapshot date up to the chosen one: what a trend covers."""
        return tuple(d for d in self.dates if d <= self.as_of)


@st.cache_resource(show_spinner=False)
def _settings_cached(version: float) -> HealthSettings:
    return load_settings()


def health_settings() -> HealthSettings:
    """The PMO's health thresholds (reloaded when the file changes). A bad file stops the page with its message."""
    path = Path(os.environ.get("PMO_HEALTH_SETTINGS", "") or DEFAULT_SETTINGS_PATH)
    try:
        return _settings_cached(path.stat().st_mtime if path.exists() else 0.0)
    except SettingsError as err:
        st.error(f"The health settings cannot be used: {err}", icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def dashboard_sidebar() -> Frame | None:
    """The sidebar of the dashboard pages: the snapshot (as-of) and the filters, all kept in the URL
    (?as_of=2026-10-31&portfolio=Bedrijfsvoering), so a filtered view can be mailed as a link."""
    dates = snapshot_dates()
    if not dates:
        st.session_state.pop("dashboard_frame", None)
        return None
    options = [d.isoformat() for d in reversed(dates)]
    with st.sidebar:
        chosen = st.selectbox(
            "Snapshot (as of)",
            options,
            key="as_of",
            bind="query-params",
            # ISO dates as the options themselves: a bound widget writes its label into the URL, and
            # ?as_of=2026-03-31 must stay a link anyone can write by hand.
            help="Each table is taken from the latest import on or before this date (YYYY-MM-DD).",
        )
        as_of = dt.date.fromisoformat(chosen)
        projects = load_table("projects", as_of)
        with st.expander("Filters", expanded=True, icon=":material/filter_alt:"):
            values = dashboard.filter_options(projects)
            filters = []
            for name, label in dashboard.FILTERS.items():
                picked = st.multiselect(label, values[name], key=name, bind="query-params", placeholder="All")
                filters.append((name, tuple(picked)))
    previous = dashboard_previous(dates, as_of)
    frame = Frame(as_of, previous, dates, tuple(filters))
    st.session_state["dashboard_frame"] = frame
    return frame


def clear_frame() -> None:
    st.session_state.pop("dashboard_frame", None)


def dashboard_previous(dates: tuple[dt.date, ...], as_of: dt.date) -> dt.date | None:
    earlier = [d for d in dates if d < as_of]
    return earlier[-1] if earlier else None


def frame() -> Frame | None:
    """The frame app.py's sidebar set up for this run (None: no snapshot yet). Pages stop with an empty state
    that says what to upload when there is none."""
    current = st.session_state.get("dashboard_frame")
    if current is None:
        st.info(
            "No snapshot yet. Upload your exports on the **Import** page (a project register, a budget grid, a risk "
            "register, a resource plan), or load the demo portfolio with `python -m pmo_analytics demo`.",
            icon=":material/upload_file:",
        )
        st.page_link("app_pages/data_import.py", label="Go to Import", icon=":material/upload_file:")
        st.stop()
    return current


@st.cache_resource(show_spinner=False, max_entries=64)  # shared, like _load_part: use through _shared or _Snapshot
def _filtered_part(
    path: str, as_of: dt.date, signature: Signature, filters: tuple, part: str
) -> dict[str, pd.DataFrame]:
    if not any(values for _, values in filters):
        return {name: _table(path, as_of, signature, name) for name in _PARTS[part]}
    # The resource plan is filtered through the projects (the people who work on a kept project).
    needed = _PARTS[part] + (("projects",) if part == "resources" else ())
    kept = dashboard.filter_tables({name: _table(path, as_of, signature, name) for name in needed}, dict(filters))
    return {name: kept[name] for name in _PARTS[part]}


def _shared(path: str, as_of: dt.date, signature: Signature, filters: tuple) -> dict[str, pd.DataFrame]:
    """The filtered tables, every one, as shallow copies of the cached ones."""
    return {name: _Snapshot(path, as_of, signature, filters)[name] for name in schema.TABLES}


class _Snapshot(Mapping):
    """The filtered tables of one snapshot, as shallow copies of the cached ones; each part is read (or taken from
    the cache) when one of its tables is first asked for. What the cached page-data functions are given."""

    def __init__(self, path: str, as_of: dt.date, signature: Signature, filters: tuple) -> None:
        self._key = (path, as_of, signature, filters)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in _PART_OF:
            raise KeyError(name)
        return _filtered_part(*self._key, _PART_OF[name])[name].copy(deep=False)

    def __contains__(self, name: object) -> bool:
        return name in _PART_OF

    def __iter__(self) -> Iterator[str]:
        return iter(schema.TABLES)

    def __len__(self) -> int:
        return len(schema.TABLES)


def tables(view: Frame, as_of: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """The filtered tables of the frame's snapshot (or of another date with the same filters). Cached."""
    day = as_of or view.as_of
    return _consistent(lambda path, version: _shared(path, day, _signature(path, version, day), view.filters))


# A snapshot's indicators and portfolio totals, the costly part of the overview (about 1 s at 2,000 projects),
# computed once per server for each (snapshot, filters, settings): the snapshot's summary and the trend of every
# later as-of date are built from them. Shared objects (st.cache_resource): never handed out as they are.
@st.cache_resource(show_spinner="Computing indicators ...", max_entries=64)
def _figures(
    path: str, as_of: dt.date, signature: Signature, filters: tuple, settings: HealthSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return dashboard.snapshot_figures(_Snapshot(path, as_of, signature, filters), as_of, settings)


@st.cache_data(show_spinner=False, max_entries=64)
def _summary(
    path: str, as_of: dt.date, signature: Signature, filters: tuple, settings: HealthSettings
) -> dict[str, object]:
    indicators, totals = _figures(path, as_of, signature, filters, settings)
    figures = (indicators.copy(deep=False), totals.copy(deep=False))  # the summary is handed out: not the shared ones
    return dashboard.snapshot_summary(_Snapshot(path, as_of, signature, filters), as_of, settings, figures=figures)


def summary(view: Frame, as_of: dt.date | None = None) -> dict[str, object]:
    """dashboard.snapshot_summary of the frame's snapshot (or another date): indicators, totals, KPIs. Cached."""
    day = as_of or view.as_of
    settings = health_settings()
    return _consistent(
        lambda path, version: _summary(path, day, _signature(path, version, day), view.filters, settings)
    )


@st.cache_data(show_spinner="Computing the trend over snapshots ...", max_entries=16)
def _trends(
    path: str, snapshots: tuple[tuple[dt.date, Signature], ...], filters: tuple, settings: HealthSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return dashboard.trends_from_figures(
        [(day, *_figures(path, day, signature, filters, settings)) for day, signature in snapshots]
    )


def trends(view: Frame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-project history, portfolio history) over every snapshot up to the frame's date, built from each
    snapshot's cached figures (an earlier as-of choice or a new month computes no snapshot twice). Cached."""
    settings = health_settings()
    return _consistent(
        lambda path, version: _trends(path, _snapshots(path, version, view.history_dates), view.filters, settings)
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _view_call(path: str, target: str, as_of: dt.date, signature: Signature, filters: tuple, params: tuple) -> object:
    return _function(target)(_Snapshot(path, as_of, signature, filters), as_of, **dict(params))


def view_data(function, view: Frame, *, as_of: dt.date | None = None, **params: object) -> object:  # noqa: ANN001
    """Call a pure page-data function ``function(tables, as_of, **params)`` on the frame's filtered tables,
    cached per (function, snapshot signature, filters, params): a warm rerun does no work.

        curves = ui.view_data(budget.s_curve_data, view, project_ids=("P-001",))
    """
    target = f"{function.__module__}.{function.__qualname__}"
    day = as_of or view.as_of
    arguments = tuple(sorted(params.items()))
    return _consistent(
        lambda path, version: _view_call(path, target, day, _signature(path, version, day), view.filters, arguments)
    )


def _function(target: str):  # noqa: ANN202
    module, name = target.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


# Figures are shared objects (st.cache_resource): a pickled copy would be rebuilt and validated by plotly on every
# call, which is most of the cost of building it. st.plotly_chart only reads the figure.
@st.cache_resource(show_spinner=False, max_entries=32)
def _chart_call(
    path: str,
    chart: str,
    target: str,
    as_of: dt.date,
    signature: Signature,
    filters: tuple,
    params: tuple,
    chart_params: tuple,
) -> go.Figure:
    figure = _function(chart)(_view_call(path, target, as_of, signature, filters, params), **dict(chart_params))
    return _DrawnFigure(figure)


@st.cache_resource(show_spinner=False, max_entries=32)
def _summary_chart(
    path: str,
    chart: str,
    as_of: dt.date,
    signature: Signature,
    filters: tuple,
    settings: HealthSettings,
    chart_params: tuple,
) -> go.Figure:
    indicators, _ = _figures(path, as_of, signature, filters, settings)
    return _DrawnFigure(_function(chart)(indicators.copy(deep=False), **dict(chart_params)))


class _DrawnFigure(go.Figure):
    """A figure whose plain dict is made once: st.plotly_chart calls ``to_dict()`` on every rerun, and that
    deep-copies every cell (50 ms for the 36,000 cells of a 3,000-person heatmap). For cached figures only, which
    are never changed after they are made."""

    def to_dict(self) -> dict:
        drawn = getattr(self, "_drawn_dict", None)
        if drawn is None:
            drawn = self._drawn_dict = super().to_dict()
        return drawn


def view_chart(chart, function, view: Frame, *, chart_params: dict | None = None, **params: object) -> go.Figure:  # noqa: ANN001
    """``chart(view_data(function, view, **params), **chart_params)``, the figure cached like view_data: a warm
    rerun draws the figure built before (at 2,000 projects the resource heatmap has 36,000 cells and takes
    0.1-0.2 s to build). The figure is shared between reruns and sessions: draw it, never change it.

        st.plotly_chart(ui.view_chart(charts.resource_heatmap, resources.utilisation, view,
                                      chart_params={"period": "month"}, period="month", by="person"))
    """
    names = (f"{chart.__module__}.{chart.__qualname__}", f"{function.__module__}.{function.__qualname__}")
    arguments = (tuple(sorted(params.items())), tuple(sorted((chart_params or {}).items())))
    return _consistent(
        lambda path, version: _chart_call(
            path, *names, view.as_of, _signature(path, version, view.as_of), view.filters, *arguments
        )
    )


def summary_chart(chart, view: Frame, **chart_params: object) -> go.Figure:  # noqa: ANN001
    """``chart(summary(view)["indicators"], **chart_params)``, the figure cached per (chart, snapshot signature,
    filters, settings, chart_params): the overview's quadrant has a bubble and seven hover texts per project
    (0.1 s to build at 2,000 projects). Shared: draw it, never change it.

        st.plotly_chart(ui.summary_chart(charts.quadrant, view, bands=ui.health_settings().cost))
    """
    name = f"{chart.__module__}.{chart.__qualname__}"
    settings = health_settings()
    arguments = tuple(sorted(chart_params.items()))
    return _consistent(
        lambda path, version: _summary_chart(
            path, name, view.as_of, _signature(path, version, view.as_of), view.filters, settings, arguments
        )
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _history_call(
    path: str, target: str, snapshots: tuple[tuple[dt.date, Signature], ...], filters: tuple, params: tuple
) -> object:
    return _function(target)([(day, _Snapshot(path, day, sig, filters)) for day, sig in snapshots], **dict(params))


def history_data(function, view: Frame, **params: object) -> object:  # noqa: ANN001
    """Call a pure function ``function([(date, tables), ...], **params)`` over every snapshot up to the frame's
    date (filtered), cached like view_data: trends over snapshots (risk trend, milestone trend analysis)."""
    target = f"{function.__module__}.{function.__qualname__}"
    arguments = tuple(sorted(params.items()))
    return _consistent(
        lambda path, version: _history_call(
            path, target, _snapshots(path, version, view.history_dates), view.filters, arguments
        )
    )


@st.cache_data(show_spinner="Assembling the report ...", max_entries=16)
def _report_content(
    path: str,
    snapshots: tuple[tuple[dt.date, Signature], ...],
    previous: dt.date | None,
    filters: tuple,
    settings: HealthSettings,
) -> ReportContent:
    """The report of the last of ``snapshots`` (every snapshot up to it, for the trend) against ``previous``."""
    from pmo_analytics.report_content import report_content

    as_of, signature = snapshots[-1]
    earlier = dict(snapshots).get(previous) if previous else None
    _, history = _trends(path, snapshots, filters, settings)
    return report_content(
        _shared(path, as_of, signature, filters),
        as_of,
        _shared(path, previous, earlier, filters) if earlier is not None else None,
        previous if earlier is not None else None,
        settings=settings,
        history=history,
        filters=dict(filters),
        summary=_summary(path, as_of, signature, filters, settings),
        previous_summary=_summary(path, previous, earlier, filters, settings) if earlier is not None else None,
    )


def report_content(view: Frame) -> ReportContent:
    """The management report's sheets for the frame's snapshot, compared with the previous one, with the trend over
    every snapshot up to it; cached per (snapshot signatures, filters, settings): a warm rerun does no work
    (assembling it takes about 0.5 s at 2,000 projects: the reasons of every red project, the over-allocations)."""
    settings = health_settings()
    return _consistent(
        lambda path, version: _report_content(
            path, _snapshots(path, version, view.history_dates), view.previous, view.filters, settings
        )
    )


def project_link(project_id: str) -> str:
    """A relative link to the project page that keeps working when mailed: "project?project=P-001"."""
    return f"project?project={quote(str(project_id))}"


def project_links(project_ids: pd.Series) -> pd.Series:
    """project_link of every row, written once per distinct project (a table of 15,000 over-allocation causes
    names about 2,000 projects): ["1001", "1001", NA] -> ["project?project=1001", "project?project=1001", NA]."""
    codes, distinct = pd.factorize(project_ids.astype("str"))  # missing -> -1: the NA appended below
    links = np.array([project_link(project_id) for project_id in distinct] + [pd.NA], dtype=object)
    return pd.Series(links[codes], index=project_ids.index, dtype="str")


def project_link_column(label: str = "Project") -> object:
    """A table column of :func:`project_link` URLs, shown as the project ID and opening its Project page."""
    return st.column_config.LinkColumn(label, display_text=r"project=(.*)$")


def project_table(indicators: pd.DataFrame, key: str) -> None:
    """The portfolio's projects, worst first (views.overview.project_table), each ID a link to its Project page:
    the Overview's list, and the Project page's list before a project is chosen."""
    from pmo_analytics.views.overview import project_table as table_of

    table = table_of(indicators)
    money = "€ %,.0f"
    st.dataframe(
        table.assign(project=project_links(table["project"])),
        hide_index=True,
        width="stretch",
        column_config={
            "project": project_link_column(),
            "name": st.column_config.TextColumn("Name"),
            "portfolio": st.column_config.TextColumn("Portfolio"),
            "health": st.column_config.TextColumn("Health"),
            "manager": st.column_config.TextColumn("Manager"),
            "why": st.column_config.TextColumn("Why", width="large"),
            "cpi": st.column_config.NumberColumn("CPI", format="%.2f"),
            "spi_t": st.column_config.NumberColumn("SPI(t)", format="%.2f"),
            "bac": st.column_config.NumberColumn("Budget", format=money),
            "eac": st.column_config.NumberColumn("EAC", format=money),
            "finish_slip_days": st.column_config.NumberColumn("Finish slip (days)", format="%d"),
            "open_risks": st.column_config.NumberColumn("Open risks", format="%d"),
        },
        key=key,
    )

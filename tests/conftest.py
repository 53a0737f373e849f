"""Shared fixtures: the demo portfolio in a temporary database, built once per test session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

# The demo's last snapshot in tests: fixed, so figures do not move with the calendar.
DEMO_END = dt.date(2026, 10, 31)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A DuckDB file holding the demo portfolio (40 projects, 12 monthly snapshots to 2026-10-31, seed 7),
    loaded through the real importer. Tests must not write to it: copy it first (see `demo_copy`)."""
    from pmo_analytics.demo_loader import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    load_demo(path, end=DEMO_END)
    return path


@pytest.fixture
def app_env(demo_db, monkeypatch) -> Path:
    """Point the app (PMO_DB) at the demo database, read-only use."""
    monkeypatch.setenv("PMO_DB", str(demo_db))
    return demo_db


@pytest.fixture
def demo_copy(demo_db, tmp_path, monkeypatch) -> Path:
    """A private, writable copy of the demo database, with PMO_DB pointing at it."""
    path = tmp_path / "demo.duckdb"
    path.write_bytes(demo_db.read_bytes())
    monkeypatch.setenv("PMO_DB", str(path))
    return path

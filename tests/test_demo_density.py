"""Demo densities: the standard demo stays exactly as it was, the large one staffs and registers each project as
issue 5's large PMO does (about 100,000 allocation rows and 10,000 risks at 2,000 projects)."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from types import SimpleNamespace

import fastexcel
import numpy as np
import pandas as pd
import pytest

from pmo_analytics.cli import DEMO_DENSITIES, main
from pmo_analytics.demo import DENSITIES, LARGE, STANDARD, build_portfolio
from pmo_analytics.demo_data import _end_month, density_named, draw_model
from pmo_analytics.demo_registers import _Bookings, _pick_with_room

END = date(2026, 3, 31)
TABLES = ("projects", "cost_periods", "milestones", "risks", "issues", "people", "allocations")

# --- the standard demo is unchanged ----------------------------------------------------------------------------

# Rows per table (in TABLES order) per snapshot of the default demo (40 projects, 12 months, seed 7) ending
# 2026-03-31, and the sha256 of every frame as CSV, recorded with the code before densities existed (aff50ab).
STANDARD_40_COUNTS = {
    "2025-04-30": [26, 1106, 108, 24, 16, 60, 949],
    "2025-05-31": [29, 1216, 123, 27, 17, 60, 1016],
    "2025-06-30": [29, 1216, 123, 29, 20, 60, 1042],
    "2025-07-31": [33, 1330, 140, 33, 23, 60, 1130],
    "2025-08-31": [35, 1406, 148, 37, 24, 60, 1161],
    "2025-09-30": [35, 1410, 148, 39, 28, 60, 1175],
    "2025-10-31": [36, 1434, 154, 46, 29, 60, 1180],
    "2025-11-30": [37, 1476, 160, 53, 33, 60, 1206],
    "2025-12-31": [38, 1490, 164, 60, 39, 60, 1206],
    "2026-01-31": [38, 1494, 164, 76, 44, 60, 1193],
    "2026-02-28": [39, 1542, 169, 91, 54, 60, 1203],
    "2026-03-31": [40, 1598, 172, 108, 63, 60, 1204],
}
STANDARD_40_CSV_SHA256 = "4d5652aa2366ac78e2f3919f9b9fa7d2df1bd4eb3cde99cf698afa8a7bd764ed"


@pytest.mark.parametrize("density", [None, "standard", STANDARD])
def test_the_standard_demo_is_the_demo_as_it_was(density):
    """The default, "standard" and STANDARD all give the frames the demo gave before it had densities (the
    workbooks are written from these frames, so they are byte-identical too)."""
    kwargs = {} if density is None else {"density": density}
    portfolio = build_portfolio(40, 12, seed=7, end=END, **kwargs)
    counts = {f"{s.as_of}": [len(s.tables[name]) for name in TABLES] for s in portfolio.snapshots}
    assert counts == STANDARD_40_COUNTS
    digest = hashlib.sha256()
    for snapshot in portfolio.snapshots:
        for name, frame in snapshot.tables.items():
            digest.update(f"{snapshot.as_of}/{name}\n".encode())
            digest.update(frame.to_csv(index=False).encode())
    assert digest.hexdigest() == STANDARD_40_CSV_SHA256


# --- the large density ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_400():
    """400 projects at the large density, one snapshot (2026-03-31): the drawn model and the snapshot's frames."""
    model = draw_model(np.random.default_rng(7), 400, _end_month(END), 1, LARGE)
    return model, build_portfolio(400, 1, end=END, density="large").latest.tables


def test_large_density_staffs_two_and_a_quarter_people_per_project(large_400):
    model, tables = large_400
    # round(2.25 x 400) = 900 people, of whom ceil(400 / 4) = 100 project managers (standard: 1.5 x 400 = 600).
    assert len(tables["people"]) == len(model.people) == 900
    assert (tables["people"]["team"] == "Projectmanagement").sum() == 100
    assert len(build_portfolio(400, 1, end=END).latest.tables["people"]) == 600


def test_large_density_teams_are_one_point_eight_times_the_standard(large_400):
    """Standard specialists per project: k = 1 + round(1.5 x log10(budget / 50,000)) + (0 or 1). log10 of the
    budget ratio is uniform on 0-2 (budgets are log-uniform 50k-5M), so round(1.5 x u) is 0, 1, 2, 3 with chances
    1/6, 1/3, 1/3, 1/6 and k = 1..5 with chances 1/12, 1/4, 1/3, 1/4, 1/12 (mean 3). Large: round(1.8 k) =
    2, 4, 5, 7, 9 (3.6 -> 4, 5.4 -> 5, 7.2 -> 7), mean 2/12 + 4/4 + 5/3 + 7/4 + 9/12 = 5.33."""
    model, _ = large_400
    specialists = Counter(a.project for a in model.assignments if not a.is_manager)
    per_project = [specialists[i] for i in range(400)]
    assert set(per_project) <= {2, 4, 5, 7, 9}  # nobody was short of people with room
    assert sum(per_project) / 400 == pytest.approx(5.33, abs=0.3)
    assert sum(a.is_manager for a in model.assignments) == 400  # and one manager per project


def test_large_density_registers_one_and_three_quarter_times_the_risks_and_issues(large_400):
    """Risk count per project ~ Poisson((1.5 + 2.5 if troubled + 1 above a 1M budget) x 1.75). Troubled:
    over_cost 0.12 x 400 = 48, late 40, over_and_late 32, completed_late 16, cancelled 20 = 156 (0.39); P(budget
    > 1M) = log(5M / 1M) / log(5M / 50k) = log10(5) / 2 = 0.35. Mean (1.5 + 2.5 x 0.39 + 0.35) x 1.75 = 4.94 per
    project, 1,977 for 400. Issues: (0.8 + 2.0 x 0.39) x 1.75 = 2.77 per project, 1,106 for 400. Every risk and
    issue is raised by the last snapshot, so it holds them all. Within 10% (a Poisson total of 2,000 has a
    standard deviation of about 45)."""
    model, tables = large_400
    assert len(tables["risks"]) == len(model.risks)
    assert 0.9 * 1977 <= len(tables["risks"]) <= 1.1 * 1977
    assert 0.9 * 1106 <= len(tables["issues"]) <= 1.1 * 1106
    assert tables["risks"].groupby("project_id").size().max() <= 14  # LARGE.max_risks
    assert tables["issues"].groupby("project_id").size().max() <= 10  # LARGE.max_issues


def test_large_density_plans_nobody_far_beyond_their_hours(large_400):
    """Promised shares stay within 1.0 of contract hours per month; the plan scales a share by the month's
    intensity (at most 1.2) and rounds each row to 4 hours (at most 2 up): hours <= 1.2 x available + 2 per row.
    Available = weekly hours x working days / 5 (March 2026: 36 x 22 / 5 = 158.4)."""
    _, tables = large_400
    allocations = tables["allocations"]
    month = allocations.groupby(["person_name", "period_date"], as_index=False).agg(
        hours=("hours", "sum"), rows=("hours", "size")
    )
    starts = month["period_date"].to_numpy().astype("datetime64[D]")
    ends = (month["period_date"] + pd.offsets.MonthBegin(1)).to_numpy().astype("datetime64[D]")
    weekly = month["person_name"].map(tables["people"].set_index("person_name")["weekly_hours"])
    available = weekly * np.busday_count(starts, ends) / 5
    assert (month["hours"] <= 1.2 * available + 2 * month["rows"]).all()
    over = month["hours"] > available
    assert 1 <= over.sum() < 0.05 * len(month)  # some people are over-allocated in busy months, few


def test_large_density_plans_as_many_more_rows_as_it_has_people_per_project(large_400):
    """A row is a person on a project in a month of the plan, so the rows grow with the people per project:
    1 manager + 5.33 specialists = 6.33 large against 1 + 3 = 4 standard, 6.33 / 4 = 1.58 times the rows."""
    _, tables = large_400
    standard = build_portfolio(400, 1, end=END).latest.tables["allocations"]
    assert len(tables["allocations"]) / len(standard) == pytest.approx(6.33 / 4, rel=0.1)


def test_a_specialist_joins_only_with_room_in_the_project_months():
    """Person 0 has 0.9 promised in the project's last month: no share (0.15-0.5) fits within 1.0. Person 1 has
    0.5 (any share fits), person 2 has 0.9 only in the month after the project. Three wanted, two can come."""
    project = SimpleNamespace(start_month=24_300, planned_months=4, work_months=5, pause_months=1)
    longer = SimpleNamespace(start_month=24_300, planned_months=7, work_months=7, pause_months=0)
    booked = _Bookings(3, [project, longer], capacity=1.0)
    assert booked.shares.shape == (3, 7)  # months 24,300-24,306
    assert booked.months(project) == slice(0, 6)  # max(4 planned, 5 worked + 1 paused) months from the start
    booked.shares[0, 5] = 0.9
    booked.shares[1, :] = 0.5
    booked.shares[2, 6] = 0.9
    picks = _pick_with_room(np.random.default_rng(1), np.array([0, 1, 2]), np.ones(3), 3, booked, project)
    assert sorted(person for person, _ in picks) == [1, 2]
    for person, share in picks:
        assert 0.15 <= share < 0.5
        base = 0.5 if person == 1 else 0.0
        assert booked.shares[person, :6].tolist() == pytest.approx([base + share] * 6)
    assert booked.shares[2, 6] == 0.9  # the month after the project is untouched


def test_density_names():
    assert tuple(DENSITIES) == DEMO_DENSITIES  # the command line offers every density (without importing numpy)
    assert density_named("large") is LARGE
    assert density_named(STANDARD) is STANDARD
    with pytest.raises(ValueError, match="no demo density 'huge'"):
        density_named("huge")


# --- the command line -----------------------------------------------------------------------------------------


def people_rows(folder) -> int:
    (path,) = folder.glob("resourceplan_*.xlsx")
    return fastexcel.read_excel(path).load_sheet("Medewerkers").height


@pytest.mark.parametrize(("density", "people"), [("standard", 18), ("large", 27)])
def test_demo_command_writes_the_density_asked_for(tmp_path, capsys, density, people):
    """12 projects: ceil(12 / 4) = 3 managers; people = max(3 + 6, 1.5 x 12 = 18) standard, round(2.25 x 12) = 27
    large."""
    args = ["demo", "--projects", "12", "--months", "1", "--out", str(tmp_path), "--no-load"]
    assert main([*args, "--density", density]) == 0
    assert capsys.readouterr().out.endswith(f"written to {tmp_path}\n")
    assert people_rows(tmp_path) == people


def test_demo_command_refuses_an_unknown_density(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--density", "huge", "--out", str(tmp_path), "--no-load"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'huge'" in capsys.readouterr().err

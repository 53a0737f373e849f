"""The demo portfolio: deterministic, believable, internally consistent truth frames, and workbooks in the
shapes real exports have. The importer is not exercised here (it has its own tests)."""

from __future__ import annotations

from datetime import date

import fastexcel
import numpy as np
import pandas as pd
import pytest

from pmo_analytics import schema
from pmo_analytics.demo import build_portfolio, default_end, snapshot_dates, write_demo_workbooks
from pmo_analytics.demo_model import add_months, spread_cents
from pmo_analytics.demo_workbooks import (
    ISSUE_HEADERS,
    MILESTONE_HEADERS,
    PEOPLE_HEADERS,
    REGISTER_HEADERS,
    RISK_HEADERS,
    day_first,
    dutch_date,
    euro_text,
    month_header,
)

END = date(2026, 3, 31)


@pytest.fixture(scope="module")
def portfolio():
    """The default demo (40 projects, 12 months) at a fixed end, so the test does not depend on today."""
    return build_portfolio(end=END)


def sheet_cells(path, sheet: str) -> pd.DataFrame:
    """Every cell as text, index 0 = Excel row 1 (fastexcel drops leading empty columns only)."""
    return fastexcel.read_excel(path).load_sheet(sheet, header_row=None, dtypes="string").to_pandas()


# --- pure helpers, worked out by hand -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "end", "expected"),
    [
        # March 15 is not a month-end: rounded down to February 28.
        (3, date(2026, 3, 15), [date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28)]),
        (2, date(2024, 2, 29), [date(2024, 1, 31), date(2024, 2, 29)]),  # leap year
        (1, date(2026, 1, 31), [date(2026, 1, 31)]),
    ],
)
def test_snapshot_dates_are_month_ends_ending_at_end(months, end, expected):
    assert snapshot_dates(months, end) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 4, 15), date(2026, 3, 31)),
        (date(2026, 4, 30), date(2026, 3, 31)),  # "before today": today's own month-end does not count
        (date(2026, 1, 1), date(2025, 12, 31)),
        (date(2024, 3, 1), date(2024, 2, 29)),
    ],
)
def test_default_end_is_the_last_month_end_before_today(today, expected):
    assert default_end(today) == expected


@pytest.mark.parametrize(
    ("amount", "text"),
    [(1234.56, "€ 1.234,56"), (0.0, "€ 0,00"), (1234567.891, "€ 1.234.567,89"), (999.999, "€ 1.000,00")],
)
def test_euro_text_uses_dutch_separators(amount, text):
    assert euro_text(amount) == text


@pytest.mark.parametrize(
    ("function", "day", "text"),
    [
        (day_first, date(2026, 3, 5), "05-03-2026"),
        (dutch_date, date(2026, 3, 15), "15 mrt 2026"),
        (dutch_date, date(2025, 10, 1), "1 okt 2025"),
        (month_header, date(2026, 5, 1), "mei 2026"),
    ],
)
def test_dutch_date_texts(function, day, text):
    assert function(day) == text


@pytest.mark.parametrize(
    ("total", "shares", "parts"),
    [
        # 100 x [0, 1/3, 2/3, 1] rounds to [0, 33, 67, 100]: parts 33, 34, 33.
        (100, [0, 1 / 3, 2 / 3, 1], [33, 34, 33]),
        (7, [0, 0.5, 1], [4, 3]),  # rint(3.5) = 4 (round half to even)
        (0, [0, 0.5, 1], [0, 0]),
    ],
)
def test_spread_cents_adds_up_exactly(total, shares, parts):
    assert spread_cents(total, np.array(shares)).tolist() == parts


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2025, 11, 15), 3, date(2026, 2, 15))],
)
def test_add_months_clips_the_day(day, months, expected):
    assert add_months(day, months) == expected


# --- the truth frames ------------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames_and_another_seed_does_not():
    first = build_portfolio(projects=8, months=3, seed=11, end=END)
    second = build_portfolio(projects=8, months=3, seed=11, end=END)
    for a, b in zip(first.snapshots, second.snapshots, strict=True):
        assert a.as_of == b.as_of
        for name in schema.TABLES:
            pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    other = build_portfolio(projects=8, months=3, seed=12, end=END)
    assert not other.latest.tables["projects"].equals(first.latest.tables["projects"])


def test_every_frame_has_the_contract_columns_in_order(portfolio):
    for snapshot in portfolio.snapshots:
        for name, table in schema.TABLES.items():
            assert list(snapshot.tables[name].columns) == table.column_names, name


def test_default_portfolio_counts(portfolio):
    assert len(portfolio.snapshots) == 12
    assert portfolio.as_of_dates == snapshot_dates(12, END)
    assert portfolio.as_of_dates[0] == date(2025, 4, 30)
    projects = portfolio.latest.tables["projects"]
    # Every project is in the register by the last snapshot; the portfolios take turns: 40 / 4 = 10 each.
    assert projects["project_id"].tolist() == [str(n) for n in range(1001, 1041)]
    assert projects["portfolio"].value_counts().to_dict() == {
        "Digitale Dienstverlening": 10,
        "Infrastructuur & Huisvesting": 10,
        "Bedrijfsvoering": 10,
        "Informatievoorziening": 10,
    }
    # 1.5 people per project: 60, of whom ceil(40 / 4) = 10 project managers.
    people = portfolio.latest.tables["people"]
    assert len(people) == 60
    assert (people["team"] == "Projectmanagement").sum() == 10
    assert set(projects["project_manager"]) <= set(people["person_name"])
    # The register grows: projects enter a few months before they start.
    counts = [len(s.tables["projects"]) for s in portfolio.snapshots]
    assert counts == sorted(counts) and counts[0] < 40


def test_statuses_and_mix_at_the_last_snapshot(portfolio):
    """The archetype counts are demo_model.KIND_SHARES x 40, rounded, and each shows at the last snapshot."""
    projects = portfolio.latest.tables["projects"]
    status = projects["status"].value_counts().to_dict()
    # completed 0.11 x 40 = 4 + completed_late 0.04 x 40 = 2; cancelled 0.05 x 40 = 2; on hold 0.07 x 40 = 3.
    assert status["completed"] == 6
    assert status["cancelled"] == 2
    assert status["on_hold"] == 3
    assert status["active"] == 40 - 6 - 2 - 3
    finished = projects[projects["status"] == "completed"]
    late = finished["actual_finish_date"] > finished["planned_finish_date"]
    assert late.sum() >= 2  # the two "completed_late" projects
    # not_started 0.07 x 40 = 3 projects start after the last snapshot.
    assert (projects["start_date"] > pd.Timestamp(END)).sum() == 3
    assert projects["budget"].between(50_000, 5_000_000).all()
    assert set(projects["reported_status"].dropna()) == {"green", "amber", "red"}


def test_about_a_quarter_of_the_started_projects_run_over_cost(portfolio):
    """cpi = ev / ac to date, per project, from the cost periods."""
    periods = portfolio.latest.tables["cost_periods"]
    totals = periods.groupby("project_id")[["earned_value", "actual_cost"]].sum()
    started = totals[totals["actual_cost"] > 0]
    cpi = started["earned_value"] / started["actual_cost"]
    over = int((cpi < 0.9).sum())
    assert 0.15 <= over / len(started) <= 0.45, (over, len(started))
    assert (cpi > 1.05).any()  # and a few are under budget


@pytest.mark.parametrize(("projects", "months"), [(40, 12), (1, 1), (3, 24), (7, 2)])
def test_planned_value_of_a_project_adds_up_to_its_budget(projects, months):
    truth = build_portfolio(projects=projects, months=months, seed=3, end=END)
    for snapshot in truth.snapshots:
        periods, register = snapshot.tables["cost_periods"], snapshot.tables["projects"]
        planned = periods.groupby("project_id")["planned_value"].sum()
        budget = register.set_index("project_id")["budget"]
        assert len(register) >= 1  # no snapshot is empty, even 24 months back over 3 projects
        assert set(planned.index) == set(budget.index)
        assert (planned - budget.loc[planned.index]).abs().max() < 0.01  # integer cents add up exactly


def test_register_agrees_with_the_cost_periods(portfolio):
    """Werkelijke kosten = sum of actuals to date; Voortgang = ev to date / budget in whole percents."""
    for snapshot in portfolio.snapshots:
        periods = snapshot.tables["cost_periods"]
        register = snapshot.tables["projects"].set_index("project_id")
        actual = periods.groupby("project_id")["actual_cost"].sum()
        earned = periods.groupby("project_id")["earned_value"].sum()
        assert (actual - register["actual_cost"].loc[actual.index]).abs().max() < 0.01
        percent = (100 * earned / register["budget"].loc[earned.index]).round()
        assert (percent - register["percent_complete"].loc[earned.index]).abs().max() < 1e-9


def test_actual_values_only_in_the_past_and_forecasts_only_in_the_future(portfolio):
    for snapshot in portfolio.snapshots:
        as_of = pd.Timestamp(snapshot.as_of)
        tables = snapshot.tables
        periods = tables["cost_periods"]
        past = periods["period_date"] <= as_of
        assert periods.loc[~past, ["actual_cost", "earned_value"]].isna().all().all()
        assert periods.loc[past, ["actual_cost", "earned_value"]].notna().all().all()
        assert periods.loc[past, "forecast_cost"].isna().all()
        assert (tables["milestones"]["actual_date"].dropna() <= as_of).all()
        assert (tables["projects"]["actual_finish_date"].dropna() <= as_of).all()
        assert (tables["risks"]["raised_date"] <= as_of).all()
        assert (tables["issues"]["raised_date"] <= as_of).all()
        assert (tables["issues"]["resolved_date"].dropna() <= as_of).all()
        # An open milestone is forecast after the as-of date; a done one has Finish = Actual Finish.
        milestones = tables["milestones"]
        done = milestones["actual_date"].notna()
        assert (milestones.loc[~done, "forecast_date"] > as_of).all()
        assert (milestones.loc[done, "forecast_date"] == milestones.loc[done, "actual_date"]).all()


def test_milestones_slip_from_snapshot_to_snapshot_on_troubled_projects(portfolio):
    """Milestone trend analysis: the forecast of an open milestone moves later month by month."""
    history = pd.concat([s.tables["milestones"].assign(as_of=s.as_of) for s in portfolio.snapshots])
    spans = history.groupby(["project_id", "milestone_id"])["forecast_date"].agg(["first", "last"])
    slip_days = (spans["last"] - spans["first"]).dt.days
    assert (slip_days >= 30).sum() >= 5
    counts = history.groupby(["project_id", "milestone_id"]).size()
    assert counts.max() == 12  # a milestone is followed across all snapshots
    assert history.groupby(["project_id"])["milestone_id"].nunique().between(3, 6).all()


def test_risks_open_and_close_over_time(portfolio):
    first, last = portfolio.snapshots[0].tables, portfolio.latest.tables
    assert set(last["risks"]["status"]) == {"open", "closed"}
    assert set(last["issues"]["status"]) == {"open", "closed"}
    assert len(last["risks"]) > len(first["risks"])
    assert last["risks"]["probability_level"].between(1, 5).all()
    # Levels 1-5 as probabilities: level 4 -> 0.7 (DESIGN.md).
    expected = last["risks"]["probability_level"].map({1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, 5: 0.9}).astype(float)
    assert (last["risks"]["probability"] == expected).all()
    closed_later = set(first["risks"].loc[first["risks"]["status"] == "open", "risk_id"]) & set(
        last["risks"].loc[last["risks"]["status"] == "closed", "risk_id"]
    )
    assert closed_later  # some risks open in the first snapshot are closed in the last


def test_some_people_are_over_allocated_in_some_months(portfolio):
    """Utilisation = allocated hours / (weekly hours x working days / 5), per person per month."""
    tables = portfolio.latest.tables
    hours = tables["allocations"].groupby(["person_name", "period_date"], as_index=False)["hours"].sum()
    starts = hours["period_date"].to_numpy().astype("datetime64[D]")
    ends = (hours["period_date"] + pd.offsets.MonthBegin(1)).to_numpy().astype("datetime64[D]")
    weekly = hours["person_name"].map(tables["people"].set_index("person_name")["weekly_hours"])
    available = weekly * np.busday_count(starts, ends) / 5
    over = hours[hours["hours"] > available + 1e-9]
    assert len(over) >= 1
    assert len(over) < 0.3 * len(hours)  # a minority of person-months
    assert (tables["allocations"]["hours"] % 4 == 0).all()  # planned in blocks of 4 hours
    # March 2026 has 22 working days: a 36-hour week gives 36 x 22 / 5 = 158.4 available hours.
    assert np.busday_count(np.datetime64("2026-03-01"), np.datetime64("2026-04-01")) == 22
    assert set(tables["people"]["weekly_hours"]) >= {40.0, 36.0, 32.0}


def test_build_portfolio_refuses_an_empty_demo():
    with pytest.raises(ValueError, match="at least one project"):
        build_portfolio(projects=0)


# --- the workbooks ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return folder, write_demo_workbooks(folder, projects=6, months=2, end=END)


def test_one_set_of_five_workbooks_per_snapshot(written):
    folder, snapshots = written
    assert [s.as_of for s in snapshots] == [date(2026, 2, 28), date(2026, 3, 31)]
    assert [p.name for p in snapshots[-1].files] == [
        "projectenregister_2026-03.xlsx",
        "project_online_export_2026-03.xlsx",
        "financien_2026-03.xlsx",
        "risicoregister_2026-03.xlsx",
        "resourceplan_2026-03.xlsx",
    ]
    assert all(p.parent == folder and p.exists() for s in snapshots for p in s.files)
    assert len(list(folder.iterdir())) == 10


def test_register_has_a_title_row_a_blank_row_and_dutch_values(written):
    _, snapshots = written
    truth = build_portfolio(projects=6, months=2, end=END).latest.tables["projects"]
    cells = sheet_cells(snapshots[-1].files[0], "Projecten")
    assert cells.iloc[0, 0] == "Projectenoverzicht maart 2026"
    assert cells.iloc[1].isna().all()
    assert cells.iloc[2].tolist() == list(REGISTER_HEADERS)
    rows = cells.iloc[3:].set_axis(list(REGISTER_HEADERS), axis=1).set_index("Projectnummer")
    assert rows.index.tolist() == truth["project_id"].tolist()
    first = truth.iloc[0]
    row = rows.loc[first["project_id"]]
    assert float(row["Budget (k€)"]) * 1000 == first["budget"]
    assert row["Werkelijke kosten"] == euro_text(first["actual_cost"])
    assert row["Voortgang"] == f"{first['percent_complete']:.0f}%"
    assert row["Startdatum"] == f"{first['start_date']:%d-%m-%Y}"  # day-first text
    assert row["Geplande einddatum"] == f"{first['planned_finish_date']:%Y-%m-%d} 00:00:00"  # a real date cell
    assert set(rows["Status"]) <= {"Lopend", "Gepland", "Gepauzeerd", "Afgerond", "Geannuleerd"}


def test_other_workbooks_have_the_expected_headers(written):
    _, snapshots = written
    register, online, finance, risks, resources = snapshots[-1].files
    assert sheet_cells(online, "Milestones").iloc[0].tolist() == list(MILESTONE_HEADERS)
    risk_cells = sheet_cells(risks, "Risico's")
    assert risk_cells.iloc[0, 0] == "Risicoregister, stand per 31-03-2026"
    assert risk_cells.iloc[2].tolist() == list(RISK_HEADERS)
    assert sheet_cells(risks, "Issues").iloc[0].tolist() == list(ISSUE_HEADERS)
    assert sheet_cells(resources, "Medewerkers").iloc[0].tolist() == list(PEOPLE_HEADERS)
    inzet = sheet_cells(resources, "Inzet")
    # Month headers are real Excel dates: two months back to nine ahead of March 2026.
    assert inzet.iloc[2, :3].tolist() == ["Medewerker", "Projectnummer", "2026-01-01 00:00:00"]
    assert inzet.iloc[2].iloc[-1] == "2026-12-01 00:00:00"
    assert sheet_cells(finance, "Verdiende waarde").iloc[0].tolist() == [
        "Projectcode",
        "Kostensoort",
        "Periode",
        "Verdiend",
    ]


@pytest.mark.parametrize(
    ("sheet", "measure"), [("Begroting", "planned_value"), ("Realisatie", "actual_cost"), ("Prognose", "forecast_cost")]
)
def test_finance_grids_hold_the_truth_per_project(written, sheet, measure):
    """Each wide grid: title, blank row, "Projectcode, Kostensoort, <mmm yyyy>..., Totaal"; row totals per
    project equal the truth's sum of that measure."""
    _, snapshots = written
    truth = build_portfolio(projects=6, months=2, end=END).latest.tables["cost_periods"]
    cells = sheet_cells(snapshots[-1].files[2], sheet)
    assert cells.iloc[0, 0].startswith(f"{sheet} per project per maand")
    header = cells.iloc[2].tolist()
    assert header[:2] == ["Projectcode", "Kostensoort"] and header[-1] == "Totaal"
    first_month = truth["period_date"].min()
    assert header[2] == month_header(first_month.date())
    grid = cells.iloc[3:].set_axis(header, axis=1)
    months = grid.columns[2:-1]
    values = grid[months].apply(pd.to_numeric)
    by_project = values.sum(axis=1).groupby(grid["Projectcode"]).sum()
    expected = truth.groupby("project_id")[measure].sum()
    expected = expected[expected.index.isin(by_project.index)]
    assert (by_project.loc[expected.index] - expected).abs().max() < 0.01
    totals = pd.to_numeric(grid["Totaal"]).groupby(grid["Projectcode"]).sum()
    assert (totals.loc[expected.index] - expected).abs().max() < 0.01


def test_the_same_arguments_write_the_same_bytes(written, tmp_path):
    """Fixed zip timestamps: a re-run gives files with the same sha256, which the importer recognises."""
    _, snapshots = written
    again = write_demo_workbooks(tmp_path, projects=6, months=2, end=END)
    for before, after in zip(snapshots, again, strict=True):
        for a, b in zip(before.files, after.files, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name

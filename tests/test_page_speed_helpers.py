"""The helpers that keep a page's warm rerun fast at 2,000 projects (bench/RESULTS-analysis-pages.md): cached
milestone changes, labels and links written once per distinct value, shallow copies of cached tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from contract_frames import contract_frame

from pmo_analytics import ui
from pmo_analytics.charts import resource_heatmap
from pmo_analytics.charts.resources import period_labels
from pmo_analytics.views import schedule


def _milestones(build_forecast: str) -> pd.DataFrame:
    return contract_frame(
        "milestones",
        [{"project_id": "P1", "milestone_id": "2", "milestone_name": "Build", "baseline_date": "2026-04-01",
          "forecast_date": build_forecast}],
    )  # fmt: skip


def _tables(build_forecast: str) -> dict[str, pd.DataFrame]:
    projects = contract_frame("projects", [{"project_id": "P1", "project_name": "Archief"}])
    return {"projects": projects, "milestones": _milestones(build_forecast)}


def test_latest_milestone_changes_compares_the_last_snapshot_with_the_one_before():
    snapshots = [
        (pd.Timestamp("2026-01-31"), _tables("2026-04-06")),
        (pd.Timestamp("2026-02-28"), _tables("2026-04-13")),
        (pd.Timestamp("2026-03-31"), _tables("2026-04-20")),
    ]
    changes = schedule.latest_milestone_changes(snapshots)
    # 20 Apr in March against 13 Apr in February: +7 days (not +14 against January)
    assert changes["slip_since_days"].tolist() == [7.0]
    # forecast 20 Apr - baseline 1 Apr = 19 days
    assert changes["slip_days"].tolist() == [19.0]


def test_latest_milestone_changes_of_a_single_snapshot_has_no_movement():
    changes = schedule.latest_milestone_changes([(pd.Timestamp("2026-03-31"), _tables("2026-04-20"))])
    assert changes["slip_since_days"].isna().all()
    assert changes["notes"].tolist() == ["no previous snapshot"]


@pytest.mark.parametrize(
    ("starts", "period", "labels"),
    [
        # repeated dates keep their row order: Monday 2 March is ISO week 10, 9 March week 11
        (["2026-03-02", "2026-03-09", "2026-03-02"], "week", ["W10 2026", "W11 2026", "W10 2026"]),
        (["2026-04-01", "2026-03-01", "2026-04-01"], "month", ["Apr 2026", "Mar 2026", "Apr 2026"]),
        (["2026-07-01", "2026-01-01", "2026-07-01"], "quarter", ["Q3 2026", "Q1 2026", "Q3 2026"]),
        ([], "month", []),
    ],
)
def test_period_labels_of_repeated_dates(starts, period, labels):
    assert period_labels(pd.Series(pd.to_datetime(starts)), period) == labels


def test_resource_heatmap_writes_each_cell_from_its_own_value():
    load = pd.DataFrame(
        {
            "person_name": ["Ann", "Ann", "Bob", "Bob"],
            "period_start": pd.to_datetime(["2026-03-02", "2026-03-09"] * 2),
            # Ann 50 h of 40 (125%) twice: one distinct value written for two cells; Bob 20 h of 32 (62.5% -> 63%)
            # and 0 h of 32 (0%)
            "allocated_hours": [50.0, 50.0, 20.0, 0.0],
            "available_hours": [40.0, 40.0, 32.0, 32.0],
            "utilisation": [1.25, 1.25, 0.625, 0.0],
            "over_allocated": [True, True, False, False],
        }
    )
    heatmap = resource_heatmap(load).data[0]
    assert [list(row) for row in heatmap.text] == [["▲ 125%", "▲ 125%"], ["", ""]]
    assert [list(cell) for cell in heatmap.customdata[1]] == [
        ["Week of 2 Mar 2026", "20 h", "32 h", "63%"],
        ["Week of 9 Mar 2026", "0 h", "32 h", "0%"],
    ]


def test_project_links_are_written_per_row_and_missing_stays_missing():
    ids = pd.Series(["1001", "P 7", "1001", None], index=[10, 11, 12, 13], dtype="str")
    links = ui.project_links(ids)
    # "P 7" -> "P%207": quoted as ui.project_link does; the index is kept for .assign
    assert links.iloc[:3].tolist() == ["project?project=1001", "project?project=P%207", "project?project=1001"]
    assert pd.isna(links.iloc[3]) and links.index.tolist() == [10, 11, 12, 13]


def test_a_change_to_a_handed_out_table_does_not_reach_the_cached_one():
    cached = {"projects": pd.DataFrame({"project_id": ["1001", "1002"], "bac": [100.0, 200.0]})}
    handed_out = ui._copies(cached)
    handed_out["projects"]["bac"] = 0.0  # pandas copy-on-write: the column is copied first
    handed_out["projects"].loc[0, "project_id"] = "9999"
    handed_out["people"] = pd.DataFrame()
    assert cached["projects"]["bac"].tolist() == [100.0, 200.0]
    assert cached["projects"]["project_id"].tolist() == ["1001", "1002"]
    assert list(cached) == ["projects"]
    assert np.shares_memory(ui._copies(cached)["projects"]["bac"].to_numpy(), cached["projects"]["bac"].to_numpy())


def test_resource_heatmap_draws_the_rows_in_the_order_given():
    # The Resources page passes the most loaded first (views.resources.heatmap_load): Bob 150%, then Ann 90%;
    # the figure keeps that order top to bottom rather than sorting by name.
    load = pd.DataFrame(
        {
            "person_name": ["Bob", "Bob", "Ann", "Ann"],
            "period_start": pd.to_datetime(["2026-10-01", "2026-11-01"] * 2),
            "allocated_hours": [60.0, 30.0, 36.0, 0.0],
            "available_hours": [40.0, 40.0, 40.0, 40.0],
            "utilisation": [1.5, 0.75, 0.9, 0.0],
            "over_allocated": [True, False, False, False],
        }
    )
    heatmap = resource_heatmap(load, "month").data[0]
    assert list(heatmap.y) == ["Bob", "Ann"]
    assert heatmap.z.tolist() == [[1.5, 0.75], [0.9, 0.0]]
    assert [list(row) for row in heatmap.text] == [["▲ 150%", ""], ["", ""]]

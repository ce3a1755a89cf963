"""Early warning: calendar periods, bands, surges with the minimum-activity rule,
firsts, the command's JSON, and the Changes page. Known answers on SYNTHETIC data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import changes, pagedata
from dashboard.config import REPO_ROOT
from dashboard.filters import Filter
from dashboard.ingest.groups import load_groups
from dashboard.ingest.write import write_batch
from dashboard.workspace import open_workspace

LATEST = date(2024, 3, 11)  # a Monday


def test_periods_are_calendar_weeks_and_months_and_a_partial_one_says_so():
    w = changes.window(date(2024, 3, 13), "week")
    assert (w.latest, w.latest_end, w.baseline_from, w.year_ago) == (
        date(2024, 3, 11), date(2024, 3, 17), date(2024, 2, 12), date(2023, 3, 13))
    assert w.partial and "the latest data; not yet complete" in w.describe()
    assert "the end of the selection" in changes.window(date(2024, 3, 13), "week", ends_with="selection").describe()
    m = changes.window(date(2024, 3, 31), "month")
    assert (m.latest, m.baseline_from, m.year_ago, m.partial) == (date(2024, 3, 1), date(2023, 11, 1),
                                                                  date(2023, 3, 1), False)


@pytest.mark.parametrize("latest, baseline, expected", [
    (12, 10, "Moderate increase (10–25%)"), (13, 10, "Increase (>25%)"), (10.5, 10, "Limited change (±10%)"),
    (8, 10, "Moderate decrease (10–25%)"), (5, 10, "Decrease (>25%)"), (1, 0, "New activity"), (0, 0, "No activity"),
])
def test_bands_follow_the_documented_thresholds(latest, baseline, expected):
    assert changes.band(latest, baseline) == expected


def counts(rows):
    """(area, group, weeks before the latest, incidents) -> period_counts' shape."""
    return pd.DataFrame([{"country": "Pakistan", "province": "Khyber Pakhtunkhwa", "district": d, "group": g,
                          "period": LATEST - timedelta(weeks=k), "incidents": n, "killed": n}
                         for d, g, k, n in rows])


def test_a_district_going_from_one_to_four_a_week_is_a_surge_and_nought_to_one_is_not():
    w = changes.window(LATEST + timedelta(days=6), "week")
    data = counts([("Bannu", "TTP", k, 1) for k in (1, 2, 3, 4)] + [("Bannu", "TTP", 0, 4),
                  ("Tank", "TTP", 0, 1), ("Kohat", "TTP", 0, 3), ("Kohat", "TTP", 1, 1)])
    out = changes.compare(data, w, ["country", "province", "district"]).set_index("district")
    assert out.loc["Bannu", "surge"] and out.loc["Bannu", "band"] == "Increase (>25%)"
    assert out.loc["Bannu", "change_pct"] == 300.0 and out.loc["Bannu", "baseline_incidents"] == 1.0
    assert not out.loc["Tank", "surge"] and out.loc["Tank", "band"] == "New activity"  # below the activity floor
    assert not out.loc["Kohat", "surge"]  # 3 against a mean of 0.25: under one a week
    assert out.loc["Tank", "first_in_year"] and not out.loc["Bannu", "first_in_year"]
    assert not w.partial


def test_the_activity_floor_and_the_ratio_can_be_changed():
    w = changes.window(LATEST + timedelta(days=6), "week")
    data = counts([("Kohat", "TTP", 1, 1), ("Kohat", "TTP", 0, 3)])
    loose = changes.Thresholds(min_per_week=0.25, surge_ratio=3)
    assert changes.compare(data, w, ["country", "province", "district"], loose)["surge"].item()


# --- the whole path on a SYNTHETIC store ------------------------------------------------
@pytest.fixture
def weekly(tmp_path, monkeypatch):
    """SYNTHETIC: Bannu has one TTP attack a week for four weeks, then four; Tank its first in a year."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "local"))
    store = open_workspace(tmp_path / "weekly.duckdb", load_defaults=False)
    load_groups(store)
    rows, events = [], []
    days = [LATEST - timedelta(weeks=k) + timedelta(days=1) for k in (1, 2, 3, 4)] + [LATEST + timedelta(days=i)
                                                                                     for i in range(4)]
    for i, day in enumerate(days):
        rows.append(dict(origin_event_id=f"b{i}", date=day, date_precision="day", country="Pakistan",
                         province="Khyber Pakhtunkhwa", district="Bannu", place="SYNTHETIC", killed=1,
                         target_type="police" if i < 7 else "school", summary="SYNTHETIC test row"))
        events.append(dict(origin_event_id=f"b{i}", seq=1, group_id="TTP", group_as_written="TTP", kind="claimed"))
    rows.append(dict(origin_event_id="t0", date=LATEST + timedelta(days=2), date_precision="day", country="Pakistan",
                     province="Khyber Pakhtunkhwa", district="Tank", killed=0, summary="SYNTHETIC test row"))
    events.append(dict(origin_event_id="t0", seq=1, group_id="TTP", group_as_written="Tehreek-e-Nowhere (SYNTHETIC)",
                       kind="claimed"))
    write_batch(store, "synthetic", pd.DataFrame(rows), pd.DataFrame(events), file_name="SYNTHETIC")
    yield store
    store.close()


def test_the_page_data_flags_the_surge_a_reader_can_count_by_hand(weekly):
    d = pagedata.changes(pagedata.DirectAnswers(weekly), Filter(), period="week", as_of=LATEST + timedelta(days=6))
    # Provinces (no district boundaries): KP had 1, 1, 1, 1 incidents, then 5 (Bannu 4 + Tank 1).
    kp = d.table.set_index("group").loc["All groups"]
    assert (kp["incidents"], kp["baseline_incidents"], bool(kp["surge"])) == (5, 1.0, True)
    j = d.as_json()
    assert j["latest"] == {"start": "2024-03-11", "end": "2024-03-17"} and not j["partial"]
    assert [s["group"] for s in j["surges"]] == ["All groups", "TTP"]
    kinds = {(f["kind"], f["what"]) for f in j["firsts"]}
    assert ("first attack on this target", "school") in kinds
    assert ("first claim under this name", "Tehreek-e-Nowhere (SYNTHETIC)") in kinds


def test_the_changes_command_prints_stable_json(weekly, tmp_path):
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(tmp_path / "local")}
    path = weekly.path
    weekly.close()
    run = subprocess.run([sys.executable, "-m", "dashboard", "changes", "group=TTP", "--json", "--db", path],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert set(out) >= {"selection", "period", "as_of", "latest", "partial", "baseline", "year_ago", "level",
                        "thresholds", "areas", "surges", "firsts"}
    assert out["selection"] == "TTP incidents, claimed or attributed"
    assert out["thresholds"]["min_per_week"] == 1.0


@pytest.mark.parametrize("period", ["week", "month"])
def test_the_changes_page_renders_on_the_default_data(store, period):
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("views/changes.py")
    at.run()
    if period == "month":
        at.segmented_control(key="ch_period").set_value("month").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Changes"
    assert any("Latest period" in c.value for c in at.caption)

"""Rivalry: the Hawkes estimator recovers known parameters (SYNTHETIC, seeded),
measures with known answers, the page and the command on the default data."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dashboard import queries
from dashboard import rivalry as R
from dashboard.config import REPO_ROOT
from dashboard.filters import Filter
from tests.helpers.apptest import open_page


def fitted(alpha, seed, steps=1500, mu=(0.15, 0.15), decay=0.5):
    counts = pd.DataFrame(R.simulate_hawkes(mu, alpha, decay, steps, seed), columns=["A", "B"])
    return R.hawkes(counts, ("A", "B"), "day", seed=seed + 100)


def inside(e, value):
    return e["low"] <= value <= e["high"]


def test_the_estimator_recovers_one_way_excitation_and_tells_the_directions_apart():
    true = np.array([[0.2, 0.4], [0.0, 0.2]])  # A sets off B; B does not set off A
    h = fitted(true, seed=1)
    ex = h["excitation"]
    assert inside(ex["A->B"], 0.4) and inside(ex["B->A"], 0.0)
    assert inside(ex["A->A"], 0.2) and inside(ex["B->B"], 0.2)
    assert ex["A->B"]["low"] > ex["B->A"]["high"]  # the two directions apart
    assert ex["A->B"]["low"] > 0.1


def test_the_estimator_finds_no_cross_excitation_where_there_is_none():
    h = fitted(np.array([[0.3, 0.0], [0.0, 0.3]]), seed=2)
    for direction in ("A->B", "B->A"):
        e = h["excitation"][direction]
        assert e["low"] <= 0.02 and e["estimate"] < 0.15, (direction, e)


def test_too_few_events_are_declined_with_a_reason():
    counts = pd.DataFrame({"A": [0] * 100 + [1] * 5, "B": [1] * 30 + [0] * 75})
    h = R.hawkes(counts, ("A", "B"), "day")
    assert h["declined"].startswith("needs at least 20 attacks of each group") and "A 5" in h["declined"]


def summary(data, level="province"):
    """The rivalry summary SQL run over hand-made rows (a registered DataFrame)."""
    import duckdb

    frame = pd.DataFrame(data, columns=["incident_key", "side", "date", "country", "province", "district", "killed",
                                        "attack_type", "target_type", "claimed", "claim_date",
                                        "first_suspected_root"])
    frame["date"], frame["claim_date"] = pd.to_datetime(frame["date"]), pd.to_datetime(frame["claim_date"])
    con = duckdb.connect()
    con.register("hand_rows", frame)
    con.execute("""CREATE TABLE claim_delays AS SELECT incident_key, side AS group_id, side AS root_id,
                          claim_date::DATE AS statement_date FROM hand_rows WHERE claim_date IS NOT NULL""")
    con.execute("""CREATE TABLE incident_claims AS SELECT incident_key, any_value(first_suspected_root) AS first_suspected
                   FROM hand_rows GROUP BY ALL""")
    con.execute("CREATE TABLE group_roots (group_id VARCHAR, root_id VARCHAR)")
    sides = """SELECT incident_key, side, date::DATE AS date, country, province, district, killed, attack_type,
                      target_type, claimed FROM hand_rows"""
    return queries.rivalry_summary(con, sides, [], "A", "B", "quarter", level)


def test_overlap_shares_severity_and_claims_have_known_answers():
    parts = summary([
        (1, "A", "2024-01-05", "Pakistan", "KP", None, 12, "suicide bombing", "police", True, "2024-01-06", "B"),
        (2, "A", "2024-02-05", "Pakistan", "Balochistan", None, 0, "ambush", "civilians", False, None, None),
        (3, "B", "2024-02-07", "Pakistan", "KP", None, 4, "bombing/IED", "political party/gathering", True,
         "2024-02-07", None),
        (3, "A", "2024-02-07", "Pakistan", "KP", None, 4, "bombing/IED", "political party/gathering", True,
         "2024-02-08", None),
    ])
    areas, overlap = R.geography(parts["area"], "province", ("A", "B"))
    # A: 2 of 3 attacks in KP, 1 in Balochistan; B: all in KP -> overlap = min(2/3, 1) + min(1/3, 0)
    assert overlap["overlap"].item() == pytest.approx(0.667, abs=1e-3)
    assert areas.set_index("province").loc["KP", "both"]
    s = R.share(parts["period"], ("A", "B")).set_index("side")
    assert s.loc["A", "share_incidents"] == 0.75 and s.loc["B", "share_incidents"] == 0.25
    sev = R.severity(parts["period"]).set_index("side")
    assert sev.loc["A", "suicide_share"] == pytest.approx(0.333, abs=1e-3)
    assert sev.loc["A", "mass_casualty_share"] == pytest.approx(0.333, abs=1e-3)
    assert sev.loc["A", "median_killed"] == 4
    c = R.claims(parts["claims"], parts.get("competing"), ("A", "B"))
    assert c["A"]["claimed_after_the_other_was_blamed"] == 1 and c["competing_claims"] == 1
    assert c["A"]["share_claimed"] == pytest.approx(0.667, abs=1e-3) and c["A"]["median_days_to_claim"] == 1.0
    assert R.target_category("political party/gathering") == "religious and political gatherings"
    t = R.targets(parts["target"]).set_index(["side", "category"])
    assert t.loc[("A", "security forces"), "share"] == pytest.approx(0.333, abs=1e-3)
    nxt = R.time_to_next(parts["gap"], ("A", "B"))
    assert nxt["A->B"]["median_days"] == pytest.approx(33.0)  # KP, 5 Jan -> 7 Feb (the 7 Feb A attack is not before it)
    assert nxt["A->B"]["attacks"] == 3 and nxt["A->B"]["followed"] == 1
    assert nxt["B->A"]["followed"] == 0 and nxt["B->A"]["median_days"] is None


def test_time_to_next_weights_each_attack_not_each_day():
    # A attacks twice on one day, once later; B's next attack comes 10 days after the first day
    parts = summary([
        (1, "A", "2024-01-01", "Pakistan", "KP", None, 1, "", "", False, None, None),
        (2, "A", "2024-01-01", "Pakistan", "KP", None, 1, "", "", False, None, None),
        (3, "A", "2024-01-08", "Pakistan", "KP", None, 1, "", "", False, None, None),
        (4, "B", "2024-01-11", "Pakistan", "KP", None, 1, "", "", False, None, None),
    ])
    nxt = R.time_to_next(parts["gap"], ("A", "B"))["A->B"]
    assert (nxt["attacks"], nxt["followed"]) == (3, 3)
    assert nxt["median_days"] == 10.0 and nxt["q1_days"] == 6.5  # days 10, 10, 3


# --- the default data ----------------------------------------------------------------------
def test_the_bajaur_bombing_counts_as_iskp_claimed_after_officials_blamed_the_ttp(con):
    r = queries.rivalry_rows(con, Filter(), "TTP", "ISKP")
    bajaur = r[(r["date"] == pd.Timestamp("2023-07-30")) & (r["district"] == "Bajaur")]
    assert bajaur["side"].tolist() == ["ISKP"]
    assert bajaur["claimed"].item() and bajaur["first_suspected_root"].item() == "TTP"
    m = queries.rivalry_measures(con, Filter(), "TTP", "ISKP")
    assert m["claims"]["ISKP"]["claimed_after_the_other_was_blamed"] >= 1


def test_the_rivalry_figures_agree_with_the_export_of_the_same_selection(con):
    f = Filter(provinces=("Khyber Pakhtunkhwa",))
    m = queries.rivalry_measures(con, f)
    for side in ("TTP", "ISKP"):
        exported = queries.export_rows(con, f.with_(groups=(side,)))
        assert m["incidents"][side] == len(exported)
        assert m["share"].loc[m["share"]["side"] == side, "incidents"].sum() == len(exported)
        assert m["severity"].loc[m["severity"]["side"] == side, "attacks"].sum() == len(exported)
    rows = queries.rivalry_rows(con, f, "TTP", "ISKP")  # the same rows, not aggregated
    for side in ("TTP", "ISKP"):
        mine = rows[rows["side"] == side]
        assert m["claims"][side]["claimed"] == int(mine["claimed"].sum())
        assert m["share"].loc[m["share"]["side"] == side, "killed"].sum() == int(mine["killed"].fillna(0).sum())


def test_incidents_of_is_with_no_branch_are_counted_not_dropped(con):
    """TTP against ISKP: incidents blamed on IS (branch not specified) count for neither
    side, and the page says how many there are."""
    m = queries.rivalry_measures(con, Filter())
    assert m["branch_not_specified"] == {"IS": len(queries.export_rows(con, Filter(groups=("IS",))))}
    assert m["branch_not_specified"]["IS"] >= 1


def test_the_rivalry_command_prints_every_figure_with_stable_keys(default_db, tmp_path):
    env = {**os.environ, "DASHBOARD_DB": str(default_db), "DASHBOARD_DATA_DIR": str(tmp_path / "local")}
    run = subprocess.run([sys.executable, "-m", "dashboard", "rivalry", "", "--json"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert set(out) >= {"selection", "sides", "share", "severity", "targets", "geography", "claims", "sequences",
                        "hawkes", "caveat"}
    ex = out["hawkes"]["excitation"]
    assert set(ex) == {"TTP->TTP", "TTP->ISKP", "ISKP->TTP", "ISKP->ISKP"}
    assert all({"estimate", "low", "high"} <= set(v) for v in ex.values())
    assert out["claims"]["ISKP"]["claimed_after_the_other_was_blamed"] >= 1  # Bajaur, 2023-07-30


@pytest.mark.parametrize("params", [{}, {"province": "Khyber Pakhtunkhwa"}, {"q": "no incident mentions this"}])
def test_the_rivalry_page_renders_every_section(store, params):
    at = open_page("views/rivalry.py", **params)
    assert at.title[0].value == "Rivalry"
    if "q" not in params:
        headers = [h.value for h in at.header if h.value != "Filters"]  # "Filters" is the sidebar's
        assert headers == ["1. Share of activity", "2. Severity and tactics", "3. Targets", "4. Geography",
                           "5. Claim competition", "6. Sequences and lead–lag"]

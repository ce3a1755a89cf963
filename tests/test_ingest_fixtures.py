"""Importing the shared ACLED, UCDP GED and GTD fixtures: counts add up, a
second import adds nothing, incidents land under the right groups and places."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import queries
from dashboard.filters import Filter
from dashboard.ingest.pipeline import ingest_file
from tests.conftest import shared_path


def fixture(name: str):
    return shared_path("fixtures", name)


def add_up(r) -> bool:
    return r.read == r.loaded + r.duplicates + r.skipped + r.rejected


def groups_of(con, incident_id: str) -> dict[str, str]:
    """group -> standing ('claimed' or 'responsible') for one incident."""
    rows = con.execute(
        "SELECT group_id, claimed, responsible FROM incident_groups WHERE incident_id = ?", [incident_id]
    ).fetchall()
    return {g: "claimed" if c else ("responsible" if r else "other") for g, c, r in rows}


def incident(con, incident_id: str) -> dict:
    return con.execute("SELECT * FROM incidents WHERE incident_id = ?", [incident_id]).df().iloc[0].to_dict()


# --- every fixture ----------------------------------------------------------
@pytest.mark.parametrize("name, fmt, rows, loaded, skipped", [
    ("acled_sample.csv", "acled", 72, 71, 1),
    ("ucdp_ged_sample.csv", "ucdp", 43, 43, 0),
    ("gtd_sample.csv", "gtd", 70, 70, 0),
])
def test_fixture_imports_with_counts_that_add_up_and_twice_adds_nothing(store, con, name, fmt, rows, loaded, skipped):
    before = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    first = ingest_file(store, fixture(name))
    assert first.format == fmt
    assert (first.read, first.loaded, first.skipped, first.rejected) == (rows, loaded, skipped, 0)
    assert add_up(first)
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == before + loaded

    events = con.execute("SELECT count(*) FROM attribution_events").fetchone()[0]
    again = ingest_file(store, fixture(name))
    assert (again.loaded, again.duplicates, again.skipped) == (0, loaded, skipped)
    assert add_up(again)
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == before + loaded
    assert con.execute("SELECT count(*) FROM attribution_events").fetchone()[0] == events


def test_batch_records_file_name_hash_and_counts(store, con):
    r = ingest_file(store, fixture("acled_sample.csv"))
    row = con.execute("SELECT * FROM import_batches WHERE batch_id = ?", [r.batch_id]).df().iloc[0]
    assert row["file_name"] == "acled_sample.csv"
    assert len(row["sha256"]) == 64 and row["sha256"] == r.sha256
    assert (row["n_read"], row["n_loaded"], row["n_skipped"], row["n_rejected"]) == (72, 71, 1, 0)


# --- ACLED --------------------------------------------------------------------
def test_acled_groups_provinces_and_the_rows_that_count_for_no_one(store, con):
    ingest_file(store, fixture("acled_sample.csv"))
    raw = pd.read_csv(fixture("acled_sample.csv"), dtype=str, keep_default_na=False)

    iskp = raw.loc[raw["actor1"] == "Islamic State Khorasan Province (ISKP)", "event_id_cnty"]
    ttp = raw.loc[raw["actor1"] == "TTP: Tehreek-i-Taliban Pakistan", "event_id_cnty"]
    assert len(iskp) == 24 and len(ttp) == 14
    for eid in iskp:
        assert "ISKP" in groups_of(con, f"acled:{eid}")
    for eid in ttp:
        assert "TTP" in groups_of(con, f"acled:{eid}")

    # The uncertain actor is kept as written and counts for neither group.
    assert groups_of(con, "acled:AFG909999") == {}
    ev = con.execute(
        "SELECT group_id, group_as_written FROM attribution_events WHERE incident_id = 'acled:AFG909999'"
    ).fetchall()
    assert ev == [(None, "Taliban and/or Islamic State Khorasan Province (ISKP)")]
    claims = con.execute("SELECT claim_status FROM incident_claims WHERE incident_id = 'acled:AFG909999'").fetchone()
    assert claims == ("unclaimed",)

    # The row in India is skipped, not loaded.
    assert con.execute("SELECT count(*) FROM incidents WHERE origin_event_id = 'IND900001'").fetchone()[0] == 0

    # Governments, police, military, civilians and unidentified groups are not groups.
    written = {r[0] for r in con.execute(
        "SELECT DISTINCT group_as_written FROM attribution_events WHERE incident_id LIKE 'acled:%'").fetchall()}
    assert not {w for w in written if w.startswith(("Military", "Police", "Civilians", "Unidentified", "Government"))}

    # ISKP counts in the group filter the pages use.
    by_group = queries.claims_by_group(con, Filter(groups=("ISKP",)))
    assert by_group.set_index("group").loc["ISKP", "incidents"] >= 24


def test_acled_fields_precision_and_places(store, con):
    ingest_file(store, fixture("acled_sample.csv"))
    quetta = incident(con, "acled:PAK900001")  # Serena Hotel, 2021-04-21
    assert str(quetta["date"])[:10] == "2021-04-21"
    assert (quetta["country"], quetta["province"], quetta["district"]) == ("Pakistan", "Balochistan", "Quetta")
    assert quetta["killed"] == 5 and quetta["date_precision"] == "day"
    assert quetta["location_precision"] == "point" and not quetta["location_approximate"]
    assert quetta["summary"].startswith("An explosives-laden car")
    assert "trt.global" in quetta["attribution_note"]  # ACLED's source text (no URL)

    garyum = incident(con, "acled:PAK900002")  # time_precision 3, geo_precision 2, no coordinates
    assert garyum["date_precision"] == "month"
    assert garyum["location_approximate"]
    assert garyum["province"] == "Khyber Pakhtunkhwa" and garyum["district"] == "North Waziristan"
    n = con.execute("SELECT count(*) FROM incidents WHERE origin = 'acled' AND province = 'Khyber Pakhtunkhwa'").fetchone()[0]
    assert n == 21


# --- UCDP ---------------------------------------------------------------------
def test_ucdp_sides_precision_and_names(store, con):
    r = ingest_file(store, fixture("ucdp_ged_sample.csv"))
    assert r.unknown_groups == {}
    written = {r[0] for r in con.execute(
        "SELECT DISTINCT group_as_written FROM attribution_events WHERE incident_id LIKE 'ucdp:%'").fetchall()}
    assert not {w for w in written if w.startswith("Government of") or w == "Civilians"}
    assert groups_of(con, "ucdp:990001") == {"TTP": "responsible"}
    assert con.execute(
        "SELECT DISTINCT stated_by, kind FROM attribution_events WHERE incident_id LIKE 'ucdp:%'").fetchall() == [
        ("UCDP GED", "attributed")]
    first = incident(con, "ucdp:990001")
    assert (first["province"], first["district"]) == ("Balochistan", "Quetta")  # "… province", "… district" dropped
    assert (first["killed"], first["killed_low"], first["killed_high"]) == (5, 5, 5)
    assert list(first["source_urls"]) == ["https://trt.global/world/article/12767418"]
    highs = con.execute("SELECT count(*) FROM incidents WHERE origin = 'ucdp' AND killed_high > killed").fetchone()[0]
    assert highs > 0
    provinces = dict(con.execute("SELECT province, count(*) FROM incidents WHERE origin='ucdp' GROUP BY 1").fetchall())
    assert provinces["Khyber Pakhtunkhwa"] == 12 and provinces["Kabul"] == 11
    # where_prec 4 (province) is approximate
    approx = con.execute("SELECT count(*) FROM incidents WHERE origin='ucdp' AND location_approximate").fetchone()[0]
    assert approx == 7


def test_ucdp_taleban_is_the_afghan_taliban(store, con, tmp_path):
    raw = pd.read_csv(fixture("ucdp_ged_sample.csv"), dtype=str, keep_default_na=False).head(1)
    raw["id"], raw["side_a"], raw["dyad_name"] = "999999", "Taleban", "Taleban - Civilians"
    path = tmp_path / "ged_taleban.csv"
    raw.to_csv(path, index=False)
    ingest_file(store, path)
    assert groups_of(con, "ucdp:999999") == {"Taliban": "responsible"}


# --- GTD ----------------------------------------------------------------------
def test_gtd_latin1_claims_suspicions_and_unknown(store, con):
    r = ingest_file(store, fixture("gtd_sample.csv"))
    assert r.rejected == 0 and r.unknown_groups == {}
    raw = pd.read_csv(fixture("gtd_sample.csv"), dtype=str, keep_default_na=False, encoding="latin-1")

    claimed = raw[(raw["claimed"] == "1") & (raw["gname"] == "Khorasan Chapter of the Islamic State")]
    for eid in claimed["eventid"]:
        assert groups_of(con, f"gtd:{eid}") == {"ISKP": "claimed"}
    channel = con.execute(
        f"SELECT DISTINCT channel FROM attribution_events WHERE incident_id = 'gtd:{claimed['eventid'].iloc[0]}' AND kind = 'claimed'"
    ).fetchall()
    assert channel == [("Posted to website, blog, etc.",)]

    suspected = raw[(raw["guncertain1"] == "1") & (raw["gname"] == "Tehrik-i-Taliban Pakistan (TTP)")]
    assert len(suspected) == 3
    for eid in suspected["eventid"]:
        kinds = con.execute(f"SELECT kind FROM attribution_events WHERE incident_id = 'gtd:{eid}'").fetchall()
        assert kinds == [("suspected",)]
        assert groups_of(con, f"gtd:{eid}") == {"TTP": "responsible"}

    for eid in raw.loc[raw["gname"] == "Unknown", "eventid"]:
        assert con.execute(f"SELECT count(*) FROM attribution_events WHERE incident_id = 'gtd:{eid}'").fetchone()[0] == 0
        assert con.execute(f"SELECT claim_status FROM incident_claims WHERE incident_id = 'gtd:{eid}'").fetchone() == ("unclaimed",)


def test_gtd_unknown_day_or_month_keeps_the_precision(store, con, tmp_path):
    raw = pd.read_csv(fixture("gtd_sample.csv"), dtype=str, keep_default_na=False, encoding="latin-1").head(3).copy()
    raw["eventid"] = ["1", "2", "3"]
    raw["iyear"], raw["imonth"], raw["iday"] = "2022", ["7", "7", "0"], ["15", "0", "0"]
    raw["nkill"] = ["-99", "4.0", ""]
    path = tmp_path / "gtd_dates.csv"
    raw.to_csv(path, index=False, encoding="latin-1", lineterminator="\r\n")
    r = ingest_file(store, path)
    assert (r.loaded, r.rejected) == (3, 0)
    rows = con.execute(
        "SELECT origin_event_id, date::VARCHAR, date_precision, killed FROM incidents WHERE origin = 'gtd' ORDER BY 1"
    ).fetchall()
    assert rows == [("1", "2022-07-15", "day", None), ("2", "2022-07-01", "month", 4), ("3", "2022-01-01", "year", None)]


# --- the same file as XLSX ------------------------------------------------------
def test_xlsx_export_of_acled_imports_the_same(store, con, tmp_path):
    raw = pd.read_csv(fixture("acled_sample.csv"), dtype=str, keep_default_na=False)
    path = tmp_path / "acled.xlsx"
    raw.to_excel(path, index=False)
    r = ingest_file(store, path)
    assert (r.format, r.read, r.loaded, r.skipped, r.rejected) == ("acled", 72, 71, 1, 0)
    assert groups_of(con, "acled:AFG909999") == {}


def test_acled_date_styles_and_numeric_inter_codes(store, con, tmp_path):
    raw = pd.read_csv(fixture("acled_sample.csv"), dtype=str, keep_default_na=False).head(3).copy()
    raw["event_id_cnty"] = ["D1", "D2", "D3"]
    raw["event_date"] = ["30 July 2023", "2023-07-30", "30-Jul-23"]
    raw["actor1"] = "Islamic State Khorasan Province (ISKP)"
    raw["inter1"] = "2"
    raw["inter2"] = "7"
    path = tmp_path / "acled_dates.csv"
    raw.to_csv(path, index=False)
    r = ingest_file(store, path)
    assert (r.loaded, r.rejected) == (3, 0)
    dates = con.execute("SELECT DISTINCT date::VARCHAR FROM incidents WHERE origin = 'acled'").fetchall()
    assert dates == [("2023-07-30",)]
    for eid in ("D1", "D2", "D3"):
        assert groups_of(con, f"acled:{eid}") == {"ISKP": "responsible"}
    assert con.execute("SELECT DISTINCT target_type FROM incidents WHERE origin='acled'").fetchall() == [("civilians",)]

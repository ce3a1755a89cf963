"""Importing ACLED, UCDP GED and GTD files: counts add up, a second import adds
nothing, incidents land under the right groups and places.

The files are the project's own (``tests/fixtures``, composed from the embedded
data by ``scripts/make_test_fixtures.py``; not records of those datasets), so
the facts the tests expect are the embedded data's. One EXTRA test imports the
``../shared/fixtures`` files too when they are present.
"""

from __future__ import annotations

import importlib.util
import re
from urllib.parse import urlparse

import pandas as pd
import pytest

from dashboard import queries
from dashboard.filters import Filter
from dashboard.ingest.pipeline import ingest_file
from dashboard.config import REPO_ROOT
from tests.conftest import fixture_path, shared_path

EMBEDDED = pd.read_csv(REPO_ROOT / "data" / "default" / "incidents.csv", dtype=str,
                       keep_default_na=False).set_index("incident_id")


def fixture(name: str):
    return fixture_path(name)


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


# --- the fixtures themselves ---------------------------------------------------
def _generator():
    spec = importlib.util.spec_from_file_location("make_test_fixtures", REPO_ROOT / "scripts" / "make_test_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_fixtures_are_what_the_generator_writes():
    built = _generator().build()
    assert set(built) == {"acled_sample.csv", "ucdp_ged_sample.csv", "gtd_sample.csv"}
    for name, content in built.items():
        assert fixture(name).read_bytes() == content, f"{name} is stale: run python scripts/make_test_fixtures.py"
    assert _generator().build() == built  # deterministic


def test_fixture_rows_repeat_the_embedded_facts():
    """Every row but the synthetic India one is an embedded incident in another layout:
    same date, place, coordinates, killed and injured (nothing made up)."""
    def embedded(number: str) -> pd.Series:
        return EMBEDDED.loc[f"R{int(number):03d}"]

    acled = pd.read_csv(fixture("acled_sample.csv"), dtype=str, keep_default_na=False)
    assert len(acled.columns) == 31
    for _, row in acled.iterrows():
        if row["country"] == "India":
            assert (row["event_id_cnty"], row["fatalities"]) == ("IND990000", "0")
            assert row["notes"].startswith("SYNTHETIC TEST ROW")
            continue
        assert row["event_id_cnty"][3:5] == "99"  # the test-only range
        inc = embedded(row["event_id_cnty"][5:])
        assert (row["event_date"], row["country"], row["admin1"], row["admin2"], row["location"]) == \
            (inc["date"], inc["country"], inc["province"], inc["district"], inc["place"])
        assert (row["latitude"], row["longitude"], row["fatalities"]) == (inc["latitude"], inc["longitude"], inc["killed"])

    ucdp = pd.read_csv(fixture("ucdp_ged_sample.csv"), dtype=str, keep_default_na=False)
    assert len(ucdp.columns) == 49 and ucdp["id"].str.fullmatch(r"99\d{5}").all()
    for _, row in ucdp.iterrows():
        inc = embedded(row["id"][2:])
        assert row["date_start"] == f"{inc['date']} 00:00:00.000"
        assert (row["latitude"], row["longitude"], row["best"]) == (inc["latitude"], inc["longitude"], inc["killed"])
        assert int(row["low"]) <= int(row["best"]) <= int(row["high"])
        if row["low"] != row["best"] or row["high"] != row["best"]:
            assert {row["low"], row["high"]} - {row["best"]} <= set(re.findall(r"\d+", inc["killed_note"]))

    gtd = pd.read_csv(fixture("gtd_sample.csv"), dtype=str, keep_default_na=False, encoding="latin-1")
    assert len(gtd.columns) == 135 and gtd["eventid"].str.fullmatch(r"\d{8}99\d{2}").all()
    for _, row in gtd.iterrows():
        inc = embedded(re.search(r"incident R(\d+)", row["addnotes"]).group(1))
        month_only = inc["date_precision"] == "month"
        assert (row["iyear"], row["imonth"], row["iday"]) == (
            inc["date"][:4], str(int(inc["date"][5:7])), "0" if month_only else str(int(inc["date"][8:])))
        assert (row["provstate"], row["city"], row["latitude"], row["longitude"]) == \
            (inc["province"], inc["place"], inc["latitude"], inc["longitude"])
        assert (row["nkill"], row["nwound"]) == (inc["killed"], inc["injured"])


# --- every fixture ----------------------------------------------------------
@pytest.mark.parametrize("name, fmt, rows, loaded, skipped", [
    ("acled_sample.csv", "acled", 45, 44, 1),
    ("ucdp_ged_sample.csv", "ucdp", 29, 29, 0),
    ("gtd_sample.csv", "gtd", 57, 57, 0),
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
    assert (row["n_read"], row["n_loaded"], row["n_skipped"], row["n_rejected"]) == (45, 44, 1, 0)


# --- ACLED --------------------------------------------------------------------
def test_acled_groups_provinces_and_the_rows_that_count_for_no_one(store, con):
    r = ingest_file(store, fixture("acled_sample.csv"))
    raw = pd.read_csv(fixture("acled_sample.csv"), dtype=str, keep_default_na=False)

    iskp = raw.loc[raw["actor1"] == "Islamic State Khorasan Province (ISKP)", "event_id_cnty"]
    ttp = raw.loc[raw["actor1"] == "TTP: Tehreek-i-Taliban Pakistan", "event_id_cnty"]
    assert len(iskp) == 23 and len(ttp) == 10
    for eid in iskp:
        assert "ISKP" in groups_of(con, f"acled:{eid}")
    for eid in ttp:
        assert "TTP" in groups_of(con, f"acled:{eid}")

    # The uncertain actor is kept as written and counts for neither group.
    # (R006 in the embedded data: the Taliban and ISKP both suspected, nobody claimed.)
    assert groups_of(con, "acled:AFG990006") == {}
    ev = con.execute(
        "SELECT group_id, group_as_written FROM attribution_events WHERE incident_id = 'acled:AFG990006'"
    ).fetchall()
    assert ev == [(None, "Taliban and/or Islamic State Khorasan Province (ISKP)")]
    claims = con.execute("SELECT claim_status FROM incident_claims WHERE incident_id = 'acled:AFG990006'").fetchone()
    assert claims == ("unclaimed",)
    assert r.uncertain == 1

    # The (synthetic) row in India is skipped, not loaded: its made-up actor never
    # shows up as a group name to review.
    assert raw.loc[raw["country"] == "India", "event_id_cnty"].tolist() == ["IND990000"]
    assert con.execute("SELECT count(*) FROM incidents WHERE origin_event_id = 'IND990000'").fetchone()[0] == 0
    assert dict(r.skip_reasons) == {"outside Pakistan and Afghanistan (India)": 1}
    assert r.unknown_groups == {}
    assert con.execute(
        "SELECT count(*) FROM attribution_events WHERE group_as_written LIKE 'Synthetic%'").fetchone()[0] == 0

    # Governments, police, military, civilians and unidentified groups are not groups.
    written = {r[0] for r in con.execute(
        "SELECT DISTINCT group_as_written FROM attribution_events WHERE incident_id LIKE 'acled:%'").fetchall()}
    assert not {w for w in written if w.startswith(("Military", "Police", "Civilians", "Unidentified", "Government"))}

    # ISKP counts in the group filter the pages use.
    by_group = queries.claims_by_group(con, Filter(groups=("ISKP",)))
    assert by_group.set_index("group").loc["ISKP", "incidents"] >= 23


def test_acled_fields_precision_and_places(store, con):
    ingest_file(store, fixture("acled_sample.csv"))
    khar = incident(con, "acled:PAK990072")  # embedded R072, JUI-F convention in Khar, 2023-07-30
    assert str(khar["date"])[:10] == "2023-07-30"
    assert (khar["country"], khar["province"], khar["district"]) == ("Pakistan", "Khyber Pakhtunkhwa", "Bajaur")
    assert khar["killed"] == 63 and khar["date_precision"] == "day"
    assert (khar["latitude"], khar["longitude"]) == (34.73, 71.52)
    assert khar["location_precision"] == "point" and not khar["location_approximate"]
    assert khar["attack_type"] == "suicide bombing" and khar["target_type"] == "civilians"
    assert khar["summary"] == EMBEDDED.loc["R072", "summary"]
    assert khar["summary"].startswith("A suicide bomber with a ball-bearing-laden vest")
    assert list(khar["source_urls"]) == []  # ACLED gives outlet names, no URLs ...
    assert khar["attribution_note"].startswith("ACLED sources: ")  # ... kept as a note
    assert urlparse(EMBEDDED.loc["R072", "source_urls"].split(" | ")[0]).netloc.removeprefix("www.") \
        in khar["attribution_note"]

    kuchlak = incident(con, "acled:PAK990074")  # embedded R074: dated only to September 2023
    assert (str(kuchlak["date"])[:10], kuchlak["date_precision"]) == ("2023-09-01", "month")
    assert (kuchlak["province"], kuchlak["district"], kuchlak["killed"]) == ("Balochistan", "Quetta", 0)

    bannu = incident(con, "acled:PAK990073")  # embedded R073: geo_precision 2, no coordinates
    assert bannu["location_approximate"] and bannu["location_precision"] in ("district", "province")
    assert (bannu["province"], bannu["district"], bannu["killed"]) == ("Khyber Pakhtunkhwa", "Bannu", 9)
    n = con.execute("SELECT count(*) FROM incidents WHERE origin = 'acled' AND province = 'Khyber Pakhtunkhwa'").fetchone()[0]
    assert n == 17
    approx = con.execute("SELECT count(*) FROM incidents WHERE origin = 'acled' AND location_approximate").fetchone()[0]
    assert approx == 13


# --- UCDP ---------------------------------------------------------------------
def test_ucdp_sides_precision_and_names(store, con):
    r = ingest_file(store, fixture("ucdp_ged_sample.csv"))
    assert r.unknown_groups == {}
    written = {r[0] for r in con.execute(
        "SELECT DISTINCT group_as_written FROM attribution_events WHERE incident_id LIKE 'ucdp:%'").fetchall()}
    assert not {w for w in written if w.startswith("Government of") or w == "Civilians"}
    assert groups_of(con, "ucdp:9900022") == {"TTP": "responsible"}  # embedded R022, side_b "TTP"
    assert con.execute(
        "SELECT DISTINCT stated_by, kind FROM attribution_events WHERE incident_id LIKE 'ucdp:%'").fetchall() == [
        ("UCDP GED", "attributed")]
    first = incident(con, "ucdp:9900022")
    # "… province", "… district" dropped
    assert (first["province"], first["district"]) == ("Islamabad Capital Territory", "Islamabad")
    assert (first["killed"], first["killed_low"], first["killed_high"]) == (1, 1, 1)
    assert list(first["source_urls"]) == EMBEDDED.loc["R022", "source_urls"].split(" | ")
    # UCDP's "IS": in Pakistan IS (branch not specified); in Afghanistan ISKP, by the
    # shipped actor rule, which the import summary reports
    assert groups_of(con, "ucdp:9900026") == {"IS": "responsible"}
    assert groups_of(con, "ucdp:9900027") == {"ISKP": "responsible"}  # Kabul, 2022-04-19
    assert 'actor rule: UCDP "IS" in Afghanistan counts for ISKP (16 statement(s); rules in actor_rules.csv)' \
        in r.notes
    iskp_ucdp = queries.export_rows(con, Filter(groups=("ISKP",), datasets=("ucdp",)))
    assert len(iskp_ucdp) == 16 and set(iskp_ucdp["country"]) == {"Afghanistan"}
    qissa = incident(con, "ucdp:9900026")  # R026: "57 on the day per Dawn; 62-63 later"
    assert (qissa["killed"], qissa["killed_low"], qissa["killed_high"]) == (63, 57, 63)
    assert qissa["target_type"] == "civilians"  # one-sided violence
    highs = con.execute("SELECT count(*) FROM incidents WHERE origin = 'ucdp' AND killed_high > killed").fetchone()[0]
    assert highs == 5
    provinces = dict(con.execute("SELECT province, count(*) FROM incidents WHERE origin='ucdp' GROUP BY 1").fetchall())
    assert provinces["Khyber Pakhtunkhwa"] == 7 and provinces["Kabul"] == 9
    # where_prec 3 (district, no coordinates) is approximate
    approx = con.execute("SELECT count(*) FROM incidents WHERE origin='ucdp' AND location_approximate").fetchone()[0]
    assert approx == 4
    month = incident(con, "ucdp:9900049")  # R049, date_prec 4: dated only to December 2022
    assert (str(month["date"])[:10], month["date_precision"]) == ("2022-12-01", "month")


def test_the_analysts_own_actor_rule_wins(store, con, tmp_path, monkeypatch):
    """A rule in <data dir>/actor_rules.csv for the same dataset, place and actor wins."""
    from dashboard import config

    (config.data_dir() / "actor_rules.csv").write_text(
        "dataset,country,province,actor,group_id,note\n"
        "ucdp,Pakistan,Khyber Pakhtunkhwa,IS,ISKP,analyst's reading of the KP attacks\n", encoding="utf-8")
    r = ingest_file(store, fixture("ucdp_ged_sample.csv"))
    assert groups_of(con, "ucdp:9900026") == {"ISKP": "responsible"}  # Peshawar, KP
    assert any('UCDP "IS" in Khyber Pakhtunkhwa counts for ISKP' in n for n in r.notes)


def test_ucdp_taleban_is_the_afghan_taliban(store, con, tmp_path):
    raw = pd.read_csv(fixture("ucdp_ged_sample.csv"), dtype=str, keep_default_na=False).head(1)
    raw["id"], raw["side_a"], raw["side_b"], raw["dyad_name"] = "999999", "Taleban", "Civilians", "Taleban - Civilians"
    raw["type_of_violence"], raw["gwnoa"] = "3", ""
    path = tmp_path / "ged_taleban.csv"
    raw.to_csv(path, index=False)
    ingest_file(store, path)
    assert groups_of(con, "ucdp:999999") == {"Taliban": "responsible"}


# --- GTD ----------------------------------------------------------------------
def test_gtd_latin1_claims_suspicions_and_unknown(store, con):
    data = fixture("gtd_sample.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # Latin-1: the degree signs in `location` are byte 0xB0
    assert b"\xb0" in data and data.count(b"\r\n") == data.count(b"\n") == 58  # CRLF, header + 57 rows
    r = ingest_file(store, fixture("gtd_sample.csv"))
    assert (r.read, r.loaded, r.rejected) == (57, 57, 0) and r.unknown_groups == {}
    assert any("not UTF-8" in n for n in r.notes)
    raw = pd.read_csv(fixture("gtd_sample.csv"), dtype=str, keep_default_na=False, encoding="latin-1")
    assert raw.loc[raw["eventid"] == "202511119900", "location"].iloc[0].startswith("Coordinates 33.68\u00b0 N")
    # text comes through as written (embedded R139, G-11 judicial complex, Islamabad)
    g11 = incident(con, "gtd:202511119900")
    assert g11["place"] == EMBEDDED.loc["R139", "place"]
    assert g11["summary"] == "11/11/2025: " + EMBEDDED.loc["R139", "summary"]
    assert (g11["killed"], g11["injured"]) == (12, 27)

    claimed = raw[(raw["claimed"] == "1") & (raw["gname"] == "Khorasan Chapter of the Islamic State")]
    assert len(claimed) == 12
    for eid, also in zip(claimed["eventid"], claimed["gname2"]):
        # (a standing claim outweighs a suspicion: gname2, suspected, is named but not counted)
        expected = {"ISKP": "claimed"} | ({"IS": "other"} if also else {})
        assert groups_of(con, f"gtd:{eid}") == expected, eid
    posted = claimed.loc[claimed["claimmode"] == "7", "eventid"].iloc[0]
    channel = con.execute(
        f"SELECT DISTINCT channel FROM attribution_events WHERE incident_id = 'gtd:{posted}' AND kind = 'claimed'"
    ).fetchall()
    assert channel == [("Posted to website, blog, etc.",)]

    # a claimant and a group only suspected (gname2 with guncertain2 = 1): embedded R116
    assert groups_of(con, "gtd:202411199900") == {"HGB": "claimed", "TTP": "other"}
    kinds = con.execute("SELECT kind, group_id FROM attribution_events WHERE incident_id = 'gtd:202411199900' "
                        "ORDER BY seq").fetchall()
    assert kinds == [("attributed", "HGB"), ("suspected", "TTP"), ("claimed", "HGB")]

    suspected = raw[(raw["guncertain1"] == "1") & (raw["gname"] == "Tehrik-i-Taliban Pakistan (TTP)")]
    assert len(suspected) == 2
    for eid in suspected["eventid"]:
        kinds = con.execute(f"SELECT kind FROM attribution_events WHERE incident_id = 'gtd:{eid}'").fetchall()
        assert kinds == [("suspected",)]
        assert groups_of(con, f"gtd:{eid}") == {"TTP": "responsible"}

    unknown = raw.loc[raw["gname"] == "Unknown", "eventid"]
    assert len(unknown) == 12
    for eid in unknown:
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


def test_gtd_an_uncertain_claimant_is_a_suspicion_and_codes_read_as_numbers(store, con, tmp_path):
    """guncertain1 = 1 with claimed = 1 (GTD: "suspected, and a claim was reported") is no
    claim; codes written "1.0" or " 1" (a spreadsheet's CSV) mean 1, as in the XLSX."""
    raw = pd.read_csv(fixture("gtd_sample.csv"), dtype=str, keep_default_na=False, encoding="latin-1")
    raw = raw[raw["gname"] == "Khorasan Chapter of the Islamic State"].head(3).copy()
    raw["eventid"] = ["9001", "9002", "9003"]
    raw["gname2"] = raw["gname3"] = ""
    raw["claimed"] = ["1", "1.0", " 1"]
    raw["guncertain1"] = ["1", "0.0", "0"]
    path = tmp_path / "gtd_flags.csv"
    raw.to_csv(path, index=False, encoding="latin-1", lineterminator="\r\n")
    assert ingest_file(store, path).loaded == 3
    assert groups_of(con, "gtd:9001") == {"ISKP": "responsible"}  # suspected, not claimed
    kinds = con.execute("SELECT kind FROM attribution_events WHERE incident_id = 'gtd:9001'").fetchall()
    assert kinds == [("suspected",)]
    assert groups_of(con, "gtd:9002") == groups_of(con, "gtd:9003") == {"ISKP": "claimed"}


# --- the same file as XLSX ------------------------------------------------------
def test_xlsx_export_of_acled_imports_the_same(store, con, tmp_path):
    raw = pd.read_csv(fixture("acled_sample.csv"), dtype=str, keep_default_na=False)
    path = tmp_path / "acled.xlsx"
    raw.to_excel(path, index=False)
    r = ingest_file(store, path)
    assert (r.format, r.read, r.loaded, r.skipped, r.rejected) == ("acled", 45, 44, 1, 0)
    assert groups_of(con, "acled:AFG990006") == {}


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


# --- EXTRA: the ../shared format fixtures, when present ------------------------------------
@pytest.mark.shared("fixtures")
@pytest.mark.parametrize("name, fmt, rows, loaded, skipped", [
    ("acled_sample.csv", "acled", 72, 71, 1),
    ("ucdp_ged_sample.csv", "ucdp", 43, 43, 0),
    ("gtd_sample.csv", "gtd", 70, 70, 0),
])
def test_shared_fixture_imports_too(store, con, name, fmt, rows, loaded, skipped):
    path = shared_path("fixtures", name)
    first = ingest_file(store, path)
    assert (first.format, first.read, first.loaded, first.skipped, first.rejected) == (fmt, rows, loaded, skipped, 0)
    assert first.unknown_groups == {}
    again = ingest_file(store, path)
    assert (again.loaded, again.duplicates, again.skipped) == (0, loaded, skipped)

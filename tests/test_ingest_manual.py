"""Incidents and statements entered by hand, and group aliases the analyst adds."""

from __future__ import annotations

import time
from datetime import date

import pytest

from dashboard import queries
from dashboard.config import REPO_ROOT
from dashboard.ingest import groups, manual
from dashboard.ingest.native import TEMPLATE_COLUMNS
from dashboard.ingest.normalise import group_lookup
from dashboard.ingest.pipeline import ingest_file
from dashboard.ingest.write import remove_batch
from dashboard.workspace import open_workspace as open_store


def standing(con, incident_id):
    return con.execute(
        "SELECT claim_status, claimed_by, attributed_to, denied_by, first_suspected FROM incident_claims WHERE incident_id = ?",
        [incident_id]).fetchone()


def test_manual_incident_is_validated_placed_and_attributed(store, con):
    incident_id = manual.add_incident(store, {
        "date": date(2024, 3, 1), "country": "Pakistan", "province": "NWFP", "district": "Bajaur Agency",
        "place": "Khar bazaar", "killed": 4, "summary": "Bomb in the bazaar.", "suspected": ["TTP"],
        "suspected_by": "police", "source_url": "https://example.org/a https://example.org/b",
    })
    assert incident_id.startswith("manual:")
    row = con.execute("SELECT * FROM incidents WHERE incident_id = ?", [incident_id]).df().iloc[0]
    assert (row["province"], row["district"], row["killed"]) == ("Khyber Pakhtunkhwa", "Bajaur", 4)
    assert row["location_approximate"] and row["latitude"] is not None  # placed inside the province
    assert list(row["source_urls"]) == ["https://example.org/a", "https://example.org/b"]
    assert standing(con, incident_id) == ("attributed", None, "TTP", None, "TTP")
    batch = queries.import_batches(con).set_index("batch_id")
    assert (batch["origin"] == "manual").sum() == 1


def test_a_claim_a_day_later_and_a_denial_update_the_incident(store, con):
    incident_id = manual.add_incident(store, {"date": "2024-03-01", "country": "Pakistan", "place": "Bannu cantonment",
                                            "suspected": "TTP", "suspected_by": "ISPR"})
    created, updated = con.execute("SELECT created_at, updated_at FROM incidents WHERE incident_id = ?",
                                   [incident_id]).fetchone()
    time.sleep(0.01)
    claim = manual.add_statements(store, incident_id, [{
        "kind": "claimed", "group": "Islamic State Khorasan Province (ISKP)", "channel": "Amaq",
        "statement_date": date(2024, 3, 2), "source_url": "https://example.org/claim"}])
    manual.add_statements(store, incident_id, [{"kind": "denied", "group": "Tehrik-e-Taliban Pakistan",
                                               "statement_date": "2024-03-02"}])
    assert standing(con, incident_id) == ("claimed", "ISKP", None, "TTP", "TTP")
    created2, updated2 = con.execute("SELECT created_at, updated_at FROM incidents WHERE incident_id = ?",
                                     [incident_id]).fetchone()
    assert created2 == created and updated2 > updated
    events = con.execute("SELECT seq, kind, group_id, stated_by FROM attribution_events WHERE incident_id = ? ORDER BY seq",
                         [incident_id]).fetchall()
    assert events == [(1, "suspected", "TTP", "ISPR"), (2, "claimed", "ISKP", "Islamic State Khorasan Province (ISKP)"),
                      (3, "denied", "TTP", "Tehrik-e-Taliban Pakistan")]
    # Removing the claim's batch takes out the claim only.
    remove_batch(store, claim)
    assert standing(con, incident_id)[0] == "attributed"
    assert con.execute("SELECT count(*) FROM attribution_events WHERE incident_id = ?", [incident_id]).fetchone()[0] == 2


def test_statements_can_be_added_to_imported_incidents(store, con):
    incident_id = manual.add_incident(store, {"date": "2024-01-10", "country": "Afghanistan", "province": "Kabul"})
    manual.add_statements(store, incident_id, [{"kind": "claimed", "group": "A New Front", "statement_date": "2024-01-11"}])
    assert standing(con, incident_id)[0] == "unclaimed"  # unknown name: kept as written, counts for no group
    assert "A New Front" in queries.unknown_group_names(con)["name"].tolist()


@pytest.mark.parametrize("fields, message", [
    ({"date": "2024-13-45", "country": "Pakistan"}, "date '2024-13-45' is not a date"),
    ({"date": "2024-01-01"}, "no country"),
    ({"date": "2024-01-01", "country": "India"}, "only Pakistan and Afghanistan"),
    ({"date": "2024-01-01", "country": "Pakistan", "latitude": 123, "longitude": 70}, "latitude 123 out of range"),
    ({"date": "2024-01-01", "country": "Pakistan", "killed": -1}, "killed -1 is negative"),
    ({"date": "2999-01-01", "country": "Pakistan"}, "in the future"),
    ({"date": "2024-01-01", "country": "Pakistan", "colour": "red"}, "unknown field"),
])
def test_manual_incident_errors_say_what_is_wrong(store, con, fields, message):
    before = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    with pytest.raises(manual.EntryError, match=message):
        manual.add_incident(store, fields)
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == before


def test_manual_event_id_cannot_be_used_twice(store, con):
    manual.add_incident(store, {"event_id": "LOG-1", "date": "2024-01-01", "country": "Pakistan"})
    with pytest.raises(manual.EntryError, match="already exists"):
        manual.add_incident(store, {"event_id": "LOG-1", "date": "2024-01-02", "country": "Pakistan"})


@pytest.mark.parametrize("statement, message", [
    ({"kind": "boasted", "group": "TTP"}, "is not one of"),
    ({"kind": "claimed", "group": ""}, "name the group"),
    ({"kind": "claimed", "group": "TTP", "statement_date": "2024-02-28"}, "before the incident"),
    ({"kind": "claimed", "group": "TTP", "statement_date": "2999-01-01"}, "in the future"),
    ({"kind": "denied", "group": "TTP", "source_url": "javascript:alert(1)"}, "not a web address"),
])
def test_statement_errors_say_what_is_wrong(store, con, statement, message):
    incident_id = manual.add_incident(store, {"date": "2024-03-01", "country": "Pakistan"})
    with pytest.raises(manual.EntryError, match=message):
        manual.add_statements(store, incident_id, [statement])
    with pytest.raises(manual.EntryError, match="no incident"):
        manual.add_statements(store, "manual:nope", [{"kind": "claimed", "group": "TTP"}])


# --- aliases ---------------------------------------------------------------------
def test_analyst_alias_file_is_merged_when_the_store_loads(tmp_path, monkeypatch):
    local = tmp_path / "local"
    local.mkdir()
    (local / "group_aliases.csv").write_text("alias,group_id\nTehreek-e-Taliban Mohmand,TTP\n", encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(local))
    with open_store(tmp_path / "t.duckdb") as store:
        lookup = group_lookup(store.cursor())
        assert lookup["tehreek-e-taliban mohmand"] == "TTP"
        assert lookup["ttp: tehreek-i-taliban pakistan"] == "TTP"  # the shipped file still applies


def test_adding_an_alias_resolves_names_already_stored(store, con, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("event_id,date,country,claimed_by\nA1,2024-01-02,Pakistan,Tehreek-e-Taliban Mohmand\n"
                   "A2,2024-01-03,Pakistan,Taliban and/or ISKP\n", encoding="utf-8")
    ingest_file(store, log)
    assert standing(con, "native:A1")[0] == "unclaimed"
    assert groups.add_alias(store, "Tehreek-e-Taliban Mohmand", "TTP") == 1
    assert standing(con, "native:A1")[:2] == ("claimed", "TTP")
    names = queries.unknown_group_names(con)["name"].tolist()
    assert "Tehreek-e-Taliban Mohmand" not in names and "Taliban and/or ISKP" in names
    with pytest.raises(groups.AliasError, match="uncertain"):
        groups.add_alias(store, "Taliban and/or ISKP", "TTP")
    with pytest.raises(groups.AliasError, match="no group"):
        groups.add_alias(store, "Someone", "NOPE")


def test_native_template_is_headers_only_and_matches_the_importer():
    text = (REPO_ROOT / "data" / "templates" / "native_template.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [",".join(TEMPLATE_COLUMNS)]

"""The store: schema versioning, the default data, idempotent loading."""

import csv

import duckdb
import pytest

from dashboard.workspace import open_workspace as open_store
from dashboard.store.schema import SCHEMA_VERSION, current_version
from tests.conftest import fixture_path, shared_path


def test_new_database_is_created_at_the_current_schema_version(tmp_path):
    with open_store(tmp_path / "new.duckdb") as s:
        assert current_version(s.con) == SCHEMA_VERSION
        assert s._migrate() == 0  # nothing left to apply


def test_reopening_does_not_load_the_default_data_twice(default_db):
    with open_store(default_db) as s:
        n = s.con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        e = s.con.execute("SELECT count(*) FROM attribution_events").fetchone()[0]
    with open_store(default_db) as s:
        assert s.con.execute("SELECT count(*) FROM incidents").fetchone()[0] == n == 141
        assert s.con.execute("SELECT count(*) FROM attribution_events").fetchone()[0] == e


def test_database_newer_than_the_program_is_refused_with_advice(tmp_path):
    path = tmp_path / "future.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        open_store(path)


def test_dashboard_db_environment_variable_chooses_the_file(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere" / "mine.duckdb"
    monkeypatch.setenv("DASHBOARD_DB", str(target))
    with open_store() as s:
        assert s.path == str(target)
    assert target.exists()


def test_every_default_incident_keeps_a_source_url(con):
    missing = con.execute(
        "SELECT count(*) FROM incidents WHERE source_urls IS NULL OR len(source_urls) = 0"
    ).fetchone()[0]
    assert missing == 0


@pytest.mark.shared("reference", "incidents_reference.csv")
def test_default_data_matches_the_reference_transcription(con):
    """EXTRA (needs ../shared): the embedded data is the reference table's transcription."""
    path = shared_path("reference", "incidents_reference.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        reference = {r["ref_id"]: r for r in csv.DictReader(fh)}
    rows = con.execute(
        "SELECT origin_event_id, date::VARCHAR, killed, source_urls FROM incidents WHERE origin = 'reference'"
    ).fetchall()
    assert len(rows) == len(reference)
    for ref_id, day, killed, urls in rows:
        ref = reference[ref_id]
        assert day == ref["date"], ref_id
        assert killed == (int(ref["killed"]) if ref["killed"] else None), ref_id
        assert urls[0] == ref["source_1"], ref_id


def test_bajaur_convention_bombing_was_suspected_on_ttp_then_claimed_by_iskp(con):
    events = con.execute(
        "SELECT kind, group_id FROM attribution_events WHERE incident_id = 'reference:R072' ORDER BY seq"
    ).fetchall()
    assert events[0] == ("suspected", "TTP")
    assert ("claimed", "ISKP") in events
    status = con.execute(
        "SELECT claim_status, claimed_by, first_suspected FROM incident_claims WHERE incident_id = 'reference:R072'"
    ).fetchone()
    assert status == ("claimed", "ISKP", "TTP")


def test_incidents_without_coordinates_sit_inside_their_province_flagged_approximate(con):
    rows = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE location_approximate AND latitude IS NOT NULL)
           FROM incidents WHERE location_precision = 'province'"""
    ).fetchone()
    assert rows[0] > 0 and rows[0] == rows[1]


def test_factions_roll_up_to_their_parent(con):
    assert con.execute("SELECT root_id FROM group_roots WHERE group_id = 'JuA'").fetchone() == ("TTP",)


def test_a_retracted_claim_is_no_claim(con):
    # R137: TTP listed the D.I. Khan police-school attack, then retracted; TIF claimed it.
    row = con.execute(
        "SELECT claimed, denied FROM incident_groups WHERE incident_id = 'reference:R137' AND group_id = 'TTP'"
    ).fetchone()
    assert row == (False, True)


def _duplicate_keys(con) -> dict[str, int]:
    """How many keys occur more than once (the store has no unique indexes; see schema migration 4)."""
    return {
        "incident_id": con.execute(
            "SELECT count(*) FROM (SELECT incident_id FROM incidents GROUP BY ALL HAVING count(*) > 1)").fetchone()[0],
        "origin_event": con.execute(
            """SELECT count(*) FROM (SELECT origin, origin_event_id FROM incidents
               GROUP BY ALL HAVING count(*) > 1)""").fetchone()[0],
        "event_id": con.execute(
            "SELECT count(*) FROM (SELECT event_id FROM attribution_events GROUP BY ALL HAVING count(*) > 1)").fetchone()[0],
        "incident_key": con.execute(
            "SELECT count(*) FROM (SELECT incident_key FROM incidents GROUP BY ALL HAVING count(*) > 1)").fetchone()[0],
        "claims_row": con.execute(
            "SELECT count(*) FROM (SELECT incident_id FROM incident_claims GROUP BY ALL HAVING count(*) > 1)").fetchone()[0],
    }


def test_keys_stay_unique_through_repeated_imports_files_with_repeats_and_hand_entry(store, con, tmp_path):
    from dashboard.ingest import manual
    from dashboard.ingest.pipeline import ingest_file

    acled = fixture_path("acled_sample.csv")
    ingest_file(store, acled)
    ingest_file(store, acled)  # the same export again
    # a file that repeats its own rows
    rows = acled.read_text(encoding="utf-8").splitlines()
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("\n".join(rows + rows[1:6]) + "\n", encoding="utf-8")
    ingest_file(store, repeated)
    incident_id = con.execute("SELECT incident_id FROM incidents WHERE origin = 'reference' LIMIT 1").fetchone()[0]
    manual.add_statements(store, incident_id, [{"kind": "denied", "group": "TTP"}])
    manual.add_statements(store, incident_id, [{"kind": "claimed", "group": "ISKP"}])
    assert _duplicate_keys(con) == dict.fromkeys(_duplicate_keys(con), 0)
    assert con.execute("SELECT count(*) FROM incident_claims").fetchone()[0] == \
        con.execute("SELECT count(*) FROM incidents").fetchone()[0]


def test_a_version_3_database_is_migrated_keeping_every_row(tmp_path):
    from dashboard.store.schema import MIGRATIONS

    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for number, statements in enumerate(MIGRATIONS[:3], start=1):
        for sql in statements:
            con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?)", [number])
    con.execute("""INSERT INTO incidents (incident_id, origin, origin_event_id, date, date_precision, country)
                   VALUES ('native:a', 'native', 'a', DATE '2023-07-30', 'day', 'Pakistan')""")
    con.execute("""INSERT INTO attribution_events (event_id, incident_id, seq, group_id, kind)
                   VALUES ('native:a#1', 'native:a', 1, 'ISKP', 'claimed')""")
    key = con.execute("SELECT incident_key FROM incidents").fetchone()[0]
    con.close()
    with open_store(path) as s:
        assert current_version(s.con) == SCHEMA_VERSION
        assert s.con.execute("SELECT incident_id, incident_key FROM incidents WHERE origin = 'native'").fetchall() \
            == [("native:a", key)]
        assert s.con.execute("SELECT group_id FROM attribution_events WHERE event_id = 'native:a#1'").fetchall() \
            == [("ISKP",)]
        # new incidents still get fresh keys
        s.con.execute("""INSERT INTO incidents (incident_id, origin, origin_event_id, date, date_precision, country)
                         VALUES ('native:b', 'native', 'b', DATE '2023-07-31', 'day', 'Pakistan')""")
        assert s.con.execute("SELECT count(DISTINCT incident_key) FROM incidents").fetchone()[0] == \
            s.con.execute("SELECT count(*) FROM incidents").fetchone()[0]


def test_duckdb_memory_limit_is_set_and_a_bad_value_is_refused_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DUCKDB_MEMORY", "512MB")
    with open_store(tmp_path / "m.duckdb", load_defaults=False) as s:
        limit = s.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert limit.startswith("488") or limit.startswith("512")  # DuckDB reports MiB
    monkeypatch.setenv("DASHBOARD_DUCKDB_MEMORY", "lots")
    with pytest.raises(ValueError, match="DASHBOARD_DUCKDB_MEMORY"):
        open_store(tmp_path / "m.duckdb", load_defaults=False)


def test_a_refresh_in_slices_gives_the_same_derived_tables(default_db, tmp_path, monkeypatch):
    """Big refreshes go in slices of incidents (bounded memory); the result is the same."""
    import shutil

    from dashboard.store import derive

    path = tmp_path / "sliced.duckdb"
    shutil.copy(default_db, path)
    tables = ("incident_groups", "incident_roots", "incident_claims", "claim_mismatches", "claim_delays")
    with open_store(path) as s:
        def snapshot():
            return {t: sorted(map(str, s.con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
        whole = snapshot()
        monkeypatch.setattr(derive, "SLICE", 10)  # 141 incidents: 15 slices
        derive.refresh_attribution(s.con)
        assert snapshot() == whole
        s.con.execute("CREATE TEMP TABLE _some AS SELECT incident_id FROM incidents LIMIT 45")
        derive.refresh_attribution(s.con, "_some")
        assert snapshot() == whole

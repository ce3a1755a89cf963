"""The store owns every write: one transaction at a time, the data version moves
only when a write commits, what a killed run leaves is cleaned, and a store in
use gives every command the same clear message."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import queries, workspace
from dashboard.config import REPO_ROOT
from dashboard.filters import Filter
from dashboard.ingest import manual
from dashboard.ingest.native import auto_ids
from dashboard.ingest.pipeline import ingest_file
from dashboard.ingest.write import remove_batch
from dashboard.store.db import Store, StoreError

NATIVE = ("event_id,date,country,province,district,place,killed,claimed_by,summary\n")


def native_file(path: Path, n: int, prefix: str = "T") -> Path:
    """A SYNTHETIC native-template file of ``n`` rows (test data, not incidents)."""
    rows = "".join(f"{prefix}{i},2024-02-{1 + i % 28:02d},Pakistan,Khyber Pakhtunkhwa,Bannu,"
                   f"SYNTHETIC test place {i},{i % 5},TTP,SYNTHETIC test row\n" for i in range(n))
    path.write_text(NATIVE + rows, encoding="utf-8")
    return path


def count(store: Store, sql: str, params=()) -> int:
    con = store.cursor()
    try:
        return int(con.execute(sql, list(params)).fetchone()[0])
    finally:
        con.close()


# --- transactions and the data version ----------------------------------------------
def test_the_version_moves_after_a_commit_and_not_after_a_rollback(store):
    before = store.version
    with pytest.raises(RuntimeError, match="on purpose"):
        with store.transaction() as con:
            con.execute("DELETE FROM incidents")
            raise RuntimeError("on purpose")
    assert store.version == before
    assert count(store, "SELECT count(*) FROM incidents") == 141  # rolled back
    with store.transaction() as con:
        con.execute("INSERT INTO meta VALUES ('test', 'x')")
    assert store.version != before


def test_a_transaction_inside_another_joins_it_and_commits_once(store):
    before = store.version
    with pytest.raises(RuntimeError):
        with store.transaction() as outer:
            with store.transaction() as inner:
                assert inner is outer
                inner.execute("INSERT INTO meta VALUES ('inner', 'x')")
            raise RuntimeError("the outer one fails")
    assert count(store, "SELECT count(*) FROM meta WHERE key = 'inner'") == 0
    assert store.version == before


def test_the_same_file_imported_by_two_sessions_at_once_loads_once(store, tmp_path):
    """The duplicate check and the write are one transaction under one lock."""
    path = native_file(tmp_path / "same.csv", 3000)
    results, errors = [], []

    def run():
        try:
            results.append(ingest_file(store, path))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted((r.loaded, r.duplicates) for r in results) == [(0, 3000), (3000, 0)]
    assert count(store, "SELECT count(*) FROM incidents WHERE origin = 'native'") == 3000
    assert count(store, "SELECT count(*) FROM import_batches WHERE origin = 'native' AND n_loaded > 0") == 1


def test_reopening_a_loaded_store_writes_nothing(default_db, tmp_path, monkeypatch):
    """Groups, aliases and the default data are compared, not rewritten, on every open."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "local"))
    with workspace.open_workspace(default_db) as s:
        assert s.version.endswith(".0")


# --- what a failed or killed run leaves ------------------------------------------------
def test_a_store_that_fails_to_open_releases_the_file(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    monkeypatch.setenv("DASHBOARD_DUCKDB_MEMORY", "lots")
    with pytest.raises(ValueError, match="DASHBOARD_DUCKDB_MEMORY"):
        Store(path)
    # Another process can open it: this one holds no lock.
    probe = subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr


def test_a_dead_processs_spill_folder_is_removed_on_open(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    spill = Path(f"{path}.tmp")
    spill.mkdir()
    (spill / "duckdb_temp_block-1.block").write_bytes(b"\0" * 1024)
    Store(path).close()
    assert not spill.exists()


def test_uploads_a_killed_import_left_are_cleared_when_the_store_opens(store, tmp_path):
    folder = workspace.upload_folder(store)
    (folder / "big.csv").write_text("x", encoding="utf-8")
    store.close()
    with workspace.open_workspace(store.path):
        assert not folder.exists()


def test_a_dry_run_writes_nothing_anywhere(store, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(NATIVE + "D1,2024-01-01,Pakistan,,,,1,,\nD2,2024-13-01,Pakistan,,,,1,,\n", encoding="utf-8")
    before = store.version
    r = ingest_file(store, path, dry_run=True, rejected_dir=tmp_path / "rejected")
    assert (r.loaded, r.rejected, r.rejected_path) == (1, 1, None)
    assert "not a date" in r.rejected_preview["reason"].iloc[0]
    assert not (tmp_path / "rejected").exists() and store.version == before


# --- batches own their rows ----------------------------------------------------------------
def test_removing_a_batch_keeps_the_statements_an_analyst_added_to_its_incidents(store, tmp_path):
    path = native_file(tmp_path / "log.csv", 2, prefix="K")
    batch = ingest_file(store, path).batch_id
    manual.add_statements(store, "native:K0", [{"kind": "denied", "group": "TTP", "statement_date": "2024-02-03"}])
    remove_batch(store, batch)
    assert count(store, "SELECT count(*) FROM incidents WHERE origin = 'native'") == 0
    assert count(store, "SELECT count(*) FROM attribution_events WHERE incident_id = 'native:K0' AND kind = 'denied'") == 1
    con = store.cursor()
    assert "native:K0" not in set(queries.export_rows(con, Filter())["incident_id"])  # uncounted while orphaned
    ingest_file(store, path)  # the incident comes back, and so does the analyst's denial
    assert con.execute("SELECT denied_by FROM incident_claims WHERE incident_id = 'native:K0'").fetchone() == ("TTP",)


def test_a_refresh_of_the_embedded_data_keeps_what_an_analyst_entered(store, tmp_path):
    """A new release of data/default replaces its own rows only: a statement added by
    hand to an embedded incident, and an incident entered by hand, stay."""
    import shutil

    from dashboard.config import DEFAULT_DATA
    from dashboard.ingest.reference import ensure_default_data

    manual.add_statements(store, "reference:R072", [{"kind": "denied", "group": "TTP",
                                                    "statement_date": "2023-07-31"}])
    typed = manual.add_incident(store, {"date": "2024-03-01", "country": "Pakistan",
                                        "province": "Khyber Pakhtunkhwa", "summary": "SYNTHETIC hand entry"})
    release = tmp_path / "default"
    shutil.copytree(DEFAULT_DATA, release)
    with open(release / "milestones.csv", "a", encoding="utf-8") as fh:  # a changed release
        fh.write("")
    (release / "incidents.csv").write_text((release / "incidents.csv").read_text(encoding="utf-8") + "\n",
                                           encoding="utf-8")
    assert ensure_default_data(store, release)
    assert count(store, "SELECT count(*) FROM attribution_events WHERE incident_id = 'reference:R072' "
                        "AND kind = 'denied' AND group_id = 'TTP'") == 1
    assert count(store, f"SELECT count(*) FROM incidents WHERE incident_id = '{typed}'") == 1
    con = store.cursor()
    assert con.execute("SELECT denied_by FROM incident_claims WHERE incident_id = 'reference:R072'"
                       ).fetchone() == ("TTP",)


# --- ids that do not depend on library versions ---------------------------------------------
def test_native_rows_without_an_id_get_the_same_id_everywhere():
    row = pd.DataFrame([{"date_raw": "2024-03-01", "country": "Pakistan", "province": "Khyber Pakhtunkhwa",
                         "district": "Bannu", "place": None, "latitude": "32.98", "longitude": "70.6",
                         "killed": "2", "injured": "", "summary": "SYNTHETIC"}])
    # SHA-256 of the fields as written, joined by \x1f (a blank for the missing place):
    # fixed, whatever pandas' own hashing does from one version to the next.
    text = "\x1f".join(["2024-03-01", "Pakistan", "Khyber Pakhtunkhwa", "Bannu", "", "32.98", "70.6", "2", "",
                        "SYNTHETIC"])
    assert auto_ids(row).tolist() == ["auto-" + hashlib.sha256(text.encode()).hexdigest()[:16]]
    assert auto_ids(row).tolist() == ["auto-f5c53dca743d3f3b"]


# --- a store in use: every command says so the same way ----------------------------------------
HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("HOLDING", flush=True)
    time.sleep(60)
""")


@pytest.fixture
def held_db(tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "HOLDING"
    yield path
    holder.kill()
    holder.wait(timeout=30)
    holder.stdout.close()


@pytest.mark.parametrize("argv", [
    ["export", "group=TTP"],
    ["ingest", "{file}"],
    ["boundaries", "sync"],
])
def test_a_store_in_use_gives_every_command_one_clear_error(held_db, tmp_path, argv):
    log = native_file(tmp_path / "log.csv", 1)
    argv = [a.replace("{file}", str(log)) for a in argv]
    env = {**os.environ, "DASHBOARD_DB": str(held_db), "DASHBOARD_DATA_DIR": str(tmp_path / "local")}
    run = subprocess.run([sys.executable, "-m", "dashboard", *argv], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("error: The database")
    assert "in use by another process" in run.stderr


def test_a_newer_schema_is_refused_with_a_store_error(tmp_path):
    path = tmp_path / "future.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    con.execute("INSERT INTO schema_version VALUES (999)")
    con.close()
    with pytest.raises(StoreError, match="newer than this program"):
        Store(path)


def test_statements_kept_through_a_re_import_follow_the_new_ones_without_sharing_a_place(store, con, tmp_path):
    first = native_file(tmp_path / "log.csv", 1, prefix="S")
    batch = ingest_file(store, first).batch_id  # S0: claimed by TTP (seq 1)
    manual.add_statements(store, "native:S0", [{"kind": "denied", "group": "TTP", "statement_date": "2024-02-05"}])
    remove_batch(store, batch)
    again = tmp_path / "log2.csv"
    again.write_text("event_id,date,country,province,district,place,killed,claimed_by,denied_by,summary\n"
                     "S0,2024-02-01,Pakistan,Khyber Pakhtunkhwa,Bannu,SYNTHETIC,0,TTP,ISKP,SYNTHETIC test row\n",
                     encoding="utf-8")
    ingest_file(store, again)  # now two statements of its own: seq 1 and 2
    rows = con.execute("SELECT seq, kind, group_id, event_id FROM attribution_events WHERE incident_id = 'native:S0' "
                       "ORDER BY seq").fetchall()
    assert [(s, k, g) for s, k, g, _ in rows] == [(1, "claimed", "TTP"), (2, "denied", "ISKP"), (4, "denied", "TTP")]
    assert len({e for *_, e in rows}) == 3  # no event id twice

"""A file lands wholly or not at all; importing twice, or overlapping exports,
adds nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import dashboard.ingest.write as write
from dashboard.config import REPO_ROOT
from dashboard.ingest.pipeline import ingest_file
from dashboard.workspace import open_workspace as open_store
from tests.conftest import fixture_path


def snapshot(con) -> tuple:
    return con.execute(
        """SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM attribution_events),
                  (SELECT count(*) FROM import_batches), (SELECT count(*) FROM incident_groups),
                  (SELECT count(*) FROM incident_claims)"""
    ).fetchone()


def test_a_failure_half_way_through_the_write_leaves_the_store_as_it_was(store, con, monkeypatch):
    path = fixture_path("acled_sample.csv")
    before = snapshot(con)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(write, "refresh_attribution", boom)  # after incidents and events were inserted
    with pytest.raises(RuntimeError, match="simulated"):
        ingest_file(store, path)
    assert snapshot(con) == before
    monkeypatch.undo()
    # The connection is usable and the same file then imports in full.
    r = ingest_file(store, path)
    assert r.loaded == 44 and snapshot(con)[0] == before[0] + 44


CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {repo!r})
    import dashboard.ingest.write as write
    from dashboard.ingest.pipeline import ingest_file
    from dashboard.workspace import open_workspace as open_store

    real = write.refresh_attribution
    def stall(con, scope=None):
        real(con, scope)                   # incidents and events are inserted by now
        print("IN-TRANSACTION", flush=True)
        time.sleep(120)                    # the parent kills us here
    write.refresh_attribution = stall
    store = open_store({db!r})
    ingest_file(store, {path!r})
    print("COMMITTED", flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_process_killed_mid_import_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    path = fixture_path("gtd_sample.csv")
    db = tmp_path / "killed.duckdb"
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "local"))
    with open_store(db) as store:
        before = snapshot(store.cursor())
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(repo=str(REPO_ROOT), db=str(db), path=str(path))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "IN-TRANSACTION", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    with open_store(db) as store:
        con = store.cursor()
        assert snapshot(con) == before
        assert con.execute("SELECT count(*) FROM incidents WHERE origin = 'gtd'").fetchone()[0] == 0
        # and the file imports in full afterwards
        assert ingest_file(store, path).loaded == 57


def test_overlapping_exports_add_nothing_twice(store, con, tmp_path):
    raw = pd.read_csv(fixture_path("acled_sample.csv"), dtype=str, keep_default_na=False)
    assert len(raw) == 45
    first, second = tmp_path / "jan.csv", tmp_path / "jan-feb.csv"
    raw.iloc[:30].to_csv(first, index=False)
    raw.iloc[20:].to_csv(second, index=False)  # the India row is in this one
    a = ingest_file(store, first)
    b = ingest_file(store, second)
    overlap = raw.iloc[20:30]
    overlap_loadable = int((overlap["country"] != "India").sum())
    assert overlap_loadable == 10
    assert b.duplicates == overlap_loadable and b.skipped == 1
    assert (a.loaded, b.loaded) == (30, 14)
    assert a.loaded + b.loaded == 44
    assert con.execute("SELECT count(*) FROM incidents WHERE origin = 'acled'").fetchone()[0] == 44
    assert con.execute(
        "SELECT count(*) FROM (SELECT event_id FROM attribution_events GROUP BY 1 HAVING count(*) > 1)"
    ).fetchone()[0] == 0


def test_a_file_repeating_an_incident_loads_it_once_with_its_events_once(store, con, tmp_path):
    raw = pd.read_csv(fixture_path("gtd_sample.csv"), dtype=str, keep_default_na=False, encoding="latin-1")
    doubled = pd.concat([raw.head(5), raw.head(5)])
    path = tmp_path / "doubled.csv"
    doubled.to_csv(path, index=False)
    r = ingest_file(store, path)
    assert (r.read, r.loaded, r.duplicates) == (10, 5, 5)
    repeated = con.execute(
        """SELECT count(*) FROM (SELECT incident_id, kind, group_as_written FROM attribution_events
           WHERE incident_id LIKE 'gtd:%' GROUP BY ALL HAVING count(*) > 1)""").fetchone()[0]
    assert repeated == 0
    batch = con.execute("SELECT n_read, n_loaded, n_duplicates FROM import_batches WHERE batch_id = ?",
                        [r.batch_id]).fetchone()
    assert batch == (10, 5, 5)


def test_removing_a_batch_takes_out_only_what_it_brought(store, con):
    before = snapshot(con)
    a = ingest_file(store, fixture_path("acled_sample.csv"))
    b = ingest_file(store, fixture_path("ucdp_ged_sample.csv"))
    assert (a.loaded, b.loaded) == (44, 29)
    with_both = snapshot(con)
    write.remove_batch(store, a.batch_id)
    assert con.execute("SELECT count(*) FROM incidents WHERE origin = 'acled'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM incidents WHERE origin = 'ucdp'").fetchone()[0] == b.loaded
    assert snapshot(con)[0] == with_both[0] - a.loaded
    write.remove_batch(store, b.batch_id)
    assert snapshot(con) == before


def test_dry_run_counts_without_writing(store, con):
    before = snapshot(con)
    r = ingest_file(store, fixture_path("ucdp_ged_sample.csv"), dry_run=True)
    assert (r.read, r.loaded, r.batch_id) == (29, 29, None)
    assert snapshot(con) == before

"""The benchmark (``python -m dashboard bench``): a quick run at 10,000 synthetic
incidents, the synthetic data's labels, and that its copy of each page's data path
still asks what the real page asks.

Marked ``bench``; fast enough for the default run. The 100k / 1M / 10M runs are
by hand (BENCHMARKS.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from dashboard.config import REPO_ROOT

pytestmark = pytest.mark.bench

RESULT = re.compile(
    r"^RESULT events=(?P<events>\d+) p95_ms=(?P<p95>[\d.]+) pandas_p95_ms=(?P<pandas>[\d.]+) "
    r"duckdb_raw_p95_ms=(?P<raw>[\d.]+) rss_mb=(?P<rss>\d+) map_payload_kb=(?P<map>[\d.]+) "
    r"import_rows_per_s=(?P<import>\d+)$"
)


def test_bench_at_10k_events_prints_a_sane_result_line(tmp_path):
    default_store = tmp_path / "default-store.duckdb"
    env = dict(os.environ, DASHBOARD_DB=str(default_store), DASHBOARD_DATA_DIR=str(tmp_path / "local"))
    run = subprocess.run(
        [sys.executable, "-m", "dashboard", "bench", "--events", "10000", "--repeat", "1"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    match = RESULT.match(lines[-1])
    assert match, f"last line is not the RESULT line: {lines[-1]!r}"
    r = {k: float(v) for k, v in match.groupdict().items()}
    assert r["events"] == 10_000
    assert 0 < r["raw"] and 0 < r["p95"] < 60_000 and 0 < r["pandas"] < 600_000
    assert 50 < r["rss"] < 8_000
    assert 10 < r["map"] < 20_000          # the map always carries the province shapes
    assert r["import"] > 100
    out = run.stdout
    assert "SYNTHETIC" in out and "dashboard.ingest.pipeline" in out
    assert "consistency: headline counts agree" in out
    for page in ("overview", "map", "timeline", "claims", "incidents", "about", "overall"):
        assert re.search(rf"^{page}\s+\d", out, re.M), f"no row for {page}"
    # The synthetic rows went to a temporary database, deleted afterwards; the
    # default store was never opened.
    temp_db = re.search(r"database (\S+\.duckdb) \(temporary", out).group(1)
    assert not os.path.exists(temp_db)
    assert not default_store.exists()


def test_synthetic_rows_are_seeded_labelled_and_mostly_unclaimed():
    from dashboard import bench

    world = bench.World(bench.DEFAULT_SEED)
    a = bench.generate_block(world, 0, 5000, bench.DEFAULT_SEED)
    b = bench.generate_block(world, 0, 5000, bench.DEFAULT_SEED)
    assert a.equals(b)                                           # seeded: the same rows every run
    assert a["summary"].str.startswith("SYNTHETIC benchmark row").all()
    assert a["source_url"].str.contains("example.invalid").all()
    assert a["event_id"].is_unique
    kp = (a["province"] == "Khyber Pakhtunkhwa").mean()
    assert 0.4 < kp < 0.65                                       # KP weighted heavily
    assert set(a["country"]) == {"Pakistan", "Afghanistan"}
    claimed = (a["claimed_by"] != "").mean()
    assert 0.1 < claimed < 0.25                                  # most incidents go unclaimed
    assert (a["denied_by"] != "").any() and (a["suspected"] != "").any()
    assert a["date"].str[:4].nunique() == 10                     # ten years
    killed = a["killed"][a["killed"] != ""].astype(int)
    assert (killed == 0).mean() > 0.25 and killed.max() > 30     # skewed


def test_the_benchmark_asks_what_each_page_asks(store):
    """bench.app_page mirrors dashboard/views/*.py; this fails when a page starts
    calling a query the benchmark does not time (update dashboard/bench.py then)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import bench, queries
    from dashboard.filters import Filter

    names = [n for n in dir(queries) if not n.startswith("_") and callable(getattr(queries, n))
             and getattr(getattr(queries, n), "__module__", "") == queries.__name__]
    called: set[str] = set()
    originals = {n: getattr(queries, n) for n in names}

    def spy(name):
        def wrapper(*args, **kwargs):
            called.add(name)
            return originals[name](*args, **kwargs)
        return wrapper

    # Not timed per interaction on purpose: the vocabulary and the sidebar's province
    # and district lists are cached per data version, the downloads are measured
    # apart, the detail needs a clicked row.
    exempt = {"vocabulary", "provinces_of", "districts_of", "export_rows", "incident_detail", "df"}
    pages = {"overview": "views/overview.py", "map": "views/map.py", "timeline": "views/timeline.py",
             "claims": "views/claims.py", "incidents": "views/incidents.py", "about": "views/about.py"}
    try:
        for n in names:
            setattr(queries, n, spy(n))
        for page, path in pages.items():
            st.cache_data.clear()
            called.clear()
            at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=90)
            at.run()
            at.switch_page(path)
            called.clear()
            st.cache_data.clear()
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            real = called - exempt
            called.clear()
            bench.app_page(store.cursor(), page, Filter())
            mirrored = set(called)
            assert real <= mirrored, f"{page}: the page asks {sorted(real - mirrored)} and the benchmark does not"
    finally:
        for n, fn in originals.items():
            setattr(queries, n, fn)

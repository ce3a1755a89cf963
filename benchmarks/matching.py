"""Time the matcher (dashboard/fusion.py) on N synthetic records against N more.

    python -m benchmarks.matching --db /tmp/bench1m.duckdb

Takes a benchmark store (``python -m dashboard bench --events 1M --db PATH``, origin
'synthetic'), copies it, and adds a second SYNTHETIC dataset ('acled') with one
record per stored one: the same attack a day later or not (alternately), moved by
about 0.01 degrees, with no group named (so the group test never narrows the
candidates: an upper bound). Then times ``fusion.candidates`` and ``fusion.links``.
The copy is deleted afterwards; the store given is not changed.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.matching")
    p.add_argument("--db", required=True, help="a benchmark store (python -m dashboard bench --db PATH)")
    args = p.parse_args(argv)
    import duckdb

    from dashboard import fusion
    from dashboard.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "match.duckdb"
        shutil.copy(args.db, copy)
        Store(copy).close()  # brought to the current schema
        con = duckdb.connect(str(copy))
        n = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        t = time.perf_counter()
        con.execute("""INSERT INTO incidents BY NAME
                       SELECT * REPLACE ('acled:synthetic-' || incident_key AS incident_id, 'acled' AS origin,
                                         incident_key + (SELECT max(incident_key) FROM incidents) + 1 AS incident_key,
                                         date + (incident_key % 2)::INTEGER AS date,
                                         latitude + 0.01 AS latitude, longitude - 0.01 AS longitude)
                       FROM incidents""")
        print(f"SYNTHETIC second dataset: {n:,} records added in {time.perf_counter() - t:.1f} s")
        window = fusion.WINDOWS["default"]
        t = time.perf_counter()
        pairs = fusion.candidates(con, window)
        t_pairs = time.perf_counter() - t
        t = time.perf_counter()
        linked, runners = fusion.links(pairs, window)
        t_links = time.perf_counter() - t
        print(f"{n:,} x {n:,} records: {len(pairs):,} candidate pairs in {t_pairs:.1f} s, "
              f"{len(linked):,} links ({len(runners):,} runners-up) in {t_links:.1f} s")
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

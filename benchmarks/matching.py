"""Time the matcher (dashboard/fusion.py) on N synthetic records against N more.

    python -m benchmarks.matching --db /tmp/bench1m.duckdb

Takes a benchmark store (``python -m dashboard bench --events 1M --db PATH``, origin
'synthetic'), copies it, and adds a second SYNTHETIC dataset ('acled') with one
record per stored one: the same attack a day later or not (alternately), moved by
about 0.01 degrees, with no group named (so the group test never narrows the
candidates: an upper bound). Then times ``fusion.match`` (candidates, scores and one-to-one links, in DuckDB).
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
    p.add_argument("--sample", type=float, default=1.0, help="keep this share of its records (default all)")
    args = p.parse_args(argv)
    import duckdb

    from dashboard import fusion
    from dashboard.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "match.duckdb"
        shutil.copy(args.db, copy)
        Store(copy).close()  # brought to the current schema
        con = duckdb.connect(str(copy), config={"memory_limit": "4GB"})
        if args.sample < 1:
            con.execute("DELETE FROM incidents WHERE hash(incident_key) % 1000 >= ?", [int(args.sample * 1000)])
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
        m = fusion.match(con, window)
        took = time.perf_counter() - t
        print(f"{n:,} x {n:,} records: {m.candidates:,} candidate pairs, {len(m.links):,} links "
              f"({m.runners_up:,} runners-up) in {took:.1f} s")
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

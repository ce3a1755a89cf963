"""The import step: the synthetic native-template files through the importers'
pipeline (``dashboard.ingest.pipeline.ingest_info``, what ``python -m dashboard
ingest`` runs), one batch per file, into the benchmark's own database.

Rows per second count the import only (reading, checking, placing, writing), not
the generation of the files nor the final checkpoint.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .synthetic import ORIGIN, native_files


def import_dataset(db: str, n: int, seed: int, batch_rows: int, workdir: str) -> dict:
    """Generate N synthetic incidents as native-template files and import them, one
    batch per file; the store is opened as the command line opens it (schema, groups,
    aliases, milestones and the 141 reference rows)."""
    from dashboard.ingest import pipeline
    from dashboard.ingest.detect import sniff
    from dashboard.workspace import open_workspace

    folder = Path(workdir)
    folder.mkdir(parents=True, exist_ok=True)
    gen_s = 0.0
    t0 = time.perf_counter()
    store = open_workspace(db)
    t_open = time.perf_counter() - t0

    # Instrumentation only (this process): how the import time splits between the
    # pipeline's stages and the final atomic write.
    stage = {"place_incidents": 0.0, "write_tables": 0.0}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                stage[name] += time.perf_counter() - t
        return wrapper

    pipeline.place_incidents = timed("place_incidents", pipeline.place_incidents)
    pipeline.write_tables = timed("write_tables", pipeline.write_tables)
    batches = []
    import_s = 0.0
    for path, seconds in native_files(folder, n, seed, batch_rows):
        gen_s += seconds
        t = time.perf_counter()
        info = sniff(path, "native")
        res = pipeline.ingest_info(store, info, origin=ORIGIN, file_name=path.name,
                                   rejected_dir=folder / "rejected")
        dt = time.perf_counter() - t
        import_s += dt
        batches.append({"file": path.name, "bytes": path.stat().st_size, "read": res.read,
                        "loaded": res.loaded, "rejected": res.rejected, "skipped": res.skipped,
                        "duplicates": res.duplicates, "unknown_groups": sum(res.unknown_groups.values()),
                        "seconds": dt})
        print(f"  {path.name}: {res.summary()} in {dt:.1f} s ({res.read / dt:,.0f} rows/s)", flush=True)
        path.unlink()
    con = store.cursor()
    counts = con.execute(
        "SELECT (SELECT count(*) FROM incidents WHERE origin = ?), (SELECT count(*) FROM incidents), "
        "(SELECT count(*) FROM attribution_events), (SELECT count(*) FROM incident_groups), "
        "(SELECT count(*) FILTER (WHERE claim_status = 'claimed') FROM incident_claims)",
        [ORIGIN],
    ).fetchone()
    con.close()
    with store.transaction() as w:  # marks the file as this benchmark's (--reuse, --resume)
        w.execute("INSERT OR REPLACE INTO meta VALUES ('bench_dataset', ?)", [f"{n}:{seed}"])
    # The final checkpoint (the write-ahead log into the file) happens as the store
    # closes. Not an explicit CHECKPOINT: DuckDB refuses one from a cursor while
    # another connection of the store has a transaction open.
    t = time.perf_counter()
    store.close()
    checkpoint_s = time.perf_counter() - t
    return {
        "path": "native-template CSV files -> dashboard.ingest.pipeline.ingest_info "
                "(the path of `python -m dashboard ingest`), one batch per file of %d rows" % batch_rows,
        "open_s": t_open, "generate_s": gen_s, "import_s": import_s, "stages": stage,
        "checkpoint_s": checkpoint_s, "rows": n, "batches": batches,
        "rejected": sum(b["rejected"] for b in batches), "skipped": sum(b["skipped"] for b in batches),
        "synthetic_incidents": counts[0], "incidents": counts[1], "events": counts[2],
        "incident_groups": counts[3], "claimed": counts[4],
        "rows_per_s": n / import_s if import_s else None,
        "db_bytes": os.path.getsize(db),
    }

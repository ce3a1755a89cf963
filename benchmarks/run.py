"""Orchestration: the work folder and database, the steps in order (each in its own
process, ``benchmarks.process``), results saved as they complete (``--resume``),
then the report (``benchmarks.report``) ending with the RESULT line."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from .options import Options
from .process import run_phase
from .report import report
from .synthetic import ORIGIN


def _is_default_store(path: str) -> bool:
    """Whether ``path`` is the dashboard's own store (``DASHBOARD_DB``, or the
    repository's ``data/local/dashboard.duckdb``)."""
    from dashboard import config

    try:
        target = Path(path).resolve()
        return target in (config.db_path().resolve(),
                          (config.REPO_ROOT / "data" / "local" / "dashboard.duckdb").resolve())
    except OSError:
        return False


def run_benchmark(o: Options) -> int:
    keep = o.db is not None
    if keep:
        db = str(Path(o.db).resolve())
        if _is_default_store(db):
            print("error: --db points at the dashboard's own store; give a separate file for the "
                  "synthetic benchmark data.", file=sys.stderr)
            return 2
    # Work folder: the synthetic CSV files (one at a time), the data folder the steps
    # see (DASHBOARD_DATA_DIR: rejected-row reports land here, never in data/local),
    # and the database unless --db is given. Deleted afterwards.
    tmpdir = tempfile.mkdtemp(prefix="dashboard-bench-",
                              dir=os.path.dirname(o.db and str(Path(o.db).resolve()) or "") or None)
    if not keep:
        db = os.path.join(tmpdir, "bench.duckdb")
    try:
        return _run(o, db, keep, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _existing_dataset(db: str) -> str | None:
    """What ``db`` holds: None (no file, or no benchmark mark), "N:seed" (this
    benchmark's dataset), or why it must not be touched."""
    import duckdb

    if not Path(db).exists():
        return None
    try:
        con = duckdb.connect(db, read_only=True)
        row = con.execute("SELECT value FROM meta WHERE key = 'bench_dataset'").fetchone()
        others = con.execute("SELECT count(*) FROM incidents WHERE origin NOT IN (?, 'reference')",
                             [ORIGIN]).fetchone()[0]
        con.close()
    except duckdb.Error:
        return "not a benchmark database"
    if others:
        return "holds non-synthetic incidents"
    return row[0] if row else None


def _run(o: Options, db: str, keep: bool, tmpdir: str) -> int:
    import psutil

    say = lambda *a: print(*a, flush=True)  # noqa: E731
    n = o.events
    say(f"SYNTHETIC benchmark: {n:,} synthetic incidents (origin '{ORIGIN}', seed {o.seed}) "
        f"+ the 141 reference rows; database {db} ({'kept' if keep else 'temporary, deleted after'})")
    say(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
        f"Python {sys.version.split()[0]}, {date.today().isoformat()}")
    existing = _existing_dataset(db)
    if existing in ("not a benchmark database", "holds non-synthetic incidents"):
        print(f"error: {db} exists and {existing}; refusing to touch it.", file=sys.stderr)
        return 2
    if Path(db).exists() and existing is None:
        print(f"error: {db} exists and is not a benchmark database made by this command; "
              "refusing to touch it.", file=sys.stderr)
        return 2
    # Each step's result is saved as it completes (next to a kept database), so an
    # interrupted run of a big size can be finished with --resume.
    saved_path = Path(db + ".bench.json") if keep else Path(tmpdir) / "bench.json"
    saved: dict = {}
    if o.resume and saved_path.exists():
        saved = json.loads(saved_path.read_text())
        if saved.get("dataset") != f"{n}:{o.seed}" or existing != f"{n}:{o.seed}":
            saved = {}
        elif saved.get("phases"):
            say(f"resume: {', '.join(saved['phases'])} measured earlier ({saved.get('when')}) in {saved_path}")
    phases = saved.get("phases", {})

    def step(name: str, **kw) -> dict:
        if name in phases:
            return phases[name]
        res = run_phase(name, db, work=tmpdir, quiet_s=o.wait_quiet, **kw)
        phases[name] = res
        saved_path.write_text(json.dumps({"dataset": f"{n}:{o.seed}", "when": time.strftime("%Y-%m-%d %H:%M"),
                                          "phases": phases}, default=str))
        return res

    imp = None
    if "import" in phases:
        imp = phases["import"]
    elif (o.reuse or o.resume) and existing == f"{n}:{o.seed}":
        say(f"import: reusing the synthetic dataset already in {db}; import not measured")
    else:
        for stale in (db, db + ".wal", str(saved_path)):  # an earlier benchmark's synthetic file: rebuild it
            if os.path.exists(stale):
                os.unlink(stale)
        phases.clear()
        say("import: native-template CSV files, one per batch, through dashboard.ingest.pipeline "
            "(what `python -m dashboard ingest` runs) ...")
        imp = step("import", events=n, seed=o.seed, batch_rows=o.batch_rows,
                   workdir=os.path.join(tmpdir, "files"))
    if imp:
        st = imp["stages"]
        say(f"import: {imp['synthetic_incidents']:,} synthetic incidents ({imp['claimed']:,} claimed) and "
            f"{imp['events']:,} attribution events in the store; {imp['rejected']:,} rejected, "
            f"{imp['skipped']:,} skipped")
        say(f"import: {imp['import_s']:.1f} s = {imp['rows_per_s']:,.0f} rows/s (of which place_incidents "
            f"{st['place_incidents']:.1f} s, write_tables {st['write_tables']:.1f} s; generating the files "
            f"{imp['generate_s']:.1f} s and the final checkpoint {imp['checkpoint_s']:.1f} s not counted); "
            f"peak RSS {imp['tree_peak_mb']:,.0f} MB; database {imp['db_bytes'] / 2**20:,.0f} MiB")

    say("app: cold start and every page's data function (dashboard.pagedata) ...")
    app = step("app", repeat=o.repeat)
    say("raw DuckDB: the same questions ...")
    raw = step("raw", repeat=o.repeat)
    pdr = None
    if not o.skip_pandas:
        say("pandas baseline: the same questions ...")
        pdr = step("pandas", repeat=o.pandas_repeat or o.repeat, filters=o.pandas_filters or 0)
    dl = None
    if not o.skip_downloads:
        say("downloads (Incidents page, when a button is pressed: export_rows) ...")
        dl = step("downloads", repeat=1)
    return report(say, n, o.repeat, imp, app, raw, pdr, dl)

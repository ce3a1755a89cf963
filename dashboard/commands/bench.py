"""``python -m dashboard bench --events N``: latency, memory and import speed on synthetic data."""

from __future__ import annotations

from ..bench import DEFAULT_SEED, Options, parse_count


def add_parser(sub) -> None:
    p = sub.add_parser(
        "bench",
        help="benchmark interaction latency, memory and import speed on a SYNTHETIC dataset",
        description=(
            "Generate N clearly synthetic incidents (origin 'synthetic'; never in the default store), "
            "import them through the real import path into a separate DuckDB file, then time every "
            "page's data path (queries + figures, uncached) over a fixed list of filter changes, "
            "against raw DuckDB SQL and a pandas in-memory baseline. The last line printed is "
            "'RESULT events=N p95_ms=... pandas_p95_ms=... duckdb_raw_p95_ms=... rss_mb=... "
            "map_payload_kb=... import_rows_per_s=...'. Results: BENCHMARKS.md."
        ),
    )
    p.add_argument("--events", type=parse_count, required=True, metavar="N",
                   help="number of synthetic incidents: 10000, 100k, 1M, 10M ...")
    p.add_argument("--repeat", type=int, default=3, metavar="K",
                   help="passes over the filter list (default 3)")
    p.add_argument("--db", metavar="PATH",
                   help="keep the synthetic database in this file (default: a temporary file, deleted after). "
                        "Never the dashboard's own store.")
    p.add_argument("--reuse", action="store_true",
                   help="with --db: reuse the synthetic dataset already there (same N and seed); skip the import")
    p.add_argument("--resume", action="store_true",
                   help="with --db: keep the steps an interrupted run already measured (saved in PATH.bench.json) "
                        "and run the rest")
    p.add_argument("--pandas-repeat", type=int, default=None, metavar="K",
                   help="passes for the pandas baseline (default: --repeat; it is slow at 10M)")
    p.add_argument("--pandas-filters", type=int, default=None, metavar="K",
                   help="run the pandas baseline on the first K filter changes only (default: all)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    p.add_argument("--batch-rows", type=parse_count, default=1_000_000, metavar="ROWS",
                   help="incidents per import batch (default 1M)")
    p.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                   help="before each measured step, wait up to SECONDS until other processes use less "
                        "than 10%% of the CPUs (default 0: do not wait; the output says how busy it was)")
    p.add_argument("--skip-pandas", action="store_true", help="leave out the pandas baseline")
    p.add_argument("--skip-downloads", action="store_true",
                   help="leave out the Incidents page's download query (export_rows)")


def run(args) -> int:
    from ..bench import run_benchmark

    if args.repeat < 1:
        print("error: --repeat must be at least 1")
        return 2
    if (args.reuse or args.resume) and not args.db:
        print("error: --reuse and --resume need --db")
        return 2
    return run_benchmark(Options(
        events=args.events, repeat=args.repeat, db=args.db, seed=args.seed, batch_rows=args.batch_rows,
        reuse=args.reuse, skip_pandas=args.skip_pandas, skip_downloads=args.skip_downloads,
        wait_quiet=args.wait_quiet, resume=args.resume, pandas_repeat=args.pandas_repeat,
        pandas_filters=args.pandas_filters,
    ))

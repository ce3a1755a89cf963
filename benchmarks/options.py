"""The benchmark's command line: one set of options for ``python -m benchmarks`` and
its alias ``python -m dashboard bench``. No heavy imports: every ``python -m
dashboard`` command builds this parser."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

DEFAULT_SEED = 20230730

DESCRIPTION = (
    "Generate N clearly synthetic incidents (origin 'synthetic'; never in the default store), "
    "import them through the real import path into a separate DuckDB file, then time every "
    "page's data function (dashboard.pagedata: queries + figures, uncached, serialised as the "
    "app sends them) over a fixed list of filter changes, against raw DuckDB SQL and a pandas "
    "in-memory baseline. The last line printed is 'RESULT events=N p95_ms=... pandas_p95_ms=... "
    "duckdb_raw_p95_ms=... rss_mb=... map_payload_kb=... import_rows_per_s=...'. Results: BENCHMARKS.md."
)


@dataclass
class Options:
    events: int
    repeat: int = 3
    db: str | None = None
    seed: int = DEFAULT_SEED
    batch_rows: int = 1_000_000
    reuse: bool = False
    skip_pandas: bool = False
    skip_downloads: bool = False
    wait_quiet: float = 0.0
    resume: bool = False
    pandas_repeat: int | None = None
    pandas_filters: int | None = None


def parse_count(text: str) -> int:
    """'100k', '1M', '10m', '10_000' -> int."""
    t = str(text).strip().lower().replace("_", "").replace(",", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    if mult != 1:
        t = t[:-1]
    try:
        value = int(float(t) * mult)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of events: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the number of events must be at least 1")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
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


def options(args: argparse.Namespace) -> Options | str:
    """The parsed arguments as Options, or the sentence saying what is wrong."""
    if args.repeat < 1:
        return "--repeat must be at least 1"
    if (args.reuse or args.resume) and not args.db:
        return "--reuse and --resume need --db"
    return Options(
        events=args.events, repeat=args.repeat, db=args.db, seed=args.seed, batch_rows=args.batch_rows,
        reuse=args.reuse, skip_pandas=args.skip_pandas, skip_downloads=args.skip_downloads,
        wait_quiet=args.wait_quiet, resume=args.resume, pandas_repeat=args.pandas_repeat,
        pandas_filters=args.pandas_filters,
    )


def run(args: argparse.Namespace) -> int:
    """Run the benchmark the arguments describe; the exit status."""
    o = options(args)
    if isinstance(o, str):
        print(f"error: {o}")
        return 2
    from . import run as runner

    return runner.run_benchmark(o)

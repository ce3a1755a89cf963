"""``python -m dashboard ingest PATH...``: import ACLED, UCDP GED, GTD or native files.

Each file is one import batch: it lands wholly or not at all. Progress goes to
standard error; each file ends with one line on standard output:

    read=N loaded=L duplicates=D skipped=S rejected=R

Exit status: 0 when every file was taken (even with rejected rows), 1 when a
file as a whole could not be read (reason on standard error), 2 when the
database is in use.
"""

from __future__ import annotations

import sys

import pandas as pd

from ..ingest.detect import FORMATS, FileRejected
from ..ingest.pipeline import ingest_file
from ..workspace import open_workspace


def add_parser(sub) -> None:
    p = sub.add_parser(
        "ingest",
        help="import ACLED, UCDP GED, GTD or native-template files (CSV or XLSX)",
        description=(
            "Import files into the store, one atomic batch per file. The format is detected from "
            "the header unless --format is given. Rows already in the store are not added twice; "
            "rejected rows are written, with a reason, to <data dir>/rejected/."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="CSV or XLSX file(s)")
    p.add_argument("--format", choices=FORMATS, default=None, help="skip detection and read as this format")
    p.add_argument("--dry-run", action="store_true", help="read, check and count, but write nothing to the store")
    p.add_argument("--db", help="database file (default: DASHBOARD_DB or data/local/dashboard.duckdb)")


class _Progress:
    """A percentage line on standard error: rewritten in place on a terminal,
    one line per step of 10% otherwise (logs stay short)."""

    def __init__(self, name: str):
        self.name = name
        self.tty = sys.stderr.isatty()
        self.last = -1

    def __call__(self, fraction: float, rows: int, stage: str) -> None:
        pct = int(fraction * 100)
        if self.tty:
            print(f"\r{self.name}: {stage} {pct:3d}% ({rows:,} rows)", end="", file=sys.stderr, flush=True)
        elif pct // 10 != self.last // 10 or stage == "writing":
            print(f"{self.name}: {stage} {pct}% ({rows:,} rows)", file=sys.stderr, flush=True)
        self.last = pct

    def done(self) -> None:
        if self.tty and self.last >= 0:
            print(file=sys.stderr)


def run(args) -> int:
    store = open_workspace(args.db)
    status = 0
    with store:
        for path in args.paths:
            progress = _Progress(path)
            try:
                result = ingest_file(store, path, args.format, dry_run=args.dry_run, progress=progress)
            except FileRejected as exc:
                progress.done()
                print(f"error: {path}: {exc}", file=sys.stderr)
                status = 1
                continue
            progress.done()
            print(f"{path}: {result.label}, {result.seconds:.1f} s"
                  + (" (dry run: nothing written)" if args.dry_run else f", batch {result.batch_id}"),
                  file=sys.stderr)
            for note in result.notes:
                print(f"note: {note}", file=sys.stderr)
            for reason, n in result.skip_reasons.most_common(5):
                print(f"skipped {n}: {reason}", file=sys.stderr)
            if result.unknown_groups:
                names = ", ".join(f"{k} ({v})" for k, v in result.unknown_groups.most_common(8))
                print(f"unknown group names kept as written: {names}", file=sys.stderr)
            if result.uncertain:
                print(f"uncertain actors ('X and/or Y') kept with no group: {result.uncertain}", file=sys.stderr)
            if result.rejected_path:
                print(f"rejected rows: {result.rejected_path}", file=sys.stderr)
            elif result.rejected and len(result.rejected_preview):
                for row, reason in result.rejected_preview[["row", "reason"]].head(10).itertuples(index=False):
                    where = "?" if pd.isna(row) else int(row)
                    print(f"rejected (dry run, no file written): row {where}: {reason}", file=sys.stderr)
            print(result.summary(), flush=True)
    return status

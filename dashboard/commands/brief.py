"""``python -m dashboard brief "<query string>" -o brief.html``: the weekly or monthly brief."""

from __future__ import annotations

import sys

from .. import brief, pagedata
from ..workspace import open_workspace
from .changes import selection


def add_parser(sub) -> None:
    p = sub.add_parser(
        "brief",
        help="write the weekly (or monthly) brief: one HTML file that opens and prints offline",
        description="Write the brief of the selection's latest calendar week or month (see dashboard/brief.py).",
    )
    p.add_argument("query", nargs="?", default="", help="query string or app URL (default: everything)")
    p.add_argument("--period", choices=("week", "month"), default="week")
    p.add_argument("-o", "--output", help="file to write (default: brief-<date>-<period>.html)")
    p.add_argument("--db", help="database file (default: DASHBOARD_DB or data/local/dashboard.duckdb)")


def run(args) -> int:
    with open_workspace(args.db) as store:
        filt = selection(store, args.query)
        answers = pagedata.DirectAnswers(store)
        text = brief.build(answers, filt, period=args.period)
        latest = pagedata.changes(answers, filt, period=args.period).window.latest
    path = args.output or f"brief-{latest:%Y-%m-%d}-{args.period}.html"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"{path}: {len(text.encode('utf-8')) / 1e6:.1f} MB ({filt.describe()})", file=sys.stderr)
    return 0

"""``python -m dashboard changes "<query string>"``: what changed in the latest week or month."""

from __future__ import annotations

import json
import sys

from .. import pagedata, queries
from ..filters import Filter
from ..workspace import open_workspace
from .export import parse_query_string


def add_parser(sub) -> None:
    p = sub.add_parser(
        "changes",
        help="the latest week or month against its baselines, per area and group: bands, surges, firsts",
        description=("Compare the latest calendar week (or month) of the selection with the mean of the 4 before "
                     "it and with the same period a year earlier, per province (district where boundaries are "
                     "added) and group family. Rules: dashboard/changes.py and the README."),
    )
    p.add_argument("query", nargs="?", default="", help="query string or app URL (default: everything)")
    p.add_argument("--period", choices=("week", "month"), default="week")
    p.add_argument("--json", action="store_true", help="print every figure as JSON, with stable keys")
    p.add_argument("--db", help="database file (default: DASHBOARD_DB or data/local/dashboard.duckdb)")


def selection(store, text: str) -> Filter:
    con = store.cursor()
    try:
        filt, notices = Filter.from_query(parse_query_string(text), queries.vocabulary(con))
    finally:
        con.close()
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)
    return filt


def run(args) -> int:
    with open_workspace(args.db) as store:
        filt = selection(store, args.query)
        d = pagedata.changes(pagedata.DirectAnswers(store), filt, period=args.period)
    if args.json:
        print(json.dumps({"selection": filt.describe(), **d.as_json()}, indent=2, ensure_ascii=False))
        return 0
    print(f"{filt.describe()}: {d.window.describe()}")
    if d.table.empty:
        print("No incident in the latest period or its baseline.")
        return 0
    cols = [d.level, "group", "incidents", "baseline_incidents", "change_pct", "band", "year_ago_incidents", "surge"]
    print(d.table[cols].to_string(index=False))
    for row in d.firsts.itertuples(index=False):
        print(f"first: {row.kind}: {row.group} {row.what} ({row.area}, {row.date})")
    return 0

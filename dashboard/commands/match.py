"""``python -m dashboard match``: which stored records are the same attack reported by
different datasets (the matcher of docs/matching.md). It reads the store and writes
nothing: counting does not merge reports yet, so the Dataset filter is the way to
avoid double counting meanwhile."""

from __future__ import annotations

import json

from .. import fusion
from ..workspace import open_workspace


def add_parser(sub) -> None:
    p = sub.add_parser(
        "match",
        help="find records that are the same attack in different datasets (writes nothing)",
        description=("Score every pair of records from different datasets that can be the same attack "
                     "(date, place, group, casualties, attack type), link them one-to-one by best score and "
                     "say how many incidents the store would count once they are fused. Writes nothing. "
                     "Method and accuracy: docs/matching.md."),
    )
    window = p.add_mutually_exclusive_group()
    window.add_argument("--strict", action="store_true", help="same day, within 2 km, a higher score")
    window.add_argument("--loose", action="store_true", help="two days either way, within 25 km, a lower score")
    p.add_argument("--links", action="store_true", help="print every link (record, record, score)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--db", help="database file (default: DASHBOARD_DB or data/local/dashboard.duckdb)")


def run(args) -> int:
    window = fusion.WINDOWS["strict" if args.strict else "loose" if args.loose else "default"]
    with open_workspace(args.db) as store:
        con = store.cursor()
        summary = fusion.summary(con, window)
        linked = fusion.match(con, window).links if args.links else None
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{summary['records']:,} records; {summary['candidates']:,} candidate pairs, {summary['links']:,} "
              f"links ({window.name} window: ±{window.days} day, {window.km:g} km, score ≥ {window.threshold}); "
              f"{summary['incidents']:,} incidents once fused")
        for sources, n in summary["links_by_sources"].items():
            print(f"  {sources.replace('~', ' – ')}: {n:,}")
        print("Nothing was written: pages still count every record; pick one dataset to avoid double counting.")
    if linked is not None:
        for row in linked.itertuples(index=False):
            print(f"{row.a_id}\t{row.b_id}\t{row.score}")
    return 0

"""``python -m dashboard rivalry "<query string>"``: how two groups compete (``--json`` for scripts)."""

from __future__ import annotations

import json

from .. import pagedata
from ..workspace import open_workspace
from .changes import selection


def add_parser(sub) -> None:
    p = sub.add_parser(
        "rivalry",
        help="how two groups compete: shares, severity, targets, shared ground, claims, lead and lag",
        description=("Measure the rivalry of two groups (with their factions) within the selection: the Rivalry "
                     "page's figures. Measures and their limits: docs/rivalry.md."),
    )
    p.add_argument("query", nargs="?", default="", help="query string or app URL (default: everything)")
    p.add_argument("--a", default="TTP", help="the first group (default TTP)")
    p.add_argument("--b", default="ISKP", help="the second group (default ISKP)")
    p.add_argument("--freq", choices=("month", "quarter", "year"), default="quarter")
    p.add_argument("--json", action="store_true", help="print every figure as JSON, with stable keys")
    p.add_argument("--db", help="database file (default: DASHBOARD_DB or data/local/dashboard.duckdb)")


def run(args) -> int:
    with open_workspace(args.db) as store:
        filt = selection(store, args.query)
        answers = pagedata.DirectAnswers(store)
        d = pagedata.rivalry(answers, filt, side_a=args.a, side_b=args.b, freq=args.freq)
        lead_lag = pagedata.rivalry_lead_lag(answers, filt, side_a=args.a, side_b=args.b, intervals=True)
    out = {"selection": filt.describe(), **d.as_json()}
    models = lead_lag.as_json()
    out["sequences"].update(models["sequences"])
    out["hawkes"] = models["hawkes"]
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
        return 0
    print(f"{out['selection']}: {args.a} {out['incidents'][args.a]:,} incidents, {args.b} {out['incidents'][args.b]:,}")
    for side in (args.a, args.b):
        c = out["claims"][side]
        print(f"{side}: {c['share_claimed'] or 0:.0%} claimed, median {c['median_days_to_claim']} days to claim, "
              f"{c['claimed_after_the_other_was_blamed']} claimed after officials blamed the other")
    h = out["hawkes"]
    if h.get("declined"):
        print(f"Hawkes model not estimated: {h['declined']}")
    else:
        for k, v in h["excitation"].items():
            print(f"hawkes {k}: {v['estimate']} ({v['low']}–{v['high']})")
        print(h["caveat"])
    return 0

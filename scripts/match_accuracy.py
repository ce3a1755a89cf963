"""Precision and recall of the matcher (dashboard/fusion.py) on a labelled set.

The labelled set: the embedded data plus the committed ACLED, UCDP GED and GTD test
fixtures (tests/fixtures), whose every row is composed from one embedded incident
and says which (ACLED and UCDP ids end in its number, GTD rows name it in
``addnotes``): records that name the same embedded incident are the same attack
(true pairs); every other pair is a false one. Run:

    python scripts/match_accuracy.py          # the table in docs/matching.md

``accuracy`` is also what tests/test_matching.py checks.
"""

from __future__ import annotations

import itertools
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def truth(fixtures: Path = FIXTURES) -> dict[str, str]:
    """Record id -> the embedded incident it describes (reference:R072 for all four)."""
    out: dict[str, str] = {}
    acled = pd.read_csv(fixtures / "acled_sample.csv", dtype=str, keep_default_na=False)
    for eid in acled["event_id_cnty"]:
        if eid[3:5] == "99" and not eid.startswith("IND"):
            out[f"acled:{eid}"] = f"reference:R{int(eid[5:]):03d}"
    ucdp = pd.read_csv(fixtures / "ucdp_ged_sample.csv", dtype=str, keep_default_na=False)
    for eid in ucdp["id"]:
        out[f"ucdp:{eid}"] = f"reference:R{int(eid[2:]):03d}"
    gtd = pd.read_csv(fixtures / "gtd_sample.csv", dtype=str, keep_default_na=False, encoding="latin-1")
    for eid, note in zip(gtd["eventid"], gtd["addnotes"]):
        m = re.search(r"embedded incident (R\d+)", note)
        if m:
            out[f"gtd:{eid}"] = f"reference:{m.group(1)}"
    for target in set(out.values()):
        out[target] = target
    return out


def _pairs(groups: dict[str, str]) -> set[frozenset]:
    by: dict[str, list[str]] = {}
    for record, group in groups.items():
        by.setdefault(group, []).append(record)
    return {frozenset(p) for members in by.values() for p in itertools.combinations(sorted(members), 2)}


def accuracy(con, window, known: dict[str, str] | None = None) -> dict:
    """Precision and recall of the matcher's same-attack pairs (after clustering) against
    the labelled pairs, over the records the labels cover."""
    from dashboard import fusion

    known = known if known is not None else truth()
    linked = fusion.match(con, window).links
    found = {k: v for k, v in fusion.clusters(linked).items() if k in known}
    predicted, true = _pairs(found), _pairs({k: v for k, v in known.items()})
    stored = {r[0] for r in con.execute("SELECT incident_id FROM incidents").fetchall()}
    true = {p for p in true if p <= stored}
    hit = predicted & true
    # near misses: records of different attacks on the same day in the same province
    # (the 2024-02-07 election-eve bombings in Pishin and Qila Saifullah, both ISPP's)
    place = {i: (d, p) for i, d, p in con.execute("SELECT incident_id, date, province FROM incidents").fetchall()}
    labelled = [r for r in known if r in place]
    near = {frozenset((x, y)) for x, y in itertools.combinations(sorted(labelled), 2)
            if known[x] != known[y] and place[x] == place[y]}
    return {"window": window.name, "true_pairs": len(true), "found_pairs": len(predicted), "correct": len(hit),
            "near_misses": len(near), "near_misses_linked": len(near & predicted),
            "precision": round(len(hit) / len(predicted), 3) if predicted else None,
            "recall": round(len(hit) / len(true), 3) if true else None,
            "false_links": sorted(tuple(sorted(p)) for p in predicted - true),
            "missed": sorted(tuple(sorted(p)) for p in true - predicted)}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DASHBOARD_DATA_DIR"] = str(Path(tmp) / "local")
        from dashboard import fusion
        from dashboard.ingest.pipeline import ingest_file
        from dashboard.workspace import open_workspace

        store = open_workspace(Path(tmp) / "match.duckdb")
        for name in ("acled_sample.csv", "ucdp_ged_sample.csv", "gtd_sample.csv"):
            ingest_file(store, FIXTURES / name)
        con = store.cursor()
        print("| window | days | km | threshold | true pairs | found | correct | precision | recall "
              "| near misses (linked) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for window in fusion.WINDOWS.values():
            a = accuracy(con, window)
            print(f"| {window.name} | ±{window.days} | {window.km:g} | {window.threshold} | {a['true_pairs']} | "
                  f"{a['found_pairs']} | {a['correct']} | {a['precision']} | {a['recall']} | "
                  f"{a['near_misses']} ({a['near_misses_linked']}) |")
            for p in a["false_links"]:
                print(f"  false link ({window.name}): {p}")
            for p in a["missed"]:
                print(f"  missed ({window.name}): {p}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

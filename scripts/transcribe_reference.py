"""Regenerate ``data/default/incidents.csv`` from the compiled reference table.

Usage (from the repository root)::

    python scripts/transcribe_reference.py [REFERENCE_CSV] [--out OUT_CSV]

``REFERENCE_CSV`` defaults to ``../shared/reference/incidents_reference.csv``
relative to the repository root; ``--out`` defaults to
``data/default/incidents.csv``.

This is the mechanical part of the transcription only. Every value is copied
exactly as written in the reference (no trimming, no type conversion); the
only derived columns are:

- ``incident_id``: the reference's ``ref_id`` (``R001`` ... ``R141``);
- ``source_urls``: ``source_1`` and ``source_2`` joined with `` | ``
  (empty ones skipped);
- ``attribution_note``: the reference's free-text attribution columns kept
  verbatim as one note, ``Claimed by: ...; Claim channel: ...; Denied by:
  ...; Suspected by officials: ...``, listing only the non-empty parts.

The structured ``attribution_events.csv`` was written by hand from the same
free text and is deliberately NOT touched here; nor are ``groups.csv``,
``group_aliases.csv`` or ``milestones.csv``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "incidents_reference.csv"
DEFAULT_OUT = REPO_ROOT / "data" / "default" / "incidents.csv"

# Output columns, in order. Columns copied verbatim from the reference keep
# the reference's name.
COPIED = [
    "date", "date_precision", "country", "province", "district", "place",
    "latitude", "longitude", "attack_type", "target_type",
    "killed", "killed_note", "injured", "summary",
]
COLUMNS = ["incident_id", *COPIED, "source_urls", "attribution_note"]

# (label in the note, reference column); claim_date is carried by the
# structured attribution events, not by this note.
NOTE_PARTS = [
    ("Claimed by", "claimed_by"),
    ("Claim channel", "claim_channel"),
    ("Denied by", "denied_by"),
    ("Suspected by officials", "suspected_by_officials"),
]

REQUIRED = {"ref_id", "source_1", "source_2", *COPIED, *(c for _, c in NOTE_PARTS)}


def transcribe_row(ref: dict[str, str]) -> dict[str, str]:
    """Turn one reference row (all strings) into one incidents.csv row."""
    out = {"incident_id": ref["ref_id"]}
    out.update({col: ref[col] for col in COPIED})
    out["source_urls"] = " | ".join(u for u in (ref["source_1"], ref["source_2"]) if u)
    out["attribution_note"] = "; ".join(
        f"{label}: {ref[col]}" for label, col in NOTE_PARTS if ref[col]
    )
    return out


def transcribe(reference: Path, out: Path) -> int:
    """Read ``reference``, write ``out``; return the number of rows written."""
    with reference.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = REQUIRED - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(
                f"{reference} lacks columns {sorted(missing)}; is it the reference table?"
            )
        rows = [transcribe_row(r) for r in reader]
    ids = [r["incident_id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{reference} has duplicate ref_id values")
    if any(not r["source_urls"] for r in rows):
        raise SystemExit(f"{reference} has a row without any source URL")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL,
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", nargs="?", type=Path, default=DEFAULT_REFERENCE,
                        help="reference CSV (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output CSV (default: %(default)s)")
    args = parser.parse_args(argv)
    n = transcribe(args.reference, args.out)
    print(f"wrote {n} incidents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

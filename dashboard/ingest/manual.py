"""Incidents and attribution statements entered by hand (the Data page).

- ``add_incident``: one incident in the native template's fields, checked by the
  same code as an imported file, written by ``write_batch`` as its own batch
  (origin "manual"), so the batch list can take it back out.
- ``add_statements``: claims, denials, suspicions or attributions added to an
  incident already in the store (a claim that arrives a day after the attack),
  in one transaction with the incident's ``updated_at`` bumped and its standing
  recomputed (``derive.refresh_attribution``). Also a batch of its own.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date, datetime, timezone

import pandas as pd

from ..store.db import Store
from ..store.derive import refresh_attribution
from ..store.schema import ATTRIBUTION_KINDS
from . import native
from .normalise import resolver
from .pipeline import prepare
from .write import write_batch

ORIGIN = "manual"
URL = re.compile(r"^https?://\S+$")


class EntryError(ValueError):
    """What is wrong with a hand-entered record, in words for the form."""


def _batch_id() -> str:
    return f"{ORIGIN}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v).strip() for v in value if str(v).strip())
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def add_incident(store: Store, fields: dict) -> str:
    """Write one incident; returns its incident_id.

    ``fields`` uses the native template's names (``native.TEMPLATE_COLUMNS``):
    date, country, province, district, place, latitude, longitude, killed,
    summary, source_url, claimed_by, denied_by, suspected (lists or ';'-separated
    text), … ``event_id`` is made up when not given. Raises ``EntryError``.
    """
    unknown = set(fields) - set(native.TEMPLATE_COLUMNS)
    if unknown:
        raise EntryError(f"unknown field(s): {', '.join(sorted(unknown))}")
    row = {c: _cell(fields.get(c)) for c in native.TEMPLATE_COLUMNS}
    if not row["event_id"]:
        row["event_id"] = f"M{datetime.now(timezone.utc):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    con = store.cursor()
    try:
        exists = con.execute(
            "SELECT incident_id FROM incidents WHERE origin = ? AND origin_event_id = ?", [ORIGIN, row["event_id"]]
        ).fetchone()
        resolve = resolver(con)
    finally:
        con.close()
    if exists:
        raise EntryError(f"an incident with event id {row['event_id']!r} already exists ({exists[0]})")
    raw = pd.DataFrame([row], index=pd.RangeIndex(1, 2)).astype("str")
    inc, events, rejected, skipped = prepare(raw, native, resolve, Counter())
    if rejected.notna().any():
        raise EntryError(rejected.dropna().iloc[0])
    if skipped.notna().any():
        raise EntryError(f"only Pakistan and Afghanistan are covered: {skipped.dropna().iloc[0]}")
    inc = inc.copy()
    inc["source_urls"] = [[u for u in str(s or "").split(" | ") if u] for s in inc["source_urls"]]
    result = write_batch(
        store, ORIGIN, inc, events, file_name=f"manual entry: {row['date']} {row['place'] or row['district'] or row['province'] or row['country']}",
        counts={"read": 1, "skipped": 0, "rejected": 0},
    )
    if result.loaded != 1:  # raced with another entry of the same id
        raise EntryError(f"an incident with event id {row['event_id']!r} already exists")
    return f"{ORIGIN}:{row['event_id']}"


def _statement(raw: dict, resolve, incident_date: date, precision: str, today: date) -> dict:
    kind = _cell(raw.get("kind")).lower()
    if kind not in ATTRIBUTION_KINDS:
        raise EntryError(f"kind {kind!r} is not one of {', '.join(ATTRIBUTION_KINDS)}")
    name = _cell(raw.get("group"))
    if not name:
        raise EntryError("name the group the statement is about")
    when = raw.get("statement_date")
    if isinstance(when, str) and when.strip():
        try:
            when = date.fromisoformat(when.strip())
        except ValueError:
            raise EntryError(f"statement date {when!r} is not a date (YYYY-MM-DD)") from None
    when = when if isinstance(when, date) else None
    if isinstance(when, datetime):
        when = when.date()
    if when and when > today:
        raise EntryError(f"statement date {when} is in the future")
    if when and precision == "day" and when < incident_date:
        raise EntryError(f"statement date {when} is before the incident ({incident_date})")
    url = _cell(raw.get("source_url"))
    if url and not URL.match(url):
        raise EntryError(f"source URL {url!r} is not a web address (http:// or https://)")
    stated_by = _cell(raw.get("stated_by")) or (name if kind in ("claimed", "denied") else "")
    return {
        "group_id": resolve(name), "group_as_written": name, "kind": kind,
        "stated_by": stated_by or None, "channel": _cell(raw.get("channel")) or None,
        "statement_date": when, "source_url": url or None, "note": _cell(raw.get("note")) or None,
    }


def add_statements(store: Store, incident_id: str, statements: list[dict],
                   today: date | None = None) -> str:
    """Add attribution statements to an existing incident; returns the batch id.

    Each statement: kind (claimed, denied, suspected, attributed), group (short
    or full name; unknown names are kept as written), and optionally stated_by,
    channel, statement_date, source_url, note. They follow the incident's
    existing statements in order (a later claim or denial is the group's latest
    word). Raises ``EntryError``.
    """
    if not statements:
        raise EntryError("nothing to add")
    con = store.cursor()
    try:
        row = con.execute("SELECT date, date_precision FROM incidents WHERE incident_id = ?",
                          [incident_id]).fetchone()
        resolve = resolver(con)
    finally:
        con.close()
    if row is None:
        raise EntryError(f"no incident {incident_id!r}")
    checked = [_statement(s, resolve, row[0], row[1], today or date.today()) for s in statements]
    batch_id = _batch_id()
    with store.transaction() as con:
        start = con.execute(
            "SELECT coalesce(max(seq), 0) FROM attribution_events WHERE incident_id = ?", [incident_id]
        ).fetchone()[0]
        for offset, s in enumerate(checked, start=1):
            seq = start + offset
            con.execute(
                """INSERT INTO attribution_events (event_id, incident_id, seq, group_id, group_as_written,
                       kind, stated_by, channel, statement_date, source_url, note, batch_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [f"{incident_id}#{seq}", incident_id, seq, s["group_id"], s["group_as_written"], s["kind"],
                 s["stated_by"], s["channel"], s["statement_date"], s["source_url"], s["note"], batch_id],
            )
        con.execute("UPDATE incidents SET updated_at = now()::TIMESTAMP WHERE incident_id = ?", [incident_id])
        con.execute("CREATE OR REPLACE TEMP TABLE _manual_touched AS SELECT ?::VARCHAR AS incident_id", [incident_id])
        refresh_attribution(con, "_manual_touched")
        con.execute("DROP TABLE _manual_touched")
        n = len(checked)
        con.execute(
            "INSERT INTO import_batches VALUES (?, ?, ?, NULL, now()::TIMESTAMP, ?, ?, 0, 0, 0)",
            [batch_id, ORIGIN, f"manual: {n} statement{'s' if n > 1 else ''} added to {incident_id}", n, n],
        )
    return batch_id

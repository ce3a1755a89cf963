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

import duckdb
import pandas as pd

from ..store.derive import refresh_attribution
from ..store.schema import ATTRIBUTION_KINDS
from . import native
from .pipeline import _resolver, prepare
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


def add_incident(con: duckdb.DuckDBPyConnection, fields: dict) -> str:
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
    exists = con.execute(
        "SELECT incident_id FROM incidents WHERE origin = ? AND origin_event_id = ?", [ORIGIN, row["event_id"]]
    ).fetchone()
    if exists:
        raise EntryError(f"an incident with event id {row['event_id']!r} already exists ({exists[0]})")
    raw = pd.DataFrame([row], index=pd.RangeIndex(1, 2)).astype("str")
    inc, events, rejected, skipped = prepare(raw, native, _resolver(con), Counter())
    if rejected.notna().any():
        raise EntryError(rejected.dropna().iloc[0])
    if skipped.notna().any():
        raise EntryError(f"only Pakistan and Afghanistan are covered: {skipped.dropna().iloc[0]}")
    inc = inc.copy()
    inc["source_urls"] = [[u for u in str(s or "").split(" | ") if u] for s in inc["source_urls"]]
    result = write_batch(
        con, ORIGIN, inc, events, file_name=f"manual entry: {row['date']} {row['place'] or row['district'] or row['province'] or row['country']}",
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


def add_statements(con: duckdb.DuckDBPyConnection, incident_id: str, statements: list[dict],
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
    row = con.execute("SELECT date, date_precision FROM incidents WHERE incident_id = ?", [incident_id]).fetchone()
    if row is None:
        raise EntryError(f"no incident {incident_id!r}")
    resolve = _resolver(con)
    checked = [_statement(s, resolve, row[0], row[1], today or date.today()) for s in statements]
    batch_id = _batch_id()
    con.execute("BEGIN TRANSACTION")
    try:
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
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return batch_id


# --- group names ---------------------------------------------------------------
UNCERTAIN = re.compile(r"\band/or\b", re.I)


def resolve_unknown_names(con: duckdb.DuckDBPyConnection) -> int:
    """Give a group to stored statements whose name as written now matches one
    (after aliases were added). Uncertain names ("X and/or Y") are left alone.
    Returns the number of statements updated."""
    names = [r[0] for r in con.execute(
        "SELECT DISTINCT group_as_written FROM attribution_events WHERE group_id IS NULL AND group_as_written IS NOT NULL"
    ).fetchall()]
    resolve = _resolver(con)
    found = [(n, g) for n in names if not UNCERTAIN.search(n) for g in [resolve(n)] if g]
    if not found:
        return 0
    mapping = pd.DataFrame(found, columns=["name", "group_id"])
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_alias_map", mapping)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _alias_touched AS
               SELECT DISTINCT e.incident_id FROM attribution_events e JOIN _alias_map m
               ON e.group_as_written = m.name WHERE e.group_id IS NULL"""
        )
        n = con.execute(
            """UPDATE attribution_events SET group_id = m.group_id, updated_at = now()::TIMESTAMP
               FROM _alias_map m
               WHERE attribution_events.group_id IS NULL AND attribution_events.group_as_written = m.name"""
        ).fetchone()[0]
        con.execute("""UPDATE incidents SET updated_at = now()::TIMESTAMP
                       WHERE incident_id IN (SELECT incident_id FROM _alias_touched)""")
        refresh_attribution(con, "_alias_touched")
        con.execute("DROP TABLE _alias_touched")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("_alias_map")
    return int(n)


def reload_aliases(con: duckdb.DuckDBPyConnection) -> int:
    """Read the group alias files again (shipped, then the analyst's own), then
    resolve stored names that now match. Returns statements updated."""
    from ..store.derive import refresh_group_roots
    from .reference import load_groups

    load_groups(con)
    refresh_group_roots(con)
    return resolve_unknown_names(con)


def add_alias(con: duckdb.DuckDBPyConnection, alias: str, group_id: str) -> int:
    """Append ``alias,group_id`` to the analyst's ``<data dir>/group_aliases.csv``
    and apply it. Returns the number of stored statements it resolved."""
    import csv

    from .. import config

    alias, group_id = _cell(alias), _cell(group_id)
    if not alias:
        raise EntryError("give the name as written")
    if UNCERTAIN.search(alias):
        raise EntryError("an uncertain name ('X and/or Y') cannot stand for one group")
    if not con.execute("SELECT 1 FROM groups WHERE group_id = ?", [group_id]).fetchone():
        raise EntryError(f"no group {group_id!r}")
    path = config.data_dir() / "group_aliases.csv"
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(["alias", "group_id"])
        writer.writerow([alias, group_id])
    return reload_aliases(con)

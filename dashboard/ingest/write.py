"""The one way rows enter the store: a batch, in one transaction.

A batch lands wholly or not at all. An incident already in the store (same
origin dataset and its own event id) is a duplicate and is not written again;
nor are its attribution events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pandas as pd

from ..store.derive import refresh_attribution

INCIDENT_COLUMNS = [
    "origin_event_id", "date", "date_precision", "country", "province", "district", "place",
    "latitude", "longitude", "location_precision", "location_approximate", "attack_type",
    "target_type", "killed", "killed_low", "killed_high", "killed_note", "injured", "summary",
    "source_urls", "attribution_note",
]
EVENT_COLUMNS = [
    "origin_event_id", "seq", "group_id", "group_as_written", "kind", "stated_by", "channel",
    "statement_date", "source_url", "note",
]


_SELECT_COLUMNS = [
    "coalesce(location_approximate, FALSE)" if c == "location_approximate" else c for c in INCIDENT_COLUMNS
]


@dataclass
class BatchResult:
    batch_id: str
    loaded: int
    duplicates: int


def _conform(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = df.copy()
    for col in columns:
        if col not in out:
            out[col] = None
    return out[columns]


def write_batch(
    con: duckdb.DuckDBPyConnection,
    origin: str,
    incidents: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    file_name: str | None = None,
    sha256: str | None = None,
    counts: dict[str, int] | None = None,
    batch_id: str | None = None,
) -> BatchResult:
    """Write incidents and their attribution events as one import batch.

    ``incidents`` has the columns of ``INCIDENT_COLUMNS`` (missing ones are NULL);
    ``events`` has ``EVENT_COLUMNS`` and refers to incidents by ``origin_event_id``.
    ``counts`` may carry ``read``, ``skipped`` and ``rejected`` from the reader; this
    function adds ``loaded`` and ``duplicates``. Returns what was written.
    """
    batch_id = batch_id or f"{origin}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    inc = _conform(incidents, INCIDENT_COLUMNS)
    inc["origin_event_id"] = inc["origin_event_id"].astype(str)
    ev = _conform(events if events is not None else pd.DataFrame(), EVENT_COLUMNS)
    ev["origin_event_id"] = ev["origin_event_id"].astype(str)
    counts = dict(counts or {})
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_batch_incidents", inc)
        con.register("_batch_events", ev)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _batch_new AS
               SELECT ? || ':' || b.origin_event_id AS incident_id, b.*
               FROM _batch_incidents b
               WHERE NOT EXISTS (SELECT 1 FROM incidents i
                                 WHERE i.origin = ? AND i.origin_event_id = b.origin_event_id)
               QUALIFY row_number() OVER (PARTITION BY b.origin_event_id) = 1""",
            [origin, origin],
        )
        loaded = con.execute("SELECT count(*) FROM _batch_new").fetchone()[0]
        con.execute(
            f"""INSERT INTO incidents (incident_id, origin, batch_id, {", ".join(INCIDENT_COLUMNS)})
                SELECT incident_id, ?, ?, {", ".join(_SELECT_COLUMNS)} FROM _batch_new""",
            [origin, batch_id],
        )
        con.execute(
            """INSERT INTO attribution_events
                 (event_id, incident_id, seq, group_id, group_as_written, kind, stated_by,
                  channel, statement_date, source_url, note, batch_id)
               SELECT n.incident_id || '#' || e.seq, n.incident_id, e.seq, e.group_id,
                      e.group_as_written, e.kind, e.stated_by, e.channel, e.statement_date,
                      e.source_url, e.note, ?
               FROM _batch_events e JOIN _batch_new n USING (origin_event_id)""",
            [batch_id],
        )
        refresh_attribution(con, "_batch_new")
        counts["loaded"] = int(loaded)
        counts.setdefault("read", len(inc))
        counts["duplicates"] = len(inc) - int(loaded)
        con.execute(
            """INSERT INTO import_batches VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?)""",
            [batch_id, origin, file_name, sha256, counts.get("read"), counts["loaded"],
             counts["duplicates"] + counts.get("duplicates_extra", 0), counts.get("skipped", 0),
             counts.get("rejected", 0)],
        )
        con.execute("DROP TABLE _batch_new")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for view in ("_batch_incidents", "_batch_events"):
            try:
                con.unregister(view)
            except Exception:
                pass
    return BatchResult(batch_id, counts["loaded"], counts["duplicates"])


def remove_batch(con: duckdb.DuckDBPyConnection, batch_id: str) -> int:
    """Delete one import batch and everything it brought; returns incidents removed."""
    con.execute("BEGIN TRANSACTION")
    try:
        n = con.execute("SELECT count(*) FROM incidents WHERE batch_id = ?", [batch_id]).fetchone()[0]
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _touched AS
               SELECT incident_id FROM incidents WHERE batch_id = ?
               UNION SELECT incident_id FROM attribution_events WHERE batch_id = ?""",
            [batch_id, batch_id],
        )
        con.execute(
            """DELETE FROM attribution_events WHERE batch_id = ?
               OR incident_id IN (SELECT incident_id FROM incidents WHERE batch_id = ?)""",
            [batch_id, batch_id],
        )
        con.execute("DELETE FROM incidents WHERE batch_id = ?", [batch_id])
        con.execute("DELETE FROM import_batches WHERE batch_id = ?", [batch_id])
        # Recompute the standing of every incident the batch touched (events it
        # added to older incidents included).
        refresh_attribution(con, "_touched")
        con.execute("DROP TABLE _touched")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(n)

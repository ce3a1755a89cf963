"""The one way rows enter the store: a batch, in one of the store's transactions.

A batch lands wholly or not at all. An incident already in the store (same
origin dataset and its own event id) is a duplicate and is not written again;
nor are its attribution events. The duplicate check and the insert run in one
``Store.transaction`` (one lock per process), so two sessions importing the
same file at once load it once.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pandas as pd

from ..store.db import Store
from ..store.derive import refresh_attribution
from ..store.schema import PRECISE_SQL

INCIDENT_COLUMNS = [
    "origin_event_id", "date", "date_precision", "country", "province", "district", "place",
    "latitude", "longitude", "location_precision", "location_approximate", "attack_type",
    "target_type", "killed", "killed_low", "killed_high", "killed_note", "injured", "summary",
    "source_urls", "attribution_note", "district_as_written", "placed_at",
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
    store: Store,
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
    inc = _conform(incidents, INCIDENT_COLUMNS)
    inc["origin_event_id"] = inc["origin_event_id"].astype(str)
    ev = _conform(events if events is not None else pd.DataFrame(), EVENT_COLUMNS)
    ev["origin_event_id"] = ev["origin_event_id"].astype(str)
    with store.transaction() as con:
        con.register("_batch_incidents", inc)
        con.register("_batch_events", ev)
        try:
            return write_tables(store, con, origin, "_batch_incidents", "_batch_events", file_name=file_name,
                                sha256=sha256, counts=counts, batch_id=batch_id)
        finally:
            for view in ("_batch_incidents", "_batch_events"):
                try:
                    con.unregister(view)
                except duckdb.Error:
                    pass  # a failed write aborted the transaction; the views go with its cursor


_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def write_tables(
    store: Store,
    con: duckdb.DuckDBPyConnection,
    origin: str,
    incidents_table: str,
    events_table: str,
    *,
    file_name: str | None = None,
    sha256: str | None = None,
    counts: dict[str, int] | None = None,
    batch_id: str | None = None,
) -> BatchResult:
    """``write_batch`` from tables or views already in DuckDB (the staging tables of
    a large import), so the rows never have to sit in one DataFrame.

    They have at least the columns of ``INCIDENT_COLUMNS`` / ``EVENT_COLUMNS``, with
    the store's types, and live in ``con`` (a cursor of ``store``: temporary tables
    belong to one cursor). Same single transaction and dedup as ``write_batch``.
    """
    for name in (incidents_table, events_table):
        if not _TABLE_NAME.match(name):
            raise ValueError(f"not a table name: {name!r}")
    batch_id = batch_id or f"{origin}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    counts = dict(counts or {})
    with store.transaction(con):
        n_in = int(con.execute(f"SELECT count(*) FROM {incidents_table}").fetchone()[0])
        # In date order: each stored row group then spans a short stretch of dates, so
        # date filters and "newest first" skip most of the table (zonemaps). Rows go
        # straight in; only their keys are kept aside (a copy of the whole batch would
        # double the memory a large import needs).
        # Rows already stored: an inner join, so that DuckDB hashes the batch and
        # streams the store past it (an anti join would hash the whole store, whose
        # memory and time grow with every import).
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _batch_known AS
                SELECT DISTINCT b.origin_event_id FROM {incidents_table} b
                JOIN incidents i ON i.origin_event_id = b.origin_event_id
                WHERE i.origin = ?""",
            [origin],
        )
        con.execute(
            f"""INSERT INTO incidents (incident_id, origin, batch_id, precise, {", ".join(INCIDENT_COLUMNS)})
                SELECT ? || ':' || b.origin_event_id, ?, ?, {PRECISE_SQL}, {", ".join(_SELECT_COLUMNS)}
                FROM {incidents_table} b
                WHERE b.origin_event_id NOT IN (SELECT origin_event_id FROM _batch_known)
                QUALIFY row_number() OVER (PARTITION BY b.origin_event_id) = 1
                ORDER BY date""",
            [origin, origin, batch_id],
        )
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _batch_new AS
               SELECT incident_id, origin_event_id FROM incidents WHERE batch_id = ?""",
            [batch_id],
        )
        loaded = con.execute("SELECT count(*) FROM _batch_new").fetchone()[0]
        # Statements an analyst (or another batch) added to these incidents before they
        # were removed and written again (a new release of the default data) follow the
        # incoming ones: renumbered after them, so no two share a place in the order.
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _batch_seq AS
                SELECT n.incident_id, max(e.seq) AS top FROM {events_table} e
                JOIN _batch_new n USING (origin_event_id) GROUP BY n.incident_id"""
        )
        con.execute(
            """UPDATE attribution_events SET seq = attribution_events.seq + x.top,
                      event_id = attribution_events.incident_id || '#' || (attribution_events.seq + x.top)
               FROM _batch_seq x WHERE attribution_events.incident_id = x.incident_id"""
        )
        con.execute("DROP TABLE _batch_seq")
        # One event per (incident, seq): a file that repeats an incident repeats its
        # events, and event_id (incident_id#seq) is a primary key.
        con.execute(
            f"""INSERT INTO attribution_events
                 (event_id, incident_id, seq, group_id, group_as_written, kind, stated_by,
                  channel, statement_date, source_url, note, batch_id)
               SELECT n.incident_id || '#' || e.seq, n.incident_id, e.seq, e.group_id,
                      e.group_as_written, e.kind, e.stated_by, e.channel, e.statement_date,
                      e.source_url, e.note, ?
               FROM {events_table} e JOIN _batch_new n USING (origin_event_id)
               QUALIFY row_number() OVER (PARTITION BY e.origin_event_id, e.seq) = 1""",
            [batch_id],
        )
        refresh_attribution(con, "_batch_new")
        counts["loaded"] = int(loaded)
        counts.setdefault("read", n_in)
        counts["duplicates"] = n_in - int(loaded)
        con.execute(
            """INSERT INTO import_batches VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?)""",
            [batch_id, origin, file_name, sha256, counts.get("read"), counts["loaded"],
             counts["duplicates"] + counts.get("duplicates_extra", 0), counts.get("skipped", 0),
             counts.get("rejected", 0)],
        )
        con.execute("DROP TABLE _batch_new")
        con.execute("DROP TABLE _batch_known")
    return BatchResult(batch_id, counts["loaded"], counts["duplicates"])


def remove_batch(store: Store, batch_id: str) -> int:
    """Delete one import batch and exactly the rows it wrote; returns incidents removed.

    Statements that another batch or an analyst added to this batch's incidents
    are kept (``batch_id`` says who wrote a row): they reattach when the same
    incidents are imported again.
    """
    with store.transaction() as con:
        n = con.execute("SELECT count(*) FROM incidents WHERE batch_id = ?", [batch_id]).fetchone()[0]
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _touched AS
               SELECT incident_id FROM incidents WHERE batch_id = ?
               UNION SELECT incident_id FROM attribution_events WHERE batch_id = ?""",
            [batch_id, batch_id],
        )
        con.execute("DELETE FROM attribution_events WHERE batch_id = ?", [batch_id])
        con.execute("DELETE FROM incidents WHERE batch_id = ?", [batch_id])
        con.execute("DELETE FROM import_batches WHERE batch_id = ?", [batch_id])
        # Recompute the standing of every incident the batch touched (events it
        # added to older incidents included).
        refresh_attribution(con, "_touched")
        con.execute("DROP TABLE _touched")
    return int(n)

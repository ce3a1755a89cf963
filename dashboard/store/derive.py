"""Derived tables, recomputed after every write.

``group_roots``: each group's top-level parent (JuA -> TTP).
``incident_groups``: one row per (incident, group) with the group's standing:

- ``claimed``: the group claimed the attack and did not later deny it (a group's
  latest claim-or-denial statement decides: a retracted claim is no claim);
- ``responsible``: what the "claimed or attributed" basis counts. A standing claim
  settles it; only when nobody claims do suspicion by officials and attribution by
  a dataset count. So the 2023-07-30 Bajaur bombing, first suspected on the TTP and
  then claimed by ISKP, counts for ISKP alone.

``incident_claims``: one row per incident: claim status and who claimed, was
blamed, denied, or was suspected first; ``mismatch`` when a group claimed it and
none of the claimants shares a root with the group first suspected (Bajaur
2023-07-30: suspected TTP, claimed by ISKP). ``claim_mismatches`` holds those
incidents again as a small table of their own, so pages join to it cheaply.

``claim_delays``: one row per claim with a statement date on an incident dated to
the day: the claimant, its root group, the channel and the delay in days.

Both carry the incident's ``incident_key`` (a BIGINT, see schema migration 3), so
queries join and filter on an integer rather than the text ``incident_id``.
"""

from __future__ import annotations

import duckdb

DERIVED_VERSION = "3"  # bump when the derived tables are computed differently


def refresh_group_roots(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute ``group_roots`` from ``groups.parent_id`` (cycles are cut)."""
    parents = dict(con.execute("SELECT group_id, parent_id FROM groups").fetchall())
    rows = []
    for group in parents:
        root, seen = group, {group}
        while parents.get(root) and parents[root] in parents and parents[root] not in seen:
            root = parents[root]
            seen.add(root)
        rows.append((group, root))
    con.execute("CREATE OR REPLACE TABLE group_roots (group_id VARCHAR PRIMARY KEY, root_id VARCHAR)")
    if rows:
        con.executemany("INSERT INTO group_roots VALUES (?, ?)", rows)


_STANDING = """
WITH per AS (
    SELECT incident_id, group_id,
           bool_or(kind = 'claimed')    AS any_claim,
           bool_or(kind = 'denied')     AS denied,
           bool_or(kind = 'suspected')  AS suspected,
           bool_or(kind = 'attributed') AS attributed,
           arg_max(kind, seq) FILTER (WHERE kind IN ('claimed', 'denied')) AS last_word
    FROM attribution_events
    WHERE group_id IS NOT NULL {scope}
    GROUP BY incident_id, group_id
), standing AS (
    SELECT *, coalesce(any_claim AND last_word = 'claimed', FALSE) AS claimed FROM per
), inc AS (
    SELECT incident_id, bool_or(claimed) AS has_claim FROM standing GROUP BY incident_id
)
SELECT s.incident_id, s.group_id, coalesce(r.root_id, s.group_id) AS root_id,
       s.claimed, s.denied, s.suspected, s.attributed,
       s.claimed OR (NOT inc.has_claim AND (s.suspected OR s.attributed)) AS responsible,
       k.incident_key
FROM standing s JOIN inc USING (incident_id)
LEFT JOIN group_roots r ON r.group_id = s.group_id
LEFT JOIN incidents k ON k.incident_id = s.incident_id
"""

_CLAIMS = """
WITH g AS (
    SELECT incident_id,
           bool_or(claimed) AS has_claim, bool_or(responsible) AS has_responsible,
           string_agg(group_id, ', ' ORDER BY group_id) FILTER (WHERE claimed) AS claimed_by,
           string_agg(group_id, ', ' ORDER BY group_id) FILTER (WHERE responsible AND NOT claimed) AS attributed_to,
           string_agg(group_id, ', ' ORDER BY group_id) FILTER (WHERE denied) AS denied_by,
           list(DISTINCT root_id) FILTER (WHERE claimed) AS claimed_roots
    FROM incident_groups WHERE TRUE {scope}
    GROUP BY incident_id
), e AS (
    SELECT incident_id,
           arg_min(group_id, seq) FILTER (WHERE kind IN ('suspected', 'attributed') AND group_id IS NOT NULL) AS first_suspected,
           min(statement_date) FILTER (WHERE kind = 'claimed') AS first_claim_date
    FROM attribution_events WHERE TRUE {scope}
    GROUP BY incident_id
)
SELECT i.incident_id,
       CASE WHEN g.has_claim THEN 'claimed'
            WHEN g.has_responsible THEN 'attributed'
            ELSE 'unclaimed' END AS claim_status,
       g.claimed_by, g.attributed_to, g.denied_by, e.first_suspected, e.first_claim_date,
       i.incident_key,
       coalesce(e.first_suspected IS NOT NULL AND g.claimed_by IS NOT NULL
                AND NOT list_contains(g.claimed_roots, coalesce(fr.root_id, e.first_suspected)), FALSE) AS mismatch
FROM incidents i
LEFT JOIN g USING (incident_id)
LEFT JOIN e USING (incident_id)
LEFT JOIN group_roots fr ON fr.group_id = e.first_suspected
WHERE TRUE {scope_i}
"""

_MISMATCHES = """
SELECT incident_key, incident_id, first_suspected, claimed_by, denied_by
FROM incident_claims WHERE mismatch {scope}
"""

_DELAYS = """
SELECT i.incident_key, i.incident_id, e.group_id, coalesce(r.root_id, e.group_id) AS root_id,
       e.channel, e.statement_date, date_diff('day', i.date, e.statement_date)::INTEGER AS days
FROM attribution_events e JOIN incidents i USING (incident_id)
LEFT JOIN group_roots r ON r.group_id = e.group_id
WHERE e.kind = 'claimed' AND e.statement_date IS NOT NULL AND e.group_id IS NOT NULL
  AND i.date_precision = 'day' {scope_e}
ORDER BY i.date
"""


def ensure_derived(con: duckdb.DuckDBPyConnection) -> bool:
    """Recompute every derived table when they were made by another version of
    this module (``DERIVED_VERSION``); returns True when it did."""
    row = con.execute("SELECT value FROM meta WHERE key = 'derived_version'").fetchone()
    if row and row[0] == DERIVED_VERSION:
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        refresh_group_roots(con)
        refresh_attribution(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('derived_version', ?)", [DERIVED_VERSION])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True


def refresh_attribution(con: duckdb.DuckDBPyConnection, scope_table: str | None = None) -> None:
    """Recompute ``incident_groups``, ``incident_claims`` and ``claim_delays``.

    With ``scope_table`` (the name of a table with an ``incident_id`` column), only
    those incidents are recomputed; otherwise everything is. Runs inside the
    caller's transaction, if any.
    """
    tables = ("incident_groups", "incident_claims", "claim_mismatches", "claim_delays")
    if scope_table is None:
        scope = scope_i = scope_e = ""
        for table in tables:
            con.execute(f"DELETE FROM {table}")
    else:
        scope = f"AND incident_id IN (SELECT incident_id FROM {scope_table})"
        scope_i = f"AND i.incident_id IN (SELECT incident_id FROM {scope_table})"
        scope_e = f"AND e.incident_id IN (SELECT incident_id FROM {scope_table})"
        for table in tables:
            con.execute(f"DELETE FROM {table} WHERE incident_id IN (SELECT incident_id FROM {scope_table})")
    con.execute("INSERT INTO incident_groups BY NAME " + _STANDING.format(scope=scope))
    con.execute("INSERT INTO incident_claims BY NAME " + _CLAIMS.format(scope=scope, scope_i=scope_i))
    con.execute("INSERT INTO claim_mismatches BY NAME " + _MISMATCHES.format(scope=scope))
    con.execute("INSERT INTO claim_delays BY NAME " + _DELAYS.format(scope_e=scope_e))

"""Derived tables, recomputed after every write (inside the writer's transaction).

``group_roots``: each group's top-level parent (JuA -> TTP) and family: groups that
are branches of one movement (``groups.family``: IS, ISKP and ISPP are the Islamic
State's), so that officials suspecting "IS" and ISKP claiming is no mismatch.
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

``incident_roots``: ``incident_groups`` folded per root group (a faction and its
parent on one attack make one row), for the pages' "roll factions into their
parent" views.

``claim_delays``: one row per claim with a statement date on an incident dated to
the day: the claimant, its root group, the channel and the delay in days.

All carry the incident's ``incident_key`` (a BIGINT, see schema migration 3), so
queries join and filter on an integer rather than the text ``incident_id``, and
the incident's filter columns (``FACTS``: date, country, province, district,
attack and target type, origin, killed, injured), so that ``Filter.where`` applies
to them directly: every selection but a text search is answered without joining
``incidents``. ``incidents`` is the truth; a write that changes these columns
(district_store's re-placing) recomputes the derived rows it touched.
"""

from __future__ import annotations

import duckdb

from .schema import _INCIDENT_FACTS

# The incident's columns each derived row repeats, as selected from ``incidents`` (alias k).
# precise: schema migration 7; district_as_written: 11
FACTS = [c.split()[0] for c in _INCIDENT_FACTS] + ["precise", "district_as_written"]
_K_FACTS = ", ".join(f"k.{c}" for c in FACTS)

DERIVED_VERSION = "10"  # bump when the derived tables are computed differently


def refresh_group_roots(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute ``group_roots`` from ``groups.parent_id`` (cycles are cut)."""
    listed = con.execute("SELECT group_id, parent_id, family FROM groups").fetchall()
    parents = {g: p for g, p, _ in listed}
    families = {g: f for g, _, f in listed}
    rows = []
    for group in parents:
        root, seen = group, {group}
        while parents.get(root) and parents[root] in parents and parents[root] not in seen:
            root = parents[root]
            seen.add(root)
        rows.append((group, root, families.get(root) or families.get(group) or root))
    con.execute("CREATE OR REPLACE TABLE group_roots (group_id VARCHAR PRIMARY KEY, root_id VARCHAR, "
                "family_id VARCHAR)")
    if rows:
        con.executemany("INSERT INTO group_roots VALUES (?, ?, ?)", rows)


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
       k.incident_key, {facts}
FROM standing s JOIN inc USING (incident_id)
LEFT JOIN group_roots r ON r.group_id = s.group_id
JOIN incidents k ON k.incident_id = s.incident_id  -- statements whose incident was removed wait, uncounted
"""

_CLAIMS = """
WITH g AS (
    SELECT incident_id,
           bool_or(claimed) AS has_claim, bool_or(responsible) AS has_responsible,
           string_agg(group_id, ', ' ORDER BY group_id) FILTER (WHERE claimed) AS claimed_by,
           string_agg(group_id, ', ' ORDER BY group_id) FILTER (WHERE responsible AND NOT claimed) AS attributed_to,
           string_agg(group_id, ', ' ORDER BY group_id) FILTER (WHERE denied) AS denied_by,
           list(DISTINCT coalesce(gr.family_id, incident_groups.root_id)) FILTER (WHERE claimed) AS claimed_families
    FROM incident_groups LEFT JOIN group_roots gr USING (group_id) WHERE TRUE {scope}
    GROUP BY incident_id
), e AS (
    SELECT incident_id,
           arg_min(group_id, seq) FILTER (WHERE kind IN ('suspected', 'attributed') AND group_id IS NOT NULL) AS first_suspected,
           min(statement_date) FILTER (WHERE kind = 'claimed') AS first_claim_date
    FROM attribution_events WHERE TRUE {scope}
    GROUP BY incident_id
)
SELECT k.incident_id,
       CASE WHEN g.has_claim THEN 'claimed'
            WHEN g.has_responsible THEN 'attributed'
            ELSE 'unclaimed' END AS claim_status,
       g.claimed_by, g.attributed_to, g.denied_by, e.first_suspected, e.first_claim_date,
       k.incident_key, {facts},
       coalesce(e.first_suspected IS NOT NULL AND g.claimed_by IS NOT NULL
                AND NOT list_contains(g.claimed_families, coalesce(fr.family_id, e.first_suspected)), FALSE) AS mismatch
FROM incidents k
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
SELECT k.incident_key, k.incident_id, e.group_id, coalesce(r.root_id, e.group_id) AS root_id,
       e.channel, e.statement_date, date_diff('day', k.date, e.statement_date)::INTEGER AS days, {facts}
FROM attribution_events e JOIN incidents k USING (incident_id)
LEFT JOIN group_roots r ON r.group_id = e.group_id
WHERE e.kind = 'claimed' AND e.statement_date IS NOT NULL AND e.group_id IS NOT NULL
  AND k.date_precision = 'day' {scope_e}
ORDER BY k.date
"""

# One row per (incident, root group): the group's standing with its factions folded in.
_ROOTS = """
SELECT incident_key, any_value(incident_id) AS incident_id, root_id,
       bool_or(claimed) AS claimed, bool_or(denied) AS denied,
       bool_or(NOT claimed AND (suspected OR attributed)) AS suspected_only,
       bool_or(responsible) AS responsible,
       coalesce(bool_or(claimed AND group_id <> root_id) AND bool_or(denied AND group_id = root_id), FALSE)
           AS faction_claim_parent_denied, {facts}
FROM incident_groups WHERE TRUE {scope}
GROUP BY incident_key, root_id
"""


def ensure_derived(con: duckdb.DuckDBPyConnection) -> bool:
    """Recompute every derived table when they were made by another version of
    this module (``DERIVED_VERSION``); returns True when it did. Runs inside the
    caller's transaction (``Store.transaction``)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'derived_version'").fetchone()
    if row and row[0] == DERIVED_VERSION:
        return False
    refresh_group_roots(con)
    refresh_attribution(con)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('derived_version', ?)", [DERIVED_VERSION])
    return True


SLICE = 1_000_000  # incidents recomputed per pass: bounds the memory of a big refresh


def refresh_attribution(con: duckdb.DuckDBPyConnection, scope_table: str | None = None) -> None:
    """Recompute the derived attribution tables (see the module docstring).

    With ``scope_table`` (the name of a table with an ``incident_id`` column), only
    those incidents are recomputed; otherwise everything is. Work goes in slices of
    ``SLICE`` incidents, so memory stays bounded (DuckDB's ``memory_limit``, see
    config) whatever the store's or the import's size. Runs inside the caller's
    transaction, if any.
    """
    tables = ("incident_groups", "incident_roots", "incident_claims", "claim_mismatches", "claim_delays")
    if scope_table is None:
        for table in tables:
            con.execute(f"DELETE FROM {table}")
        source = "incidents"
    else:
        for table in tables:
            con.execute(f"DELETE FROM {table} WHERE incident_id IN (SELECT incident_id FROM {scope_table})")
        source = scope_table
    n = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    if n <= SLICE:
        _insert_derived(con, scope_table)
        return
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _derive_parts AS
                    SELECT incident_id, (row_number() OVER () - 1) // {SLICE} AS part FROM {source}""")
    try:
        for part in range((n + SLICE - 1) // SLICE):
            con.execute("CREATE OR REPLACE TEMP TABLE _derive_slice AS SELECT incident_id FROM _derive_parts "
                        "WHERE part = ?", [part])
            _insert_derived(con, "_derive_slice")
    finally:
        con.execute("DROP TABLE IF EXISTS _derive_slice")
        con.execute("DROP TABLE IF EXISTS _derive_parts")


def _insert_derived(con: duckdb.DuckDBPyConnection, scope_table: str | None) -> None:
    """Insert the derived rows of the incidents in ``scope_table`` (all when None)."""
    if scope_table is None:
        scope = scope_i = scope_e = ""
    else:
        scope = f"AND incident_id IN (SELECT incident_id FROM {scope_table})"
        scope_i = f"AND k.incident_id IN (SELECT incident_id FROM {scope_table})"
        scope_e = f"AND e.incident_id IN (SELECT incident_id FROM {scope_table})"
    con.execute("INSERT INTO incident_groups BY NAME " + _STANDING.format(scope=scope, facts=_K_FACTS))
    con.execute("INSERT INTO incident_roots BY NAME "
                + _ROOTS.format(scope=scope, facts=", ".join(f"any_value({c}) AS {c}" for c in FACTS)))
    con.execute("INSERT INTO incident_claims BY NAME " + _CLAIMS.format(scope=scope, scope_i=scope_i, facts=_K_FACTS))
    con.execute("INSERT INTO claim_mismatches BY NAME " + _MISMATCHES.format(scope=scope))
    con.execute("INSERT INTO claim_delays BY NAME " + _DELAYS.format(scope_e=scope_e, facts=_K_FACTS))

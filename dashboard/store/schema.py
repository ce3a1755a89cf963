"""Schema of the store, as an ordered list of migrations.

Each migration is a list of SQL statements. ``Store`` (db.py) applies the ones a
database has not seen yet, in one transaction each, and records the version in
``schema_version``. Never edit a released migration: append a new one.
"""

from __future__ import annotations

import duckdb

ATTRIBUTION_KINDS = ("claimed", "denied", "suspected", "attributed")

# Columns of ``incidents`` the derived tables repeat (schema migration 6).
_INCIDENT_FACTS = ("date DATE", "country VARCHAR", "province VARCHAR", "district VARCHAR",
                   "attack_type VARCHAR", "target_type VARCHAR", "origin VARCHAR",
                   "killed INTEGER", "injured INTEGER")

MIGRATIONS: list[list[str]] = [
    # 1: the first schema
    [
        """CREATE TABLE groups (
            group_id   VARCHAR PRIMARY KEY,  -- short name: TTP, ISKP, JuA ...
            name       VARCHAR NOT NULL,     -- canonical full name
            parent_id  VARCHAR,              -- faction -> parent (JuA -> TTP)
            colour     VARCHAR,
            note       VARCHAR
        )""",
        """CREATE TABLE group_aliases (
            alias_key  VARCHAR PRIMARY KEY,  -- lower-cased, whitespace folded
            alias      VARCHAR NOT NULL,     -- as written
            group_id   VARCHAR NOT NULL
        )""",
        """CREATE TABLE import_batches (
            batch_id     VARCHAR PRIMARY KEY,
            origin       VARCHAR NOT NULL,   -- reference, acled, ucdp, gtd, native, manual
            file_name    VARCHAR,
            sha256       VARCHAR,
            imported_at  TIMESTAMP NOT NULL,
            n_read       BIGINT, n_loaded BIGINT, n_duplicates BIGINT,
            n_skipped    BIGINT, n_rejected BIGINT
        )""",
        """CREATE TABLE incidents (
            incident_id        VARCHAR PRIMARY KEY,  -- origin:origin_event_id
            origin             VARCHAR NOT NULL,
            origin_event_id    VARCHAR NOT NULL,
            batch_id           VARCHAR,
            date               DATE NOT NULL,
            date_precision     VARCHAR NOT NULL,     -- day, week, month, year
            country            VARCHAR NOT NULL,     -- Pakistan, Afghanistan
            province           VARCHAR,
            district           VARCHAR,
            place              VARCHAR,
            latitude           DOUBLE,
            longitude          DOUBLE,
            location_precision VARCHAR,              -- point, district, province (centroid)
            location_approximate BOOLEAN NOT NULL DEFAULT FALSE,
            attack_type        VARCHAR,
            target_type        VARCHAR,
            killed             INTEGER,
            killed_low         INTEGER,
            killed_high        INTEGER,
            killed_note        VARCHAR,
            injured            INTEGER,
            summary            VARCHAR,
            source_urls        VARCHAR[],
            attribution_note   VARCHAR,
            created_at         TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at         TIMESTAMP NOT NULL DEFAULT current_timestamp,
            UNIQUE (origin, origin_event_id)
        )""",
        """CREATE TABLE attribution_events (
            event_id        VARCHAR PRIMARY KEY,
            incident_id     VARCHAR NOT NULL,
            seq             INTEGER NOT NULL,     -- order of statements within the incident
            group_id        VARCHAR,              -- NULL when the name is unknown or ambiguous
            group_as_written VARCHAR,
            kind            VARCHAR NOT NULL CHECK (kind IN ('claimed', 'denied', 'suspected', 'attributed')),
            stated_by       VARCHAR,
            channel         VARCHAR,
            statement_date  DATE,
            source_url      VARCHAR,
            note            VARCHAR,
            batch_id        VARCHAR,
            created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
        "CREATE INDEX attribution_incident ON attribution_events (incident_id)",
        """CREATE TABLE milestones (
            date DATE NOT NULL, date_precision VARCHAR, label VARCHAR NOT NULL, source_url VARCHAR
        )""",
        # Derived: one row per (incident, group) with the group's standing.
        """CREATE TABLE incident_groups (
            incident_id VARCHAR, group_id VARCHAR, root_id VARCHAR,
            claimed BOOLEAN, denied BOOLEAN, suspected BOOLEAN, attributed BOOLEAN,
            responsible BOOLEAN
        )""",
        # Derived: one row per incident summarising its attribution.
        """CREATE TABLE incident_claims (
            incident_id VARCHAR PRIMARY KEY,
            claim_status VARCHAR,      -- claimed, attributed, unclaimed
            claimed_by VARCHAR, attributed_to VARCHAR, denied_by VARCHAR,
            first_suspected VARCHAR, first_claim_date DATE
        )""",
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    ],
    # 2: district boundaries the analyst adds (dashboard/geo/district_store.py)
    [
        # The district as the source wrote it; ``district`` holds the district the
        # incident is assigned to (a polygon's name when district boundaries exist).
        "ALTER TABLE incidents ADD COLUMN district_as_written VARCHAR",
        "UPDATE incidents SET district_as_written = district",
        # Attributes of the district polygons (geometry stays in the data folder).
        """CREATE TABLE admin_districts (
            district_id     VARCHAR PRIMARY KEY,  -- PAK.khyber-pakhtunkhwa.bajaur
            country         VARCHAR NOT NULL,
            country_iso3    VARCHAR NOT NULL,
            province        VARCHAR,              -- by largest overlap with the provinces
            district        VARCHAR NOT NULL,
            name_as_written VARCHAR,
            latitude        DOUBLE,               -- a point inside (EPSG:4326)
            longitude       DOUBLE,
            area_km2        DOUBLE,
            source          VARCHAR,              -- file name it was added from
            added_at        TIMESTAMP
        )""",
    ],
    # 3: an integer key per incident, also carried by the derived tables (derive.py),
    # so that pages join and filter on a BIGINT rather than on the text incident_id:
    # two to four times less work per join at a million incidents (BENCHMARKS.md).
    [
        "CREATE SEQUENCE IF NOT EXISTS incident_key_seq START 1",
        "ALTER TABLE incidents ADD COLUMN incident_key BIGINT DEFAULT nextval('incident_key_seq')",
        "ALTER TABLE incident_groups ADD COLUMN incident_key BIGINT",
        "ALTER TABLE incident_claims ADD COLUMN incident_key BIGINT",
        """UPDATE incident_groups SET incident_key = i.incident_key FROM incidents i
           WHERE incident_groups.incident_id = i.incident_id""",
        """UPDATE incident_claims SET incident_key = i.incident_key FROM incidents i
           WHERE incident_claims.incident_id = i.incident_id""",
    ],
    # 4: no primary-key or unique indexes on the big tables. DuckDB keeps an ART
    # index per constraint, and maintaining them was half the time of writing a
    # million-row batch and most of its commit (BENCHMARKS.md). Uniqueness is kept by
    # the only writers (ingest.write: NOT EXISTS + one row per key; ingest.manual:
    # next seq), and tests/test_store.py checks it after every kind of write.
    [
        *(f"""CREATE TABLE {name}_v4 AS SELECT * FROM {name} LIMIT 0""" for name in ("incident_claims",)),
        """CREATE TABLE incidents_v4 (
            incident_id        VARCHAR NOT NULL,     -- origin:origin_event_id (unique)
            origin             VARCHAR NOT NULL,
            origin_event_id    VARCHAR NOT NULL,
            batch_id           VARCHAR,
            date               DATE NOT NULL,
            date_precision     VARCHAR NOT NULL,
            country            VARCHAR NOT NULL,
            province           VARCHAR,
            district           VARCHAR,
            place              VARCHAR,
            latitude           DOUBLE,
            longitude          DOUBLE,
            location_precision VARCHAR,
            location_approximate BOOLEAN NOT NULL DEFAULT FALSE,
            attack_type        VARCHAR,
            target_type        VARCHAR,
            killed             INTEGER,
            killed_low         INTEGER,
            killed_high        INTEGER,
            killed_note        VARCHAR,
            injured            INTEGER,
            summary            VARCHAR,
            source_urls        VARCHAR[],
            attribution_note   VARCHAR,
            created_at         TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at         TIMESTAMP NOT NULL DEFAULT current_timestamp,
            district_as_written VARCHAR,
            incident_key       BIGINT DEFAULT nextval('incident_key_seq')
        )""",
        "INSERT INTO incidents_v4 BY NAME SELECT * FROM incidents ORDER BY date",
        """CREATE TABLE attribution_events_v4 (
            event_id        VARCHAR NOT NULL,     -- incident_id#seq (unique)
            incident_id     VARCHAR NOT NULL,
            seq             INTEGER NOT NULL,
            group_id        VARCHAR,
            group_as_written VARCHAR,
            kind            VARCHAR NOT NULL CHECK (kind IN ('claimed', 'denied', 'suspected', 'attributed')),
            stated_by       VARCHAR,
            channel         VARCHAR,
            statement_date  DATE,
            source_url      VARCHAR,
            note            VARCHAR,
            batch_id        VARCHAR,
            created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
            updated_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
        "INSERT INTO attribution_events_v4 BY NAME SELECT * FROM attribution_events ORDER BY incident_id, seq",
        "INSERT INTO incident_claims_v4 SELECT * FROM incident_claims",
        *(stmt for name in ("incidents", "attribution_events", "incident_claims")
          for stmt in (f"DROP TABLE {name}", f"ALTER TABLE {name}_v4 RENAME TO {name}")),
    ],
    # 5: more of the Claims page precomputed (derive.py), so it no longer joins every
    # selected incident with all attribution events: whether an incident was claimed
    # by a group other than the one first suspected, and one row per dated claim with
    # its delay in days. Filled by derive.ensure_derived on open.
    [
        "ALTER TABLE incident_claims ADD COLUMN mismatch BOOLEAN",
        # The mismatched incidents again, as a table of their own: its row count tells
        # DuckDB's planner that it is the small side of a join (a filter on a flag
        # column does not, and the planner then hashes the whole selection instead).
        """CREATE TABLE claim_mismatches (
            incident_key BIGINT, incident_id VARCHAR,
            first_suspected VARCHAR, claimed_by VARCHAR, denied_by VARCHAR
        )""",
        """CREATE TABLE claim_delays (
            incident_key BIGINT, incident_id VARCHAR, group_id VARCHAR, root_id VARCHAR,
            channel VARCHAR, statement_date DATE,
            days INTEGER                -- statement_date - incident date (day-precision incidents only)
        )""",
    ],
    # 6: the derived tables carry the incident's filter columns (date, place, types,
    # dataset, toll), so every selection but a text search is answered from them
    # without joining ten million incidents; and one row per (incident, root group),
    # so that factions rolled into their parent need no per-incident grouping.
    [
        *(f"ALTER TABLE {table} ADD COLUMN {column}"
          for table in ("incident_groups", "incident_claims", "claim_delays")
          for column in _INCIDENT_FACTS),
        """CREATE TABLE incident_roots (
            incident_key BIGINT, incident_id VARCHAR, root_id VARCHAR,
            claimed BOOLEAN, denied BOOLEAN,
            suspected_only BOOLEAN,   -- suspected or attributed, without a standing claim
            responsible BOOLEAN,
            """ + ", ".join(_INCIDENT_FACTS) + """
        )""",
    ],
]

# 7: ``precise``: the place is known to the town and the date to the day (precision=exact
# in the URL), stored on incidents and repeated by the derived tables like the other
# filter columns (derive.FACTS). Writers keep it (ingest.write, geo.district_store).
MIGRATIONS.append([
    "ALTER TABLE incidents ADD COLUMN precise BOOLEAN",
    """UPDATE incidents SET precise = coalesce(date_precision = 'day' AND location_precision = 'point'
                                            AND NOT location_approximate, FALSE)""",
    *(f"ALTER TABLE {table} ADD COLUMN precise BOOLEAN"
      for table in ("incident_groups", "incident_roots", "incident_claims", "claim_delays")),
])
# 8: ``placed_at``: 'district' or 'province' where the dashboard, not the source, gave an
# incident its coordinates (a point inside the area, for the map). Exports leave those
# coordinates empty. Filled by the writers (geo.places); stores from before are filled
# on open by workspace (geo.places.backfill_placed_at).
MIGRATIONS.append([
    "ALTER TABLE incidents ADD COLUMN placed_at VARCHAR",
    "INSERT OR REPLACE INTO meta VALUES ('placed_at_backfill', 'pending')",
])
# 9: a composite district as written ("Lakki Marwat / Bannu") counts under its first
# district (geo.assign.first_district); district_as_written keeps the whole text. The
# derived tables repeat the district, so derive.DERIVED_VERSION changed with this.
MIGRATIONS.append([
    """UPDATE incidents SET district_as_written = coalesce(district_as_written, district),
                            district = trim(split_part(district, '/', 1))
       WHERE district LIKE '%/%' AND trim(split_part(district, '/', 1)) <> ''""",
])
# 10: ``groups.family``: branches of one movement (IS, ISKP, ISPP), so that a suspicion of
# one and a claim by another is no mismatch (derive.group_roots.family_id).
MIGRATIONS.append([
    "ALTER TABLE groups ADD COLUMN family VARCHAR",
])
# 11: the derived tables repeat ``district_as_written`` too, so that ``district=Duki``
# finds the incidents a source placed in Duki after district boundaries put them in
# the older Loralai polygon (filters.DistrictDim), without joining ``incidents``.
MIGRATIONS.append([
    f"ALTER TABLE {table} ADD COLUMN district_as_written VARCHAR"
    for table in ("incident_groups", "incident_roots", "incident_claims", "claim_delays")
])
# 12: a faction's claim that its parent denies (Peshawar Police Lines, 2023-01-30: a JuA
# commander claimed, the TTP denied), per (incident, root group): shown as exactly that,
# not as a plain claim by the parent (queries.claims_by_group).
MIGRATIONS.append([
    "ALTER TABLE incident_roots ADD COLUMN faction_claim_parent_denied BOOLEAN",
])
PRECISE_SQL = ("coalesce(date_precision = 'day' AND location_precision = 'point' "
               "AND NOT coalesce(location_approximate, FALSE), FALSE)")

SCHEMA_VERSION = len(MIGRATIONS)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version a database is at (0 for an empty file)."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    rows = con.execute("SELECT max(version) FROM schema_version").fetchall()  # all: no result left open
    return int(rows[0][0] or 0)

"""Questions the pages ask: a ``Filter`` in, a small DataFrame out.

Every function takes a DuckDB cursor and a Filter; SQL text is fixed here and
user input travels only as parameters. Results are aggregates or bounded lists,
so they are cheap to cache and to send to the browser.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from . import fusion
from . import rivalry as R
from .config import PLACES_DIR
from .filters import Filter, Vocabulary, fold
from .geo.assign import district_aliases
from .geo.district_store import in_sync
from .geo.provinces import load_provinces, province_names

METRICS = {"incidents": "count(*)", "killed": "coalesce(sum(killed), 0)", "injured": "coalesce(sum(injured), 0)"}
FREQS = {"week": "week", "month": "month", "quarter": "quarter", "year": "year"}
COUNTRIES = ("Pakistan", "Afghanistan")
MAP_POINT_LIMIT = 2000


def _flag(f: Filter) -> str:
    """The incident_groups column the basis counts (a fixed word, never user input)."""
    return "claimed" if f.basis == "claimed" else "responsible"


def _selected(f: Filter) -> tuple[str, list]:
    where, params = f.where("i")
    return f"SELECT i.* FROM incidents i WHERE {where}", params


# Derived tables (store/derive.py) repeat each incident's filter columns, so every
# selection but a text search is read from them without joining ``incidents``: at
# ten million incidents that join is most of a page's time. Tests turn this off to
# check that both ways give the same answers.
USE_DERIVED = True


def _rows(f: Filter, table: str, alias: str) -> tuple[str, list]:
    """``FROM … WHERE …`` over a derived table, restricted to the selection.

    Columns are to be named with ``alias``; more conditions may follow with AND.
    """
    if USE_DERIVED and not f.needs_incidents:
        where, params = f.where(alias)
        return f"FROM {table} {alias} WHERE {where}", params
    sql, params = _selected(f)
    return f"FROM ({sql}) s JOIN {table} {alias} USING (incident_key) WHERE TRUE", params


def _roots_only(con: duckdb.DuckDBPyConnection, groups: tuple[str, ...]) -> bool:
    """True when no selected group is a faction (so ``incident_roots`` can answer)."""
    if not (USE_DERIVED and groups):
        return USE_DERIVED
    n = con.execute("SELECT count(*) FROM group_roots WHERE list_contains(?, group_id) AND group_id <> root_id",
                    [list(groups)]).fetchone()[0]
    return n == 0


def _group_clause(f: Filter, alias: str = "g") -> tuple[str, list]:
    """Restrict incident_groups rows to the selected groups (and their factions)."""
    if not f.groups:
        return "", []
    groups = list(f.groups)
    return (f" AND (list_contains(?, {alias}.group_id) OR list_contains(?, {alias}.root_id))", [groups, groups])


def df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


# --- vocabulary ------------------------------------------------------------
def vocabulary(con: duckdb.DuckDBPyConnection) -> Vocabulary:
    """Every value the filters can take, from the store and the boundaries."""
    def distinct(column: str) -> tuple[str, ...]:
        rows = con.execute(
            f"SELECT DISTINCT {column} FROM incidents WHERE {column} IS NOT NULL ORDER BY 1"
        ).fetchall()
        return tuple(r[0] for r in rows)

    provinces = sorted(set(province_names()) | set(distinct("province")))
    groups = con.execute("SELECT group_id, name FROM groups ORDER BY group_id").fetchall()
    districts = set(distinct("district"))
    try:
        districts |= set(con.execute("SELECT DISTINCT district FROM admin_districts").df()["district"])
    except duckdb.Error:
        pass
    return Vocabulary(
        countries=tuple(dict.fromkeys(COUNTRIES + distinct("country"))),
        provinces=tuple(provinces),
        districts=tuple(sorted(districts)),
        groups=tuple(g for g, _ in groups),
        attack_types=distinct("attack_type"),
        target_types=distinct("target_type"),
        datasets=distinct("origin"),
        group_names={g: n for g, n in groups},
        aliases=(aliases := _aliases(con, groups)),
        place_spellings=_place_spellings(districts, provinces, aliases["spellings"]),
        place_points=_place_points(con),
        districts_as_written=tuple(r[0] for r in con.execute(
            """SELECT DISTINCT district_as_written FROM incidents WHERE district_as_written IS NOT NULL
               AND district_as_written IS DISTINCT FROM district AND district_as_written NOT LIKE '%/%'
               ORDER BY 1""").fetchall()),
    )


def _place_spellings(districts: set, provinces: list, variants: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Every spelling of each district and province the store knows, by each spelling
    folded (``filters.fold``): the canonical name and its aliases (data/places and the
    analyst's district_aliases.csv)."""
    by_name: dict[str, list[str]] = {}
    for name in [*districts, *provinces]:
        by_name.setdefault(name, [name])
    for alias, name in variants.items():
        by_name.setdefault(name, [name]).append(alias)
    out: dict[str, tuple[str, ...]] = {}
    for names in by_name.values():
        every = tuple(dict.fromkeys(names))
        for spelling in every:
            out.setdefault(fold(spelling), every)
    return out


def _place_points(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, float, float]]:
    """Each district's centre (a point inside it) where district boundaries are added."""
    try:
        rows = con.execute("SELECT district, latitude, longitude FROM admin_districts "
                           "WHERE latitude IS NOT NULL AND longitude IS NOT NULL").fetchall()
    except duckdb.Error:
        return {}
    out: dict[str, tuple[str, float, float]] = {}
    for name, lat, lon in rows:
        out.setdefault(fold(name), (name, float(lat), float(lon)))
    return out


def _aliases(con: duckdb.DuckDBPyConnection, groups: list) -> dict[str, dict[str, str]]:
    """Other spellings a URL may use: group aliases and full names, district variants."""
    key = lambda text: " ".join(str(text).casefold().split())  # noqa: E731
    group_alias = {key(a): g for a, g in con.execute("SELECT alias, group_id FROM group_aliases").fetchall()}
    group_alias.update({key(n): g for g, n in groups})
    district_alias, spellings = {}, {}
    path = PLACES_DIR / "district_aliases.csv"
    if path.exists():
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        district_alias = {key(a): d for a, d in zip(frame["alias"], frame["district"]) if a and d}
        spellings = {a.strip(): d.strip() for a, d in zip(frame["alias"], frame["district"]) if a and d}
    spellings.update({alias: d for (_, alias), d in district_aliases().items()})  # the analyst's own too
    provinces_path = PLACES_DIR / "province_aliases.csv"
    if provinces_path.exists():
        frame = pd.read_csv(provinces_path, dtype=str, keep_default_na=False)
        spellings.update({a.strip(): p.strip() for a, p in zip(frame["alias"], frame["province"])
                          if a.strip() and p.strip() and a.strip() not in spellings})
    return {"groups": group_alias, "districts": district_alias, "spellings": spellings}


def provinces_of(con: duckdb.DuckDBPyConnection, countries: tuple[str, ...] = ()) -> list[str]:
    """Provinces of the given countries (all when empty), from boundaries and data."""
    gdf = load_provinces()
    names = set(gdf.loc[gdf["country"].isin(countries) if countries else slice(None), "province"])
    rows = con.execute(
        "SELECT DISTINCT province FROM incidents WHERE province IS NOT NULL AND (len(?) = 0 OR list_contains(?, country))",
        [list(countries), list(countries)],
    ).fetchall()
    return sorted(names | {r[0] for r in rows})


def districts_of(
    con: duckdb.DuckDBPyConnection, provinces: tuple[str, ...] = (), countries: tuple[str, ...] = ()
) -> list[str]:
    """Districts of the given provinces and countries (all when empty): from district
    boundaries when present, and from the incidents."""
    params = [list(provinces), list(provinces), list(countries), list(countries)]
    rows = con.execute(
        """SELECT DISTINCT district FROM incidents WHERE district IS NOT NULL
           AND (len(?) = 0 OR list_contains(?, province)) AND (len(?) = 0 OR list_contains(?, country))""",
        params,
    ).fetchall()
    names = {r[0] for r in rows}
    try:
        rows = con.execute(
            """SELECT DISTINCT district FROM admin_districts
               WHERE (len(?) = 0 OR list_contains(?, province)) AND (len(?) = 0 OR list_contains(?, country))""",
            params,
        ).fetchall()
        names |= {r[0] for r in rows}
    except duckdb.Error:
        pass
    return sorted(names)


def district_summary(con: duckdb.DuckDBPyConnection, f: Filter) -> dict:
    """What district data there is, for the selection.

    Keys: ``polygons`` (district boundaries in the store), ``countries`` (those
    they cover), ``incidents`` (selected), ``with_district`` (selected incidents
    with any district text), ``matched`` (whose district is a boundary polygon's),
    ``at_district_point`` (no coordinates from the source: drawn at their district's
    centre), ``not_drawn`` (no coordinates, district unknown: counted in the shading,
    not drawn as points).
    """
    polygons, countries = con.execute(
        "SELECT count(*), list(DISTINCT country ORDER BY country) FROM admin_districts"
    ).fetchone()
    sql, params = _selected(f)
    # Without district polygons nothing can match: no lookup per incident then.
    matches = """count(*) FILTER (WHERE EXISTS (SELECT 1 FROM admin_districts a
                       WHERE a.country = s.country AND a.province IS NOT DISTINCT FROM s.province
                         AND a.district = s.district))""" if polygons else "0"
    n, with_district, matched, at_point, unplaced = con.execute(
        f"""SELECT count(*), count(s.district), {matches},
                   count(*) FILTER (WHERE s.placed_at = 'district'),
                   count(*) FILTER (WHERE s.latitude IS NULL OR s.placed_at = 'province')
            FROM ({sql}) s""",
        params,
    ).fetchone()
    return {"polygons": int(polygons), "countries": list(countries or []), "incidents": int(n),
            "with_district": int(with_district), "matched": int(matched), "at_district_point": int(at_point),
            "not_drawn": int(unplaced)}


def data_range(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    return tuple(con.execute("SELECT min(date), max(date) FROM incidents").fetchone())


# --- overview --------------------------------------------------------------
def previous_period(start: date, end: date) -> tuple[date, date, str]:
    """The period an analyst compares ``start``–``end`` with, and its name.

    Whole calendar months are compared with as many months just before (2024 with
    2023, March with February, 2023–2024 with 2021–2022); any other range with the
    range of equal length in days just before it."""
    if start.day == 1 and end == _month_end(end):  # whole calendar months: the same number just before
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 12 and start.month == 1:
            name = "the year before"
        elif months % 12 == 0 and start.month == 1:
            name = f"the {months // 12} years before"
        elif months == 3 and start.month in (1, 4, 7, 10):
            name = "the quarter before"
        elif months == 1:
            name = "the month before"
        else:
            name = f"the {months} months before"
        return _add_months(start, -months), start - timedelta(days=1), name
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1), f"the {days:,} days before"


def _month_end(d: date) -> date:
    return _add_months(d.replace(day=1), 1) - timedelta(days=1)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def headline(con: duckdb.DuckDBPyConnection, f: Filter) -> dict:
    """Headline figures for the selection and for the period it is compared with.

    The period is the filter's date range, or the data's range where open. Keys:
    incidents, killed, injured, claimed_share (0-1 or None), period (start, end),
    ``previous`` with the same figures for the earlier period (``previous_period``),
    or None with ``no_previous`` saying why: all dates are selected, or the earlier
    period starts before the data's coverage (which is taken to start on the first
    of the month of the first record): a change against a period with no data is
    no change at all.
    """
    lo, hi = data_range(con)
    start, end = f.date_from or lo, f.date_to or hi
    if not (f.date_from and start and end):  # no comparison for "all dates": nothing precedes it
        return {**_headline_for(con, f), "period": (start, end), "previous": None,
                "no_previous": "all dates are selected"}
    prev_start, prev_end, name = previous_period(start, end)
    # Coverage is taken to start on the first day of the month of the first record
    # (data that begins on 3 January covers that January).
    if lo is None or prev_start < lo.replace(day=1):
        return {**_headline_for(con, f), "period": (start, end), "previous": None,
                "no_previous": (f"no earlier data: the data begins {lo:%d %b %Y}" if lo else "no data")}
    prev = f.with_(date_from=prev_start, date_to=prev_end)
    # Both periods in one pass: the selection with its start moved back to the
    # previous period's start, split on the date.
    source, params, claimed = _headline_source(f.with_(date_from=prev.date_from))
    row = con.execute(
        f"""SELECT {_HEADLINE.format(when="s.date >= ?", claimed=claimed)},
                   {_HEADLINE.format(when="s.date < ? AND s.date <= ?", claimed=claimed)}
            FROM {source} s""",
        [start] * 4 + [start, prev_end] * 4 + params,
    ).fetchone()
    return {**_headline_row(row[:4]), "period": (start, end), "no_previous": None,
            "previous": {**_headline_row(row[4:]), "period": (prev.date_from, prev.date_to), "name": name}}


# Incidents, killed, injured and claimed incidents of the rows where {when} holds.
_HEADLINE = """count(*) FILTER (WHERE {when}), coalesce(sum(s.killed) FILTER (WHERE {when}), 0),
    coalesce(sum(s.injured) FILTER (WHERE {when}), 0),
    count(*) FILTER (WHERE {when} AND {claimed})"""


def _headline_source(f: Filter) -> tuple[str, list, str]:
    """(rows to count, their parameters, the test for "claimed") for the headline:
    incident_claims has one row per incident, with its toll and claim status."""
    rows, params = _rows(f, "incident_claims", "c")
    return f"(SELECT c.* {rows})", params, "s.claim_status = 'claimed'"


def _headline_for(con: duckdb.DuckDBPyConnection, f: Filter) -> dict:
    source, params, claimed = _headline_source(f)
    row = con.execute(f"SELECT {_HEADLINE.format(when='TRUE', claimed=claimed)} FROM {source} s",
                      params).fetchone()
    return _headline_row(row)


def _headline_row(row) -> dict:
    n, killed, injured, claimed = row
    return {
        "incidents": int(n), "killed": int(killed), "injured": int(injured),
        "claimed_share": (claimed / n) if n else None,
    }


INCIDENT_LIST_COLUMNS = """s.incident_id, s.date, s.date_precision, s.country, s.province, s.district,
    s.place, s.attack_type, s.target_type, s.killed, s.injured, c.claim_status,
    coalesce(c.claimed_by, c.attributed_to) AS groups, c.claimed_by, c.attributed_to,
    c.denied_by, s.latitude, s.longitude, s.location_approximate, s.origin, s.summary,
    s.source_urls"""


def latest(con: duckdb.DuckDBPyConnection, f: Filter, limit: int = 10, offset: int = 0) -> pd.DataFrame:
    """The most recent incidents of the selection, newest first (then the deadliest;
    ties in a fixed order, so pages of ``limit`` rows from ``offset`` do not overlap)."""
    sql, params = _selected(f)
    order = "date DESC, killed DESC NULLS LAST, incident_key"
    # The newest rows first, then their claim summary: joining only ``limit`` rows
    # rather than the whole selection (incident_claims has one row per incident).
    return df(
        con,
        f"""SELECT {INCIDENT_LIST_COLUMNS}
            FROM (SELECT * FROM ({sql}) ORDER BY {order} LIMIT ? OFFSET ?) s
            LEFT JOIN incident_claims c USING (incident_key)
            ORDER BY {", ".join("s." + o for o in order.split(", "))}""",
        params + [int(limit), max(0, int(offset))],
    )


# --- timeline --------------------------------------------------------------
def timeline(
    con: duckdb.DuckDBPyConnection,
    f: Filter,
    freq: str = "month",
    by: str = "group",
    rollup: bool = True,
) -> pd.DataFrame:
    """Counts per period and series: columns period (date), series, incidents, killed, injured.

    ``by`` is ``group`` (an incident attributed to two groups counts once for
    each), ``province``, ``district`` or ``none``. With ``rollup`` factions count
    under their parent group. Periods with no incidents are absent.
    """
    part = FREQS.get(freq, "month")
    if by == "group":
        if rollup and _roots_only(con, f.groups):
            rows, params = _rows(f, "incident_roots", "g")
            sql = f"""SELECT date_trunc('{part}', g.date) AS period, g.root_id AS series,
                             g.killed, g.injured {rows}
                      AND g.{_flag(f)} {" AND list_contains(?, g.root_id)" if f.groups else ""}"""
            params = params + ([list(f.groups)] if f.groups else [])
        else:
            # One row per (period, series, incident): a faction and its parent both
            # responsible for one attack count it, and its dead, once under the parent.
            clause, gparams = _group_clause(f)
            rows, params = _rows(f, "incident_groups", "g")
            key = "g.root_id" if rollup else "g.group_id"
            sql = f"""SELECT DISTINCT date_trunc('{part}', g.date) AS period, {key} AS series,
                             g.incident_key, g.killed, g.injured {rows} AND g.{_flag(f)} {clause}"""
            params = params + gparams
        return df(
            con,
            f"""SELECT period, series, count(*) AS incidents,
                       coalesce(sum(killed), 0) AS killed, coalesce(sum(injured), 0) AS injured
                FROM ({sql}) GROUP BY ALL ORDER BY period, series""",
            params,
        )
    sql, params = _selected(f)
    column = {"province": "s.province", "district": "s.district", "country": "s.country"}.get(by, "'All'")
    # As in by_area(level='district'): incidents with no district are left out
    # (district_summary counts them), not lumped into an 'Unknown' district.
    where = "WHERE s.district IS NOT NULL" if by == "district" else ""
    return df(
        con,
        f"""SELECT date_trunc('{part}', s.date) AS period, coalesce({column}, 'Unknown') AS series,
                   count(*) AS incidents, coalesce(sum(s.killed), 0) AS killed,
                   coalesce(sum(s.injured), 0) AS injured
            FROM ({sql}) s {where} GROUP BY ALL ORDER BY period, series""",
        params,
    )


def milestones(con: duckdb.DuckDBPyConnection, f: Filter) -> pd.DataFrame:
    """Context milestones inside the filter's date range."""
    return df(
        con,
        """SELECT date, date_precision, label, source_url FROM milestones
           WHERE (? IS NULL OR date >= ?) AND (? IS NULL OR date <= ?) ORDER BY date""",
        [f.date_from, f.date_from, f.date_to, f.date_to],
    )


def by_area(con: duckdb.DuckDBPyConnection, f: Filter, level: str = "province") -> pd.DataFrame:
    """Incidents, killed and injured per country and province (or district).

    ``level='district'``: one row per (country, province, district); incidents
    with no district are left out, as in ``timeline(by='district')``. Where
    district boundaries exist, the names are the polygons' (the map joins on
    country, province and district).
    """
    sql, params = _selected(f)
    area = "s.district" if level == "district" else "s.province"
    return df(
        con,
        f"""SELECT s.country, s.province, {"s.district," if level == "district" else ""}
                   count(*) AS incidents, coalesce(sum(s.killed), 0) AS killed,
                   coalesce(sum(s.injured), 0) AS injured
            FROM ({sql}) s WHERE {area} IS NOT NULL
            GROUP BY ALL ORDER BY incidents DESC""",
        params,
    )


# --- map -------------------------------------------------------------------
def map_points(con: duckdb.DuckDBPyConnection, f: Filter, limit: int = MAP_POINT_LIMIT) -> tuple[pd.DataFrame, bool]:
    """Points for the map. Returns (frame, aggregated).

    Up to ``limit`` incidents are returned one per row (lat/lon in degrees,
    EPSG:4326) with their main group for colour. Beyond that, incidents are
    binned on a 0.25-degree grid: one row per cell with counts and killed, so the
    page stays light however much matches.
    """
    sql, params = _selected(f)
    # The grid first: it also gives the count, and is the answer whenever more than
    # ``limit`` incidents match (one pass instead of a count and then the grid).
    grid = df(
        con,
        f"""SELECT round(s.latitude * 4) / 4 AS latitude, round(s.longitude * 4) / 4 AS longitude,
                   count(*) AS incidents, coalesce(sum(s.killed), 0) AS killed
            FROM ({sql}) s WHERE s.latitude IS NOT NULL AND s.placed_at IS DISTINCT FROM 'province' GROUP BY ALL""",
        params,
    )
    if int(grid["incidents"].sum()) <= limit:
        return df(
            con,
            f"""SELECT s.incident_id, s.date, s.place, s.district, s.province, s.country,
                       s.latitude, s.longitude, s.killed, s.injured, s.attack_type,
                       s.location_approximate, s.placed_at, c.claim_status,
                       coalesce(c.claimed_by, c.attributed_to, 'Unattributed') AS groups,
                       coalesce(r.root_id, split_part(coalesce(c.claimed_by, c.attributed_to), ', ', 1), 'Unattributed') AS main_group
                FROM ({sql}) s LEFT JOIN incident_claims c USING (incident_key)
                LEFT JOIN group_roots r ON r.group_id = split_part(coalesce(c.claimed_by, c.attributed_to), ', ', 1)
                WHERE s.latitude IS NOT NULL AND s.placed_at IS DISTINCT FROM 'province' ORDER BY s.date""",
            params,
        ), False
    return grid, True


# --- claims ----------------------------------------------------------------
def claims_by_group(con: duckdb.DuckDBPyConnection, f: Filter, rollup: bool = True) -> pd.DataFrame:
    """Per group: incidents it claimed, denied, and was suspected of/attributed without claiming.

    Columns: group, claimed, denied, suspected_only, split (with ``rollup``: a faction
    claimed and the parent denied, e.g. JuA and the TTP on 2023-01-30, counted there and
    not as the parent's claim or denial), incidents (any involvement).
    """
    if rollup and _roots_only(con, f.groups):
        table, key, clause, gparams = "incident_roots", "g.root_id", \
            (" AND list_contains(?, g.root_id)" if f.groups else ""), ([list(f.groups)] if f.groups else [])
    elif not rollup:
        table, key = "incident_groups", "g.group_id"
        clause, gparams = _group_clause(f)
    else:  # factions among the selected groups: fold them per incident here
        clause, gparams = _group_clause(f)
        rows, params = _rows(f, "incident_groups", "g")
        return df(
            con,
            f"""SELECT "group", count(*) FILTER (WHERE claimed AND NOT split) AS claimed,
                       count(*) FILTER (WHERE denied AND NOT split) AS denied,
                       count(*) FILTER (WHERE suspected_only) AS suspected_only,
                       count(*) FILTER (WHERE split) AS split, count(*) AS incidents
                FROM (SELECT g.root_id AS "group", bool_or(g.claimed) AS claimed, bool_or(g.denied) AS denied,
                             bool_or(NOT g.claimed AND (g.suspected OR g.attributed)) AS suspected_only,
                             coalesce(bool_or(g.claimed AND g.group_id <> g.root_id)
                                      AND bool_or(g.denied AND g.group_id = g.root_id), FALSE) AS split
                      {rows} {clause} GROUP BY g.incident_key, g.root_id)
                GROUP BY ALL ORDER BY incidents DESC, 1""",
            params + gparams,
        )
    # One row per (incident, group) already: count straight away.
    suspected_only = "g.suspected_only" if table == "incident_roots" else \
        "NOT g.claimed AND (g.suspected OR g.attributed)"
    split = "coalesce(g.faction_claim_parent_denied, FALSE)" if table == "incident_roots" else "FALSE"
    rows, params = _rows(f, table, "g")
    return df(
        con,
        f"""SELECT {key} AS "group", count(*) FILTER (WHERE g.claimed AND NOT {split}) AS claimed,
                   count(*) FILTER (WHERE g.denied AND NOT {split}) AS denied,
                   count(*) FILTER (WHERE {suspected_only}) AS suspected_only,
                   count(*) FILTER (WHERE {split}) AS split, count(*) AS incidents
            {rows} {clause} GROUP BY ALL ORDER BY incidents DESC, 1""",
        params + gparams,
    )


def claim_status_counts(con: duckdb.DuckDBPyConnection, f: Filter) -> pd.DataFrame:
    """Incidents and killed by claim status (claimed, attributed, unclaimed).

    With basis "claimed" and no group, the selection is widened to every claim
    status (the chart compares them)."""
    wide = f.with_(basis="attributed") if f.basis == "claimed" and not f.groups else f
    rows, params = _rows(wide, "incident_claims", "c")
    return df(
        con,
        f"""SELECT c.claim_status, count(*) AS incidents, coalesce(sum(c.killed), 0) AS killed
            {rows} GROUP BY ALL ORDER BY incidents DESC, 1""",
        params,
    )


def claim_mismatches(con: duckdb.DuckDBPyConnection, f: Filter, limit: int = 500) -> pd.DataFrame:
    """Incidents whose claimant differs from the group first suspected, newest first.

    Example: 2023-07-30 Bajaur, suspected TTP first, claimed by ISKP. Groups are
    compared by their root, so a claim by a TTP faction where TTP was suspected is
    no mismatch (``claim_mismatches``, computed in store/derive.py).
    """
    sql, params = _selected(f)
    return df(
        con,
        f"""SELECT s.incident_id, s.date, s.province, s.district, s.place, s.killed,
                   c.first_suspected, c.claimed_by, c.denied_by
            FROM ({sql}) s JOIN claim_mismatches c USING (incident_key)
            ORDER BY s.date DESC, s.incident_id LIMIT ?""",
        params + [int(limit)],
    )


DELAY_POINT_LIMIT = 1500  # beyond this many dated claims, only the per-group summary is returned


def claim_delays(
    con: duckdb.DuckDBPyConnection, f: Filter, limit: int = DELAY_POINT_LIMIT
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Days from attack to claim (day-precision attacks, claims with a statement date).

    Returns ``(claims, summary)``. ``summary``: one row per group (claimants rolled
    into their root group): group, claims, q1, median, q3, min, max (days), most
    claims first. ``claims``: one row per claim (incident_id, date, place, group,
    claimant, channel, statement_date, days) when the selection has at most
    ``limit`` of them, else empty: a chart of a hundred thousand dots says no more
    than the quartiles, and costs the browser megabytes.
    """
    clause, gparams = _group_clause(f, "d")
    rows, params = _rows(f, "claim_delays", "d")
    joined = f"{rows} {clause}"
    summary = df(
        con,
        f"""SELECT d.root_id AS "group", count(*) AS claims,
                   quantile_cont(d.days, 0.25) AS q1, median(d.days) AS median,
                   quantile_cont(d.days, 0.75) AS q3, min(d.days) AS min, max(d.days) AS max
            {joined} GROUP BY ALL ORDER BY claims DESC, 1""",
        params + gparams,
    )
    columns = ["incident_id", "date", "place", "group", "claimant", "channel", "statement_date", "days"]
    if summary.empty or summary["claims"].sum() > limit:
        return pd.DataFrame(columns=columns), summary
    claims = df(
        con,
        f"""SELECT d.incident_id, d.date, i.place, d.root_id AS "group", d.group_id AS claimant,
                   d.channel, d.statement_date, d.days
            FROM ({f"SELECT d.* {joined}"}) d JOIN incidents i USING (incident_key)
            ORDER BY d.date, d.incident_id, d.group_id""",
        params + gparams,
    )
    return claims, summary


# --- incidents -------------------------------------------------------------
def incidents_table(
    con: duckdb.DuckDBPyConnection, f: Filter, limit: int = 500, offset: int = 0
) -> tuple[pd.DataFrame, int]:
    """One page of the selection's incidents, newest first (``limit`` rows from
    ``offset``); and the selection's total count."""
    sql, params = _selected(f)
    total = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    return latest(con, f, limit, offset), int(total)


def incident_detail(con: duckdb.DuckDBPyConnection, incident_id: str) -> tuple[dict | None, pd.DataFrame]:
    """One incident (all columns and claim summary) and its attribution events in order."""
    row = df(
        con,
        """SELECT i.* EXCLUDE (incident_key), c.claim_status, c.claimed_by, c.attributed_to, c.denied_by,
                  c.first_suspected
           FROM incidents i LEFT JOIN incident_claims c USING (incident_id) WHERE i.incident_id = ?""",
        [incident_id],
    )
    events = df(
        con,
        """SELECT e.seq, e.kind, e.group_id, g.name AS group_name, e.group_as_written, e.stated_by,
                  e.channel, e.statement_date, e.source_url, e.note
           FROM attribution_events e LEFT JOIN groups g USING (group_id)
           WHERE e.incident_id = ? ORDER BY e.seq""",
        [incident_id],
    )
    return (row.iloc[0].to_dict() if len(row) else None), events


def export_rows(con: duckdb.DuckDBPyConnection, f: Filter) -> pd.DataFrame:
    """Every selected incident with its claim summary, for downloads and the CLI, newest first.

    Coordinates are the source's only: where the source gave none, latitude and
    longitude are empty (the map's point inside the district or province is the
    dashboard's, never exported as if measured) and ``place_known_to`` says what
    the place is known to (point, district, province)."""
    sql, params = _selected(f)
    return df(
        con,
        f"""SELECT s.incident_id, s.origin, s.origin_event_id, s.date, s.date_precision,
                   s.country, s.province, s.district, s.district_as_written, s.place,
                   CASE WHEN s.placed_at IS NULL THEN s.latitude END AS latitude,
                   CASE WHEN s.placed_at IS NULL THEN s.longitude END AS longitude,
                   CASE WHEN s.placed_at IS NOT NULL OR s.latitude IS NULL
                        THEN coalesce(s.placed_at, s.location_precision, CASE WHEN s.district IS NOT NULL
                             THEN 'district' ELSE 'province' END)
                        ELSE coalesce(s.location_precision, 'point') END AS place_known_to,
                   s.location_precision, s.location_approximate, s.attack_type, s.target_type,
                   s.killed, s.killed_note, s.injured, c.claim_status, c.claimed_by,
                   c.attributed_to, c.denied_by, c.first_suspected, s.summary,
                   array_to_string(s.source_urls, ' | ') AS source_urls
            FROM ({sql}) s LEFT JOIN incident_claims c USING (incident_key)
            ORDER BY s.date DESC, s.incident_id""",
        params,
    )


# --- about -----------------------------------------------------------------
def coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per origin dataset and country: incidents, first and last date."""
    return df(
        con,
        """SELECT origin, country, count(*) AS incidents, min(date) AS first_date, max(date) AS last_date,
                  count(*) FILTER (WHERE location_approximate) AS approximate_locations
           FROM incidents GROUP BY ALL ORDER BY origin, country""",
    )


def groups_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return df(
        con,
        """SELECT g.group_id, g.name, g.parent_id, g.colour, g.note,
                  coalesce(n.incidents, 0) AS incidents
           FROM groups g LEFT JOIN (SELECT group_id, count(DISTINCT incident_key) AS incidents
                                    FROM incident_groups GROUP BY ALL) n USING (group_id)
           ORDER BY incidents DESC, group_id""",
    )


def group_colours(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """group_id -> colour (factions inherit their root's colour when they have none)."""
    rows = con.execute(
        """SELECT g.group_id, coalesce(g.colour, p.colour)
           FROM groups g LEFT JOIN group_roots r USING (group_id) LEFT JOIN groups p ON p.group_id = r.root_id"""
    ).fetchall()
    return {g: c for g, c in rows if c}


def unknown_group_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Group names in the data that match no known group, for review."""
    return df(
        con,
        """SELECT group_as_written AS name, count(*) AS events, count(DISTINCT incident_id) AS incidents
           FROM attribution_events WHERE group_id IS NULL AND group_as_written IS NOT NULL
           GROUP BY ALL ORDER BY events DESC""",
    )


def import_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Import batches, newest first, with their counts then and now."""
    return df(
        con,
        """SELECT batch_id, origin, file_name, sha256, imported_at, n_read AS "read",
                  n_loaded AS loaded, n_duplicates AS duplicates, n_skipped AS skipped,
                  n_rejected AS rejected,
                  (SELECT count(*) FROM incidents i WHERE i.batch_id = b.batch_id) AS incidents_now,
                  (SELECT count(*) FROM attribution_events e WHERE e.batch_id = b.batch_id) AS events_now
           FROM import_batches b ORDER BY imported_at DESC, batch_id""",
    )


def boundaries_in_sync(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether incidents were placed from the district files now in the data folder."""
    return in_sync(con)


# --- changes (early warning) -------------------------------------------------
def _undated(f: Filter) -> Filter:
    """The selection without its dates: a comparison sets its own windows."""
    return f.with_(date_from=None, date_to=None)


def period_counts(con: duckdb.DuckDBPyConnection, f: Filter, period: str, level: str,
                  start: date, end: date) -> pd.DataFrame:
    """Incidents and killed per area, group family and calendar ``period`` between
    ``start`` and ``end`` (inclusive), the selection's other filters applied.

    Columns: country, province[, district], group (a root group, or 'All groups'
    counting each incident once), period (its first day), incidents, killed. A group's
    incidents follow the attribution basis; factions count under their parent."""
    part = FREQS.get(period, "week")
    g_filter = _undated(f)
    area = "country, province" + (", district" if level == "district" else "")
    area_g = ", ".join(f"g.{c.strip()}" for c in area.split(","))
    rows, params = _rows(g_filter, "incident_groups", "g")
    clause, gparams = _group_clause(g_filter)
    groups = df(
        con,
        f"""SELECT {area}, "group", period, count(*) AS incidents, coalesce(sum(killed), 0) AS killed
            FROM (SELECT DISTINCT {area_g}, g.root_id AS "group", date_trunc('{part}', g.date) AS period,
                         g.incident_key, g.killed
                  {rows} AND g.{_flag(f)} AND g.date BETWEEN ? AND ? {clause})
            GROUP BY ALL""",
        params + [start, end] + gparams,
    )
    rows, params = _rows(g_filter, "incident_claims", "c")
    area_c = ", ".join(f"c.{c.strip()}" for c in area.split(","))
    every = df(
        con,
        f"""SELECT {area_c}, 'All groups' AS "group", date_trunc('{part}', c.date) AS period,
                   count(*) AS incidents, coalesce(sum(c.killed), 0) AS killed
            {rows} AND c.date BETWEEN ? AND ? GROUP BY ALL""",
        params + [start, end],
    )
    out = pd.concat([every, groups], ignore_index=True)
    out = out[out["district" if level == "district" else "province"].notna()]  # an area, or no row
    out["period"] = pd.to_datetime(out["period"]).dt.date
    return out


def firsts(con: duckdb.DuckDBPyConnection, f: Filter, start: date, end: date, level: str) -> pd.DataFrame:
    """What happened for the first time between ``start`` and ``end``: a group's first
    attack on a target type, and the first claim under a name as written.

    Columns: kind, group, area, date, what. (A group's first attack in an area
    within a year is found from ``period_counts``.)"""
    g_filter = _undated(f)
    rows, params = _rows(g_filter, "incident_groups", "g")
    clause, gparams = _group_clause(g_filter)
    area = "g.district" if level == "district" else "g.province"
    targets = df(
        con,
        f"""SELECT 'first attack on this target' AS kind, g.root_id AS "group",
                   arg_min({area}, g.date) AS area, min(g.date) AS date, g.target_type AS what
            {rows} AND g.{_flag(f)} AND g.target_type IS NOT NULL AND g.date <= ? {clause}
            GROUP BY g.root_id, g.target_type HAVING min(g.date) >= ?""",
        params + [end] + gparams + [start],
    )
    sql, params = _selected(g_filter)
    names = df(
        con,
        f"""SELECT 'first claim under this name' AS kind, coalesce(r.root_id, e.group_id, '') AS "group",
                   arg_min(s.{"district" if level == "district" else "province"}, s.date) AS area,
                   min(s.date) AS date, e.group_as_written AS what
            FROM ({sql}) s JOIN attribution_events e USING (incident_id)
            LEFT JOIN group_roots r ON r.group_id = e.group_id
            WHERE e.kind = 'claimed' AND e.group_as_written IS NOT NULL AND s.date <= ?
            GROUP BY ALL HAVING min(s.date) >= ?""",
        params + [end, start],
    )
    out = pd.concat([targets, names], ignore_index=True)
    return out.sort_values(["date", "kind", "group"], ignore_index=True) if len(out) else out


def period_statements(con: duckdb.DuckDBPyConnection, f: Filter, start: date, end: date) -> pd.DataFrame:
    """Claims and denials on the selection's incidents of ``start``–``end``, in order."""
    sql, params = _selected(_undated(f).with_(date_from=start, date_to=end))
    return df(
        con,
        f"""SELECT s.incident_id, s.date, s.province, s.district, s.place, e.kind, e.group_id,
                   e.group_as_written, e.channel, e.statement_date, e.source_url
            FROM ({sql}) s JOIN attribution_events e USING (incident_id)
            WHERE e.kind IN ('claimed', 'denied')
            ORDER BY s.date, s.incident_id, e.seq""",
        params,
    )


MATCH_ON_PAGE_RECORDS = 250_000  # above this, the pages point to ``python -m dashboard match`` instead


def possible_duplicates(con: duckdb.DuckDBPyConnection) -> dict | None:
    """What the matcher (``dashboard.fusion``, default window) says of the whole store:
    records, links, and attacks once fused; None with one source only. Above
    ``MATCH_ON_PAGE_RECORDS`` records it is not run here (``{"records": n}``)."""
    n, sources = con.execute(
        """SELECT count(*), count(DISTINCT CASE WHEN origin IN ('native', 'manual') THEN 'analyst' ELSE origin END)
           FROM incidents""").fetchone()
    if sources < 2:
        return None
    if n > MATCH_ON_PAGE_RECORDS:
        return {"records": int(n)}
    s = fusion.summary(con)
    return {"records": s["records"], "links": s["links"], "incidents": s["incidents"]}


def dataset_notes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per dataset: incidents now in the store and when its files were last imported."""
    return df(
        con,
        """SELECT i.origin AS dataset, count(*) AS incidents, max(b.imported_at) AS last_imported,
                  min(i.date) AS first_date, max(i.date) AS last_date
           FROM incidents i LEFT JOIN import_batches b USING (batch_id) GROUP BY ALL ORDER BY dataset""",
    )


# --- rivalry ---------------------------------------------------------------------
def _rivalry_sides(f: Filter, a: str, b: str) -> tuple[str, list]:
    """SQL for one row per incident and side (``a`` or ``b``, each with its factions)
    under the selection's basis; the selection's own group filter is replaced by the
    two sides. Columns: incident_key, side, date, country, province, district,
    killed, attack_type, target_type, claimed (the side claimed it)."""
    rows, params = _rows(f.with_(groups=()), "incident_groups", "g")
    parts, all_params = [], []
    for side in (a, b):
        parts.append(
            f"""SELECT g.incident_key, ?::VARCHAR AS side, any_value(g.date) AS date, any_value(g.country) AS country,
                       any_value(g.province) AS province, any_value(g.district) AS district,
                       any_value(g.killed) AS killed, any_value(g.attack_type) AS attack_type,
                       any_value(g.target_type) AS target_type, bool_or(g.claimed) AS claimed
                {rows} AND g.{_flag(f)} AND (g.group_id = ? OR g.root_id = ?)
                GROUP BY g.incident_key"""
        )
        all_params += [side] + params + [side, side]
    return " UNION ALL ".join(parts), all_params


# Over the side rows ``s``: ``d``, each claimed (incident, side)'s first dated claim; ``fs``, the
# root of the group officials first suspected, for the incidents a side claimed.
_RIVALRY_CLAIM_CTES = """
d AS (SELECT s.incident_key, s.side, min(cd.statement_date) AS claim_date
      FROM s JOIN claim_delays cd ON cd.incident_key = s.incident_key AND (cd.group_id = s.side OR cd.root_id = s.side)
      WHERE s.claimed GROUP BY ALL),
fs AS (SELECT c.incident_key, coalesce(r.root_id, c.first_suspected) AS first_suspected_root
       FROM incident_claims c LEFT JOIN group_roots r ON r.group_id = c.first_suspected
       WHERE c.first_suspected IS NOT NULL AND c.incident_key IN (SELECT incident_key FROM s WHERE s.claimed))"""


def rivalry_rows(con: duckdb.DuckDBPyConnection, f: Filter, a: str, b: str) -> pd.DataFrame:
    """The rows the rivalry measures are computed from, one per incident and side, with
    claim_date and first_suspected_root where the side claimed it (for checking; the
    measures themselves are aggregated in SQL by ``rivalry_measures``)."""
    sides, params = _rivalry_sides(f, a, b)
    return df(con, f"""WITH s AS ({sides}), {_RIVALRY_CLAIM_CTES}
                       SELECT s.*, d.claim_date, CASE WHEN s.claimed THEN fs.first_suspected_root END
                              AS first_suspected_root
                       FROM s LEFT JOIN d USING (incident_key, side) LEFT JOIN fs USING (incident_key)
                       ORDER BY s.date, s.incident_key, s.side""", params)


# One query, one pass over the two sides' rows: every descriptive measure as a long table
# of small parts (``part`` says which), split and shaped by ``dashboard.rivalry``.
# ``{sides}`` is a fixed SQL text (the store's rows, or a test's), ``{claims}`` _RIVALRY_CLAIM_CTES;
# ``{area}`` is the word province or district; the values are parameters.
_RIVALRY_SUMMARY = """
WITH args AS (SELECT ?::VARCHAR AS a, ?::VARCHAR AS b, ?::VARCHAR AS freq, ?::INTEGER AS mass),
s AS MATERIALIZED ({sides}),
p AS (SELECT s.*, date_trunc(args.freq, s.date)::DATE AS period,
             CASE WHEN s.side = args.a THEN args.b ELSE args.a END AS other, args.mass FROM s, args),
{claims},
placed AS (SELECT side, other, {area} AS area, date, count(*) AS n FROM p WHERE {area} IS NOT NULL GROUP BY ALL)
SELECT 'period' AS part, side, period, count(*) AS n, sum(killed) AS killed,
       quantile_cont(killed, 0.5) AS median_killed, quantile_cont(killed, 0.25) AS q1_killed,
       quantile_cont(killed, 0.75) AS q3_killed,
       avg(coalesce(attack_type ILIKE '%suicide%', FALSE)::INT) AS suicide_share,
       avg((coalesce(killed, 0) >= mass)::INT) AS mass_casualty_share
FROM p GROUP BY side, period
UNION ALL BY NAME
SELECT 'area' AS part, side, period, {area_keys}, count(*) AS n FROM p GROUP BY ALL
UNION ALL BY NAME
SELECT 'target' AS part, side, period, target_type, count(*) AS n FROM p GROUP BY ALL
UNION ALL BY NAME
SELECT 'gap' AS part, m.side, (t.date - m.date)::INTEGER AS gap, sum(m.n) AS n
FROM placed m ASOF LEFT JOIN placed t ON t.side = m.other AND t.area = m.area AND t.date > m.date
GROUP BY ALL
UNION ALL BY NAME
SELECT 'claims' AS part, p.side, count(*) AS n, count(*) FILTER (WHERE p.claimed) AS claimed,
       quantile_cont(d.claim_date - p.date, 0.5) FILTER (WHERE p.claimed AND d.claim_date >= p.date) AS median_days,
       count(*) FILTER (WHERE p.claimed AND fs.first_suspected_root = p.other) AS blamed
FROM p LEFT JOIN d USING (incident_key, side) LEFT JOIN fs USING (incident_key) GROUP BY ALL
UNION ALL BY NAME
SELECT 'competing' AS part, NULL AS side, count(*) AS n
FROM (SELECT incident_key FROM p WHERE claimed GROUP BY ALL HAVING count(DISTINCT side) > 1)
"""


def rivalry_summary(con: duckdb.DuckDBPyConnection, sides_sql: str, params: list, a: str, b: str, freq: str,
                    level: str) -> dict[str, pd.DataFrame]:
    """The descriptive rivalry parts (period, area, target, gap, claims, competing) as
    small DataFrames, from one query over ``sides_sql`` (a fixed SQL text with the
    columns of ``_rivalry_sides``; ``params`` its values). ``freq``: month, quarter or
    year; ``level``: province or district (the area time-to-next compares)."""
    if freq not in ("month", "quarter", "year") or level not in ("province", "district"):
        raise ValueError(f"unknown period or level: {freq!r}, {level!r}")
    keys = "country, province" + (", district" if level == "district" else "")
    sql = _RIVALRY_SUMMARY.format(sides=sides_sql, claims=_RIVALRY_CLAIM_CTES,
                                  area=level, area_keys=keys)
    out = df(con, sql, [a, b, freq, R.MASS_CASUALTY] + params)
    return {part: rows.drop(columns="part").dropna(axis=1, how="all").reset_index(drop=True)
            for part, rows in out.groupby("part", sort=False)}


def rivalry_measures(con: duckdb.DuckDBPyConnection, f: Filter, a: str = "TTP", b: str = "ISKP",
                     freq: str = "quarter", level: str = "province") -> dict:
    """The rivalry page's descriptive measures for sides ``a`` and ``b``
    (``dashboard.rivalry``), aggregated in DuckDB, as one answer cached by the app
    per (selection, data version) like any other question. Lead and lag:
    ``rivalry_models``."""
    sides = (a, b)
    sides_sql, params = _rivalry_sides(f, a, b)
    parts = rivalry_summary(con, sides_sql, params, a, b, freq, level)
    areas, overlap = R.geography(parts.get("area"), level, sides)
    rows, row_params = _rows(f.with_(groups=()), "incident_groups", "g")
    unspecified = con.execute(
        f"""SELECT g.group_id, count(DISTINCT g.incident_key) {rows} AND g.{_flag(f)}
            AND g.group_id IN (SELECT group_id FROM groups WHERE name ILIKE '%(branch not specified)%')
            AND NOT list_contains(?, g.root_id) GROUP BY ALL ORDER BY 1""", row_params + [list(sides)]).fetchall()
    return {
        "sides": sides, "freq": freq, "level": level, "incidents": R.incidents(parts.get("period"), sides),
        "share": R.share(parts.get("period"), sides), "severity": R.severity(parts.get("period")),
        "targets": R.targets(parts.get("target")), "areas": areas, "overlap": overlap,
        "claims": R.claims(parts.get("claims"), parts.get("competing"), sides),
        "time_to_next": R.time_to_next(parts.get("gap"), sides),
        # incidents of a group whose branch the data does not give (IS): counted for neither side
        "branch_not_specified": {g: int(n) for g, n in unspecified},
    }


def rivalry_daily(con: duckdb.DuckDBPyConnection, f: Filter, a: str, b: str) -> tuple[pd.DataFrame, float]:
    """(incidents per day and side, the share of those rows dated to the day)."""
    sides_sql, params = _rivalry_sides(f, a, b)
    daily = df(con, f"WITH s AS ({sides_sql}) SELECT date, side, count(*) AS n FROM s WHERE date IS NOT NULL "
                    "GROUP BY ALL ORDER BY date", params)
    exact = con.execute(f"""WITH s AS ({sides_sql})
                            SELECT coalesce(avg((i.date_precision = 'day')::INT), 1) FROM s
                            JOIN incidents i USING (incident_key)""", params).fetchone()[0]
    return daily, float(exact)


def rivalry_models(con: duckdb.DuckDBPyConnection, f: Filter, a: str = "TTP", b: str = "ISKP",
                   replicates: int = R.BOOTSTRAP) -> dict:
    """Lead and lag for sides ``a`` and ``b``: weekly cross-correlation, Granger tests
    both ways and the two-group Hawkes model (``dashboard.rivalry``), cached per
    (selection, data version). ``replicates``: bootstrap replicates for the Hawkes
    intervals (0: the estimates only, under a second; 30: a few seconds)."""
    sides = (a, b)
    daily, exact = rivalry_daily(con, f, a, b)
    weekly = R.weekly_counts(daily, sides)
    counts, step = R.daily_or_weekly(daily, exact, sides)
    return {
        "cross_correlation": R.cross_correlation(weekly, sides) if len(weekly) else
        pd.DataFrame(columns=["lag_weeks", "correlation", "band"]),
        "granger": R.granger(weekly, sides) if len(weekly) else {},
        "hawkes": R.hawkes(counts, sides, step, replicates=replicates),
    }

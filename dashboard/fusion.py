"""Which stored incidents are the same attack reported by different datasets.

The first part of fusing reports (ACLED, UCDP GED, GTD, the analyst's own log and
the embedded data) into one incident per attack: the matcher. It reads the store
and writes nothing; counting still counts every stored record (the Dataset filter
avoids double counting meanwhile). Method and measured accuracy: docs/matching.md.

Candidates come from different sources (``native`` and ``manual`` are one, the
analyst's log) in the same country whose dates can be the same day: each record
covers the days of its precision (a day; a week; a month) widened by the window's
``days``, and the pair shares at least one. They are found by hash joins in DuckDB,
never a loop over pairs: records with the source's coordinates and a day meet in
grid cells about the window's ``km`` wide (and the eight around); the others meet
the records of their district, or of their province where one names no district.
Records dated only to the year are not matched (left to the analyst).

A candidate is kept when its places agree: both with the source's own coordinates
within ``km`` (great circle); otherwise the same district where both name one, else
the same province. Groups must not clearly differ: the families of the groups each
record names (a faction counts as its parent; IS, ISKP and ISPP are one family)
overlap, or one record names none.

Score (0–1), a weighted sum: date 0.3 (same day 1, a day apart 0.5, overlap of
coarser dates 0.5), place 0.3 (coordinates: 1 − distance/km; same district 0.7;
same province 0.4), killed 0.15 (1 − |a − b| / max(a, b); one unknown 0.5), attack
type 0.1 (same 1, one unknown 0.5, else 0), group 0.15 (a shared family 1, one
unknown 0.5). A link is a pair at or above the threshold that is each side's best
candidate from the other's source (one-to-one per pair of sources); the others
above half the threshold are kept as runners-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from .filters import great_circle_km_sql

METHOD_VERSION = "match-1"
ANALYST = ("native", "manual")  # the analyst's own log: one source


@dataclass(frozen=True)
class Window:
    """How far apart two reports of one attack may be: ``days`` around each date's
    span, ``km`` between source coordinates, and the score a link needs."""

    name: str
    days: int
    km: float
    threshold: float


WINDOWS = {
    "strict": Window("strict", 0, 2.0, 0.75),
    "default": Window("default", 1, 5.0, 0.6),
    "loose": Window("loose", 2, 25.0, 0.45),
}

_CANDIDATES = """
WITH inc AS (
    SELECT i.incident_key, i.incident_id,
           CASE WHEN i.origin IN ('native', 'manual') THEN 'analyst' ELSE i.origin END AS source,
           i.date, i.date_precision, i.country, i.province, i.district, i.killed, i.attack_type,
           CASE WHEN i.placed_at IS NULL AND NOT coalesce(i.location_approximate, FALSE) THEN i.latitude END AS lat,
           CASE WHEN i.placed_at IS NULL AND NOT coalesce(i.location_approximate, FALSE) THEN i.longitude END AS lon,
           i.date AS lo,
           CASE i.date_precision WHEN 'week' THEN i.date + 6
                                 WHEN 'month' THEN last_day(i.date)
                                 WHEN 'year' THEN make_date(year(i.date), 12, 31)
                                 ELSE i.date END AS hi
    FROM incidents i WHERE i.date IS NOT NULL AND i.country IS NOT NULL
),
fam AS (
    SELECT g.incident_key, list(DISTINCT coalesce(r.family_id, g.root_id) ORDER BY 1) AS families
    FROM incident_groups g LEFT JOIN group_roots r USING (group_id)
    WHERE g.claimed OR g.suspected OR g.attributed OR g.responsible
    GROUP BY 1
),
-- Blocking, so that no pass compares every record with every other of its province:
-- "pointed" records (the source's coordinates, dated to the day) meet in grid cells of
-- about the window's km (each record of one side looks in its cell and the eight around
-- it); the others meet the records of their district (or, without a district, of
-- their province) on every day their date can mean. Records dated only to the year are
-- left to the analyst.
keyed AS (SELECT *, lat IS NOT NULL AND date_precision = 'day' AS pointed,
                 floor(lat / $cell)::BIGINT AS cy, floor(lon / $cell)::BIGINT AS cx,
                 coalesce(province, '') AS prov
          FROM inc WHERE date_precision IS DISTINCT FROM 'year'),
p_a AS (SELECT incident_key, source, country, cy + dy AS cy, cx + dx AS cx,
               unnest(generate_series(date - $days::INTEGER, date + $days::INTEGER, INTERVAL 1 DAY))::DATE AS day
        FROM keyed, (SELECT unnest([-1, 0, 1]) AS dy), (SELECT unnest([-1, 0, 1]) AS dx) WHERE pointed),
p_b AS (SELECT incident_key, source, country, cy, cx, date AS day FROM keyed WHERE pointed),
d_a AS (SELECT incident_key, source, country, prov, district, pointed,
               unnest(generate_series(lo - $days::INTEGER, hi + $days::INTEGER, INTERVAL 1 DAY))::DATE AS day
        FROM keyed),
d_b AS (SELECT incident_key, source, country, prov, district, pointed,
               unnest(generate_series(lo, hi, INTERVAL 1 DAY))::DATE AS day
        FROM keyed),
pairs AS (
    SELECT DISTINCT a_key, b_key FROM (
        SELECT a.incident_key AS a_key, b.incident_key AS b_key
        FROM p_a a JOIN p_b b ON a.country = b.country AND a.cy = b.cy AND a.cx = b.cx AND a.day = b.day
                              AND a.source <> b.source
        UNION ALL  -- not both pointed, both with a district: the same district
        SELECT a.incident_key, b.incident_key
        FROM (SELECT * FROM d_a WHERE NOT pointed AND district IS NOT NULL) a
        JOIN d_b b ON a.country = b.country AND a.prov = b.prov AND a.district = b.district
                   AND a.day = b.day AND a.source <> b.source
        UNION ALL
        SELECT a.incident_key, b.incident_key
        FROM (SELECT * FROM d_a WHERE pointed AND district IS NOT NULL) a
        JOIN (SELECT * FROM d_b WHERE NOT pointed) b ON a.country = b.country AND a.prov = b.prov
                   AND a.district = b.district AND a.day = b.day AND a.source <> b.source
        UNION ALL  -- one without a district: the province
        SELECT a.incident_key, b.incident_key
        FROM (SELECT * FROM d_a WHERE district IS NULL) a
        JOIN d_b b ON a.country = b.country AND a.prov = b.prov AND a.day = b.day AND a.source <> b.source
        UNION ALL
        SELECT a.incident_key, b.incident_key
        FROM d_a a JOIN (SELECT * FROM d_b WHERE district IS NULL) b
          ON a.country = b.country AND a.prov = b.prov AND a.day = b.day AND a.source <> b.source
    ) x
    -- each pair once, in source order
    JOIN keyed ka ON ka.incident_key = x.a_key JOIN keyed kb ON kb.incident_key = x.b_key
    WHERE ka.source < kb.source
),
scored AS (
    SELECT a.incident_id AS a_id, b.incident_id AS b_id, a.source AS a_source, b.source AS b_source,
           a.date AS a_date, b.date AS b_date, a.killed AS a_killed, b.killed AS b_killed,
           CASE WHEN a.lat IS NOT NULL AND b.lat IS NOT NULL THEN {distance} END AS km,
           a.district IS NOT NULL AND b.district IS NOT NULL AS both_districts,
           a.district = b.district AS same_district,
           a.province = b.province AS same_province,
           a.date_precision = 'day' AND b.date_precision = 'day' AS both_days,
           abs(a.date - b.date) AS days_apart,
           a.attack_type, b.attack_type AS b_attack_type,
           fa.families AS a_families, fb.families AS b_families
    FROM pairs p JOIN inc a ON a.incident_key = p.a_key JOIN inc b ON b.incident_key = p.b_key
    LEFT JOIN fam fa ON fa.incident_key = a.incident_key LEFT JOIN fam fb ON fb.incident_key = b.incident_key
),
kept AS (
    SELECT *,
           CASE WHEN km IS NOT NULL THEN greatest(0, 1 - km / $km)
                WHEN both_districts AND same_district THEN 0.7
                WHEN same_province THEN 0.4 ELSE 0 END AS place_score,
           CASE WHEN both_days AND days_apart = 0 THEN 1.0 WHEN both_days THEN 0.5 ELSE 0.5 END AS date_score,
           CASE WHEN a_killed IS NULL OR b_killed IS NULL THEN 0.5
                ELSE 1 - abs(a_killed - b_killed) / greatest(a_killed, b_killed, 1) END AS killed_score,
           CASE WHEN attack_type IS NULL OR b_attack_type IS NULL THEN 0.5
                WHEN attack_type = b_attack_type THEN 1.0 ELSE 0 END AS type_score,
           CASE WHEN a_families IS NULL OR b_families IS NULL THEN 0.5
                WHEN len(list_intersect(a_families, b_families)) > 0 THEN 1.0 ELSE 0 END AS group_score
    FROM scored
    WHERE (both_days IS NOT TRUE OR days_apart <= $days)
      AND (CASE WHEN km IS NOT NULL THEN km <= $km
                WHEN both_districts THEN same_district
                ELSE coalesce(same_province, TRUE) END)
      AND (a_families IS NULL OR b_families IS NULL OR len(list_intersect(a_families, b_families)) > 0)
)
SELECT a_id, b_id, a_source, b_source, a_date, b_date, a_killed, b_killed, round(km, 2) AS km,
       round(0.3 * date_score + 0.3 * place_score + 0.15 * killed_score + 0.1 * type_score
             + 0.15 * group_score, 3) AS score
FROM kept
"""


def _candidates_sql() -> str:
    return _CANDIDATES.format(distance=great_circle_km_sql("a.lat", "a.lon", "b.lat", "b.lon"))


def _cell(window: Window) -> float:
    """Grid cell in degrees: at least the window's km wide (111 km a degree of latitude;
    a degree of longitude is shorter, so a cell is wider than needed, never narrower)."""
    return max(window.km, 1.0) / 111.0 * 1.01


def candidates(con: duckdb.DuckDBPyConnection, window: Window = WINDOWS["default"]) -> pd.DataFrame:
    """Every candidate pair with its score (columns a_id, b_id, a_source, b_source,
    a_date, b_date, a_killed, b_killed, km, score), best first."""
    sql = _candidates_sql()
    out = con.execute(sql, {"days": window.days, "km": window.km, "cell": _cell(window)}).df()
    return out.sort_values(["score", "a_id", "b_id"], ascending=[False, True, True], ignore_index=True)


_LINKS = """
WITH cand AS ({candidates}),
ranked AS (
    SELECT *, count(*) OVER () AS n_candidates,
           row_number() OVER (PARTITION BY a_id, b_source ORDER BY score DESC, b_id) AS ra,
           row_number() OVER (PARTITION BY b_id, a_source ORDER BY score DESC, a_id) AS rb
    FROM cand
),
marked AS (SELECT *, ra = 1 AND rb = 1 AND score >= $threshold AS linked FROM ranked),
others AS (SELECT a_id, b_id FROM marked WHERE NOT linked AND score >= $threshold / 2),
runner AS (SELECT id, count(*) AS n FROM (SELECT a_id AS id FROM others UNION ALL SELECT b_id FROM others)
           GROUP BY 1)
SELECT m.a_id, m.b_id, m.a_source, m.b_source, m.a_date, m.b_date, m.a_killed, m.b_killed, m.km, m.score,
       (coalesce(ra_.n, 0) + coalesce(rb_.n, 0))::INTEGER AS runners_up, m.n_candidates,
       (SELECT count(*) FROM others) AS n_runners_up
FROM marked m LEFT JOIN runner ra_ ON ra_.id = m.a_id LEFT JOIN runner rb_ ON rb_.id = m.b_id
WHERE m.linked
ORDER BY m.score DESC, m.a_id, m.b_id
"""


@dataclass
class Match:
    """The matcher's answer: ``links`` (a_id, b_id, their sources, dates and killed, km,
    score, runners_up, method, decided_by) and how many candidates and runners-up."""

    links: pd.DataFrame
    candidates: int
    runners_up: int


def match(con: duckdb.DuckDBPyConnection, window: Window = WINDOWS["default"]) -> Match:
    """Links one-to-one per pair of sources by best score (see the module docstring),
    all in DuckDB: only the links come back, so memory stays with the link count."""
    sql = _LINKS.format(candidates=_candidates_sql())
    out = con.execute(sql, {"days": window.days, "km": window.km, "cell": _cell(window),
                            "threshold": window.threshold}).df()
    n_candidates = int(out["n_candidates"].iloc[0]) if len(out) else 0
    n_runners = int(out["n_runners_up"].iloc[0]) if len(out) else 0
    if not len(out):  # no link: the counts from the candidates themselves
        pairs = candidates(con, window)
        n_candidates, n_runners = len(pairs), int((pairs["score"] >= window.threshold / 2).sum())
    links = out.drop(columns=["n_candidates", "n_runners_up"]).assign(method=METHOD_VERSION, decided_by="matcher")
    return Match(links, n_candidates, n_runners)


def clusters(linked: pd.DataFrame) -> dict[str, str]:
    """Each linked record's cluster (the smallest record id in it), by union-find."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(linked["a_id"], linked["b_id"]):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def summary(con: duckdb.DuckDBPyConnection, window: Window = WINDOWS["default"]) -> dict:
    """What matching would do: records, candidates, links, and incidents after fusing
    (records that no link touches count one each)."""
    records = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    m = match(con, window)
    linked = m.links
    groups = clusters(linked)
    merged = len(groups) - len(set(groups.values()))
    sizes = pd.Series(list(groups.values())).value_counts().value_counts().sort_index() if groups else pd.Series()
    return {"window": window.name, "days": window.days, "km": window.km, "threshold": window.threshold,
            "method": METHOD_VERSION, "records": int(records), "candidates": m.candidates,
            "links": int(len(linked)), "runners_up": m.runners_up, "incidents": int(records - merged),
            "reports_per_incident": {str(k): int(v) for k, v in sizes.items()},
            "links_by_sources": {f"{a}~{b}": int(n) for (a, b), n in
                                 linked.groupby(["a_source", "b_source"]).size().items()} if len(linked) else {}}

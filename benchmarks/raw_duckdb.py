"""The raw DuckDB baseline: the pages' questions as hand-written SQL against the same
schema (derived tables included), one statement per question, results fetched as
Arrow, no pandas and no figures: the lower bound for the app's queries.

Answers about the whole store (the date range, group colours, About's coverage and
group tables) are computed once per process, as the app caches them per data
version (``benchmarks.app``).
"""

from __future__ import annotations

from datetime import timedelta

from .filters import PAGES, benchmark_filters, last_date
from .payload import loop

_STORE_ANSWERS: dict = {}


def _once(key: str, fn):
    if key not in _STORE_ANSWERS:
        _STORE_ANSWERS[key] = fn()
    return _STORE_ANSWERS[key]


def _raw_where(f) -> tuple[str, list]:
    """The selection as hand-written SQL (no Filter.where): what a DuckDB user would write."""
    w, p = ["TRUE"], []
    if f.date_from:
        w.append("date >= ?"); p.append(f.date_from)  # noqa: E702
    if f.date_to:
        w.append("date <= ?"); p.append(f.date_to)  # noqa: E702
    for col, values in (("country", f.countries), ("province", f.provinces),
                        ("attack_type", f.attack_types), ("target_type", f.target_types)):
        if values:
            w.append(f"{col} IN ({', '.join('?' * len(values))})"); p.extend(values)  # noqa: E702
    if f.districts:  # the boundary district or the district as the source wrote it
        ph = ", ".join("?" * len(f.districts))
        w.append(f"(district IN ({ph}) OR district_as_written IN ({ph}))"); p.extend(f.districts * 2)  # noqa: E702
    if f.min_killed:
        w.append("killed >= ?"); p.append(f.min_killed)  # noqa: E702
    cols = ("place", "district", "district_as_written", "province", "summary", "attribution_note", "killed_note")
    if f.q and " " in f.q:
        w.append(f"contains(lower(concat_ws(' ', {', '.join(cols)})), ?)")
        p.append(f.q.lower())
    elif f.q:
        w.append("coalesce(" + " OR ".join(f"contains(lower({c}), ?)" for c in cols) + ", FALSE)")
        p.extend([f.q.lower()] * len(cols))
    flag = "claimed" if f.basis == "claimed" else "responsible"
    if f.groups:
        ph = ", ".join("?" * len(f.groups))
        w.append(f"incident_key IN (SELECT incident_key FROM incident_groups WHERE {flag} "
                 f"AND (group_id IN ({ph}) OR root_id IN ({ph})))")
        p.extend(f.groups); p.extend(f.groups)  # noqa: E702
    elif f.basis == "claimed":
        w.append("incident_key IN (SELECT incident_key FROM incident_groups WHERE claimed)")
    return " AND ".join(w), p


def raw_page(con, page: str, f) -> None:
    """The page's questions as plain SQL, results fetched as Arrow (no pandas, no figures)."""
    w, p = _raw_where(f)
    sel = f"(SELECT * FROM incidents WHERE {w})"

    def arrow(sql, params=()):
        return con.sql(sql, params=list(params)).to_arrow_table()

    def one(sql, params=()):
        return con.execute(sql, list(params)).fetchall()[0]

    def colours():
        return _once("colours", lambda: arrow("SELECT group_id, colour FROM groups"))

    def rows(table, where=w, params=p):
        """FROM a derived table for the selection: its own columns answer every filter
        but a text search, which needs the incidents' text (a semi join)."""
        if not f.q:
            return f"FROM {table} WHERE {where}", params
        return f"FROM {table} WHERE incident_key IN (SELECT incident_key FROM incidents WHERE {where})", params

    lo, hi = _once("range", lambda: one("SELECT min(date), max(date) FROM incidents"))  # the sidebar's
    groups_ph = ", ".join("?" * len(f.groups))
    gclause = f" AND (g.group_id IN ({groups_ph}) OR g.root_id IN ({groups_ph}))" if f.groups else ""
    gparams = list(f.groups) * 2
    flag = "claimed" if f.basis == "claimed" else "responsible"
    rclause = f" AND root_id IN ({groups_ph})" if f.groups else ""
    if page in ("overview", "map", "timeline"):  # district_summary
        one(f"SELECT count(*), count(district), count(*) FILTER (WHERE location_precision = 'district' "
            f"AND location_approximate) FROM {sel}", p)
    if page == "overview":
        if f.date_from:
            start, end = f.date_from, f.date_to or hi
            days = (end - start).days + 1
            w2, p2 = _raw_where(f.with_(date_from=start - timedelta(days=days)))
            src, sp = rows("incident_claims", w2, p2)
            n = one(f"""SELECT count(*) FILTER (WHERE date >= ?), sum(killed) FILTER (WHERE date >= ?),
                               sum(injured) FILTER (WHERE date >= ?),
                               count(*) FILTER (WHERE date >= ? AND claim_status = 'claimed'),
                               count(*) FILTER (WHERE date < ?), sum(killed) FILTER (WHERE date < ?),
                               sum(injured) FILTER (WHERE date < ?),
                               count(*) FILTER (WHERE date < ? AND claim_status = 'claimed')
                        {src}""", [start] * 8 + sp)[0]
        else:
            src, sp = rows("incident_claims")
            n = one(f"SELECT count(*), sum(killed), sum(injured), count(*) FILTER (WHERE claim_status = 'claimed') "
                    f"{src}", sp)[0]
        if not n:
            return
        arrow(f"SELECT s.*, c.* FROM (SELECT * FROM {sel} ORDER BY date DESC, killed DESC NULLS LAST LIMIT 12) s "
              "LEFT JOIN incident_claims c USING (incident_key) ORDER BY s.date DESC, s.killed DESC NULLS LAST", p)
        arrow(f"SELECT country, province, count(*), sum(killed), sum(injured) FROM {sel} "
              "WHERE province IS NOT NULL GROUP BY ALL ORDER BY 3 DESC", p)
    elif page == "map":
        arrow(f"SELECT country, province, count(*), sum(killed), sum(injured) FROM {sel} "
              "WHERE province IS NOT NULL GROUP BY ALL ORDER BY 3 DESC", p)
        grid = arrow(f"SELECT round(latitude * 4) / 4, round(longitude * 4) / 4, count(*) AS n, sum(killed) "
                     f"FROM {sel} WHERE latitude IS NOT NULL GROUP BY ALL", p)
        if sum(grid.column("n").to_pylist()) <= 3000:
            arrow(f"""SELECT s.incident_id, s.date, s.place, s.district, s.province, s.country, s.latitude,
                             s.longitude, s.killed, s.injured, s.attack_type, s.location_approximate,
                             c.claim_status, coalesce(c.claimed_by, c.attributed_to) AS groups,
                             r.root_id AS main_group
                      FROM {sel} s LEFT JOIN incident_claims c USING (incident_key)
                      LEFT JOIN group_roots r ON r.group_id = split_part(coalesce(c.claimed_by, c.attributed_to), ', ', 1)
                      WHERE s.latitude IS NOT NULL ORDER BY s.date""", p)
        colours()
    elif page == "timeline":
        src, sp = rows("incident_roots")  # the benchmark's groups are all top-level groups
        arrow(f"""SELECT date_trunc('quarter', date) AS period, root_id, count(*), sum(killed), sum(injured)
                  {src} AND {flag} {rclause} GROUP BY ALL ORDER BY 1, 2""", sp + list(f.groups))
        arrow("SELECT * FROM milestones WHERE (? IS NULL OR date >= ?) AND (? IS NULL OR date <= ?)",
              [f.date_from, f.date_from, f.date_to, f.date_to])
        colours()
        arrow(f"SELECT date_trunc('quarter', date), coalesce(province, 'Unknown'), count(*), sum(killed), sum(injured) "
              f"FROM {sel} GROUP BY ALL ORDER BY 1, 2", p)
    elif page == "claims":
        w_s, p_s = _raw_where(f.with_(basis="attributed") if f.basis == "claimed" and not f.groups else f)
        src, sp = rows("incident_claims", w_s, p_s)
        st = arrow(f"SELECT claim_status, count(*), sum(killed) {src} GROUP BY ALL", sp)
        if st.num_rows == 0:
            return
        src, sp = rows("incident_roots")
        arrow(f"""SELECT root_id, count(*) FILTER (WHERE claimed), count(*) FILTER (WHERE denied),
                         count(*) FILTER (WHERE suspected_only), count(*)
                  {src} {rclause} GROUP BY ALL ORDER BY 5 DESC""", sp + list(f.groups))
        arrow(f"""SELECT s.incident_id, s.date, s.province, s.district, s.place, s.killed,
                         c.first_suspected, c.claimed_by, c.denied_by
                  FROM {sel} s JOIN claim_mismatches c USING (incident_key)
                  ORDER BY s.date DESC LIMIT 500""", p)
        dclause = gclause.replace("g.group_id", "group_id").replace("g.root_id", "root_id")
        src, sp = rows("claim_delays")
        summary = arrow(f"""SELECT root_id, count(*) AS n, quantile_cont(days, 0.25), median(days),
                                   quantile_cont(days, 0.75), min(days), max(days)
                            {src} {dclause} GROUP BY ALL ORDER BY 2 DESC""", sp + gparams)
        if sum(summary.column("n").to_pylist()) <= 1500:
            arrow(f"""SELECT d.incident_id, d.date, i.place, d.root_id, d.group_id, d.channel, d.statement_date,
                             d.days
                      FROM (SELECT * {src} {dclause}) d JOIN incidents i USING (incident_key)
                      ORDER BY d.date""", sp + gparams)
        colours()
    elif page == "incidents":
        n = one(f"SELECT count(*) FROM {sel}", p)[0]
        if n:
            arrow(f"SELECT s.*, c.* FROM (SELECT * FROM {sel} ORDER BY date DESC, killed DESC NULLS LAST LIMIT 500) s "
                  "LEFT JOIN incident_claims c USING (incident_key) ORDER BY s.date DESC, s.killed DESC NULLS LAST", p)
    elif page == "about":
        _once("raw coverage", lambda: arrow(
            "SELECT origin, country, count(*), min(date), max(date), count(*) FILTER (WHERE location_approximate) "
            "FROM incidents GROUP BY ALL ORDER BY 1, 2"))
        _once("raw groups", lambda: arrow(
            "SELECT g.*, n FROM groups g LEFT JOIN (SELECT group_id, count(DISTINCT incident_key) AS n "
            "FROM incident_groups GROUP BY ALL) USING (group_id) ORDER BY n DESC NULLS LAST, group_id"))
        arrow("SELECT * FROM milestones ORDER BY date")


def raw_headline(con, f) -> tuple[int, int]:
    w, p = _raw_where(f)
    n, k = con.execute(f"SELECT count(*), coalesce(sum(killed), 0) FROM incidents WHERE {w}", p).fetchone()
    return int(n), int(k)


def phase_raw(db: str, repeat: int) -> dict:
    import duckdb

    con = duckdb.connect(db, read_only=True)
    flist = benchmark_filters(last_date(con))
    for page in PAGES:
        raw_page(con, page, flist[0][1])
    samples = loop(lambda page, f: raw_page(con, page, f), PAGES, flist, repeat)
    heads = {label: list(raw_headline(con, f)) for label, f in flist}
    con.close()
    return {"samples": samples, "headline": heads}

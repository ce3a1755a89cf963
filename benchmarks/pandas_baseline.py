"""The pandas baseline: the pages' questions answered the way typical Streamlit
dashboards answer them: one DataFrame in memory (what they keep in
``st.cache_data``; low-cardinality text as categoricals), boolean masks and
groupby, and the same figures built with ``dashboard.figures``.

Answers about the whole store (the date range, About's coverage and group tables)
are computed once per process, as the app caches them per data version.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from .filters import PAGES, benchmark_filters
from .payload import Sample, loop

_STORE_ANSWERS: dict = {}


def _once(key: str, fn):
    if key not in _STORE_ANSWERS:
        _STORE_ANSWERS[key] = fn()
    return _STORE_ANSWERS[key]


def _shown(df, columns):
    """The table as the app sends it (``pagedata.shown``: readable labels, shown
    columns only); categoricals as text first, as a dashboard would have to."""
    from dashboard import pagedata

    cats = [c for c in df.columns if str(df[c].dtype) == "category"]
    return pagedata.shown(df.astype({c: object for c in cats}), columns)


class PandasData:
    """What a typical Streamlit dashboard keeps in ``st.cache_data``: the incidents
    with their claim summary as one DataFrame (low-cardinality text as categoricals),
    the incident-group links, and the dated claims."""

    CATEGORIES = ("origin", "date_precision", "country", "province", "district", "attack_type",
                  "target_type", "location_precision", "claim_status")

    def __init__(self, con):
        import pandas as pd

        from dashboard import queries

        self.inc = con.execute(
            """SELECT i.incident_id, i.origin, i.date, i.date_precision, i.country, i.province, i.district,
                      i.district_as_written, i.place, i.latitude, i.longitude, i.location_precision, i.location_approximate,
                      i.attack_type, i.target_type, i.killed, i.injured, i.summary, i.attribution_note,
                      i.killed_note, c.claim_status, c.claimed_by, c.attributed_to, c.denied_by,
                      c.first_suspected, coalesce(c.mismatch, FALSE) AS mismatch
               FROM incidents i LEFT JOIN incident_claims c USING (incident_id)"""
        ).df()
        for col in self.CATEGORIES:
            self.inc[col] = self.inc[col].astype("category")
        self.inc["date"] = pd.to_datetime(self.inc["date"])
        self.ig = con.execute("SELECT * FROM incident_groups").df()
        for col in ("group_id", "root_id"):
            self.ig[col] = self.ig[col].astype("category")
        self.claims = con.execute(
            """SELECT e.incident_id, e.group_id, coalesce(r.root_id, e.group_id) AS "group", e.channel,
                      e.statement_date
               FROM attribution_events e LEFT JOIN group_roots r USING (group_id)
               WHERE e.kind = 'claimed' AND e.statement_date IS NOT NULL AND e.group_id IS NOT NULL"""
        ).df()
        self.claims["statement_date"] = pd.to_datetime(self.claims["statement_date"])
        self.roots = dict(con.execute("SELECT group_id, root_id FROM group_roots").fetchall())
        self.groups = con.execute("SELECT group_id, name, parent_id, colour, note FROM groups").df()
        self.colours = queries.group_colours(con)  # loading, not timed: the app's own colours
        self.milestones = con.execute("SELECT * FROM milestones ORDER BY date").df()
        self.milestones["date"] = pd.to_datetime(self.milestones["date"])


def pandas_mask(data: PandasData, f):
    """The selection as a boolean mask over ``data.inc``."""
    import pandas as pd

    df = data.inc
    m = pd.Series(True, index=df.index)
    if f.date_from:
        m &= df["date"] >= pd.Timestamp(f.date_from)
    if f.date_to:
        m &= df["date"] <= pd.Timestamp(f.date_to)
    for col, values in (("country", f.countries), ("province", f.provinces),
                        ("attack_type", f.attack_types), ("target_type", f.target_types)):
        if values:
            m &= df[col].isin(values)
    if f.districts:  # the boundary district or the district as the source wrote it
        m &= df["district"].isin(f.districts) | df["district_as_written"].isin(f.districts)
    if f.min_killed:
        m &= df["killed"] >= f.min_killed
    if f.q:
        text = (df["place"].fillna("") + " " + df["district"].astype("str").fillna("") + " "
                + df["district_as_written"].fillna("") + " " + df["province"].astype("str").fillna("") + " "
                + df["summary"].fillna("") + " " + df["attribution_note"].fillna("") + " "
                + df["killed_note"].fillna(""))
        m &= text.str.lower().str.contains(f.q.lower(), regex=False)
    flag = "claimed" if f.basis == "claimed" else "responsible"
    if f.groups:
        ig = data.ig
        ids = ig.loc[ig[flag] & (ig["group_id"].isin(f.groups) | ig["root_id"].isin(f.groups)), "incident_id"]
        m &= df["incident_id"].isin(ids)
    elif f.basis == "claimed":
        m &= df["incident_id"].isin(data.ig.loc[data.ig["claimed"], "incident_id"])
    return m.fillna(False).astype(bool)


def _pd_group_links(data: PandasData, sel, f, flag: str | None):
    ig = data.ig
    links = ig[ig["incident_id"].isin(sel["incident_id"])]
    if flag:
        links = links[links[flag]]
    if f.groups:
        links = links[links["group_id"].isin(f.groups) | links["root_id"].isin(f.groups)]
    return links


def _pd_latest(sel, limit):
    return sel.sort_values(["date", "killed"], ascending=[False, False], na_position="last").head(limit)


def _pd_by_area(sel):
    d = sel[sel["province"].notna()]
    out = d.groupby(["country", "province"], observed=True).agg(
        incidents=("incident_id", "size"), killed=("killed", "sum"), injured=("injured", "sum")).reset_index()
    return out.sort_values("incidents", ascending=False)


def pandas_page(data: PandasData, page: str, f, c: Sample) -> None:
    """The same questions, answered with masks and groupby; the same figures built."""
    import pandas as pd

    from dashboard import figures, pagedata
    from dashboard.geo import shapes

    df = data.inc
    t = time.perf_counter()
    # sidebar: its date range and lists are cached per data version, as in the app
    _once("pandas range", lambda: (df["date"].min(), df["date"].max()))
    m = pandas_mask(data, f)
    sel = df[m]
    flag = "claimed" if f.basis == "claimed" else "responsible"
    if page in ("overview", "map", "timeline"):  # district_summary
        len(sel), sel["district"].notna().sum(), ((sel["location_precision"] == "district") & sel["location_approximate"]).sum()
    c.query_s += time.perf_counter() - t

    def timed(fn):
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            c.query_s += time.perf_counter() - t0

    if page == "overview":
        def headline():
            out = [len(sel), sel["killed"].sum(), sel["injured"].sum(), (sel["claim_status"] == "claimed").sum()]
            if f.date_from:
                start, end = f.date_from, f.date_to or df["date"].max().date()
                days = (end - start).days + 1
                prev = df[pandas_mask(data, f.with_(date_from=start - timedelta(days=days),
                                                    date_to=start - timedelta(days=1)))]
                out += [len(prev), prev["killed"].sum()]
            return out
        h = timed(headline)
        if h[0] == 0:
            return
        c.table(_shown(timed(lambda: _pd_latest(sel, 12)), pagedata.LATEST_COLUMNS))
        areas = timed(lambda: _pd_by_area(sel))
        c.send("by_area", figures.area_bars(areas, "incidents", area="province"))
    elif page == "map":
        areas = timed(lambda: _pd_by_area(sel))
        values = shapes.province_index().merge(areas, on=["country", "province"], how="left")
        values["value"] = values["incidents"].fillna(0)
        values["name"] = values["province"] + ", " + values["country"]

        def points():
            pts = sel[sel["latitude"].notna()]
            if len(pts) <= 3000:
                pts = pts.sort_values("date").astype({c: "str" for c in PandasData.CATEGORIES})
                pts["groups"] = pts["claimed_by"].fillna(pts["attributed_to"])
                first = pts["groups"].str.split(", ").str[0]
                pts["main_group"] = first.map(data.roots).fillna(first).fillna("Unattributed")
                pts["groups"] = pts["groups"].fillna("Unattributed")
                return pts, False
            grid = pd.DataFrame({"latitude": (pts["latitude"] * 4).round() / 4,
                                 "longitude": (pts["longitude"] * 4).round() / 4,
                                 "killed": pts["killed"].fillna(0)})
            return grid.groupby(["latitude", "longitude"], as_index=False).agg(
                incidents=("killed", "size"), killed=("killed", "sum")), True
        pts, aggregated = timed(points)
        c.send("map", figures.incident_map(shapes.province_geojson(), values[["id", "name", "value"]], pts,
                                           metric="incidents", aggregated=aggregated, colours=data.colours))
    elif page == "timeline":
        def by_group():
            links = _pd_group_links(data, sel, f, flag)
            links = links[["incident_id", "root_id"]].drop_duplicates()  # a faction and its parent: once
            j = links.merge(sel[["incident_id", "date", "killed", "injured"]], on="incident_id")
            j["period"] = j["date"].dt.to_period("Q").dt.start_time
            return j.groupby(["period", "root_id"], observed=True).agg(
                incidents=("incident_id", "size"), killed=("killed", "sum"), injured=("injured", "sum")
            ).reset_index().rename(columns={"root_id": "series"})
        data_tl = timed(by_group)
        data_tl["series"] = data_tl["series"].astype(str)
        data_tl = figures.top_series(data_tl, "incidents", keep=["TTP", "ISKP"])
        ms = data.milestones
        stones = timed(lambda: ms[ms["date"].between(pd.Timestamp(f.date_from or date.min),
                                                     pd.Timestamp(f.date_to or date.max))])
        c.send("timeline", figures.timeline(data_tl, "incidents", "quarter", colours=data.colours,
                                            milestones=stones, title="Incidents per quarter, by group"))

        def by_province():
            d = sel.assign(period=sel["date"].dt.to_period("Q").dt.start_time,
                           series=sel["province"].astype(str).where(sel["province"].notna(), "Unknown"))
            return d.groupby(["period", "series"], observed=True).agg(
                incidents=("incident_id", "size"), killed=("killed", "sum"), injured=("injured", "sum")).reset_index()
        by_area = timed(by_province)
        if not by_area.empty:
            c.send("by_area", figures.stacked_area_bars(by_area, "incidents", title="Incidents per quarter, by province"))
    elif page == "claims":
        def status():
            s = sel if not (f.basis == "claimed" and not f.groups) else df[pandas_mask(data, f.with_(basis="attributed"))]
            st = s.assign(claim_status=s["claim_status"].astype(str).where(s["claim_status"].notna(), "unclaimed"))
            return st.groupby("claim_status").agg(incidents=("incident_id", "size"), killed=("killed", "sum")
                                                  ).reset_index().sort_values("incidents", ascending=False)
        st = timed(status)
        if st["incidents"].sum() == 0:
            return

        def by_group():
            links = _pd_group_links(data, sel, f, None)
            g = links.groupby("root_id", observed=True)
            out = pd.DataFrame({
                "claimed": links[links["claimed"]].groupby("root_id", observed=True)["incident_id"].nunique(),
                "denied": links[links["denied"]].groupby("root_id", observed=True)["incident_id"].nunique(),
                "suspected_only": links[~links["claimed"] & (links["suspected"] | links["attributed"])]
                .groupby("root_id", observed=True)["incident_id"].nunique(),
                "incidents": g["incident_id"].nunique(),
            }).fillna(0).astype(int)
            return out.reset_index(names="group").sort_values("incidents", ascending=False)
        bg = timed(by_group)
        c.send("claims_by_group", figures.claims_by_group(bg, title="Per group"))
        c.send("claim_status", figures.claim_status(st, "incidents", title="Claimed or not"))

        def mismatches():
            out = sel[sel["mismatch"]]  # the store's precomputed flag, loaded with the frame
            return out.sort_values("date", ascending=False).head(500)[
                ["incident_id", "date", "province", "district", "place", "killed", "first_suspected",
                 "claimed_by", "denied_by"]]
        mm = timed(mismatches)
        if not mm.empty:
            c.table(_shown(mm, pagedata.MISMATCH_COLUMNS))

        def delays():
            cl = data.claims
            if f.groups:
                cl = cl[cl["group_id"].isin(f.groups) | cl["group"].isin(f.groups)]
            s = sel[sel["date_precision"] == "day"][["incident_id", "date", "place"]]
            j = s.merge(cl, on="incident_id")
            j["claimant"] = j["group_id"]
            j["days"] = (j["statement_date"] - j["date"]).dt.days
            g = j.groupby("group", observed=True)["days"]
            summary = pd.DataFrame({"claims": g.size(), "q1": g.quantile(0.25), "median": g.median(),
                                    "q3": g.quantile(0.75), "min": g.min(), "max": g.max()})
            summary = summary[summary["claims"] > 0].reset_index().sort_values("claims", ascending=False)
            points = j.sort_values("date") if len(j) <= 1500 else j.iloc[0:0]
            return points, summary
        dl, dsum = timed(delays)
        c.send("claim_delays", figures.claim_delays(dl, dsum, colours=data.colours))
        if len(dsum):
            c.table(dsum[["group", "claims", "median", "max"]])
    elif page == "incidents":
        if len(sel):
            c.table(_shown(timed(lambda: _pd_latest(sel, 500)), pagedata.LIST_COLUMNS))
    elif page == "about":
        cov = _once("pandas coverage", lambda: timed(lambda: df.groupby(["origin", "country"], observed=True).agg(
            incidents=("incident_id", "size"), first_date=("date", "min"), last_date=("date", "max"),
            approximate_locations=("location_approximate", "sum")).reset_index()))
        c.table(cov)
        gt = _once("pandas groups", lambda: timed(lambda: data.groups.merge(
            data.ig.groupby("group_id", observed=True)["incident_id"].nunique().rename("incidents").reset_index()
            .astype({"group_id": str}), on="group_id", how="left").sort_values("incidents", ascending=False)))
        c.table(gt)
        c.table(data.milestones)


def pandas_headline(data: PandasData, f) -> tuple[int, int]:
    sel = data.inc[pandas_mask(data, f)]
    return int(len(sel)), int(sel["killed"].sum())


def phase_pandas(db: str, repeat: int, filters: int | None = None) -> dict:
    """Load the frames (timed apart), then every page for the first ``filters`` filter
    changes (all when None; it is slow at 10M)."""
    import duckdb

    from .filters import last_date

    t = time.perf_counter()
    con = duckdb.connect(db, read_only=True)
    data = PandasData(con)
    last = last_date(con)
    con.close()
    load_s = time.perf_counter() - t
    flist = benchmark_filters(last)[:filters]
    for page in PAGES:
        pandas_page(data, page, flist[0][1], Sample())

    def one(page, f):
        s = Sample()
        pandas_page(data, page, f, s)
        return s

    samples = loop(one, PAGES, flist, repeat)
    heads = {label: list(pandas_headline(data, f)) for label, f in flist}
    mem = int(data.inc.memory_usage(deep=True).sum() + data.ig.memory_usage(deep=True).sum()
              + data.claims.memory_usage(deep=True).sum())
    return {"samples": samples, "headline": heads, "load_s": load_s, "frame_bytes": mem}

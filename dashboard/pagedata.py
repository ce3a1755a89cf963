"""Each page's data as one function: a Filter (and the page's own choices) in, the
page's answers out: small DataFrames ready to show and Plotly figures.

The pages (``dashboard/views``) call these and lay the results out; the tests
call them to check what a page would show; the benchmark (``benchmarks/``)
times them, so it measures exactly what the app runs. Answers come from an
``Answers``: the app's goes through its cache (``ui.state.answers``), and
``DirectAnswers`` asks the store straight away. No Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import changes as changes_
from . import rivalry as rivalry_
from . import figures, queries
from .filters import Filter, Vocabulary
from .geo import shapes
from .store.db import Store

INCIDENTS_PAGE = 500   # rows per page of the Incidents table: about 100 KB for the browser
LATEST_ROWS = 12       # Overview's latest incidents
LEADING = ("TTP", "ISKP")
# Text columns of incident rows that show an empty cell, never a literal "None".
_NAME_COLUMNS = ("groups", "denied_by", "claimed_by", "attributed_to", "first_suspected", "district", "place")


class Answers:
    """Where a page's data function gets its answers.

    ``ask(name, f, **kwargs)`` is ``queries.<name>(cursor, f, **kwargs)``: a
    question about a selection. ``ask_store(name, *args)`` is
    ``queries.<name>(cursor, *args)``: a question about the whole store.
    """

    def ask(self, name: str, f: Filter, **kwargs):
        raise NotImplementedError

    def ask_store(self, name: str, *args):
        raise NotImplementedError


class DirectAnswers(Answers):
    """Answers straight from the store, uncached (tests, benchmark, command line).

    ``source`` is a ``Store`` (a cursor per question) or one DuckDB connection.
    """

    def __init__(self, source: Store | duckdb.DuckDBPyConnection):
        self.source = source

    def _call(self, name: str, *args, **kwargs):
        if isinstance(self.source, Store):
            con = self.source.cursor()
            try:
                return getattr(queries, name)(con, *args, **kwargs)
            finally:
                con.close()
        return getattr(queries, name)(self.source, *args, **kwargs)

    def ask(self, name: str, f: Filter, **kwargs):
        return self._call(name, f, **kwargs)

    def ask_store(self, name: str, *args):
        return self._call(name, *args)


@dataclass
class PageData:
    """Base of every page's answers: ``sent()`` lists what goes to the browser."""

    def sent(self) -> tuple[dict[str, go.Figure], dict[str, pd.DataFrame]]:
        """(figures, tables) by field name: what the page hands Plotly and st.dataframe."""
        figs, tables = {}, {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, go.Figure):
                figs[f.name] = value
            elif isinstance(value, pd.DataFrame) and f.metadata.get("shown", True):
                tables[f.name] = value
        return figs, tables


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """Incident rows as the tables show them: claim status in words, empty cells
    rather than a literal "None" that reads like a group name."""
    out = df.copy()
    for col in _NAME_COLUMNS:
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    if "claim_status" in out:
        out["status"] = out["claim_status"].map(figures.STATUS_LABELS).fillna("Unclaimed, no attribution")
    return out


def shown(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Only the columns a table shows travel to the browser."""
    out = readable(df)
    return out[[c for c in columns if c in out.columns]]


# Group and killed first after the date and district: visible at 1440 px without scrolling.
LIST_COLUMNS = ["date", "district", "groups", "killed", "injured", "status", "place", "province",
                "attack_type", "target_type", "denied_by", "country", "incident_id"]
LATEST_COLUMNS = ["date", "district", "groups", "killed", "place", "province"]


# --- sidebar --------------------------------------------------------------------
@dataclass
class SidebarData(PageData):
    vocabulary: Vocabulary
    first: date
    last: date
    provinces: list[str]
    districts: list[str]


def sidebar(a: Answers, countries: tuple[str, ...] = (), provinces: tuple[str, ...] = ()) -> SidebarData:
    """What the sidebar offers: every filter value, the data's date range (for the
    presets), the provinces of the chosen countries and their districts."""
    vocab = a.ask_store("vocabulary")
    first, last = a.ask_store("data_range")
    return SidebarData(
        vocab, first or date(2021, 1, 1), last or date.today(),
        a.ask_store("provinces_of", tuple(countries)) or list(vocab.provinces),
        a.ask_store("districts_of", tuple(provinces), tuple(countries)),
    )


def offers_districts(a: Answers, f: Filter) -> bool:
    """Whether a page offers a district breakdown: district boundaries are added,
    or selected incidents name a district."""
    s = a.ask("district_summary", f)
    return bool(s["polygons"] or s["with_district"])


def area_level(a: Answers, f: Filter, choice: str | None = None) -> str:
    """The breakdown a page uses: 'province' without district data; else the
    analyst's ``choice``, by default districts when one province is chosen."""
    if not offers_districts(a, f):
        return "province"
    return choice or ("district" if len(f.provinces) == 1 else "province")


def district_note(summary: dict) -> str:
    """The sentence under a district breakdown: how many incidents it leaves out."""
    missing = summary["incidents"] - summary["with_district"]
    text = f"{summary['with_district']:,} of {summary['incidents']:,} selected incidents name a district"
    if summary["polygons"]:
        text += (f" ({summary['matched']:,} matched to the district boundaries of {', '.join(summary['countries'])}; "
                 "names as the boundary files write them)")
    return text + (f"; {missing:,} without one are left out." if missing else ".")


# --- overview -------------------------------------------------------------------
@dataclass
class OverviewData(PageData):
    headline: dict
    latest: pd.DataFrame | None = None
    areas: pd.DataFrame | None = field(default=None, metadata={"shown": False})
    areas_figure: go.Figure | None = None
    district_note: str | None = None


def overview(a: Answers, f: Filter, *, level: str = "province", metric: str = "incidents") -> OverviewData:
    """Headline figures with the change against the previous period; the latest
    incidents; ``metric`` per province or district."""
    h = a.ask("headline", f)
    if h["incidents"] == 0:
        return OverviewData(h)
    areas = a.ask("by_area", f, level=level)
    return OverviewData(
        h, shown(a.ask("latest", f, limit=LATEST_ROWS), LATEST_COLUMNS), areas,
        figures.area_bars(areas, metric, area=level),
        district_note(a.ask("district_summary", f)) if level == "district" else None,
    )


# --- map --------------------------------------------------------------------------
@dataclass
class MapData(PageData):
    figure: go.Figure
    summary: dict
    points_drawn: int
    approximate: int
    aggregated: bool
    level: str
    covered: list[str]
    boundaries_in_sync: bool


def map_page(a: Answers, f: Filter, *, level: str = "province", metric: str = "incidents",
             points: bool = True) -> MapData:
    """Areas shaded by ``metric`` (provinces, or districts when boundaries are added)
    and the incidents as points (grouped in 0.25° cells beyond
    ``queries.MAP_POINT_LIMIT``). Coordinates in degrees, EPSG:4326."""
    if level == "district" and shapes.has_districts():
        areas = a.ask("by_area", f, level="district")
        index = shapes.district_index()
        values = index.merge(areas, on=["country", "province", "district"], how="left")
        values["name"] = values["district"] + ", " + values["province"].fillna("")
        geojson, key = shapes.district_geojson(), "district_id"
        focus = [p for p in f.provinces if p in set(index["province"])] or ["Khyber Pakhtunkhwa"]
        centre, zoom = shapes.map_view(focus)
        covered = sorted(shapes.district_countries())
    else:
        level = "province"
        areas = a.ask("by_area", f, level="province")
        values = shapes.province_index().merge(areas, on=["country", "province"], how="left")
        values["name"] = values["province"] + ", " + values["country"]
        geojson, key = shapes.province_geojson(), "iso_3166_2"
        centre, zoom = shapes.map_view(list(f.provinces)) if f.provinces else (None, 4.3)  # follow the selection
        covered = []
    values["value"] = values[metric].fillna(0)
    if points:
        drawn, aggregated = a.ask("map_points", f)
    else:
        drawn, aggregated = values.iloc[0:0], False
    fig = figures.incident_map(geojson, values[["id", "name", "value"]], drawn, metric=metric, key=key,
                               aggregated=aggregated, colours=a.ask_store("group_colours"),
                               centre=centre, zoom=zoom, area_labels=area_labels(level, f))
    approx = int(drawn["location_approximate"].fillna(False).sum()) if len(drawn) and not aggregated else 0
    return MapData(fig, a.ask("district_summary", f), 0 if aggregated else len(drawn), approx, aggregated,
                   level, covered, a.ask_store("boundaries_in_sync") if shapes.has_districts() else True)


# --- timeline ---------------------------------------------------------------------
@dataclass
class TimelineData(PageData):
    groups_figure: go.Figure
    milestones: pd.DataFrame | None = field(metadata={"shown": False})
    areas_figure: go.Figure | None
    areas_empty: bool
    district_note: str | None
    # The numbers behind each chart (period × series), for the downloads.
    groups_table: pd.DataFrame = field(default_factory=pd.DataFrame, metadata={"shown": False})
    areas_table: pd.DataFrame = field(default_factory=pd.DataFrame, metadata={"shown": False})


def period_table(data: pd.DataFrame, metric: str, freq: str) -> pd.DataFrame:
    """``metric`` per period (rows, oldest first) and series (columns): the numbers a chart draws."""
    if data.empty:
        return pd.DataFrame(columns=[freq])
    table = data.pivot_table(index="period", columns="series", values=metric, aggfunc="sum", fill_value=0)
    table.index = pd.to_datetime(table.index).strftime("%Y-%m-%d")
    table.columns = [str(c) for c in table.columns]
    return table.rename_axis(f"{freq} starting").reset_index()


def timeline(a: Answers, f: Filter, *, freq: str = "quarter", metric: str = "incidents", rollup: bool = True,
             others: bool = False, milestones: bool = True, level: str = "province") -> TimelineData:
    """``metric`` per ``freq`` for TTP and ISKP (and other groups with ``others`` or a
    group filter), milestones, and the same per province or district."""
    data = a.ask("timeline", f, freq=freq, by="group", rollup=rollup)
    if not others and not f.groups:
        data = data[data["series"].isin(LEADING)]
    data = figures.top_series(data, metric, keep=list(LEADING))
    stones = a.ask("milestones", f) if milestones else None
    groups_fig = figures.timeline(data, metric, freq, colours=a.ask_store("group_colours"), milestones=stones,
                                  title=f"{figures.METRIC_LABELS[metric]} per {freq}, by group")
    by_area = a.ask("timeline", f, freq=freq, by=level)
    areas_fig = None if by_area.empty else figures.stacked_area_bars(
        by_area, metric, title=f"{figures.METRIC_LABELS[metric]} per {freq}, by {level}")
    note = district_note(a.ask("district_summary", f)) if level == "district" else None
    return TimelineData(groups_fig, stones, areas_fig, by_area.empty, note,
                        period_table(data, metric, freq), period_table(by_area, metric, freq))


# --- claims -------------------------------------------------------------------------
@dataclass
class ClaimsData(PageData):
    status: pd.DataFrame = field(metadata={"shown": False})
    by_group_figure: go.Figure | None = None
    status_figure: go.Figure | None = None
    unclaimed: int = 0
    total: int = 0
    mismatches: pd.DataFrame | None = None
    delays_figure: go.Figure | None = None
    delays: pd.DataFrame | None = None
    delay_points: bool = False


MISMATCH_COLUMNS = ["date", "province", "district", "place", "killed", "first_suspected", "claimed_by", "denied_by",
                    "incident_id"]


def claims(a: Answers, f: Filter, *, rollup: bool = True, metric: str = "incidents") -> ClaimsData:
    """Per group: claimed, denied, suspected without a claim; the share claimed;
    incidents claimed by a group other than the one first suspected; days to claim."""
    status = a.ask("claim_status_counts", f)
    total = int(status["incidents"].sum())
    if total == 0:
        return ClaimsData(status)
    by_group = a.ask("claims_by_group", f, rollup=rollup)
    mismatch = a.ask("claim_mismatches", f)
    if not mismatch.empty:
        mismatch = shown(mismatch, MISMATCH_COLUMNS)
    claims_, delays = a.ask("claim_delays", f)
    table = delays[["group", "claims", "median", "max"]] if len(delays) else None
    return ClaimsData(
        status,
        figures.claims_by_group(by_group, title="Per group: claimed, denied, suspected without a claim"),
        figures.claim_status(status, metric, title="Claimed or not"),
        int(status.loc[status["claim_status"] != "claimed", "incidents"].sum()), total,
        mismatch, figures.claim_delays(claims_, delays, colours=a.ask_store("group_colours")),
        table, not claims_.empty,
    )


# --- incidents ------------------------------------------------------------------------
@dataclass
class IncidentsData(PageData):
    rows: pd.DataFrame
    ids: list[str] = field(metadata={"shown": False})
    total: int = 0
    page: int = 1
    pages: int = 1
    first: int = 0
    detail: dict | None = None
    events: pd.DataFrame | None = None
    detail_missing: bool = False


def incidents(a: Answers, f: Filter, *, page: int = 1, incident_id: str | None = None) -> IncidentsData:
    """One page of the selection (``INCIDENTS_PAGE`` rows, newest first), the total,
    and, when ``incident_id`` is given, that incident with its attribution history."""
    rows, total = a.ask("incidents_table", f, limit=INCIDENTS_PAGE, offset=(max(page, 1) - 1) * INCIDENTS_PAGE)
    pages = max(1, math.ceil(total / INCIDENTS_PAGE))
    if page > pages or page < 1:  # the selection shrank under the page the analyst was on
        page = 1
        rows, total = a.ask("incidents_table", f, limit=INCIDENTS_PAGE, offset=0)
    detail = events = None
    if incident_id:
        detail, events = a.ask_store("incident_detail", incident_id)
        if events is not None and len(events):  # empty cells, never "None", for what was not said
            events = events.copy()
            events["statement_date"] = pd.to_datetime(events["statement_date"]).dt.strftime("%Y-%m-%d")
            events = events.astype(object).where(events.notna(), "")
    return IncidentsData(shown(rows, LIST_COLUMNS), rows["incident_id"].tolist(), int(total), page, pages,
                         (page - 1) * INCIDENTS_PAGE + 1, detail, events,
                         bool(incident_id) and detail is None)


# --- about ------------------------------------------------------------------------------
@dataclass
class AboutData(PageData):
    coverage: pd.DataFrame
    first: date | None
    last: date | None
    groups: pd.DataFrame
    milestones: pd.DataFrame


def about(a: Answers) -> AboutData:
    """Sources, counts and coverage per dataset, groups, milestones (the whole store)."""
    first, last = a.ask_store("data_range")
    groups = a.ask_store("groups_table").copy()
    groups["parent_id"] = groups["parent_id"].astype(object).where(groups["parent_id"].notna(), "")  # not "None"
    return AboutData(a.ask_store("coverage"), first, last, groups, a.ask("milestones", Filter()))


# --- changes -------------------------------------------------------------------------
@dataclass
class ChangesData(PageData):
    window: changes_.Window
    level: str
    table: pd.DataFrame
    firsts: pd.DataFrame
    map_figure: go.Figure | None
    statements: pd.DataFrame = field(default_factory=pd.DataFrame, metadata={"shown": False})
    thresholds: changes_.Thresholds = field(default_factory=changes_.Thresholds)

    def as_json(self) -> dict:
        """Every figure the page shows, with stable keys (``python -m dashboard changes --json``)."""
        w = self.window

        def records(frame: pd.DataFrame) -> list[dict]:
            out = frame.astype(object).where(frame.notna(), None)
            return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
                    for row in out.to_dict(orient="records")]

        return {
            "period": w.period, "as_of": w.as_of.isoformat(), "latest": {"start": w.latest.isoformat(),
                                                                        "end": w.latest_end.isoformat()},
            "partial": w.partial, "baseline": {"start": w.baseline_from.isoformat(),
                                               "periods": self.thresholds.baseline_periods},
            "year_ago": w.year_ago.isoformat(), "level": self.level,
            "thresholds": changes_.thresholds_dict(self.thresholds),
            "areas": records(self.table), "surges": records(self.table[self.table["surge"]]),
            "firsts": records(self.firsts),
        }


CHANGE_COLUMNS = ["band", "surge", "incidents", "baseline_incidents", "change_pct", "year_ago_incidents",
                  "change_vs_year_pct", "killed", "baseline_killed"]


def changes(a: Answers, f: Filter, *, period: str = "week",
            thresholds: changes_.Thresholds = changes_.Thresholds(), as_of: date | None = None) -> ChangesData:
    """The latest calendar ``period`` against the 4 before it and the same period a
    year earlier, per area (districts where boundaries are added, else provinces)
    and group family; surges; firsts; claims and denials of the period."""
    level = "district" if shapes.has_districts() else "province"
    area = ["country", "province"] + (["district"] if level == "district" else [])
    ends_with = "data"
    if as_of is None:
        first, last = a.ask_store("data_range")
        last = last or date.today()
        as_of = min(f.date_to or last, last)
        ends_with = "selection" if f.date_to and f.date_to < last else "data"
    w = changes_.window(as_of, period, thresholds, ends_with)
    counts = a.ask("period_counts", f, period=period, level=level, start=w.reads_from, end=w.as_of)
    table = changes_.compare(counts, w, area, thresholds)
    firsts = a.ask("firsts", f, start=w.latest, end=w.as_of, level=level)
    in_area = table[table["first_in_year"] & (table["group"] != "All groups")]
    area_firsts = pd.DataFrame({
        "kind": "first attack in this area for 12 months", "group": in_area["group"],
        "area": in_area[level], "date": w.latest, "what": in_area[level],
    })
    firsts = pd.concat([area_firsts, firsts], ignore_index=True) if len(area_firsts) else firsts
    statements = a.ask("period_statements", f, start=w.latest, end=w.as_of)
    return ChangesData(w, level, table, firsts, _band_map(table, level, f), statements, thresholds)


def _band_map(table: pd.DataFrame, level: str, f: Filter) -> go.Figure:
    every = table[table["group"] == "All groups"]
    if level == "district":
        index, geojson, key = shapes.district_index(), shapes.district_geojson(), "district_id"
        values = index.merge(every, on=["country", "province", "district"], how="left")
        values["name"] = values["district"] + ", " + values["province"].fillna("")
        centre, zoom = shapes.map_view([p for p in f.provinces if p in set(index["province"])] or
                                       ["Khyber Pakhtunkhwa"])
    else:
        index, geojson, key = shapes.province_index(), shapes.province_geojson(), "iso_3166_2"
        values = index.merge(every, on=["country", "province"], how="left")
        values["name"] = values["province"] + ", " + values["country"]
        # a third of the page, less the colour bar
        centre, zoom = shapes.map_view(list(f.provinces), height=520, width=260) if f.provinces else (None, 4.3)
    values["band"] = values["band"].fillna("No activity")
    return figures.band_map(geojson, values[["id", "name", "band", "incidents", "baseline_incidents"]], key=key,
                            centre=centre, zoom=zoom, area_labels=area_labels(level, f))


def area_labels(level: str, f: Filter) -> pd.DataFrame:
    """The names a map writes on its areas: districts (of the chosen provinces, when
    any) where the map shades districts, else provinces."""
    if level == "district" and shapes.has_districts():
        labels = shapes.district_labels()
        chosen = labels[labels["province"].isin(f.provinces)]
        return chosen if len(chosen) else labels
    return shapes.province_labels()


# --- rivalry -----------------------------------------------------------------------------
def _records(frame: pd.DataFrame) -> list[dict]:
    """A table as JSON-ready records: dates as YYYY-MM-DD, missing values None."""
    out = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.isoformat()[:10] if hasattr(v, "isoformat") else
                 (bool(v) if isinstance(v, (bool, np.bool_)) else v)) for k, v in row.items()}
            for row in out.to_dict(orient="records")]


@dataclass
class RivalryData(PageData):
    measures: dict = field(metadata={"shown": False})
    share_figure: go.Figure | None = None
    killed_share_figure: go.Figure | None = None
    severity_figure: go.Figure | None = None
    severity: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    contest_figure: go.Figure | None = None
    areas: pd.DataFrame | None = None
    overlap: pd.DataFrame | None = None

    def as_json(self) -> dict:
        """Every descriptive figure the page shows, with stable keys (``python -m
        dashboard rivalry --json`` adds ``LeadLagData.as_json``)."""
        m = self.measures

        return {
            "sides": list(m["sides"]), "freq": m["freq"], "level": m["level"], "incidents": m["incidents"],
            "share": _records(m["share"]), "severity": _records(m["severity"]), "targets": _records(m["targets"]),
            "geography": {"areas": _records(m["areas"]), "overlap": _records(m["overlap"])},
            "claims": m["claims"], "branch_not_specified": m.get("branch_not_specified", {}),
            "sequences": {"time_to_next": m["time_to_next"]},
            "thresholds": {"mass_casualty_killed": rivalry_.MASS_CASUALTY, "min_events": rivalry_.MIN_EVENTS,
                           "min_weeks": rivalry_.MIN_WEEKS},
            "caveat": rivalry_.CAVEAT,
        }


@dataclass
class LeadLagData(PageData):
    models: dict = field(metadata={"shown": False})
    correlation_figure: go.Figure | None = None

    def as_json(self) -> dict:
        """``sequences`` (cross-correlation, Granger) and ``hawkes`` with stable keys;
        ``hawkes.excitation["A->B"]`` is the branching ratio with its 95 % interval."""
        m = self.models
        return {"sequences": {"cross_correlation": _records(m["cross_correlation"]), "granger": m["granger"]},
                "hawkes": m["hawkes"]}


def rivalry(a: Answers, f: Filter, *, side_a: str = "TTP", side_b: str = "ISKP",
            freq: str = "quarter") -> RivalryData:
    """Two groups (with their factions) within the selection: share of activity,
    severity and tactics, targets, shared ground, claim competition and the time to
    the other's next attack. The models of lead and lag: ``rivalry_lead_lag``."""
    level = "district" if shapes.has_districts() else "province"
    m = a.ask("rivalry_measures", f, a=side_a, b=side_b, freq=freq, level=level)
    sides = m["sides"]
    colours = a.ask_store("group_colours")
    if sum(m["incidents"].values()) == 0:
        return RivalryData(m)
    areas = m["areas"]
    keys = ["country", "province"] + (["district"] if level == "district" else [])
    if level == "district":
        index, geojson, key = shapes.district_index(), shapes.district_geojson(), "district_id"
        values = index.merge(areas, on=keys, how="left")
        values["name"] = values["district"] + ", " + values["province"].fillna("")
    else:
        index, geojson, key = shapes.province_index(), shapes.province_geojson(), "iso_3166_2"
        values = index.merge(areas, on=keys, how="left")
        values["name"] = values["province"] + ", " + values["country"]
    values["a"], values["b"] = values.get(sides[0], 0), values.get(sides[1], 0)
    values[["a", "b"]] = values[["a", "b"]].fillna(0)
    values["status"] = np.select([(values["a"] > 0) & (values["b"] > 0), values["a"] > 0, values["b"] > 0],
                                 ["both", "A only", "B only"], "neither")
    centre, zoom = shapes.map_view(list(f.provinces), height=460, width=560) if f.provinces else (None, 4.3)
    return RivalryData(
        m,
        figures.share_chart(m["share"], sides, "incidents", colours, f"Share of the two groups' attacks, per {freq}"),
        figures.share_chart(m["share"], sides, "killed", colours, f"Share of the killed, per {freq}"),
        figures.severity_chart(m["severity"], sides, colours, f"Killed per attack, per {freq}"),
        m["severity"], m["targets"],
        figures.contest_map(geojson, values[["id", "name", "status", "a", "b"]], sides, key=key, centre=centre,
                            zoom=zoom, area_labels=area_labels(level, f)),
        areas[areas["both"]] if len(areas) else areas, m["overlap"],
    )


def rivalry_lead_lag(a: Answers, f: Filter, *, side_a: str = "TTP", side_b: str = "ISKP",
                     intervals: bool = False) -> LeadLagData:
    """Whether one group's attacks are followed by the other's: weekly
    cross-correlation, Granger tests and the two-group Hawkes model, fitted once per
    (selection, data version). ``intervals``: bootstrap the Hawkes model's 95 %
    intervals (a few seconds)."""
    m = a.ask("rivalry_models", f, a=side_a, b=side_b, replicates=rivalry_.BOOTSTRAP if intervals else 0)
    return LeadLagData(m, figures.correlation_chart(m["cross_correlation"], (side_a, side_b),
                                                    "Weekly cross-correlation"))


# Every page's data function, by name (the benchmark times each; a test checks the views call them).
PAGES = {"overview": overview, "map": map_page, "timeline": timeline, "claims": claims, "incidents": incidents,
         "changes": changes, "rivalry": rivalry, "rivalry_lead_lag": rivalry_lead_lag}

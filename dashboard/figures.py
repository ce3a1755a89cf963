"""Figure builders: small DataFrames in, Plotly figures out. No Streamlit here.

Maps use MapLibre traces (``Choroplethmap``, ``Scattermap``) on the
a white style with our own polygons, so they draw with no internet: plotly's
``geo`` traces fetch a base map from a CDN and stay blank offline. Area names are
MapLibre text drawn with glyphs the app serves itself (``MAP_STYLE``,
scripts/make_glyphs.py): the "white-bg" style would fetch them from a font CDN.
Colours follow the Okabe–Ito palette (safe for colour-blind readers).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import safe_text

PALETTE = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
           # then Paul Tol's muted scheme, also safe for colour-blind readers: twelve areas, twelve colours
           "#882255", "#117733", "#44AA99", "#999933", "#332288", "#AA4499"]
OTHER = "#8c8c8c"
METRIC_LABELS = {"incidents": "Incidents", "killed": "Killed", "injured": "Injured"}
STATUS_LABELS = {
    "claimed": "Claimed",
    "attributed": "Attributed, not claimed",
    "unclaimed": "Unclaimed, no attribution",
}
STATUS_COLOURS = {"claimed": "#0072B2", "attributed": "#E69F00", "unclaimed": "#BBBBBB"}
FONT = dict(family="Source Sans Pro, sans-serif", size=13)
# Areas in a light sand scale, so group colours and grey "other" points stay visible on top.
AREA_SCALE = [[0, "#fbf8f1"], [0.5, "#efe2c4"], [1, "#d8bd8a"]]  # light: group colours on top stay apart
MAP_GROUPS = 7  # groups with their own colour on the map; the rest are "Other groups"
MAP_CENTRE = {"lat": 31.6, "lon": 68.6}
LABEL_FONT = "DashboardSans"  # dashboard/static/glyphs/<LABEL_FONT>/0-255.pbf
# "white-bg" as plotly defines it, with the glyphs from the app's own static files
# (Streamlit serves dashboard/static at app/static; relative, so any baseUrlPath works).
# A URL rather than the style itself: plotly re-applies an object style on every
# update, and MapLibre's diff of it fails ("Map error.").
MAP_STYLE = "app/static/map-style.json"


def map_layout(centre: dict | None, zoom: float) -> dict:
    """``layout.map`` for every map: the offline style, centre ({lat, lon} degrees) and zoom."""
    return dict(style=MAP_STYLE, center=centre or MAP_CENTRE, zoom=zoom)


def add_labels(fig: go.Figure, labels: pd.DataFrame | None) -> None:
    """Area names as map text. ``labels``: name, latitude, longitude (degrees). MapLibre
    hides a label that would overlap another, so dense layers stay readable."""
    if labels is None or labels.empty:
        return
    fig.add_trace(go.Scattermap(
        lat=labels["latitude"], lon=labels["longitude"], mode="text", text=esc(labels["name"]),
        textfont=dict(family=LABEL_FONT, size=12, color="#3a3a3a"), hoverinfo="skip", showlegend=False,
        name="Area names",
    ))


def esc(values):
    """Data text made inert for Plotly's pseudo-HTML labels (``safe_text.plotly``).

    Every text that comes from data (names, places, groups) goes through this before
    it reaches a label, tick, legend or hover; data is never formatted into a
    ``hovertemplate`` (``%{fullData.name}`` or ``customdata`` carry it instead)."""
    return safe_text.plotly(values)


def colour_map(series: list[str], known: dict[str, str] | None = None) -> dict[str, str]:
    """A colour per series name: the group's own colour when known, else the palette."""
    known = known or {}
    out, spare = {}, [c for c in PALETTE if c not in known.values()]
    for name in series:
        if name in known:
            out[name] = known[name]
        elif name == "Unattributed":
            out[name] = "#5c5c5c"
        elif name in ("Other groups", "Unknown"):
            out[name] = OTHER
        else:
            out[name] = spare.pop(0) if spare else OTHER
    return out


def _layout(fig: go.Figure, title: str | None = None, height: int = 420) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.01, xanchor="left", y=0.98, yref="container", yanchor="top",
                   font=dict(size=15)) if title else None,
        height=height, font=FONT, margin=dict(l=10, r=10, t=95 if title else 45, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.03, xanchor="left", x=0),
        plot_bgcolor="white", hoverlabel=dict(font_size=13),
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def empty(message: str = "No incidents match the filters.", height: int = 300) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=16, color="#555"), x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=height)


# --- timeline --------------------------------------------------------------
def top_series(df: pd.DataFrame, metric: str, keep: list[str] | None = None, n: int = 6) -> pd.DataFrame:
    """Keep the ``n`` largest series (plus ``keep``); fold the rest into "Other groups"."""
    if df.empty:
        return df
    totals = df.groupby("series")[metric].sum().sort_values(ascending=False)
    chosen = list(dict.fromkeys([s for s in (keep or []) if s in totals.index] + list(totals.index[:n])))
    out = df.copy()
    out.loc[~out["series"].isin(chosen), "series"] = "Other groups"
    return out.groupby(["period", "series"], as_index=False)[["incidents", "killed", "injured"]].sum()


def timeline(
    df: pd.DataFrame,
    metric: str = "incidents",
    freq: str = "month",
    colours: dict[str, str] | None = None,
    milestones: pd.DataFrame | None = None,
    title: str | None = None,
) -> go.Figure:
    """Lines per series over time. ``df``: period, series, incidents, killed, injured."""
    if df.empty:
        return empty()
    label = METRIC_LABELS.get(metric, metric)
    order = df.groupby("series")[metric].sum().sort_values(ascending=False).index.tolist()
    cmap = colour_map(order, colours)
    fig = go.Figure()
    periods = pd.to_datetime(df["period"])
    full = pd.date_range(periods.min(), periods.max(), freq={"week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}.get(freq, "MS"))
    for name in order:
        part = df[df["series"] == name].assign(period=lambda d: pd.to_datetime(d["period"])).set_index("period")
        values = part[metric].reindex(full, fill_value=0) if len(full) else part[metric]
        fig.add_trace(go.Scatter(
            x=values.index, y=values.values, name=esc(str(name)), mode="lines+markers",
            line=dict(color=cmap[name], width=2.5 if name in ("TTP", "ISKP") else 1.8,
                      shape="linear"),
            marker=dict(size=5),
            hovertemplate=f"<b>%{{fullData.name}}</b><br>%{{x|%b %Y}}<br>{label}: %{{y:,}}<extra></extra>",
        ))
    last_end = periods.max() + pd.tseries.frequencies.to_offset(
        {"week": "7D", "month": "MS", "quarter": "QS", "year": "YS"}.get(freq, "MS"))
    _annotate_milestones(fig, milestones, periods.min(), last_end)
    fig.update_yaxes(title=label)
    whole_numbers(fig, df.groupby("period")[metric].max().max())
    _layout(fig, title, height=480)
    # The legend goes under the axis: the space above the plot holds the milestone numbers.
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.08, xanchor="left", x=0),
                      margin=dict(b=40))
    return fig


def whole_numbers(fig: go.Figure, top, axis: str = "y") -> None:
    """Counts have whole-number ticks: a step of 1, 2, 5, 10, 20 … that gives about five ticks."""
    top = float(top or 0)
    if not math.isfinite(top) or top <= 0:
        top = 1
    step = 1
    while top / step > 6:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= 6:
                break
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickmode="linear", tick0=0, dtick=step, tickformat=",d")


def _annotate_milestones(fig: go.Figure, milestones: pd.DataFrame | None, lo, hi) -> None:
    if milestones is None or milestones.empty:
        return
    span = max((hi - lo).days, 1)
    last_x, level = None, 0
    shapes, notes = [], []
    for i, row in enumerate(milestones.itertuples(index=False)):
        when = pd.Timestamp(row.date)
        if when < lo - pd.Timedelta(days=31) or when > hi + pd.Timedelta(days=31):
            continue
        # Markers closer than ~4% of the axis are stacked so their numbers stay apart.
        level = (level + 1) % 3 if last_x is not None and (when - last_x).days < span * 0.04 else 0
        last_x = when
        shapes.append(dict(type="line", x0=when, x1=when, y0=0, y1=1, xref="x", yref="paper",
                           line=dict(color="#999", width=1, dash="dot")))
        notes.append(dict(
            x=when, y=1 + 0.065 * level, yref="paper", text=str(i + 1), showarrow=False, yanchor="bottom",
            font=dict(size=11, color="#555"), hovertext=f"{when:%d %b %Y}: {esc(str(row.label))}",
            bgcolor="white", bordercolor="#999", borderwidth=1,
        ))
    # One layout update: add_vline/add_annotation one by one cost ~10 ms each.
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes, annotations=list(fig.layout.annotations) + notes)


def stacked_area_bars(df: pd.DataFrame, metric: str = "incidents", title: str | None = None, n: int = 10) -> go.Figure:
    """Stacked bars per period by area (province or district). ``df`` as for ``timeline``."""
    if df.empty:
        return empty()
    totals = df.groupby("series")[metric].sum().sort_values(ascending=False)
    keep = list(totals.index[:n])
    d = df.copy()
    d.loc[~d["series"].isin(keep), "series"] = "Other areas"
    d = d.groupby(["period", "series"], as_index=False)[metric].sum()
    cmap = colour_map(keep + ["Other areas"])
    cmap["Other areas"] = OTHER
    fig = go.Figure()
    for name in keep + (["Other areas"] if "Other areas" in set(d["series"]) else []):
        part = d[d["series"] == name]
        fig.add_trace(go.Bar(x=pd.to_datetime(part["period"]), y=part[metric], name=esc(str(name)),
                             marker_color=cmap[name],
                             hovertemplate="<b>%{fullData.name}</b><br>%{x|%b %Y}: %{y:,}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=METRIC_LABELS.get(metric, metric))
    whole_numbers(fig, d.groupby("period")[metric].sum().max())
    return _layout(fig, title)


def area_bars(df: pd.DataFrame, metric: str = "incidents", area: str = "province", title: str | None = None) -> go.Figure:
    """Horizontal bars: ``metric`` per province or district, largest on top."""
    if df.empty:
        return empty()
    d = df.sort_values(metric, ascending=True).tail(20)
    fig = go.Figure(go.Bar(
        x=d[metric], y=esc(d[area]), orientation="h", marker_color="#0072B2",
        text=d[metric].map("{:,}".format), textposition="outside", cliponaxis=False,
        customdata=esc(d["country"]).to_numpy().reshape(-1, 1),
        hovertemplate=f"<b>%{{y}}</b> (%{{customdata[0]}})<br>{METRIC_LABELS.get(metric, metric)}: %{{x:,}}<extra></extra>",
    ))
    fig.update_xaxes(title=METRIC_LABELS.get(metric, metric), gridcolor="#e5e5e5")
    whole_numbers(fig, d[metric].max(), axis="x")
    fig.update_yaxes(title=None, gridcolor="rgba(0,0,0,0)")
    return _layout(fig, title, height=max(260, 28 * len(d) + 80))


# --- map -------------------------------------------------------------------
def incident_map(
    areas_geojson: dict,
    area_values: pd.DataFrame,
    points: pd.DataFrame,
    *,
    metric: str = "incidents",
    key: str = "iso_3166_2",
    aggregated: bool = False,
    colours: dict[str, str] | None = None,
    centre: dict | None = None,
    zoom: float = 4.6,
    height: int = 640,
    area_labels: pd.DataFrame | None = None,
) -> go.Figure:
    """Areas shaded by ``metric`` and incidents as points, drawn offline.

    ``areas_geojson``: FeatureCollection in EPSG:4326 whose ``properties[key]`` ids
    match ``area_values['id']``; ``area_values``: id, name, value. ``points``: from
    ``queries.map_points`` (lon/lat degrees); sized by killed, coloured by group.
    """
    fig = go.Figure()
    label = METRIC_LABELS.get(metric, metric)
    zmax = max(1, float(area_values["value"].max() or 1)) if len(area_values) else 1
    fig.add_trace(go.Choroplethmap(
        geojson=areas_geojson, featureidkey=f"properties.{key}",
        locations=area_values["id"], z=area_values["value"].fillna(0), text=esc(area_values["name"]),
        # Opaque, so the colour bar shows the shading as drawn (the scale is light enough for points on top).
        colorscale=AREA_SCALE, zmin=0, zmax=zmax, marker_opacity=1.0,
        marker_line_width=0.8, marker_line_color="#8c8c8c",
        colorbar=dict(title=dict(text=label), thickness=12, len=0.5, x=1.0, y=0.75),
        hovertemplate=f"<b>%{{text}}</b><br>{label}: %{{z:,}}<extra></extra>", name=label,
        showlegend=False,
    ))
    add_labels(fig, area_labels)  # under the points
    if len(points) and not aggregated:
        _add_incident_points(fig, points, colours or {})
    elif len(points):
        size = 6 + 3 * np.sqrt(points["incidents"].astype(float))
        fig.add_trace(go.Scattermap(
            lat=points["latitude"], lon=points["longitude"], mode="markers",
            marker=dict(size=np.minimum(size, 40), color="#0072B2", opacity=0.6),
            customdata=points[["incidents", "killed"]].values, name="Incidents (grouped)",
            hovertemplate="%{customdata[0]:,} incidents in this 0.25° cell<br>%{customdata[1]:,} killed<extra></extra>",
        ))
    fig.update_layout(
        map=map_layout(centre, zoom),
        margin=dict(l=0, r=0, t=0, b=0), height=height, font=FONT,
        legend=dict(orientation="h", yanchor="top", y=0.99, xanchor="left", x=0.01,
                    bgcolor="rgba(255,255,255,0.85)", title=dict(text="Group")),
    )
    return fig


def point_size(killed: pd.Series) -> np.ndarray:
    """Marker diameter in pixels: area grows with the number killed (unknown = smallest)."""
    k = pd.to_numeric(killed, errors="coerce").fillna(0).clip(lower=0).astype(float)
    return np.round(np.minimum(7 + 2.2 * np.sqrt(k), 34), 1)


def _add_incident_points(fig: go.Figure, points: pd.DataFrame, colours: dict[str, str]) -> None:
    counts = points["main_group"].value_counts()
    named = [g for g in counts.index if g != "Unattributed"][:MAP_GROUPS]
    points = points.assign(main_group=points["main_group"].where(
        points["main_group"].isin(named + ["Unattributed"]), "Other groups"))
    order = named + [g for g in ("Other groups", "Unattributed") if g in set(points["main_group"])]
    cmap = colour_map(order, colours)
    status = points["claim_status"].map(STATUS_LABELS).fillna("Unclaimed")
    placed = points["placed_at"] if "placed_at" in points else pd.Series(None, index=points.index)
    approx = np.where(placed.eq("district"), " (no coordinates from the source: placed at the district's centre)",
                      np.where(points["location_approximate"].fillna(False).astype(bool), " (approximate location)", ""))
    where = esc((points["district"].fillna("").astype(str) + ", " + points["province"].fillna("").astype(str)).str.strip(", "))
    custom = np.column_stack([
        pd.to_datetime(points["date"]).dt.strftime("%d %b %Y"),
        esc(points["place"].fillna("")) + approx + "<br>" + where,
        esc(points["groups"].fillna("Unattributed")),
        points["killed"].astype("Int64").astype(str).replace("<NA>", "unknown"),
        status,
    ])
    for name in order:
        mask = (points["main_group"] == name).to_numpy()
        fig.add_trace(go.Scattermap(
            lat=points.loc[mask, "latitude"], lon=points.loc[mask, "longitude"], mode="markers",
            name=esc(str(name)), marker=dict(size=point_size(points.loc[mask, "killed"]), color=cmap[name], opacity=0.8),
            customdata=custom[mask],
            hovertemplate=("<b>%{customdata[0]}</b> · %{customdata[1]}"
                           "<br>Group: %{customdata[2]}<br>Killed: %{customdata[3]}<br>%{customdata[4]}<extra></extra>"),
        ))


# --- claims ----------------------------------------------------------------
def claims_by_group(df: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Grouped bars per group: claimed, denied, suspected or attributed without a claim,
    and (factions rolled up) claimed by a faction but denied by the parent."""
    if df.empty:
        return empty("No group is linked to the selected incidents.")
    d = df.head(12)
    fig = go.Figure()
    bars = [("claimed", "Claimed", "#0072B2"), ("suspected_only", "Suspected / attributed, no claim", "#E69F00"),
            ("denied", "Denied", "#CC79A7")]
    if "split" in d and d["split"].sum() > 0:
        bars.append(("split", "Faction claimed, parent denied", "#56B4E9"))
    for column, label, colour in bars:
        fig.add_trace(go.Bar(x=esc(d["group"]), y=d[column], name=label, marker_color=colour,
                             text=d[column], textposition="outside", cliponaxis=False,
                             hovertemplate=f"<b>%{{x}}</b><br>{label}: %{{y}}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="Incidents")
    whole_numbers(fig, d[["claimed", "suspected_only", "denied"]].max().max())
    fig = _layout(fig, title)
    # under the axis: four entries do not fit on one line above a half-width chart
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0))
    return fig


def claim_status(df: pd.DataFrame, metric: str = "incidents", title: str | None = None) -> go.Figure:
    """Share of incidents by claim status, as a donut."""
    if df.empty or df[metric].sum() == 0:
        return empty()
    labels = df["claim_status"].map(STATUS_LABELS).fillna(df["claim_status"])
    fig = go.Figure(go.Pie(
        labels=labels, values=df[metric], hole=0.55, sort=False,
        marker=dict(colors=[STATUS_COLOURS.get(s, OTHER) for s in df["claim_status"]]),
        textinfo="percent", hovertemplate="<b>%{label}</b><br>%{value:,} (%{percent})<extra></extra>",
    ))
    return _layout(fig, title, height=340)


def claim_delays(claims: pd.DataFrame, summary: pd.DataFrame, colours: dict[str, str] | None = None,
                 title: str | None = None) -> go.Figure:
    """Days from attack to claim per group (``queries.claim_delays``' two frames).

    With the individual ``claims`` (a small selection): a box with every claim as a
    dot. Without them (a large one): boxes drawn from the summary's quartiles,
    minimum and maximum, a few numbers per group.
    """
    if summary.empty:
        return empty("No dated claims in the selection.")
    order = summary["group"].tolist()
    cmap = colour_map(order, colours)
    fig = go.Figure()
    for row in summary.itertuples(index=False):
        name = row.group
        style = dict(name=esc(str(name)), orientation="h", marker=dict(color=cmap[name]),
                     line=dict(color=cmap[name]), fillcolor="rgba(0,0,0,0)")
        if claims.empty:
            fig.add_trace(go.Box(
                y=[esc(str(name))], q1=[row.q1], median=[row.median], q3=[row.q3], lowerfence=[row.min],
                upperfence=[row.max], **style,
                hovertemplate=f"<b>%{{fullData.name}}</b><br>{row.claims:,} dated claims<br>"
                              f"median {row.median:g} days, longest {row.max:,} days<extra></extra>",
            ))
            continue
        part = claims[claims["group"] == name]
        style["marker"]["size"] = 8
        fig.add_trace(go.Box(
            x=part["days"], y=[esc(str(name))] * len(part), boxpoints="all", jitter=0.4, pointpos=0, **style,
            customdata=np.column_stack([pd.to_datetime(part["date"]).dt.strftime("%d %b %Y"),
                                        esc(part["place"].fillna("")), esc(part["channel"].fillna(""))]),
            hovertemplate="<b>%{customdata[0]}</b> · %{customdata[1]}<br>Claimed after %{x} day(s)<br>%{customdata[2]}<extra></extra>",
        ))
    fig.update_xaxes(title="Days from attack to claim", gridcolor="#e5e5e5", rangemode="tozero")
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height=min(560, max(260, 42 * len(order) + 140)))


def figure_bytes(fig: go.Figure) -> int:
    """Size of the figure JSON the browser receives, in bytes."""
    return len(fig.to_json().encode("utf-8"))


def nice_number(value: float | int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{int(value):,}"


# --- changes ---------------------------------------------------------------
BAND_COLOURS = {  # diverging, colour-blind safe (Okabe–Ito), with distinct "new" and "none"
    "Increase (>25%)": "#D55E00", "Moderate increase (10–25%)": "#E69F00", "Limited change (±10%)": "#E8E2D0",
    "Moderate decrease (10–25%)": "#56B4E9", "Decrease (>25%)": "#0072B2", "New activity": "#CC79A7",
    "No activity": "#FFFFFF",
}


BAND_SHORT = {"Increase (>25%)": "up >25%", "Moderate increase (10–25%)": "up 10–25%",
              "Limited change (±10%)": "±10%", "Moderate decrease (10–25%)": "down 10–25%",
              "Decrease (>25%)": "down >25%", "New activity": "new", "No activity": "none"}


def category_map(areas_geojson: dict, values: pd.DataFrame, category: pd.Series, colours: dict[str, str],
                 labels: dict[str, str], *, title: str, customdata, hovertemplate: str, key: str = "iso_3166_2",
                 centre: dict | None = None, zoom: float = 4.3, height: int = 520,
                 area_labels: pd.DataFrame | None = None) -> go.Figure:
    """Areas coloured by a category (one colour step each, in the order of ``colours``),
    drawn offline (MapLibre, white-bg, our own polygons). ``values``: id, name; an
    unknown category takes the last colour; ``labels``: the colour bar's words."""
    names = list(colours)
    n = len(names)
    code = category.map({c: i for i, c in enumerate(names)}).fillna(n - 1)
    scale = [step for i, c in enumerate(names) for step in ([i / n, colours[c]], [(i + 1) / n, colours[c]])]
    fig = go.Figure(go.Choroplethmap(
        geojson=areas_geojson, featureidkey=f"properties.{key}", locations=values["id"], z=code + 0.5,
        zmin=0, zmax=n, colorscale=scale, text=esc(values["name"]), customdata=customdata,
        marker_line_width=0.8, marker_line_color="#8c8c8c", marker_opacity=1.0,
        colorbar=dict(title=dict(text=title), tickvals=[i + 0.5 for i in range(n)],
                      ticktext=[esc(labels[c]) for c in names], thickness=12, len=0.9),
        hovertemplate=hovertemplate,
    ))
    add_labels(fig, area_labels)
    fig.update_layout(map=map_layout(centre, zoom), margin=dict(l=0, r=0, t=0, b=0), height=height, font=FONT)
    return fig


def band_map(areas_geojson: dict, values: pd.DataFrame, *, key: str = "iso_3166_2", centre: dict | None = None,
             zoom: float = 4.3, height: int = 520, area_labels: pd.DataFrame | None = None) -> go.Figure:
    """Areas coloured by their change band. ``values``: id, name, band, incidents, baseline_incidents."""
    custom = np.column_stack([esc(values["band"]), values["incidents"].fillna(0).astype(int),
                              values["baseline_incidents"].fillna(0).round(1)])
    return category_map(areas_geojson, values, values["band"], BAND_COLOURS, BAND_SHORT, title="Change",
                        customdata=custom, key=key, centre=centre, zoom=zoom, height=height, area_labels=area_labels,
                        hovertemplate="<b>%{text}</b><br>%{customdata[0]}<br>latest: %{customdata[1]}, "
                                      "baseline mean: %{customdata[2]}<extra></extra>")


# --- rivalry -----------------------------------------------------------------
def _per_side(frame: pd.DataFrame, sides: tuple[str, str], colours: dict[str, str] | None):
    """(side, its rows, its colour) for each of the two sides."""
    cmap = colour_map(list(sides), colours)
    for side in sides:
        yield side, frame[frame["side"] == side], cmap[side]


def share_chart(share: pd.DataFrame, sides: tuple[str, str], metric: str = "incidents",
                colours: dict[str, str] | None = None, title: str | None = None) -> go.Figure:
    """Each side's share of the two groups' attacks (or killed) per period, stacked to 100 %;
    hover gives the counts."""
    if share.empty:
        return empty("Neither group is counted for an incident in the selection.")
    fig = go.Figure()
    for side, part, colour in _per_side(share, sides, colours):
        fig.add_trace(go.Bar(
            x=pd.to_datetime(part["period"]), y=part[f"share_{metric}"], name=esc(side), marker_color=colour,
            customdata=part[[metric]].to_numpy(),
            hovertemplate="<b>%{fullData.name}</b> %{x|%b %Y}<br>%{y:.0%} of the two (%{customdata[0]:,})<extra></extra>",
        ))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=f"Share of {METRIC_LABELS.get(metric, metric).lower()}", tickformat=".0%", range=[0, 1])
    return _layout(fig, title)


def severity_chart(severity: pd.DataFrame, sides: tuple[str, str], colours: dict[str, str] | None = None,
                   title: str | None = None) -> go.Figure:
    """Killed per attack per period: the median, with the quartiles as a band."""
    if severity.empty:
        return empty("No attack to measure.")
    fig = go.Figure()
    for side, part, colour in _per_side(severity, sides, colours):
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(part["period"]), y=part["median_killed"], name=esc(side), mode="lines+markers",
            line=dict(color=colour, width=2.5),
            error_y=dict(type="data", symmetric=False, array=(part["q3_killed"] - part["median_killed"]).to_numpy(),
                         arrayminus=(part["median_killed"] - part["q1_killed"]).to_numpy(), color=colour,
                         thickness=1),
            customdata=part[["attacks", "suicide_share", "mass_casualty_share"]].to_numpy(),
            hovertemplate=("<b>%{fullData.name}</b> %{x|%b %Y}<br>median %{y} killed per attack "
                           "(%{customdata[0]} attacks)<br>suicide %{customdata[1]:.0%}, "
                           "10+ killed %{customdata[2]:.0%}<extra></extra>"),
        ))
    fig.update_yaxes(title="Killed per attack (median, quartiles)")
    return _layout(fig, title)


def correlation_chart(cc: pd.DataFrame, sides: tuple[str, str], title: str | None = None) -> go.Figure:
    """Weekly cross-correlation by lag, with the band of no correlation."""
    if cc.empty or cc["correlation"].isna().all():
        return empty("Too few weeks with attacks to correlate.")
    fig = go.Figure(go.Bar(x=cc["lag_weeks"], y=cc["correlation"], marker_color="#0072B2",
                           hovertemplate="lag %{x} weeks: %{y:.2f}<extra></extra>", name="correlation"))
    band = float(cc["band"].iloc[0])
    for y in (band, -band):
        fig.add_hline(y=y, line=dict(color="#999", dash="dot", width=1))
    fig.update_xaxes(title=esc(f"Lag in weeks (positive: {sides[1]} after {sides[0]})"), dtick=1)
    fig.update_yaxes(title="Correlation", range=[-1, 1])
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height=320)


CONTEST_COLOURS = {"both": "#CC79A7", "A only": "#D55E00", "B only": "#0072B2", "neither": "#FFFFFF"}


def contest_map(areas_geojson: dict, values: pd.DataFrame, sides: tuple[str, str], *, key: str = "iso_3166_2",
                centre: dict | None = None, zoom: float = 4.3, height: int = 460,
                area_labels: pd.DataFrame | None = None) -> go.Figure:
    """Areas by who is active there: both groups, one, or neither.

    ``values``: id, name, status (both / A only / B only / neither), a, b (attacks)."""
    labels = {"both": "both", "A only": f"{sides[0]} only", "B only": f"{sides[1]} only", "neither": "neither"}
    custom = np.column_stack([values["a"].fillna(0).astype(int), values["b"].fillna(0).astype(int),
                              [esc(sides[0])] * len(values), [esc(sides[1])] * len(values)])
    return category_map(areas_geojson, values, values["status"], CONTEST_COLOURS, labels, title="Active",
                        customdata=custom, key=key, centre=centre, zoom=zoom, height=height, area_labels=area_labels,
                        hovertemplate="<b>%{text}</b><br>%{customdata[2]}: %{customdata[0]}, "
                                      "%{customdata[3]}: %{customdata[1]}<extra></extra>")

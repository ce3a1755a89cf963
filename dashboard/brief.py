"""The weekly (or monthly) brief: one self-contained HTML file that opens on a
machine with no network and prints cleanly.

It holds the selection in one sentence, the headline figures of the latest
period with their change, the change map, TTP against ISKP over time, surges
and firsts, the period's claims and denials, its incidents with their sources,
and a data note naming each dataset with its access date, the filters and the
processing (ACLED's attribution policy asks for this on every product).

The change map is inline SVG (MapLibre's web workers do not start in a page
opened from a file); the timeline stays an interactive Plotly chart: plotly.js is embedded once, gzipped and base64-encoded
(about 2 MB instead of 4.8), and unpacked in the browser with the standard
``DecompressionStream``; the figures are JSON in ``<script type="application/json">``
blocks. Nothing is fetched: no CDN, no fonts, no tiles (maps use the
``white-bg`` style and our own polygons). Every text from data is HTML-escaped.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from datetime import date, datetime, timezone
from functools import lru_cache

import pandas as pd
import plotly.io as pio
import plotly.offline

from . import changes as changes_
from . import figures, pagedata
from .filters import BASES, Filter
from .safe_text import safe_url

MAX_INCIDENTS = 300  # listed in full; beyond, the count is given and the CSV download is the way


@lru_cache(maxsize=1)
def _plotly_js_packed() -> str:
    return base64.b64encode(gzip.compress(plotly.offline.get_plotlyjs().encode("utf-8"), 9)).decode("ascii")


def _e(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _table(frame: pd.DataFrame, columns: dict[str, str], empty: str) -> str:
    if frame is None or frame.empty:
        return f"<p class='empty'>{_e(empty)}</p>"
    head = "".join(f"<th>{_e(label)}</th>" for label in columns.values())
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            value = row.get(col)
            if isinstance(value, (date, datetime, pd.Timestamp)):
                value = pd.Timestamp(value).strftime("%Y-%m-%d")
            elif isinstance(value, float) and not pd.isna(value) and value.is_integer():
                value = int(value)
            elif isinstance(value, (bool,)) or type(value).__name__ == "bool_":
                value = "yes" if value else ""
            cells.append(f"<td>{_e(value)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure(fig, name: str) -> str:
    spec = pio.to_json(fig, validate=False).replace("</", "<\\/")
    return (f"<div class='fig' id='fig-{name}'></div>"
            f"<script type='application/json' class='figure' data-target='fig-{name}'>{spec}</script>")


def _band_svg(d: "pagedata.ChangesData", width: int = 900) -> str:
    """The change map as inline SVG (one path per area, coloured by band, a tooltip
    each): MapLibre's workers do not start in a page opened from a file, and SVG
    prints as it shows. Equirectangular projection scaled by cos(latitude) at the
    middle; coordinates are EPSG:4326 degrees."""
    geojson, values = d.map_figure.data[0].geojson, d.map_figure.data[0]
    key = values.featureidkey.split(".", 1)[1]
    info = {loc: (name, band, n, base) for loc, name, (band, n, base) in
            zip(values.locations, values.text, values.customdata)}
    features = [ft for ft in geojson["features"] if ft["properties"].get(key) in info]
    rings = []
    for ft in features:
        geom = ft["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings.append((ft["properties"][key], [ring for poly in polys for ring in poly]))
    xs = [x for _, rs in rings for r in rs for x, _ in r]
    ys = [y for _, rs in rings for r in rs for _, y in r]
    if not xs:
        return "<p class='empty'>No areas to draw.</p>"
    import math

    k = math.cos(math.radians((min(ys) + max(ys)) / 2))
    scale = width / ((max(xs) - min(xs)) * k)
    height = int((max(ys) - min(ys)) * scale) + 2
    paths = []
    for loc, rs in rings:
        name, band, n, base = info[loc]
        dpath = " ".join("M" + " L".join(f"{(x - min(xs)) * k * scale:.1f},{(max(ys) - y) * scale:.1f}" for x, y in r)
                         + " Z" for r in rs)
        colour = figures.BAND_COLOURS.get(html.unescape(str(band)), "#ffffff")
        tip = f"{html.unescape(str(name))}: {html.unescape(str(band))}; latest {n}, baseline mean {base}"
        paths.append(f"<path d='{dpath}' fill='{colour}' stroke='#8c8c8c' stroke-width='0.7'>"
                     f"<title>{_e(tip)}</title></path>")
    legend = "".join(f"<span class='key'><i style='background:{c}'></i>{_e(b)}</span>"
                     for b, c in figures.BAND_COLOURS.items())
    return (f"<svg class='map' viewBox='0 0 {width} {height}' role='img' aria-label='Change by area'>"
            f"{''.join(paths)}</svg><p class='legend'>{legend}</p>")


def _sources(urls) -> str:
    links = [u for u in (urls or []) if safe_url(u)]
    return " ".join(f"<a href='{html.escape(u, quote=True)}'>{_e(u)}</a>" for u in links) or "none recorded"


def build(a: pagedata.Answers, f: Filter, *, period: str = "week", as_of: date | None = None) -> str:
    """The brief for the latest ``period`` of the selection ``f``, as one HTML document."""
    d = pagedata.changes(a, f, period=period, as_of=as_of)
    w = d.window
    in_period = f.with_(date_from=w.latest, date_to=w.as_of)  # never past the selection's or the data's end
    head = a.ask("headline", in_period)
    prev = head["previous"]
    recent = f.with_(date_from=changes_.shift(w.latest, period, -26 if period == "week" else -12),
                     date_to=w.as_of)
    rivalry = pagedata.timeline(a, recent, freq=period, metric="incidents", milestones=False)
    incidents = a.ask("export_rows", in_period)
    statements = d.statements
    notes = a.ask_store("dataset_notes")

    def metric(label: str, key: str) -> str:
        change = ""
        if prev is not None:
            delta = head[key] - prev[key]
            change = f"<span class='delta'>{delta:+,} against {_e(prev['name'])}</span>"
        return f"<div class='metric'><div class='label'>{label}</div><div class='value'>{head[key]:,}</div>{change}</div>"

    surges = d.table[d.table["surge"]]
    listed = incidents.sort_values("date", ascending=False).head(MAX_INCIDENTS)
    incident_rows = "".join(
        f"<tr><td>{pd.Timestamp(r.date):%Y-%m-%d}</td><td>{_e(r.district or r.province)}</td><td>{_e(r.place)}</td>"
        f"<td>{_e(r.claimed_by or r.attributed_to)}</td><td>{'' if pd.isna(r.killed) else int(r.killed)}</td>"
        f"<td class='src'>{_sources(str(r.source_urls or '').split(' | '))}</td></tr>"
        for r in listed.itertuples(index=False)
    )
    more = (f"<p class='empty'>{len(incidents) - MAX_INCIDENTS:,} more in the selection: export them with "
            f"<code>python -m dashboard export</code>.</p>" if len(incidents) > MAX_INCIDENTS else "")
    dataset_rows = "".join(
        f"<li><b>{_e(r.dataset)}</b>: {r.incidents:,} incidents, {r.first_date:%d %b %Y} – {r.last_date:%d %b %Y}"
        + (f"; accessed (imported) {pd.Timestamp(r.last_imported):%d %b %Y}" if not pd.isna(r.last_imported) else "")
        + "</li>" for r in notes.itertuples(index=False))
    generated = datetime.now(timezone.utc).strftime("%d %b %Y %H:%M UTC")
    level = "district" if d.level == "district" else "province"
    body = f"""
<header><h1>{'Weekly' if period == 'week' else 'Monthly'} brief: {_e(w.describe())}</h1>
<p class='selection'>{_e(f.describe())}</p><p class='meta'>Made {generated} from the KP &amp; Afghanistan militancy
dashboard, offline. Counts are incidents, not casualties, unless said.</p></header>
<section><h2>Headline</h2><div class='metrics'>{metric('Incidents', 'incidents')}{metric('Killed', 'killed')}
{metric('Injured', 'injured')}</div>
<p>{'No change shown: ' + _e(head['no_previous']) + '.' if prev is None else ''}</p></section>
<section><h2>What changed, by {level}</h2>{_band_svg(d)}
<h3>Surges</h3>{_table(surges, {level: level.capitalize(), 'group': 'Group', 'incidents': 'This ' + period,
                               'baseline_incidents': 'Mean before', 'band': 'Change'}, 'No surge.')}
<h3>Firsts</h3>{_table(d.firsts, {'kind': 'What', 'group': 'Group', 'area': 'Where', 'what': 'Detail'},
                       'Nothing happened for the first time.')}
<h3>All areas</h3>{_table(d.table, {level: level.capitalize(), 'group': 'Group', 'incidents': 'This ' + period,
                                    'baseline_incidents': 'Mean before', 'change_pct': 'Change %',
                                    'year_ago_incidents': 'A year before', 'band': 'Change', 'surge': 'Surge'},
                          'No incident in the latest period or its baseline.')}</section>
<section><h2>TTP and ISKP, {period} by {period}</h2>{_figure(rivalry.groups_figure, 'rivalry')}</section>
<section><h2>Claims and denials in the period</h2>{_table(statements, {'date': 'Attack', 'district': 'District',
    'place': 'Place', 'kind': 'Statement', 'group_as_written': 'Group, as written', 'channel': 'Channel',
    'statement_date': 'Said on'}, 'No claim or denial recorded for the period.')}</section>
<section><h2>Incidents in the period ({len(incidents):,})</h2>
<table><thead><tr><th>Date</th><th>Where</th><th>Place</th><th>Group</th><th>Killed</th><th>Sources</th></tr></thead>
<tbody>{incident_rows}</tbody></table>{more}</section>
<section class='note'><h2>Data note</h2><ul>{dataset_rows}</ul>
<p>Filters: {_e(f.describe())}. Attribution basis: {_e(BASES[f.basis])} (a group's latest claim or denial
decides; where nobody claimed, suspicion by officials or attribution by a dataset counts under "claimed or
attributed"). Groups include their factions. Periods are calendar weeks (Monday to Sunday) or months; bands and
surges follow the thresholds {_e(json.dumps(changes_.thresholds_dict(d.thresholds)))}. The embedded
reference data is a sample of well-reported attacks, not a census. Imported ACLED, UCDP and GTD data remain under
their own terms and must be cited as their providers ask.</p></section>"""
    figures_js = """
<script>
(async () => {
  const packed = document.getElementById('plotly-packed').textContent;
  const bytes = Uint8Array.from(atob(packed), c => c.charCodeAt(0));
  const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  (0, eval)(text);
  for (const block of document.querySelectorAll('script.figure')) {
    const fig = JSON.parse(block.textContent);
    Plotly.newPlot(block.dataset.target, fig.data, fig.layout, {displaylogo: false, responsive: true});
  }
  document.body.dataset.ready = 'yes';
})();
</script>"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brief: {_e(w.describe())}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; worker-src blob:; connect-src data: blob:; font-src data:">
<style>
body {{ font-family: system-ui, 'Segoe UI', 'DejaVu Sans', sans-serif; color: #1a1a1a; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
h1 {{ font-size: 1.6em; margin-bottom: .2em; }} h2 {{ border-bottom: 2px solid #1f5f8b; padding-bottom: .2em; margin-top: 1.6em; }}
.selection {{ font-size: 1.1em; }} .meta, .empty {{ color: #555; }}
.metrics {{ display: flex; gap: 2em; }} .metric .value {{ font-size: 2em; font-weight: 600; }} .delta {{ color: #555; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; }} th, td {{ border-bottom: 1px solid #ddd; padding: .3em .4em; text-align: left; vertical-align: top; }}
th {{ background: #f2f4f7; }} td.src {{ word-break: break-all; font-size: .85em; }} .fig {{ width: 100%; min-height: 420px; }} svg.map {{ width: 100%; max-height: 620px; }}
.legend .key {{ margin-right: 1em; white-space: nowrap; }} .legend i {{ display: inline-block; width: 1em; height: 1em; border: 1px solid #8c8c8c; margin-right: .3em; vertical-align: middle; }}
@media print {{ body {{ margin: 0; max-width: none; }} section {{ break-inside: avoid-page; }} .fig {{ break-inside: avoid; }}
  a {{ color: inherit; }} h2 {{ break-after: avoid; }} tr {{ break-inside: avoid; }} }}
</style></head>
<body>{body}
<script type="application/octet-stream" id="plotly-packed">{_plotly_js_packed()}</script>
{figures_js}
</body></html>
"""

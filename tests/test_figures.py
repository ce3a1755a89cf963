"""Figure builders: offline map traces, bounded payloads, inert text."""

import html

import pandas as pd

from dashboard import figures
from dashboard.geo import shapes


def points(n: int, place: str = "synthetic place") -> pd.DataFrame:
    """SYNTHETIC map points, made up for this test."""
    return pd.DataFrame({
        "incident_id": [f"synthetic:{i}" for i in range(n)], "date": pd.Timestamp("2023-07-30"),
        "place": place, "district": "Bajaur", "province": "Khyber Pakhtunkhwa", "country": "Pakistan",
        "latitude": 34.7, "longitude": 71.5, "killed": 5, "injured": 1, "attack_type": "ambush",
        "location_approximate": False, "claim_status": "claimed", "groups": "ISKP", "main_group": "ISKP",
    })


def areas():
    index = shapes.province_index()
    return pd.DataFrame({"id": index["id"], "name": index["province"], "value": 1})


def test_map_uses_offline_maplibre_traces_on_a_blank_style():
    fig = figures.incident_map(shapes.province_geojson(), areas(), points(3), area_labels=shapes.province_labels())
    assert {t.type for t in fig.data} == {"choroplethmap", "scattermap"}
    assert fig.layout.map.style == figures.MAP_STYLE == "app/static/map-style.json"  # served by the app
    labels = next(t for t in fig.data if t.name == "Area names")
    assert "Khyber Pakhtunkhwa" in labels.text and labels.textfont.family == figures.LABEL_FONT


def test_the_label_glyphs_the_map_asks_for_are_in_the_app():
    """The style has no tile source and asks ``glyphs`` for the font stack and range, both
    from dashboard/static (served at app/static): no tile server, no font CDN."""
    import json

    from dashboard.config import REPO_ROOT

    static = REPO_ROOT / "dashboard" / "static"
    style = json.loads((static / figures.MAP_STYLE.removeprefix("app/static/")).read_text())
    assert style["sources"] == {} and [layer["type"] for layer in style["layers"]] == ["background"]
    path = static / style["glyphs"].removeprefix("app/static/").format(fontstack=figures.LABEL_FONT, range="0-255")
    data = path.read_bytes()
    assert len(data) > 20_000 and figures.LABEL_FONT.encode() in data[:40]
    config = (REPO_ROOT / ".streamlit" / "config.toml").read_text()
    assert "enableStaticServing = true" in config


def test_map_payload_stays_under_400_kb_at_the_point_limit():
    from dashboard.queries import MAP_POINT_LIMIT

    fig = figures.incident_map(shapes.province_geojson(), areas(), points(MAP_POINT_LIMIT))
    assert figures.figure_bytes(fig) < 400_000


def test_data_text_cannot_inject_markup_into_hover_labels():
    fig = figures.incident_map(shapes.province_geojson(), areas(), points(1, place="<a href='x'>click</a>"))
    label = fig.data[1].customdata[0][1]
    assert "<a" not in label and "&lt;a" in label


def test_many_claims_are_summarised_not_sent_one_by_one():
    summary = pd.DataFrame({"group": ["ISKP"], "claims": [5000], "q1": [1249.75], "median": [2499.5],
                            "q3": [3749.25], "min": [0], "max": [4999]})
    fig = figures.claim_delays(pd.DataFrame(), summary)
    assert figures.figure_bytes(fig) < 20_000
    assert fig.data[0].median == (2499.5,)


HOSTILE = '<a href="http://127.0.0.1:9/x">Bajaur</a> %{y} <span style="font-size:60px">big</span>'


def test_data_text_never_reaches_a_hover_template_or_a_label_as_markup():
    """Names from imported files are shown as text: no link, no style, no template field."""
    period = pd.to_datetime(["2023-01-01", "2023-04-01"])
    series = pd.DataFrame({"period": list(period) * 2, "series": ["TTP", "TTP", HOSTILE, HOSTILE],
                           "incidents": [1, 2, 3, 4], "killed": [0, 1, 2, 3], "injured": [0, 0, 0, 0]})
    area = pd.DataFrame({"country": ["Pakistan"], "province": ["Khyber Pakhtunkhwa"], "district": [HOSTILE],
                         "incidents": [3], "killed": [1], "injured": [0]})
    groups = pd.DataFrame({"group": [HOSTILE], "claimed": [1], "denied": [0], "suspected_only": [0], "incidents": [1]})
    delays = pd.DataFrame({"group": [HOSTILE], "claims": [3], "q1": [0.0], "median": [1.0], "q3": [2.0],
                           "min": [0], "max": [3]})
    built = [figures.timeline(series, "incidents", "quarter"), figures.stacked_area_bars(series, "incidents"),
             figures.area_bars(area, "incidents", area="district"), figures.claims_by_group(groups),
             figures.claim_delays(pd.DataFrame(columns=["group"]), delays)]
    for fig in built:
        for trace in fig.data:
            template = trace.hovertemplate or ""
            assert "href" not in template and "127.0.0.1" not in template and "60px" not in template
            text = " ".join(str(v) for v in (trace.name, *(trace.x if trace.x is not None else ()),
                                             *(trace.y if trace.y is not None else ())))
            assert "<a " not in text and "<span" not in text
    names = {t.name for fig in built[:2] for t in fig.data}
    assert "&lt;a href=\"http://127.0.0.1:9/x\"&gt;Bajaur&lt;/a&gt; %{y} &lt;span style=\"font-size:60px\"&gt;big&lt;/span&gt;" in names


def test_counts_have_whole_number_ticks_and_bars_show_their_values():
    series = pd.DataFrame({"period": pd.to_datetime(["2023-01-01", "2023-04-01"]), "series": ["TTP", "TTP"],
                           "incidents": [1, 2], "killed": [0, 1], "injured": [0, 0]})
    fig = figures.timeline(series, "incidents", "quarter")
    assert (fig.layout.yaxis.dtick, fig.layout.yaxis.tickformat) == (1, ",d")  # not 0.5, 1.5
    area = pd.DataFrame({"country": ["Pakistan"] * 2, "province": ["Khyber Pakhtunkhwa", "Balochistan"],
                         "incidents": [237, 12], "killed": [1, 2], "injured": [0, 0]})
    bars = figures.area_bars(area, "incidents")
    assert bars.layout.xaxis.dtick == 50 and list(bars.data[0].text) == ["12", "237"]


def test_a_milestone_in_the_last_period_is_drawn():
    series = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-10-01"]), "series": ["TTP", "TTP"],
                           "incidents": [1, 2], "killed": [0, 1], "injured": [0, 0]})
    stones = pd.DataFrame({"date": pd.to_datetime(["2024-12-20"]), "label": ["late in the last quarter"],
                           "source_url": ["https://example.org"]})
    fig = figures.timeline(series, "incidents", "quarter", milestones=stones)
    assert [a.text for a in fig.layout.annotations] == ["1"]


def test_each_area_in_a_breakdown_has_its_own_colour():
    names = [f"SYNTHETIC area {i}" for i in range(10)]
    data = pd.DataFrame({"period": pd.Timestamp("2024-01-01"), "series": names, "incidents": range(10, 20),
                         "killed": 0, "injured": 0})
    fig = figures.stacked_area_bars(data, "incidents")
    colours = [t.marker.color for t in fig.data]
    assert len(colours) == 10 and len(set(colours)) == 10 and figures.OTHER not in colours


def test_a_band_map_colours_each_area_by_its_band_and_labels_the_bar():
    index = shapes.province_index().head(3)
    values = pd.DataFrame({"id": index["id"], "name": index["province"], "incidents": [4, 0, 1],
                           "baseline_incidents": [1.0, 2.0, 0.0],
                           "band": ["Increase (>25%)", "Decrease (>25%)", "New activity"]})
    trace = figures.band_map(shapes.province_geojson(), values).data[0]
    scale = dict((round(x, 6), c) for x, c in trace.colorscale)
    n = len(figures.BAND_COLOURS)
    for z, band in zip(trace.z, values["band"]):
        assert scale[round((z - 0.5) / n, 6)] == figures.BAND_COLOURS[band]  # the step the area falls in
    assert [html.unescape(t) for t in trace.colorbar.ticktext][:2] == ["up >25%", "up 10–25%"]  # as Plotly shows them
    assert "127.0.0.1" not in trace.hovertemplate and "%{customdata[0]}" in trace.hovertemplate

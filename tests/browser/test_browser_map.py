"""The map draws offline: province polygons (choroplethmap) and incident points (scattermap)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

TRACES = """() => {
    const el = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
    if (!el || !el._fullData) return null;
    return {
        traces: el._fullData.map(t => ({type: t.type, name: t.name, points: t._length ?? 0})),
        style: el._fullLayout && el._fullLayout.map ? el._fullLayout.map.style : null,
    };
}"""


def canvas_ink(png: bytes) -> tuple[float, int]:
    """(share of pixels that are not near-white, number of distinct colours) of a PNG."""
    img = Image.open(io.BytesIO(png)).convert("RGB")
    img.thumbnail((400, 400))
    counts = img.getcolors(img.width * img.height) or []
    inked = sum(n for n, (r, g, b) in counts if min(r, g, b) < 235)
    return inked / (img.width * img.height), len(counts)


def test_map_draws_polygons_and_points(app):
    app.goto("/map")
    page = app.page
    page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot .maplibregl-canvas')
    fig = page.evaluate(TRACES)
    assert fig is not None, "no plotly figure on the Map page"
    types = [t["type"] for t in fig["traces"]]
    assert "choroplethmap" in types, types
    assert "scattermap" in types, types
    # Nothing that needs a tile server or a font CDN: a white style, glyphs from the app.
    assert fig["style"] == "app/static/map-style.json"  # the app's own style file (tests/test_figures.py)
    areas = next(t for t in fig["traces"] if t["type"] == "choroplethmap")
    assert areas["points"] >= 30, "expected the Pakistan and Afghanistan provinces (42 in the boundaries)"
    points = sum(t["points"] for t in fig["traces"] if t["type"] == "scattermap" and t["name"] != "Area names")
    assert points > 0

    # The WebGL canvas is not blank: polygons in greys plus coloured points.
    canvas = page.locator('[data-testid="stMain"] .maplibregl-canvas').first
    share, colours = 0.0, 0
    for _ in range(20):  # MapLibre draws a few frames after the figure arrives
        share, colours = canvas_ink(canvas.screenshot())
        if share > 0.05 and colours > 20:
            break
        page.wait_for_timeout(500)
    print(f"map canvas: {share:.1%} of pixels drawn, {colours} colours")
    assert share > 0.05, f"the map canvas is blank ({share:.1%} of pixels drawn)"
    assert colours > 20, f"the map canvas has only {colours} colours: polygons or points are missing"


def test_map_follows_the_filter(app):
    app.goto("/map", {"group": "ISKP", "province": "Khyber Pakhtunkhwa"})
    app.page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot .maplibregl-canvas')
    fig = app.page.evaluate(TRACES)
    scatter = [t for t in fig["traces"] if t["type"] == "scattermap" and t["name"] != "Area names"]
    assert scatter and {t["name"] for t in scatter} == {"ISKP"}
    caption = app.page.get_by_test_id("stCaptionContainer").nth(1).inner_text()
    assert caption.startswith(f"{sum(t['points'] for t in scatter)} incidents drawn")


VIEW = """() => {
    const el = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
    const m = el._fullLayout.map;
    const names = el._fullData.filter(t => t.name === 'Area names').map(t => [...t.text]);
    return {lat: m.center.lat, lon: m.center.lon, zoom: m.zoom, names: names.flat()};
}"""


def test_the_map_zooms_to_the_chosen_province_and_names_it_with_its_own_glyphs(app):
    """Khyber Pakhtunkhwa chosen: the view is KP's (not both countries'), its name is
    drawn, and the label glyphs come from the app itself (the conftest fails any
    request outside this machine)."""
    glyphs = []
    app.page.on("response", lambda r: glyphs.append((r.url, r.status)) if "/app/static/glyphs/" in r.url else None)
    app.goto("/map", {"group": ["ISKP", "TTP"], "province": "Khyber Pakhtunkhwa",
                      "from": "2023-01-01", "to": "2024-12-31"})
    app.page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot .maplibregl-canvas')
    view = app.page.evaluate(VIEW)
    assert 31 < view["lat"] < 36 and 69.5 < view["lon"] < 73.5, view   # KP spans 31-37 N, 69-74 E
    assert view["zoom"] > 5.2, view                                   # both countries fit at about 4.3
    assert "Khyber Pakhtunkhwa" in view["names"]
    for _ in range(20):
        if glyphs:
            break
        app.page.wait_for_timeout(250)
    assert glyphs and all(status == 200 for _, status in glyphs), glyphs

"""Every page loads in a real browser: no Streamlit exception, no console error, charts with data.

A full-page screenshot of each page is saved to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import pytest

from .conftest import DATA_PAGE, PAGES, VIEWS

pytestmark = pytest.mark.browser


def all_pages():
    pages = list(PAGES)
    if (VIEWS / "data.py").exists():
        pages.append(DATA_PAGE)
    return pages


PLOT_SUMMARY = """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
    traces: (el._fullData || []).map(t => ({type: t.type, name: t.name, points: t._length ?? null,
                                             visible: t.visible})),
}))"""


@pytest.mark.parametrize(("name", "path", "title"), all_pages(), ids=[p[0] for p in all_pages()])
def test_page_loads_cleanly(app, name, path, title):
    app.goto(path)
    page = app.page

    heading = page.get_by_test_id("stMain").locator("h1").first.inner_text().strip()
    assert heading.startswith(title), heading
    assert app.exceptions() == [], f"{path} shows a Streamlit exception"
    # The navigation lists every page, whichever was opened.
    nav = page.get_by_test_id("stSidebarNav")
    for _, _, other_title in PAGES:
        assert nav.get_by_text(other_title, exact=True).count() == 1, f"nav lacks {other_title!r}"

    # Every chart on the page has at least one trace with something to draw (default data).
    for i, plot in enumerate(page.evaluate(PLOT_SUMMARY)):
        drawn = [t for t in plot["traces"] if t["visible"] is not False and (t["points"] or 0) > 0]
        assert drawn, f"chart #{i + 1} on {path} is empty: {plot['traces']}"

    app.screenshot(name)
    assert app.app_console_errors() == []


TICKS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].map(el => {
    const y = el._fullLayout && el._fullLayout.yaxis;
    return y && y.type === 'linear' ? {title: (y.title && y.title.text) || '', ticks: (y._vals || []).map(v => v.x)} : null;
}).filter(Boolean)"""


def test_count_axes_tick_whole_numbers(app):
    """ISKP in one province over two years: a few incidents a quarter, where plotly on its
    own ticks 0.5, 1.5 … A count axis shows whole numbers only."""
    app.goto("/timeline", {"group": "ISKP", "province": "Khyber Pakhtunkhwa", "from": "2023-01-01",
                           "to": "2024-12-31"})
    app.page.wait_for_selector('[data-testid="stMain"] .js-plotly-plot')
    axes = app.page.evaluate(TICKS)
    counts = [a for a in axes if a["title"] in ("Incidents", "Killed", "Injured", "")]
    assert counts, axes
    for axis in counts:
        assert axis["ticks"] and all(float(t).is_integer() for t in axis["ticks"]), axis

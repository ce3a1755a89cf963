"""Hostile input in a real browser: a store whose every text field holds Markdown,
HTML, Plotly markup and formulas, and links whose parameters do the same. On
every page and in the incident detail, nothing from data makes the browser
fetch, link to or style anything, and no script runs (no dialog opens). The
``app``-style checks of conftest (no outside request, no console error) apply."""

from __future__ import annotations

import pytest

from dashboard.ingest.pipeline import ingest_file
from dashboard.workspace import open_workspace
from tests.hostile import BEACON, PAYLOADS, URL_CASES, hostile_native_file

from .conftest import PAGES, assert_offline, new_app_page, start_server, stop_server

pytestmark = pytest.mark.browser

# What data-made markup would leave in the DOM.
FOUND = """() => {
    const main = document.querySelector('[data-testid="stAppViewContainer"]') || document.body;
    const out = [];
    for (const img of main.querySelectorAll('img')) {
        const src = img.getAttribute('src') || '';
        if (!src.startsWith('data:') && !src.startsWith('blob:') && !src.startsWith('/') &&
            !src.startsWith(location.origin)) out.push('img ' + src);
    }
    for (const a of document.querySelectorAll('a[href]')) {
        const href = a.getAttribute('href');
        if (href.includes('evil.example') || href.includes('127.0.0.1:9') || href.startsWith('javascript:'))
            out.push('a ' + href);
    }
    for (const el of document.querySelectorAll('[style*="font-size:60px"], [style*="font-size: 60px"], font[color]'))
        out.push('styled ' + el.outerHTML.slice(0, 80));
    for (const el of document.querySelectorAll('svg a')) out.push('svg link ' + el.outerHTML.slice(0, 80));
    return out;
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, default_db):
    work = tmp_path_factory.mktemp("hostile-app")
    db = work / "hostile.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_DATA_DIR", str(work / "local"))
        import shutil

        shutil.copy(default_db, db)
        with open_workspace(db) as store:
            assert ingest_file(store, hostile_native_file(work / "hostile.csv")).loaded == len(PAYLOADS)
    server = start_server(work / "server", db_source=db)
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def hostile_app(browser, hostile_server):
    context, app = new_app_page(browser, hostile_server)
    dialogs: list[str] = []
    app.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    app.dialogs = dialogs
    try:
        yield app
        assert_offline(app.recorder)
        assert not dialogs, f"a script from data ran: {dialogs}"
    finally:
        context.close()


def check(app) -> None:
    app.page.wait_for_timeout(400)  # images and charts ask for what they need
    found = app.page.evaluate(FOUND)
    assert found == [], found
    assert BEACON not in [u for u, _ in app.recorder.seen]


KP_JUNE = {"province": "Khyber Pakhtunkhwa", "from": "2024-06-01", "to": "2024-06-30"}


@pytest.mark.parametrize(("name", "path", "title"), PAGES, ids=[p[0] for p in PAGES])
def test_stored_markup_stays_text_on_every_page(hostile_app, name, path, title):
    hostile_app.goto(path, KP_JUNE)
    if name in ("overview", "timeline"):  # district names are where the markup sits
        radio = hostile_app.page.get_by_test_id("stRadio").filter(has_text="Break down by")
        if radio.count():
            radio.get_by_text("District", exact=True).click()
            hostile_app.wait_ready()
    check(hostile_app)


def test_the_incident_detail_shows_stored_markup_as_text(hostile_app):
    hostile_app.goto("/incidents", {"incident": "native:H0"})
    heading = hostile_app.page.get_by_test_id("stHeading").filter(has_text="Jun 2024").first
    assert "![x](" in heading.inner_text()  # the place, as written
    check(hostile_app)


def test_hostile_links_render_no_markup(hostile_app):
    for params in URL_CASES[:6] + URL_CASES[13:15]:
        hostile_app.goto("/", params)
        check(hostile_app)


def test_a_link_with_too_many_parameters_says_so_and_keeps_the_rest(hostile_app):
    hostile_app.goto("/")  # the server's first run installs ui.links (see its docstring)
    hostile_app.goto("/", {"province": "Khyber Pakhtunkhwa", "group": ["TTP"] * 1200})
    text = hostile_app.page.get_by_test_id("stMain").inner_text()
    assert "more than the 1000 the app reads" in text
    assert hostile_app.selected("Province") == ["Khyber Pakhtunkhwa"]
    check(hostile_app)

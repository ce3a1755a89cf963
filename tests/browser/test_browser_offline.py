"""The offline guarantee: nothing the dashboard does in the browser, or on the server, leaves the machine.

Browser side: the ``app`` fixture routes every request of its context through a
recorder; anything not addressed to the app's own 127.0.0.1:PORT (data: and
blob: URLs aside) is recorded and aborted, and the test errors at teardown.
That check runs after *every* browser test; the tests below make it explicit,
page by page, and prove the recorder does catch an outside request.

Server side: the server runs under ``serve_guarded.py``, whose audit hook
records outside name lookups and connections of the Streamlit process.
"""

from __future__ import annotations

import os
import tomllib

import pytest

from dashboard.config import REPO_ROOT

from .conftest import PAGES, assert_offline

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("name", "path", "title"), PAGES, ids=[p[0] for p in PAGES])
def test_page_makes_no_outside_request(app, name, path, title):
    app.goto(path)
    # Scroll to the bottom so anything loaded lazily (images, fonts, charts) is asked for too.
    app.page.evaluate(
        """() => { for (const sel of ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]']) {
                     const el = document.querySelector(sel); if (el) el.scrollTo(0, el.scrollHeight); } }"""
    )
    app.page.wait_for_timeout(500)
    app.wait_ready()

    rec = app.recorder
    assert rec.local_count() > 10, "the recorder saw almost nothing: is it attached?"
    assert any(how == "websocket" for _, how in rec.seen), "the recorder missed Streamlit's websocket"
    assert_offline(rec)


def test_recorder_catches_an_outside_request(app):
    """A test of the test: an image from an outside host is caught (and never sent)."""
    app.goto("/")
    outside = "https://example.com/x.png"
    app.page.evaluate(
        """(src) => { const img = document.createElement('img'); img.src = src;
                      document.body.appendChild(img); }""",
        outside,
    )
    app.page.wait_for_timeout(1000)
    assert outside in app.recorder.external()
    assert outside in app.recorder.aborted, "the outside request was not blocked"
    with pytest.raises(AssertionError, match="example.com"):
        assert_offline(app.recorder)
    # Clean up what this test caused on purpose, so the fixture's own checks pass.
    app.recorder.forget(outside)
    app.console_errors[:] = [e for e in app.console_errors if "ERR_BLOCKED_BY_CLIENT" not in e]


def _config_pins_server_address() -> bool:
    if "browser.serverAddress" in os.environ.get("BROWSER_TEST_SERVER_ARGS", ""):
        return True
    path = REPO_ROOT / ".streamlit" / "config.toml"
    try:
        config = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return "serverAddress" in config.get("browser", {})


@pytest.mark.xfail(
    not _config_pins_server_address(),
    strict=True,
    reason=(
        "app bug (reported to the lead): with server.headless=true Streamlit looks up "
        "checkip.amazonaws.com at start to print an 'External URL'. Fix: add "
        'serverAddress = "localhost" under [browser] in .streamlit/config.toml; '
        "this marker then stops applying and the test must pass."
    ),
)
def test_server_makes_no_outside_lookup(app_server, app):
    app.goto("/")  # the server has started and served a session
    outbound = app_server.outbound()
    assert outbound == [], "the Streamlit server looked up or contacted outside hosts:\n  " + "\n  ".join(outbound)

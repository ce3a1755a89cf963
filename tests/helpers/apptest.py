"""The app under Streamlit's AppTest, opened on a page with URL parameters."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.config import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")


def open_page(page: str | None = None, *, check: bool = True, **params) -> AppTest:
    """Run the app with ``params`` in its URL, then switch to ``page`` (views/…);
    with ``check``, fail when the page raised."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at

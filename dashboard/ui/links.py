"""Links too long for Streamlit: a notice instead of a silent reset.

Streamlit ignores the whole query string of a link with more than 1,000
parameters (or 512 Ki characters), so such a link would open on the default
view with no word said. ``keep_what_fits`` wraps Streamlit's check so that the
first parameters are kept (within both limits) and a ``_dropped=N`` parameter
tells the Filter how many the link had; ``filters.Filter.from_query`` turns it
into a notice. Installed by the server's first run of ``app.py``, so it applies
from then on (the very first request after a server start is read by Streamlit
before any of the app's code runs). Streamlit is pinned in requirements.txt and
``tests/browser/test_browser_hostile.py`` checks that it works.
"""

from __future__ import annotations

from streamlit.runtime import app_session
from streamlit.runtime.state import query_params as qp

DROPPED = "_dropped"


def keep_what_fits() -> None:
    original = qp.sanitize_query_string
    if getattr(app_session.sanitize_query_string, "keeps_what_fits", False):
        return

    def sanitize(query_string: str) -> str:
        out = original(query_string)
        if not query_string or out:
            return out
        pairs = query_string.split("&")
        kept: list[str] = []
        size = 0
        for pair in pairs[: qp.CLIENT_STATE_QUERY_STRING_MAX_FIELDS - 1]:
            size += len(pair) + 1
            if size > qp.CLIENT_STATE_QUERY_STRING_MAX_LENGTH // 2:
                break
            kept.append(pair)
        return "&".join(kept + [f"{DROPPED}={len(pairs)}"])

    sanitize.keeps_what_fits = True
    app_session.sanitize_query_string = sanitize

"""Entry point: ``streamlit run dashboard/app.py``.

Layout only: navigation, the shared sidebar, then the chosen page. Pages live in
``dashboard/views/``; they ask ``dashboard.queries`` through ``ui.state.ask``
and draw with ``dashboard.figures``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard.ui import links, sidebar  # noqa: E402

links.keep_what_fits()  # a link over Streamlit's 1,000-parameter limit gets a notice, not a reset

st.set_page_config(
    page_title="KP & Afghanistan militancy dashboard",
    # A local file: Material-icon and emoji favicons are fetched from an outside CDN,
    # and this also stands in for the pages' own icons as the favicon.
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)

VIEWS = Path(__file__).parent / "views"
PAGES = {
    "Analysis": [
        st.Page(VIEWS / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(VIEWS / "changes.py", title="Changes", icon=":material/trending_up:", url_path="changes"),
        st.Page(VIEWS / "map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page(VIEWS / "timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
        st.Page(VIEWS / "claims.py", title="Claims & attribution", icon=":material/campaign:", url_path="claims"),
        st.Page(VIEWS / "rivalry.py", title="Rivalry", icon=":material/swords:", url_path="rivalry"),
        st.Page(VIEWS / "incidents.py", title="Incidents", icon=":material/table_rows:", url_path="incidents"),
    ],
    "Data": [
        page
        for page in (
            st.Page(VIEWS / "data.py", title="Import & manage", icon=":material/upload_file:", url_path="data")
            if (VIEWS / "data.py").exists() else None,
            st.Page(VIEWS / "about.py", title="About the data", icon=":material/info:", url_path="about"),
        )
        if page is not None
    ],
}

nav = st.navigation(PAGES)
sidebar.render()
nav.run()

"""District boundaries: a section of the Data page. Layout only.

The Data page calls ``render()``. The work is done by ``dashboard.geo.boundary_files``
(reading and checking files) and ``dashboard.geo.district_store`` (the store),
the same code as ``python -m dashboard boundaries``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.geo import district_store
from dashboard.geo import boundary_files as F
from dashboard.geo import boundary_registry as R
from dashboard.safe_text import md
from dashboard.ui import state, widgets

UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip", "parquet", "geoparquet"]
_MESSAGE = "_boundaries_message"



def _done(kind: str, text: str, notes: list[str] | None = None) -> None:
    st.session_state[_MESSAGE] = (kind, text, notes or [])
    st.rerun()


def render() -> None:
    """The "District boundaries" section: what is added, add a file, remove, re-assign."""
    st.subheader("District boundaries")
    st.caption(
        "The dashboard ships province boundaries only. Add district (admin level 2) boundaries per "
        "country to get district maps, filters and breakdowns; every incident is then assigned to a "
        "district by its coordinates, or by its district name when it has none. Files are kept in the "
        "data folder, not in the project."
    )
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        kind, text, notes = message
        (st.success if kind == "ok" else st.error)(text)
        for note in notes:
            st.caption(note)

    entries = R.registry()
    if entries:
        widgets.table(
            pd.DataFrame([{
                "Country": m["country"], "Districts": m["districts"], "File": m["source"],
                "Name field": m["name_field"], "Added": m["added_at"],
                "Map copy (KB)": round(m["display_bytes"] / 1000),
            } for m in entries]),
            hide_index=True, width="stretch",
        )
    else:
        st.info(F.GEOBOUNDARIES_HELP, icon=":material/map:")

    if not state.ask_store("boundaries_in_sync"):
        st.warning("Incidents were assigned to districts from other boundary files than those now in the "
                   "data folder.", icon=":material/sync_problem:")
        if st.button("Re-assign districts now", key="districts_sync"):
            try:
                change = district_store.sync(state.get_store())
            except Exception as exc:  # shown to the analyst; the transaction rolled back
                _done("error", f"Could not re-assign districts: {md(exc)}")
            else:
                _done("ok", md(change.summary()))

    with st.form("districts_add", clear_on_submit=True):
        upload = st.file_uploader(
            "Boundary file (GeoJSON, GeoPackage, zipped Shapefile or GeoParquet)", type=UPLOAD_TYPES,
            key="districts_file",
        )
        c1, c2 = st.columns(2)
        country = c1.selectbox("Country", list(F.COUNTRIES), format_func=lambda c: f"{F.COUNTRIES[c]} ({c})",
                               key="districts_country")
        name_field = c2.text_input("Field with district names (optional)", key="districts_field",
                                   placeholder="detected: shapeName, ADM2_EN, NAME_2, DISTRICT…")
        submitted = st.form_submit_button("Add district boundaries", type="primary")
    if submitted:
        if upload is None:
            st.error("Choose a file first.")
        else:
            _add(upload, country, name_field.strip() or None)

    if entries:
        st.markdown("**Remove**")
        cols = st.columns(len(entries))
        for col, m in zip(cols, entries):
            if col.button(f"Remove {m['country']} districts", key=f"districts_remove_{m['country_iso3']}",
                          help="Incidents go back to their districts as written and to province-level placement."):
                try:
                    change = district_store.remove_boundaries(state.get_store(), m["country_iso3"])
                except Exception as exc:
                    _done("error", f"Could not remove the {m['country']} districts: {md(exc)}")
                else:
                    _done("ok", f"Removed the {m['country']} district boundaries. {md(change.summary())}")


def _add(upload, country: str, name_field: str | None) -> None:
    name = Path(upload.name).name
    with st.spinner(f"Reading {md(name)}…"), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(upload.getvalue())
        try:
            prepared = F.prepare(path, country, F.LEVEL, name_field, source_name=name)
            change = district_store.add_boundaries(state.get_store(), prepared)
        except F.BoundaryError as exc:
            st.error(md(exc))
            return
    _done("ok", f"Added {md(name)}. {md(change.summary())}", [md(n) for n in change.notes])

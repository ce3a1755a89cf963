"""Overview: headline figures against the previous period, latest incidents."""

import streamlit as st

from dashboard import pagedata
from dashboard.ui import sidebar, state, widgets

st.title("Overview")
sidebar.show_selection()
f = state.current_filter()
# The page's own choices, as the widgets below last left them (their keys).
level = widgets.area_level(f, "overview_level")
metric = widgets.chosen("overview_metric", "incidents")
d = pagedata.overview(state.answers(), f, level=level, metric=metric)

h, prev = d.headline, d.headline["previous"]
start, end = h["period"]
cols = st.columns(4)
against = (f"Change against {prev['name']} ({prev['period'][0]:%d %b %Y} – {prev['period'][1]:%d %b %Y})."
           if prev else f"No change shown: {h['no_previous']}.")
for col, key, label in zip(cols[:3], ("incidents", "killed", "injured"), ("Incidents", "Killed", "Injured")):
    delta = None if prev is None else h[key] - prev[key]
    col.metric(label, f"{h[key]:,}", delta=None if delta is None else f"{delta:+,}",
               delta_color="off" if not delta else "inverse", help=against)
share = h["claimed_share"]
cols[3].metric("Claimed", "–" if share is None else f"{share:.0%}",
               help="Share of the selected incidents that a group claimed (and did not retract).")
if start and end and (prev is not None or f.date_from):
    st.caption(f"Period {start:%d %b %Y} – {end:%d %b %Y}. {against}")

if h["incidents"] == 0:
    widgets.empty_state()
    st.stop()

left, right = st.columns([3, 2])
with left:
    st.subheader("Latest incidents")
    widgets.incident_list(d.latest)
    st.page_link("views/incidents.py", label="All incidents, with sources and downloads",
                 icon=":material/arrow_forward:")
with right:
    st.subheader("Where")
    a, b = st.columns(2)
    with a:
        widgets.area_level_control(f, "overview_level")
    with b:
        st.segmented_control("Measure", ["incidents", "killed"], default="incidents",
                             format_func=str.capitalize, key="overview_metric")
    st.plotly_chart(d.areas_figure, width="stretch", config={"displaylogo": False})
    if d.district_note:
        st.caption(d.district_note)

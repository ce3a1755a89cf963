"""Map: provinces (or districts, when added) shaded by incidents or killed, incidents as points. Offline."""

import streamlit as st

from dashboard import pagedata
from dashboard.geo import shapes
from dashboard.geo.boundary_files import GEOBOUNDARIES_HELP
from dashboard.ui import sidebar, state, widgets

st.title("Map")
sidebar.show_selection()
f = state.current_filter()
has_districts = shapes.has_districts()

c1, c2, c3 = st.columns([1, 1, 2])
level = "province"
if has_districts:
    level = c1.segmented_control("Areas", ["district", "province"], default="district",
                                 format_func=str.capitalize, key="map_level") or "district"
metric = c2.segmented_control("Shade areas by", ["incidents", "killed"], default="incidents",
                              format_func=str.capitalize, key="map_metric") or "incidents"
show_points = c3.toggle("Show incidents as points", value=True, key="map_points")

d = pagedata.map_page(state.answers(), f, level=level, metric=metric, points=show_points)
st.plotly_chart(d.figure, width="stretch", config={"displaylogo": False, "scrollZoom": True})

summary = d.summary
if summary["incidents"] == 0:
    widgets.empty_state()
elif d.aggregated:
    st.caption(f"{summary['incidents']:,} incidents: too many to draw one by one, so points are grouped in 0.25° cells.")
else:
    unplaced = summary["not_drawn"]
    st.caption(
        (f"{d.points_drawn:,} incident{'s' if d.points_drawn != 1 else ''} drawn as points"
         if show_points else "Points are off")
        + "; point size grows with the number killed, colour shows the group (claimant, or the group blamed when "
        "nobody claimed). "
        + (f"{unplaced:,} whose source gives no coordinates and no district count in the shading but are not "
           "drawn as points. " if unplaced else "")
        + (f"{summary['at_district_point']:,} without coordinates are drawn at their district's centre "
           "(said so in the tooltip)." if summary["at_district_point"] else "")
    )
if d.level == "district":
    outside = summary["incidents"] - summary["matched"]
    st.caption(
        f"Districts shaded: {summary['matched']:,} of the {summary['incidents']:,} selected incidents have a "
        f"district from the boundaries ({', '.join(d.covered)})"
        + (f"; {outside:,} have none or lie elsewhere and are not shaded" if outside > 0 else "")
        + ". Switch to Province for the whole region."
    )
if not d.boundaries_in_sync:
    st.warning(
        "The district boundaries in the data folder changed since incidents were last assigned to districts. "
        "Re-assign them on the Data page, or run `python -m dashboard boundaries sync`.",
        icon=":material/sync_problem:",
    )
if has_districts:
    st.caption(
        "Province boundaries: Natural Earth admin-1 (public domain), FATA merged into Khyber Pakhtunkhwa. "
        "District boundaries: the analyst's own files (`python -m dashboard boundaries list`)."
    )
else:
    st.caption("Province boundaries: Natural Earth admin-1 (public domain), FATA merged into Khyber Pakhtunkhwa.")
    st.info(
        "**Districts:** no district boundaries have been added, so the map shows provinces. "
        f"{GEOBOUNDARIES_HELP} Then, on the Data page (District boundaries), upload it, or run "
        "`python -m dashboard boundaries add FILE --country PAK --level 2`.",
        icon=":material/map:",
    )

"""Map: provinces shaded by incidents or killed, incidents as points. Offline."""

import streamlit as st

from dashboard import figures
from dashboard.geo import shapes
from dashboard.ui import sidebar, state, widgets

st.title("Map")
sidebar.show_selection()
f = state.current_filter()

c1, c2 = st.columns([1, 3])
metric = c1.segmented_control("Shade areas by", ["incidents", "killed"], default="incidents",
                              format_func=str.capitalize, key="map_metric") or "incidents"
show_points = c2.toggle("Show incidents as points", value=True, key="map_points")

areas = state.ask("by_area", f, level="province")
index = shapes.province_index()
values = index.merge(areas, on=["country", "province"], how="left")
values["value"] = values[metric].fillna(0)
values["name"] = values["province"] + ", " + values["country"]

points, aggregated = state.ask("map_points", f) if show_points else (values.iloc[0:0], False)
fig = figures.incident_map(
    shapes.province_geojson(), values[["id", "name", "value"]], points, metric=metric,
    aggregated=aggregated, colours=widgets.group_colours(),
)
st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "scrollZoom": True})

total = int(areas["incidents"].sum()) if len(areas) else 0
if total == 0:
    widgets.empty_state()
elif aggregated:
    st.caption(f"{total:,} incidents: too many to draw one by one, so points are grouped in 0.25° cells.")
else:
    approx = int(points["location_approximate"].fillna(False).sum()) if len(points) else 0
    st.caption(
        f"{len(points):,} incidents drawn; point size grows with the number killed, colour shows the group "
        f"(claimant, or the group blamed when nobody claimed). {approx:,} have no exact coordinates and sit "
        "at a point inside their province (\"approximate location\" in the tooltip)."
    )
st.caption(
    "Province boundaries: Natural Earth admin-1 (public domain), FATA merged into Khyber Pakhtunkhwa. "
    "District boundaries are not shipped; see the README to add them."
)

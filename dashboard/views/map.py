"""Map: provinces (or districts, when added) shaded by incidents or killed, incidents as points. Offline."""

import streamlit as st

from dashboard import figures
from dashboard.geo import district_store, shapes
from dashboard.geo.districts import GEOBOUNDARIES_HELP
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

if level == "district":
    areas = state.ask("by_area", f, level="district")
    index = shapes.district_index()
    values = index.merge(areas, on=["country", "province", "district"], how="left")
    values["name"] = values["district"] + ", " + values["province"].fillna("")
    geojson, key = shapes.district_geojson(), "district_id"
    covered = set(shapes.district_countries())
    focus = [p for p in f.provinces if p in set(index["province"])] or ["Khyber Pakhtunkhwa"]
    centre, zoom = shapes.map_view(focus)
else:
    areas = state.ask("by_area", f, level="province")
    index = shapes.province_index()
    values = index.merge(areas, on=["country", "province"], how="left")
    values["name"] = values["province"] + ", " + values["country"]
    geojson, key = shapes.province_geojson(), "iso_3166_2"
    centre, zoom = None, 4.3
values["value"] = values[metric].fillna(0)

points, aggregated = state.ask("map_points", f) if show_points else (values.iloc[0:0], False)
fig = figures.incident_map(
    geojson, values[["id", "name", "value"]], points, metric=metric, key=key,
    aggregated=aggregated, colours=widgets.group_colours(), centre=centre, zoom=zoom,
)
st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "scrollZoom": True})

summary = state.ask("district_summary", f)
if summary["incidents"] == 0:
    widgets.empty_state()
elif aggregated:
    st.caption(f"{summary['incidents']:,} incidents: too many to draw one by one, so points are grouped in 0.25° cells.")
else:
    approx = int(points["location_approximate"].fillna(False).sum()) if len(points) else 0
    st.caption(
        f"{len(points):,} incidents drawn; point size grows with the number killed, colour shows the group "
        f"(claimant, or the group blamed when nobody claimed). {approx:,} have no exact coordinates and sit "
        "at a point inside their district or province (\"approximate location\" in the tooltip)."
    )
if level == "district":
    outside = summary["incidents"] - summary["matched"]
    st.caption(
        f"Districts shaded: {summary['matched']:,} of the {summary['incidents']:,} selected incidents have a "
        f"district from the boundaries ({', '.join(sorted(covered))})"
        + (f"; {outside:,} have none or lie elsewhere and are not shaded" if outside > 0 else "")
        + (f"; {summary['at_district_point']:,} had no coordinates and sit at a point inside their district"
           if summary["at_district_point"] else "")
        + ". Switch to Province for the whole region."
    )
if has_districts and not district_store.in_sync(state.cursor()):
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

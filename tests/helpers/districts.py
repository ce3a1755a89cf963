"""A SYNTHETIC district (admin level 2) layer for Pakistan, built at test time.

The project ships no district boundaries, and the tests must not depend on a
real boundary file. This module makes a stand-in good enough for the district
tests: it is NOT a map of Pakistan's districts, and nothing in it comes from any
boundary file (geoBoundaries or other).

How it is made:

1. Seeds: every embedded incident in Pakistan with coordinates
   (``data/default/incidents.csv``), under its district name, except that names
   finer than a geoBoundaries-style ADM2 layer (which predates several splits)
   take the older, coarser unit (``COARSER``: "Upper Kohistan" -> "Kohistan",
   "Duki" -> "Loralai", ...), so the tests can check that a finer name lands in
   its containing polygon. Plus ``EXTRA_SEEDS``: one approximate point for each
   district the tests need whose incidents have no coordinates (or that has no
   incident at all, like Mohmand).
2. Per province of ``data/boundaries/provinces.geojson`` that has seeds: the
   Voronoi cells of its seeds (``shapely.voronoi_polygons``), clipped to the
   province outline, dissolved per district name. A province with one name is
   one polygon. Gilgit-Baltistan and Azad Jammu and Kashmir have no seeds and are
   left out.
3. Fields named like geoBoundaries' (``shapeName``, ``shapeISO``, ``shapeID``,
   ``shapeGroup``, ``shapeType``), with ``shapeID`` saying ``SYNTHETIC``.

Every incident point is a seed of its own district, so it lies in that
district's cell by construction; the borders between districts are arbitrary.
Write it only under a test's ``tmp_path`` (``write_synthetic_districts``); it is
never committed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from dashboard.config import REPO_ROOT
from dashboard.geo.provinces import load_provinces

INCIDENTS = REPO_ROOT / "data" / "default" / "incidents.csv"

# Embedded district name -> the coarser ADM2 unit a geoBoundaries-style layer has.
COARSER = {
    "Upper Kohistan": "Kohistan", "Lower Chitral": "Chitral",
    "South Waziristan (Upper)": "South Waziristan", "South Waziristan (Lower)": "South Waziristan",
    "Karachi East": "Karachi", "Karachi South": "Karachi", "Karachi Malir": "Karachi",
    "Duki": "Loralai",  # Duki district was carved out of Loralai
    "Noshki": "Nushki",  # the other spelling
    "Kachhi (Bolan)": "Kachhi",
}
# (province, district, latitude, longitude): rough positions (to ~0.05 degrees) of the
# district towns, for districts the tests need that have no incident coordinates. Only
# which seed lies nearest matters; they make no claim about where any border runs.
EXTRA_SEEDS = [
    ("Khyber Pakhtunkhwa", "Mohmand", 34.35, 71.45),   # Ghalanai
    ("Khyber Pakhtunkhwa", "Khyber", 34.10, 71.15),    # Landi Kotal
    ("Khyber Pakhtunkhwa", "Kurram", 33.90, 70.10),    # Parachinar
    ("Khyber Pakhtunkhwa", "Orakzai", 33.70, 70.95),   # Kalaya
    ("Khyber Pakhtunkhwa", "Hangu", 33.53, 71.06),     # Hangu
]


def seeds() -> pd.DataFrame:
    """province, district (polygon name), latitude, longitude: one row per distinct seed."""
    inc = pd.read_csv(INCIDENTS, dtype={"latitude": float, "longitude": float})
    inc = inc[(inc["country"] == "Pakistan") & inc["latitude"].notna() & inc["longitude"].notna()]
    own = pd.DataFrame({"province": inc["province"], "district": inc["district"].replace(COARSER),
                        "latitude": inc["latitude"], "longitude": inc["longitude"]})
    extra = pd.DataFrame(EXTRA_SEEDS, columns=["province", "district", "latitude", "longitude"])
    out = pd.concat([own, extra], ignore_index=True).drop_duplicates()
    out = out.sort_values(["province", "district", "latitude", "longitude"]).reset_index(drop=True)
    clash = out.groupby(["latitude", "longitude"])["district"].nunique()
    assert (clash == 1).all(), f"one point seeds two districts: {clash[clash > 1]}"
    return out


@lru_cache(maxsize=1)
def _layer() -> gpd.GeoDataFrame:
    """Build the layer as one noded arrangement: the province outlines and every
    Voronoi cell's boundary, noded together (``union_all``) and polygonized; each
    face inside a province goes to the district whose cell holds it. Neighbouring
    districts then share their borders vertex for vertex (a valid coverage)."""
    provinces = load_provinces()
    provinces = provinces[provinces["country"] == "Pakistan"].set_index("province")
    table = seeds()
    lines, cells_of = [], {}
    for province, group in table.groupby("province", sort=True):
        outline = provinces.geometry[province]
        points = shapely.points(group["longitude"].to_numpy(), group["latitude"].to_numpy())
        assert shapely.contains(outline, points).all(), f"a seed lies outside {province}"
        districts = group["district"].to_numpy()
        lines.append(shapely.boundary(outline))
        if len(set(districts)) == 1:
            cells_of[province] = [(outline, districts[0])]
            continue
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline))
        owner = {}
        for cell_index, point_index in zip(*shapely.STRtree(points).query(cells, predicate="contains")):
            owner[int(cell_index)] = districts[point_index]
        assert len(owner) == len(cells), "a Voronoi cell without its seed"
        cells_of[province] = [(cells[i], owner[i]) for i in range(len(cells))]
        lines += list(shapely.boundary(cells))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    inside = shapely.point_on_surface(faces)
    pieces: dict[tuple[str, str], list] = {}
    for face, point in zip(faces, inside):
        for province, cells in cells_of.items():
            if not shapely.contains(provinces.geometry[province], point):
                continue
            district = next(d for cell, d in cells if shapely.contains(cell, point))
            pieces.setdefault((province, district), []).append(face)
            break
    keys = sorted(pieces)
    gdf = gpd.GeoDataFrame(
        {"shapeName": [d for _, d in keys],
         "shapeISO": [""] * len(keys),
         "shapeID": [f"SYNTHETIC-PAK-ADM2-{i:03d}" for i in range(len(keys))],
         "shapeGroup": ["PAK"] * len(keys),
         "shapeType": ["ADM2"] * len(keys)},
        geometry=[shapely.coverage_union_all(pieces[k]) for k in keys], crs=4326,
    )
    gdf.attrs["provinces"] = [p for p, _ in keys]
    return gdf


def synthetic_pak_districts() -> gpd.GeoDataFrame:
    """The SYNTHETIC layer (a copy): shapeName, shapeISO, shapeID, shapeGroup, shapeType, geometry."""
    return _layer().copy()


def synthetic_province_of() -> dict[str, str]:
    """district name -> province it was built in (for the tests' expectations)."""
    layer = _layer()
    return dict(zip(layer["shapeName"], layer.attrs["provinces"]))


def write_synthetic_districts(folder: Path) -> Path:
    """Write the SYNTHETIC layer as GeoJSON into ``folder`` (a test's tmp_path) and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "SYNTHETIC-PAK-ADM2.geojson"
    synthetic_pak_districts().to_file(path, driver="GeoJSON")
    return path

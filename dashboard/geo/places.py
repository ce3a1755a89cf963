"""Put incidents on the map: provinces and districts from coordinates, coordinates from names.

Coordinates are WGS84 longitude/latitude in degrees (EPSG:4326).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .assign import assign_districts
from .boundary_registry import load_districts
from .provinces import assign_provinces, normalise_province, province_centroids


def valid_coordinates(df: pd.DataFrame) -> pd.Series:
    """True where latitude and longitude are present and within range."""
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    return lat.between(-90, 90) & lon.between(-180, 180)


def place_incidents(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with province, district, coordinates and location precision settled.

    - With coordinates: ``country``/``province`` come from a spatial join with the
      province boundaries (the named values stay where the point lies outside them).
    - Without: the province name is normalised and the incident is placed at a
      point inside that province, ``location_precision = 'province'``,
      ``location_approximate = True`` and ``placed_at = 'province'``: that point is
      the dashboard's, for the map only, never exported as if measured.
    - Where the analyst has added district boundaries for the incident's country
      (``python -m dashboard boundaries add``), ``district`` becomes the polygon
      the point lies in, or the one its name matches; an incident without
      coordinates whose district is known is placed inside that district
      instead (``location_precision = 'district'``, ``placed_at = 'district'``). ``district_as_written``
      keeps the district text as it came in.
    """
    return place_with_districts(df, load_districts())


def place_with_districts(df: pd.DataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """``place_incidents`` with the district polygons given (empty: provinces only).

    A ``district_as_written`` column in ``df``, when present, is the district
    text matched (``district`` is then ignored): the store re-places its
    incidents this way when district boundaries are added or removed.
    """
    out = df.copy()
    for col in ("location_precision", "location_approximate"):
        if col not in out:
            out[col] = None
    out["placed_at"] = None  # 'district' or 'province' where the dashboard, not the source, gave the point
    pairs = {}  # worked out once per distinct (province, country)
    out["province"] = [
        pairs[(p, c)] if (p, c) in pairs else pairs.setdefault(
            (p, c), normalise_province(p, c) or (p if isinstance(p, str) and p.strip() else None))
        for p, c in zip(out["province"].astype(object), out["country"].astype(object))
    ]
    has_xy = valid_coordinates(out)
    out.loc[~has_xy, ["latitude", "longitude"]] = np.nan
    if has_xy.any():
        geo = assign_provinces(out.loc[has_xy])
        found = geo["province_geo"].notna()
        idx = geo.index[found]
        out.loc[idx, "province"] = geo.loc[idx, "province_geo"]
        out.loc[idx, "country"] = geo.loc[idx, "country_geo"]
        out.loc[has_xy & out["location_precision"].isna(), "location_precision"] = "point"
    if "district" not in out:
        out["district"] = None
    out = assign_districts(out, districts)
    missing = ~has_xy
    at_district = missing & out["district_point_lat"].notna()
    if at_district.any():
        out.loc[at_district, "latitude"] = out.loc[at_district, "district_point_lat"]
        out.loc[at_district, "longitude"] = out.loc[at_district, "district_point_lon"]
        out.loc[at_district, "location_precision"] = "district"
        out.loc[at_district, "location_approximate"] = True
        out.loc[at_district, "placed_at"] = "district"
        missing = missing & ~at_district
    out = out.drop(columns=["district_point_lat", "district_point_lon"])
    if missing.any():
        cent = province_centroids()
        where = out.loc[missing, ["country", "province"]].astype(object).merge(
            cent, on=["country", "province"], how="left")
        out.loc[missing, "latitude"] = where["latitude"].to_numpy()
        out.loc[missing, "longitude"] = where["longitude"].to_numpy()
        placed = missing & out["latitude"].notna()
        out.loc[placed, "location_precision"] = "province"
        out.loc[placed, "placed_at"] = "province"
        out.loc[missing, "location_approximate"] = True
    out["location_approximate"] = out["location_approximate"].fillna(False).astype(bool)
    return out

"""Put incidents on the map: provinces from coordinates, coordinates from names.

Coordinates are WGS84 longitude/latitude in degrees (EPSG:4326).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geo.provinces import assign_provinces, normalise_province, province_centroids


def valid_coordinates(df: pd.DataFrame) -> pd.Series:
    """True where latitude and longitude are present and within range."""
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    return lat.between(-90, 90) & lon.between(-180, 180)


def place_incidents(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with province, coordinates and location precision settled.

    - With coordinates: ``country``/``province`` come from a spatial join with the
      province boundaries (the named values stay where the point lies outside them).
    - Without: the province name is normalised and the incident is placed at a
      point inside that province, ``location_precision = 'province'`` and
      ``location_approximate = True``.
    """
    out = df.copy()
    for col in ("location_precision", "location_approximate"):
        if col not in out:
            out[col] = None
    out["province"] = [
        normalise_province(p, c) or (p if isinstance(p, str) and p.strip() else None)
        for p, c in zip(out["province"], out["country"])
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
    missing = ~has_xy
    if missing.any():
        cent = province_centroids().set_index(["country", "province"])
        keys = list(zip(out.loc[missing, "country"], out.loc[missing, "province"]))
        lat = [cent["latitude"].get(k, np.nan) for k in keys]
        lon = [cent["longitude"].get(k, np.nan) for k in keys]
        out.loc[missing, "latitude"] = lat
        out.loc[missing, "longitude"] = lon
        placed = missing & out["latitude"].notna()
        out.loc[placed, "location_precision"] = "province"
        out.loc[missing, "location_approximate"] = True
    out["location_approximate"] = out["location_approximate"].fillna(False).astype(bool)
    return out

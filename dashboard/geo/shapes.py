"""Area shapes for the map, as GeoJSON dicts (EPSG:4326, lon/lat degrees)."""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from .provinces import load_provinces


@lru_cache(maxsize=1)
def province_geojson() -> dict:
    """Provinces of Pakistan and Afghanistan; feature id property ``iso_3166_2``."""
    gdf = load_provinces()[["country", "province", "iso_3166_2", "geometry"]]
    return json.loads(gdf.to_json(drop_id=True))


def province_index() -> pd.DataFrame:
    """country, province, id (ISO 3166-2) for every province polygon."""
    gdf = load_provinces()
    return pd.DataFrame({"country": gdf["country"], "province": gdf["province"], "id": gdf["iso_3166_2"]})

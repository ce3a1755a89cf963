"""Area shapes for the map, as GeoJSON dicts (EPSG:4326, lon/lat degrees)."""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from .boundary_registry import display_geojson, load_districts, registry
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


@lru_cache(maxsize=1)
def province_labels() -> pd.DataFrame:
    """name, latitude, longitude (degrees, a point inside each province) for the map's labels."""
    gdf = load_provinces()
    points = gdf.geometry.representative_point()
    return pd.DataFrame({"name": gdf["province"].to_numpy(), "latitude": points.y.round(4).to_numpy(),
                         "longitude": points.x.round(4).to_numpy()})


def district_labels() -> pd.DataFrame:
    """name, province, latitude, longitude (degrees, the point inside each district the
    stored layer keeps) of the added districts; read once per state of the files."""
    d = load_districts()
    return pd.DataFrame({"name": d["district"].to_numpy(), "province": d["province"].to_numpy(),
                         "latitude": d["latitude"].round(4).to_numpy(), "longitude": d["longitude"].round(4).to_numpy()})


# --- districts (only when the analyst has added district boundaries) -------------
def has_districts() -> bool:
    """True when district boundaries have been added (``python -m dashboard boundaries add``)."""
    return bool(registry())


def district_geojson() -> dict:
    """Simplified district polygons of every country added; feature id property ``district_id``."""
    return display_geojson()


def district_index() -> pd.DataFrame:
    """country, province, district, id (``district_id``) for every district polygon."""
    features = district_geojson()["features"]
    return pd.DataFrame(
        [{"country": f["properties"]["country"], "province": f["properties"]["province"],
          "district": f["properties"]["district"], "id": f["properties"]["district_id"]} for f in features],
        columns=["country", "province", "district", "id"],
    )


def district_countries() -> list[str]:
    """Countries with district boundaries."""
    return [m["country"] for m in registry()]


def map_view(provinces: tuple[str, ...] | list[str] = ("Khyber Pakhtunkhwa",), height: int = 640,
             width: int = 900) -> tuple[dict, float]:
    """Centre ({lat, lon}, degrees) and MapLibre zoom that fit the named provinces.

    Web-Mercator arithmetic on the provinces' bounding box; ``width`` is a guess
    at the map's pixel width (the page decides), so the fit errs on the wide side.
    """
    import math

    gdf = load_provinces()
    gdf = gdf[gdf["province"].isin(list(provinces))]
    if gdf.empty:
        gdf = load_provinces()
    x0, y0, x1, y1 = gdf.total_bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(x1 - x0, 0.05) / 360
    span_y = max(merc(y1) - merc(y0), 0.001) / (2 * math.pi)
    zoom = min(math.log2(width / 512 / span_x), math.log2(height / 512 / span_y)) - 0.15
    centre_y = math.degrees(math.atan(math.sinh((merc(y0) + merc(y1)) / 2)))
    return {"lat": round(float(centre_y), 4), "lon": round(float(x0 + x1) / 2, 4)}, round(float(max(1.0, min(zoom, 10.0))), 2)

"""Province boundaries and names for Pakistan and Afghanistan.

Boundaries are the committed ``data/boundaries/provinces.geojson`` (built by
``python -m dashboard.geo.build_provinces``): 7 Pakistani provinces and
territories, with F.A.T.A. inside Khyber Pakhtunkhwa since the 2018 merger,
and 34 Afghan provinces, under current English names with ISO 3166-2 codes.

Every coordinate here is EPSG:4326: longitude and latitude in decimal degrees.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.config import BOUNDARIES_DIR, PLACES_DIR

PROVINCES_PATH = BOUNDARIES_DIR / "provinces.geojson"
ALIASES_PATH = PLACES_DIR / "province_aliases.csv"
COUNTRY_CODES = {"pakistan": "Pakistan", "pak": "Pakistan", "pk": "Pakistan",
                 "afghanistan": "Afghanistan", "afg": "Afghanistan", "af": "Afghanistan"}


@lru_cache(maxsize=4)
def _read_provinces(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise FileNotFoundError(
            f"Province boundaries not found: {path}. "
            "Rebuild them with: python -m dashboard.geo.build_provinces --gpkg PATH"
        )
    return gpd.read_file(path).to_crs(4326)


def load_provinces(path: Path | str = PROVINCES_PATH) -> gpd.GeoDataFrame:
    """Province polygons, EPSG:4326 (lon/lat degrees).

    Columns: country, country_iso3, province, iso_3166_2, geometry. The file
    is read once per path; each call returns a copy the caller may change.
    """
    return _read_provinces(Path(path).resolve()).copy()


def assign_provinces(df: pd.DataFrame, lat: str = "latitude", lon: str = "longitude") -> pd.DataFrame:
    """Copy of ``df`` with ``country_geo`` and ``province_geo`` from the boundaries.

    ``lat`` and ``lon`` name columns of EPSG:4326 decimal degrees. A point on
    no polygon (at sea, outside Pakistan and Afghanistan) or with a missing
    or out-of-range coordinate gets None. A point exactly on a shared border
    goes to the first province in alphabetical order (country, province).
    Vectorised with a spatial index, and each distinct coordinate pair is
    looked up once (datasets repeat their gazetteer's points: an export of a
    million events has far fewer places).
    """
    provinces = load_provinces()
    out = df.copy()
    y = pd.to_numeric(out[lat], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    x = pd.to_numeric(out[lon], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = np.flatnonzero((np.abs(y) <= 90) & (np.abs(x) <= 180))
    back, distinct = pd.factorize(x[ok] + 1j * y[ok])  # a hash per (lon, lat) pair
    rows, hits = shapely.STRtree(provinces.geometry.to_numpy()).query(
        shapely.points(distinct.real, distinct.imag), predicate="covered_by"
    )
    order = np.lexsort((hits, rows))  # by point, then by province
    rows, hits = rows[order], hits[order]
    first = np.unique(rows, return_index=True)[1]
    hit = np.full(len(distinct), -1)  # per distinct point: its province's row, or -1
    hit[rows[first]] = hits[first]
    hit = hit[back]
    found = hit >= 0
    country = np.full(len(out), None, dtype=object)
    province = np.full(len(out), None, dtype=object)
    country[ok[found]] = provinces["country"].to_numpy()[hit[found]]
    province[ok[found]] = provinces["province"].to_numpy()[hit[found]]
    out["country_geo"] = pd.Series(country, index=out.index, dtype=object)
    out["province_geo"] = pd.Series(province, index=out.index, dtype=object)
    return out


def province_centroids() -> pd.DataFrame:
    """One point inside each province: country, province, latitude, longitude.

    Degrees, EPSG:4326. Uses ``representative_point()``, which always lies
    inside the polygon (a centroid can fall outside a concave province).
    """
    provinces = load_provinces()
    points = provinces.geometry.representative_point()
    return pd.DataFrame({
        "country": provinces["country"],
        "province": provinces["province"],
        "latitude": points.y.round(4),
        "longitude": points.x.round(4),
    })


def province_names(country: str | None = None) -> list[str]:
    """Current province names, sorted; only one country's if ``country`` is given."""
    provinces = load_provinces()
    if country is not None:
        provinces = provinces[provinces["country"] == _country(country)]
    return sorted(provinces["province"])


def _key(name: str) -> str:
    """Matching key: accents and case folded, trailing 'province' and punctuation dropped."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()
    text = re.sub(r"\s+province$", "", text)
    return re.sub(r"[^0-9a-z]+", "", text)


def _country(country: str) -> str | None:
    return COUNTRY_CODES.get(_key(country))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, dict[str, str]]:
    """{alias key: {country: province}} from ``ALIASES_PATH``."""
    table: dict[str, dict[str, str]] = {}
    with open(ALIASES_PATH, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_country = table.setdefault(_key(row["alias"]), {})
            previous = by_country.setdefault(row["country"], row["province"])
            if previous != row["province"]:
                raise ValueError(
                    f"{ALIASES_PATH}: alias {row['alias']!r} ({row['country']}) maps to "
                    f"both {previous!r} and {row['province']!r}; keep one."
                )
    return table


def normalise_province(name: object, country: str | None = None) -> str | None:
    """Current province name for a spelling or old name, e.g. 'N.W.F.P.' -> 'Khyber Pakhtunkhwa'.

    Case, accents, punctuation, spaces and a trailing ' Province' are ignored.
    ``country`` (name or ISO code) limits the match to one country. Returns
    None for unknown names, missing values, or a name two countries share
    when no country is given.
    """
    if not isinstance(name, str) or not name.strip():
        return None
    matches = _aliases().get(_key(name), {})
    if country is not None:
        return matches.get(_country(country) or "")
    return next(iter(matches.values())) if len(matches) == 1 else None

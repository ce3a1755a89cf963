"""Incidents placed in the analyst's district polygons.

``assign_districts`` gives incidents their district: by the polygon their
coordinates fall in, else by the name the source wrote
(``district_names.DistrictMatcher``). Coordinates are EPSG:4326 degrees;
distances in degrees (``SNAP_DEG``).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import config
from .boundary_registry import load_districts
from .district_names import DistrictMatcher, read_alias_file

SNAP_DEG = 0.05  # a point this close to a district of its own province goes there (~5 km)


def district_aliases() -> dict[tuple[str, str], str]:
    """Extra spellings for name matching: the project's ``data/places/district_aliases.csv``
    (alias, province, district; the importers' list), then the analyst's own
    ``config.data_dir()/district_aliases.csv`` (alias, district, optional country), which wins."""
    return {**read_alias_file(config.PLACES_DIR / "district_aliases.csv"),
            **read_alias_file(config.data_dir() / "district_aliases.csv")}



# --- incidents -----------------------------------------------------------------------
def assign_districts(df: pd.DataFrame, districts: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Copy of ``df`` with ``district`` settled from the district polygons.

    ``df`` has country, province, district (as written), latitude, longitude
    (EPSG:4326 degrees) and optionally location_precision and
    district_as_written (the text to match; defaults to ``district``). Adds:

    - ``district_as_written``: the text as the source wrote it (unchanged);
    - ``district``: for an incident in a country with district polygons,

      1. with coordinates, the polygon of its country the point lies in, a
         polygon of its own province first. Two approximations meet at
         borders (reported coordinates, often to 0.01°, and boundary files,
         often simplified), so a point within ``SNAP_DEG`` (0.05°, ~5 km) of
         the polygon its written name matches goes to that polygon, and a
         point in no polygon of its own province goes to the nearest one
         within ``SNAP_DEG``;
      2. otherwise the polygon its written name matches
         (``district_names.DistrictMatcher``);
      3. otherwise the text as written;

      incidents in countries without district polygons keep the text as written.
      A composite name such as "Lakki Marwat / Bannu" (``first_district``) counts
      under its first district, "Lakki Marwat"; ``district_as_written`` keeps the
      rest, and the incident's detail and exports show it;
    - ``district_point_lat``/``district_point_lon``: a point inside the district
      when it was found by *name* (NaN otherwise), where an incident without
      coordinates can be placed;
    - ``province`` is filled from the district only where it was empty or not a
      province name.

    Points with ``location_precision == 'province'`` (a whole-province guess) are
    matched by name only: where such a point sits says nothing of its district.
    """
    out = _as_written(df)
    if districts is None:
        districts = load_districts()
    if districts.empty or out.empty:
        return out
    polys = _Polygons.of(districts)
    inc = _Incidents.of(out, polys)
    named = _by_name(inc, polys, districts)
    spatial = _by_point(inc, polys, named)
    return _settle(out, inc, polys, np.where(spatial >= 0, spatial, named), by_name=spatial < 0)


COMPOSITE_SEPARATOR = "/"


def first_district(written: str | None) -> str | None:
    """The district an incident counts under: the name as written, or the first of a
    composite one ("Lakki Marwat / Bannu" -> "Lakki Marwat"); None for no name."""
    if not isinstance(written, str) or not written.strip():
        return None
    first = written.split(COMPOSITE_SEPARATOR, 1)[0].strip()
    return first or written.strip()


def _as_written(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``district_as_written`` set to the trimmed text the source wrote,
    ``district`` to the district it counts under (``first_district``), and no
    district point yet."""
    out = df.copy()
    written = out["district_as_written"] if "district_as_written" in out else out["district"]
    written = written.astype(object).where(written.notna(), None)
    written = written.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    out["district_as_written"] = written
    out["district"] = written.map(first_district)
    out["district_point_lat"] = np.nan
    out["district_point_lon"] = np.nan
    return out


@dataclass
class _Polygons:
    """The district polygons as arrays (index = polygon number)."""

    geoms: np.ndarray
    country: np.ndarray
    province: np.ndarray
    name: np.ndarray
    latitude: np.ndarray   # a point inside, degrees
    longitude: np.ndarray
    index: dict            # (country, province, district) -> polygon number (the first)

    @classmethod
    def of(cls, districts: gpd.GeoDataFrame) -> "_Polygons":
        d = districts.reset_index(drop=True)
        country, province, name = (d[c].to_numpy(dtype=object) for c in ("country", "province", "district"))
        return cls(d.geometry.to_numpy(), country, province, name, d["latitude"].to_numpy(dtype=float),
                   d["longitude"].to_numpy(dtype=float),
                   {k: i for i, k in reversed(list(enumerate(zip(country, province, name))))})


@dataclass
class _Incidents:
    """The incidents' columns the placing needs, as arrays."""

    country: np.ndarray
    province: np.ndarray
    written: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    covered: np.ndarray    # in a country with district polygons
    has_xy: np.ndarray     # covered, with usable coordinates that are not a province guess

    @classmethod
    def of(cls, out: pd.DataFrame, polys: _Polygons) -> "_Incidents":
        country = out["country"].to_numpy(dtype=object)
        covered = np.isin(country, list(set(polys.country)))
        lat = pd.to_numeric(out["latitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        lon = pd.to_numeric(out["longitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        precision = out["location_precision"] if "location_precision" in out else pd.Series(None, index=out.index)
        coarse = precision.astype(object).eq("province").to_numpy()
        return cls(country, out["province"].to_numpy(dtype=object).copy(),
                   out["district"].to_numpy(dtype=object), lat, lon, covered,
                   covered & ~coarse & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))


def _by_name(inc: _Incidents, polys: _Polygons, districts: gpd.GeoDataFrame) -> np.ndarray:
    """Per incident, the polygon its written district name matches (-1 for none),
    matched once per distinct (country, province, name)."""
    matcher = DistrictMatcher(districts, district_aliases())
    named = np.full(len(inc.country), -1)
    rows = np.flatnonzero(inc.covered)
    if not len(rows):
        return named
    triples = pd.DataFrame({"c": inc.country[rows], "p": inc.province[rows], "w": inc.written[rows]})
    codes, uniq = pd.factorize(pd.MultiIndex.from_frame(triples.astype(object).where(triples.notna(), "\0")))
    found = np.full(len(uniq), -1)
    for u, (c, p, w) in enumerate(uniq):
        hit = matcher.match(c, None if p == "\0" else p, None if w == "\0" else w)
        if hit is not None:
            found[u] = polys.index.get((c, hit[1], hit[0]), -1)
    named[rows] = found[codes]
    return named


def _by_point(inc: _Incidents, polys: _Polygons, named: np.ndarray) -> np.ndarray:
    """Per incident, the polygon its coordinates place it in (-1 for none).

    A point inside a polygon of its own country goes there when that polygon is
    the one its name matches, or (no name match) one of its own province.
    Points on a border are settled by ``_near_border``."""
    spatial = np.full(len(inc.country), -1)
    rows = np.flatnonzero(inc.has_xy)
    if not len(rows):
        return spatial
    pts = shapely.points(inc.lon[rows], inc.lat[rows])
    inside, inside_own = _inside(inc, polys, rows, pts)
    n_all = named[rows]
    simple = (inside >= 0) & ((n_all == inside) | ((n_all < 0) & inside_own))
    spatial[rows[simple]] = inside[simple]
    rest = np.flatnonzero(~simple)  # positions in ``rows`` needing a closer look
    if len(rest):
        spatial[rows[rest]] = _near_border(inc, polys, named, rows[rest], pts[rest], inside[rest],
                                           inside_own[rest])
    return spatial


def _inside(inc: _Incidents, polys: _Polygons, rows: np.ndarray, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each point, the polygon of its country that covers it, one of its own
    province first (-1 for none), and whether that polygon is of its own province."""
    p_idx, d_idx = shapely.STRtree(polys.geoms).query(pts, predicate="covered_by")
    keep = polys.country[d_idx] == inc.country[rows[p_idx]]
    p_idx, d_idx = p_idx[keep], d_idx[keep]
    own = polys.province[d_idx] == inc.province[rows[p_idx]]
    order = np.lexsort((d_idx, ~own, p_idx))  # per point: its own province's polygon first
    p_idx, d_idx, own = p_idx[order], d_idx[order], own[order]
    first = np.unique(p_idx, return_index=True)[1]
    inside = np.full(len(rows), -1)
    inside_own = np.zeros(len(rows), dtype=bool)
    inside[p_idx[first]] = d_idx[first]
    inside_own[p_idx[first]] = own[first]
    return inside, inside_own


def _near_border(inc: _Incidents, polys: _Polygons, named: np.ndarray, rows: np.ndarray, pts: np.ndarray,
                 inside: np.ndarray, inside_own: np.ndarray) -> np.ndarray:
    """Polygons for the points the simple rule left open. Two approximations meet
    at borders (reported coordinates, often to 0.01°, and simplified boundary
    files), so, in turn:

    a. a point within ``SNAP_DEG`` of the polygon its name matches goes there
       (the source's word decides);
    b. else a point inside a polygon of its own province (or of unknown
       province) goes there;
    c. else the nearest polygon of its own province within ``SNAP_DEG`` (a
       border drawn differently by the two sources, the coast); else -1 (the
       name, if any, decides).
    """
    n_r = named[rows]
    res = np.full(len(rows), -1)
    a = np.flatnonzero(n_r >= 0)
    near = np.zeros(len(rows), dtype=bool)
    near[a] = shapely.distance(polys.geoms[n_r[a]], pts[a]) <= SNAP_DEG
    take = near & (n_r != inside)
    res[take] = n_r[take]
    unknown = np.array([not isinstance(inc.province[i], str) for i in rows], dtype=bool)
    b = (res < 0) & (inside >= 0) & (inside_own | unknown)
    res[b] = inside[b]
    c = np.flatnonzero(res < 0)
    if len(c):
        pi, di = shapely.STRtree(polys.geoms).query(pts[c], predicate="dwithin", distance=SNAP_DEG)
        mine = (polys.country[di] == inc.country[rows[c[pi]]]) & (polys.province[di] == inc.province[rows[c[pi]]])
        pi, di = pi[mine], di[mine]
        dist = shapely.distance(polys.geoms[di], pts[c[pi]])
        order = np.lexsort((di, dist, pi))
        pi, di = pi[order], di[order]
        first = np.unique(pi, return_index=True)[1]
        res[c[pi[first]]] = di[first]
    return res


def _settle(out: pd.DataFrame, inc: _Incidents, polys: _Polygons, chosen: np.ndarray,
            by_name: np.ndarray) -> pd.DataFrame:
    """Write the chosen polygons' districts (and, where needed, provinces) into ``out``;
    incidents found by name get a point inside their district."""
    district = out["district"].to_numpy(dtype=object).copy()
    province = inc.province
    ok = chosen >= 0
    district[ok] = polys.name[chosen[ok]]
    fill = ok & (pd.isna(province) | (polys.province[np.where(ok, chosen, 0)] != province))
    # The matcher looks beyond an incident's province only when that is empty or
    # not a province name; a point may sit in a polygon of another province only
    # when its own province is unknown. Either way the district says where it is.
    province[fill] = polys.province[chosen[fill]]
    named = ok & by_name
    out["district"] = pd.Series(district, index=out.index, dtype=object)
    out["province"] = pd.Series(province, index=out.index, dtype=object)
    out.loc[named, "district_point_lat"] = polys.latitude[chosen[named]]
    out.loc[named, "district_point_lon"] = polys.longitude[chosen[named]]
    return out

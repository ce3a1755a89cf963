"""District (admin level 2) boundary files the analyst adds: reading and preparing them.

``prepare`` reads a file (GeoJSON, GeoPackage, zipped Shapefile, GeoParquet),
reprojects it to EPSG:4326, repairs invalid polygons, finds the field holding
district names, checks the polygons lie in the stated country, gives each
district the province it overlaps most (so FATA-era districts land in Khyber
Pakhtunkhwa) and makes a display copy simplified as one coverage to fit
``DISPLAY_BUDGET`` bytes of GeoJSON. Storing the result is
``boundary_registry``'s; placing incidents in the polygons is ``assign``'s.

Every coordinate here is EPSG:4326 (longitude, latitude in decimal degrees);
areas are km² on an equal-area projection (EPSG:6933). No Streamlit, no SQL.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .district_names import fold
from .provinces import COUNTRY_CODES, load_provinces


LEVEL = 2
COUNTRIES = {"PAK": "Pakistan", "AFG": "Afghanistan"}
ISO3 = {v: k for k, v in COUNTRIES.items()}
DISPLAY_BUDGET = 600_000  # bytes of GeoJSON for the map's copy of one country
DISPLAY_DECIMALS = 4  # ~11 m: finer than any district map needs
# Coverage simplification tolerances tried in turn (degrees; ~0.01 = 1 km).
TOLERANCES = (0.0, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.015, 0.03, 0.06, 0.12)
MIN_SHARE_IN_COUNTRY = 0.5  # of the file's area, to accept it as that country's
FEATURE_MIN_SHARE = 0.5  # of one polygon's area, to keep it
NAME_FIELDS = (
    "shapeName", "ADM2_EN", "ADM2_NAME", "NAME_2", "ADM2NAME", "adm2_name", "DISTRICT", "DIST_NAME",
    "DISTNAME", "DISTRICT_N", "District_N", "DIST_NAME_", "NAME_EN", "name_en", "NAME", "name",
)
# A field naming each district's province, used when it holds a known province name.
PROVINCE_FIELDS = ("ADM1_EN", "ADM1_NAME", "NAME_1", "ADM1NAME", "PROVINCE", "PROV_NAME", "STATE")
UNSURE_SHARE = 0.75  # below this largest overlap, a known province settles a district's province
# Districts that straddle the generalised Natural Earth provinces: where the
# overlap is split, these (public knowledge, not from any boundary file) decide.
KNOWN_PROVINCES = {
    ("Pakistan", k): v for k, v in {
        "jafarabad": "Balochistan", "nasirabad": "Balochistan", "sohbatpur": "Balochistan",
        "jhalmagsi": "Balochistan", "kachhi": "Balochistan", "derabugti": "Balochistan",
        "kohlu": "Balochistan", "barkhan": "Balochistan", "musakhel": "Balochistan",
        "zhob": "Balochistan", "sherani": "Balochistan", "lasbela": "Balochistan", "hub": "Balochistan",
        "jacobabad": "Sindh", "kashmore": "Sindh", "shikarpur": "Sindh", "qambarshahdadkot": "Sindh",
        "dadu": "Sindh", "jamshoro": "Sindh", "karachi": "Sindh", "ghotki": "Sindh",
        "rajanpur": "Punjab", "deraghazikhan": "Punjab", "taunsa": "Punjab", "mianwali": "Punjab",
        "bhakkar": "Punjab", "attock": "Punjab", "rawalpindi": "Punjab", "rahimyarkhan": "Punjab",
        "deraismailkhan": "Khyber Pakhtunkhwa", "tank": "Khyber Pakhtunkhwa",
        "southwaziristan": "Khyber Pakhtunkhwa", "haripur": "Khyber Pakhtunkhwa",
        "abbottabad": "Khyber Pakhtunkhwa", "mansehra": "Khyber Pakhtunkhwa",
        "kohistan": "Khyber Pakhtunkhwa", "chitral": "Khyber Pakhtunkhwa",
        "islamabadcapitalterritory": "Islamabad Capital Territory", "islamabad": "Islamabad Capital Territory",
        "diamer": "Gilgit-Baltistan", "astore": "Gilgit-Baltistan", "ghizer": "Gilgit-Baltistan",
        "neelum": "Azad Jammu and Kashmir", "muzaffarabad": "Azad Jammu and Kashmir",
        "azadkashmir": "Azad Jammu and Kashmir",
    }.items()
}
GEOBOUNDARIES_HELP = (
    "District boundaries for Pakistan and Afghanistan are published by geoBoundaries "
    "(https://www.geoboundaries.org/, gbOpen, ADM2, public domain): download PAK ADM2 "
    "(and AFG ADM2) as GeoJSON or Shapefile while online, then add the file."
)
SUPPORTED = "GeoJSON (.geojson/.json), GeoPackage (.gpkg), zipped Shapefile (.zip), Shapefile (.shp) or GeoParquet (.parquet)"


class BoundaryError(ValueError):
    """A boundary file the dashboard cannot use; the message says why and what to do."""




def country_code(text: str) -> str:
    """'PAK', 'pak', 'Pakistan' -> 'PAK'. Raises BoundaryError for anything else."""
    name = COUNTRY_CODES.get(re.sub(r"[^a-z]", "", str(text).casefold()))
    if name is None:
        raise BoundaryError(f"Unknown country {text!r}: use PAK (Pakistan) or AFG (Afghanistan).")
    return ISO3[name]



# --- reading --------------------------------------------------------------------
def read_boundary_file(path: str | Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read any supported file into a GeoDataFrame (CRS as found). Raises BoundaryError."""
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"File not found: {path}")
    if path.is_dir():
        raise BoundaryError(f"{path} is a folder: give one file ({SUPPORTED}).")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".zip" else path.suffix.lower()
    try:
        if suffix in (".parquet", ".geoparquet"):
            try:
                return gpd.read_parquet(path)
            except ValueError as exc:  # plain Parquet without geometry metadata
                raise BoundaryError(f"{path.name} is Parquet but not GeoParquet ({exc}).") from exc
        source = str(path)
        if suffix.endswith(".zip"):
            source, layer = _zip_member(path, layer)
        layers = pyogrio.list_layers(source)
        if layer is None and len(layers) > 1:
            polygonal = [str(n) for n, g in layers if g is None or "polygon" in str(g).lower()]
            if len(polygonal) == 1:
                layer = polygonal[0]
            else:
                names = ", ".join(f"{n} ({g})" for n, g in layers)
                raise BoundaryError(
                    f"{path.name} has several layers: {names}. Choose one with --layer NAME."
                )
        return gpd.read_file(source, layer=layer)
    except BoundaryError:
        raise
    except Exception as exc:  # GDAL/pyogrio/pyarrow errors: say it plainly
        reason = str(exc).strip().splitlines()[0].split("; It might help")[0].rstrip(".;") if str(exc).strip() \
            else type(exc).__name__
        raise BoundaryError(f"Could not read {path.name} as {SUPPORTED}: {reason}") from exc


def _zip_member(path: Path, layer: str | None) -> tuple[str, str | None]:
    """The GDAL path of the one boundary file inside a zip (a Shapefile, GeoJSON or
    GeoPackage, at any depth), and the layer left to choose within it."""
    if not zipfile.is_zipfile(path):
        raise BoundaryError(f"{path.name} is not a readable zip archive.")
    with zipfile.ZipFile(path) as z:
        members = [m for m in z.namelist() if not m.startswith("__MACOSX/")
                   and Path(m).suffix.lower() in (".shp", ".geojson", ".json", ".gpkg")]
    if layer is not None and len(members) > 1:
        chosen = [m for m in members if m == layer] or [m for m in members if Path(m).stem == layer]
        if len(chosen) == 1:
            return f"/vsizip/{path}/{chosen[0]}", None
    if len(members) == 1:
        return f"/vsizip/{path}/{members[0]}", layer
    if not members:
        raise BoundaryError(f"{path.name} holds no Shapefile (.shp), GeoJSON or GeoPackage.")
    raise BoundaryError(f"{path.name} holds several boundary files: {', '.join(members)}. "
                        "Choose one with --layer NAME (its path in the archive, or its name without extension).")


def _polygonal(geom):
    """The polygon parts of a geometry after make_valid (None when there are none)."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty and q.area > 0]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _text_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    return [c for c in gdf.columns if c != gdf.geometry.name
            and (gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]))]


def _describe_columns(gdf: gpd.GeoDataFrame, columns: list[str]) -> str:
    out = []
    for c in columns:
        sample = [str(v) for v in gdf[c].dropna().astype(str).unique()[:3]]
        out.append(f"{c} (e.g. {', '.join(sample)})" if sample else f"{c} (empty)")
    return "; ".join(out) or "none"


def pick_name_field(gdf: gpd.GeoDataFrame, name_field: str | None = None) -> tuple[str, list[str]]:
    """The attribute holding district names, and notes for the user.

    With ``name_field``, it must exist (case-insensitive). Without, the first of
    ``NAME_FIELDS`` present and filled for at least 90% of features wins.
    Raises BoundaryError listing the text fields when there is no usable one.
    """
    texts = _text_columns(gdf)
    by_fold = {c.casefold(): c for c in gdf.columns if c != gdf.geometry.name}
    if name_field:
        column = by_fold.get(name_field.casefold())
        if column is None:
            raise BoundaryError(
                f"No field {name_field!r} in the file. Its text fields: {_describe_columns(gdf, texts)}."
            )
        if gdf[column].isna().all() or not gdf[column].astype(str).str.strip().any():
            raise BoundaryError(f"The field {column!r} is empty: choose another with --name-field.")
        return column, []
    usable = []
    for candidate in NAME_FIELDS:
        column = by_fold.get(candidate.casefold())
        if column is None or column in usable:
            continue
        filled = gdf[column].notna() & gdf[column].astype(str).str.strip().ne("")
        if filled.mean() >= 0.9:
            usable.append(column)
    if not usable:
        raise BoundaryError(
            "Could not tell which field holds the district names (looked for "
            f"{', '.join(NAME_FIELDS[:8])}…). Text fields in the file: {_describe_columns(gdf, texts)}. "
            "Name one with --name-field FIELD."
        )
    notes = []
    if len(usable) > 1:
        notes.append(f"District names taken from {usable[0]!r}; other candidates: "
                     f"{_describe_columns(gdf, usable[1:])} (use --name-field to choose).")
    return usable[0], notes


# --- preparing ----------------------------------------------------------------
@dataclass
class Prepared:
    """A checked, repaired, province-tagged district layer ready to save."""

    iso3: str
    country: str
    districts: gpd.GeoDataFrame  # country, country_iso3, province, district, district_id, name_as_written, latitude, longitude, area_km2, geometry
    display: dict  # GeoJSON FeatureCollection, simplified
    meta: dict
    notes: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def _share_within(geoms: np.ndarray, area: shapely.Geometry) -> np.ndarray:
    """Fraction of each polygon's area inside ``area`` (degrees², fine for a ratio)."""
    own = shapely.area(geoms)
    inside = shapely.area(shapely.intersection(geoms, area))
    return np.divide(inside, own, out=np.zeros_like(own), where=own > 0)


def _check_country(geoms: np.ndarray, iso3: str, provinces: gpd.GeoDataFrame, source: str) -> np.ndarray:
    """Per polygon, its share inside the stated country; raises when the file is mostly elsewhere."""
    country = COUNTRIES[iso3]
    outlines = {c: shapely.union_all(g.geometry.to_numpy()) for c, g in provinces.groupby("country")}
    total = float(shapely.area(geoms).sum()) or 1.0
    shares = {c: float(shapely.area(shapely.intersection(geoms, o)).sum()) / total for c, o in outlines.items()}
    if shares.get(country, 0) < MIN_SHARE_IN_COUNTRY:
        other = max((c for c in shares if c != country), key=lambda c: shares[c], default=None)
        where = ", ".join(f"{shares[c]:.0%} in {c}" for c in sorted(shares, key=lambda c: -shares[c])
                          if c != country) or "none in Pakistan or Afghanistan"
        hint = (f" They look like {other}'s: use --country {ISO3[other]}."
                if other and shares[other] >= MIN_SHARE_IN_COUNTRY else
                " They lie mostly outside Pakistan and Afghanistan: check the file and its CRS.")
        raise BoundaryError(
            f"Country mismatch: {source} was given as {country} ({iso3}), but only "
            f"{shares.get(country, 0):.0%} of its area lies in {country} ({where}).{hint}"
        )
    return _share_within(geoms, outlines[country])


def _provinces_by_overlap(geoms: np.ndarray, provinces: gpd.GeoDataFrame) -> list[dict[str, float]]:
    """For each polygon, {province: share of its area} for the provinces it overlaps."""
    pgeoms = provinces.geometry.to_numpy()
    left, right = shapely.STRtree(pgeoms).query(geoms, predicate="intersects")
    shares: list[dict[str, float]] = [{} for _ in range(len(geoms))]
    areas = shapely.area(shapely.intersection(geoms[left], pgeoms[right]))
    own = shapely.area(geoms)
    names = provinces["province"].to_numpy()
    for i, j, a in zip(left, right, areas):
        if a > 0 and own[i] > 0:
            shares[i][names[j]] = shares[i].get(names[j], 0.0) + float(a / own[i])
    return shares


def _province_field(gdf: gpd.GeoDataFrame) -> str | None:
    by_fold = {c.casefold(): c for c in gdf.columns if c != gdf.geometry.name}
    return next((by_fold[c.casefold()] for c in PROVINCE_FIELDS if c.casefold() in by_fold), None)


def _assign_provinces(geoms, names, written_provinces, own: gpd.GeoDataFrame, country: str,
                      notes: list[str]) -> list[str | None]:
    """Each district's province: the file's own province field when it names one,
    else the province overlapping most; where the overlap is split (the Natural
    Earth provinces are generalised), ``KNOWN_PROVINCES`` decides."""
    from .district_names import key_of
    from .provinces import normalise_province

    shares = _provinces_by_overlap(geoms, own)
    out, unsure = [], []
    for name, written, share in zip(names, written_provinces, shares):
        stated = normalise_province(written, country) if isinstance(written, str) else None
        if stated is not None:
            out.append(stated)
            continue
        best = max(share, key=share.get) if share else None
        if best is not None and len(share) > 1 and share[best] < UNSURE_SHARE:
            known = KNOWN_PROVINCES.get((country, key_of(name)))
            if known in share:
                best = known
            else:
                unsure.append(f"{name} ({', '.join(f'{share[p]:.0%} {p}' for p in sorted(share, key=share.get, reverse=True))})")
        out.append(best)
    if unsure:
        notes.append("Province by largest overlap, though split: " + "; ".join(unsure) + ".")
    return out


def prepare(
    path: str | Path,
    country: str,
    level: int = LEVEL,
    name_field: str | None = None,
    *,
    layer: str | None = None,
    display_budget: int = DISPLAY_BUDGET,
    source_name: str | None = None,
) -> Prepared:
    """Read and check a district boundary file; nothing is written.

    Raises BoundaryError with a plain message for: an unsupported level, an
    unreadable file, no polygons, no usable name field, no CRS on projected
    coordinates, or polygons mostly outside ``country`` (PAK or AFG).
    """
    if int(level) != LEVEL:
        raise BoundaryError(f"Only district boundaries (--level {LEVEL}) can be added; provinces are built in.")
    iso3 = country_code(country)
    path = Path(path)
    source = source_name or path.name
    raw = read_boundary_file(path, layer)
    notes: list[str] = []
    if raw.geometry.name not in raw or len(raw) == 0:
        raise BoundaryError(f"{source} has no features.")
    kinds = sorted(set(raw.geometry.dropna().geom_type))
    if raw.crs is None:
        x0, y0, x1, y1 = raw.total_bounds
        if np.all(np.isfinite([x0, y0, x1, y1])) and -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
            raw = raw.set_crs(4326)
            notes.append(f"{source} states no coordinate system; its coordinates look like longitude/latitude, so EPSG:4326 was assumed.")
        else:
            raise BoundaryError(
                f"{source} states no coordinate system and its coordinates are not longitude/latitude. "
                "Add the .prj file (for a Shapefile, zip it with the .shp, .shx, .dbf and .prj)."
            )
    column, more = pick_name_field(raw, name_field)
    notes += more
    gdf = raw.to_crs(4326) if raw.crs.to_epsg() != 4326 else raw
    invalid = int((~gdf.geometry.is_valid & gdf.geometry.notna()).sum())
    geoms = np.array([_polygonal(g) for g in gdf.geometry], dtype=object)
    keep = np.array([g is not None for g in geoms])
    if not keep.any():
        found = ", ".join(kinds) or "no geometry"
        raise BoundaryError(
            f"No polygons in {source} (found: {found}). District boundaries must be polygons "
            "(e.g. geoBoundaries ADM2 in GeoJSON)."
        )
    if invalid:
        notes.append(f"Repaired {invalid} invalid polygon(s) (shapely make_valid).")
    if (~keep).sum():
        notes.append(f"Skipped {(~keep).sum()} feature(s) without polygons.")
    names = gdf[column].astype("string").str.strip().str.replace(r"\s+", " ", regex=True)
    named = keep & names.notna().to_numpy() & names.ne("").fillna(False).to_numpy()
    if (keep & ~named).sum():
        notes.append(f"Skipped {(keep & ~named).sum()} polygon(s) with no name in {column!r}.")
    geoms, names = geoms[named], names[named].astype(str).to_numpy()
    if not len(geoms):
        raise BoundaryError(f"No named polygons in {source}: the field {column!r} is empty for all of them.")

    provinces = load_provinces()
    share = _check_country(geoms, iso3, provinces, source)
    inside = share >= FEATURE_MIN_SHARE
    if (~inside).sum():
        dropped = ", ".join(sorted(names[~inside])[:8])
        notes.append(f"Skipped {(~inside).sum()} polygon(s) mostly outside {COUNTRIES[iso3]}: {dropped}.")
    geoms, names = geoms[inside], names[inside]
    own = provinces[provinces["country"] == COUNTRIES[iso3]].reset_index(drop=True)
    pfield = _province_field(raw)
    written = (raw.loc[named, pfield].to_numpy(dtype=object)[inside] if pfield
               else np.full(len(geoms), None, dtype=object))
    province = _assign_provinces(geoms, names, written, own, COUNTRIES[iso3], notes)

    table = gpd.GeoDataFrame(
        {"province": province, "name_as_written": names, "district": names}, geometry=list(geoms), crs=4326
    )
    dup = table.duplicated(["province", "district"], keep=False)
    if dup.any():
        notes.append(f"Merged {int(dup.sum())} polygons sharing a name within a province into "
                     f"{table.loc[dup, ['province', 'district']].drop_duplicates().shape[0]} district(s).")
        table = table.dissolve(by=["province", "district"], as_index=False, aggfunc="first")
    table["country"] = COUNTRIES[iso3]
    table["country_iso3"] = iso3
    table["district_id"] = [f"{iso3}.{_slug(p or 'none')}.{_slug(d)}" for p, d in zip(table["province"], table["district"])]
    points = table.geometry.representative_point()
    table["latitude"] = points.y.round(4)
    table["longitude"] = points.x.round(4)
    table["area_km2"] = table.geometry.to_crs(6933).area.div(1e6).round(1)
    table = table.sort_values(["province", "district"], na_position="last").reset_index(drop=True)
    table = table[["country", "country_iso3", "province", "district", "district_id", "name_as_written",
                   "latitude", "longitude", "area_km2", "geometry"]]

    display, tolerance, size = display_copy(table, display_budget)
    if tolerance:
        notes.append(f"Display copy simplified (tolerance {tolerance}°) to {size / 1000:.0f} KB.")
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    meta = {
        "country": COUNTRIES[iso3], "country_iso3": iso3, "level": LEVEL, "source": source,
        "sha256": digest, "name_field": column, "layer": layer, "features_read": int(len(raw)),
        "districts": int(len(table)), "repaired": invalid, "source_crs": str(raw.crs),
        "display_bytes": size, "display_tolerance_deg": tolerance,
        "provinces": {str(k): int(v) for k, v in table["province"].value_counts(dropna=False).items()},
        "added_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(), "notes": notes,
    }
    return Prepared(iso3, COUNTRIES[iso3], table, display, meta, notes)


def display_copy(table: gpd.GeoDataFrame, budget: int = DISPLAY_BUDGET) -> tuple[dict, float, int]:
    """GeoJSON for the map, simplified until it fits ``budget`` bytes.

    Neighbours keep one shared border (``shapely.coverage_simplify``) when the
    polygons form a valid coverage; otherwise each is simplified on its own.
    Coordinates are rounded to ``DISPLAY_DECIMALS``. Returns (FeatureCollection,
    tolerance in degrees, size in bytes).
    """
    geoms = table.geometry.to_numpy()
    coverage = bool(shapely.coverage_is_valid(geoms))
    props = table[["district_id", "country", "province", "district"]]
    text, tolerance = "", 0.0
    for tolerance in TOLERANCES:
        if tolerance == 0:
            simple = geoms
        elif coverage:
            simple = shapely.coverage_simplify(geoms, tolerance)
        else:
            simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
        simple = shapely.transform(simple, lambda xy: np.round(xy, DISPLAY_DECIMALS))
        out = gpd.GeoDataFrame(props.copy(), geometry=list(simple), crs=4326)
        text = out.to_json(drop_id=True, separators=(",", ":"))
        if len(text.encode()) <= budget:
            break
    return json.loads(text), tolerance, len(text.encode())



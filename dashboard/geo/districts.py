"""District (admin level 2) boundaries the analyst adds, and incidents placed in them.

The project ships no district boundaries. An analyst adds a file per country
(``python -m dashboard boundaries add PATH --country PAK --level 2``, or the
Data page); ``prepare`` reads it (GeoJSON, GeoPackage, zipped Shapefile,
GeoParquet), reprojects it to EPSG:4326, repairs invalid polygons, finds the
field holding district names, checks the polygons lie in the stated country,
gives each district the province it overlaps most (so FATA-era districts land
in Khyber Pakhtunkhwa) and makes a display copy simplified as one coverage to
fit ``DISPLAY_BUDGET`` bytes of GeoJSON. ``save`` writes, per country, into
``config.data_dir()/boundaries/`` (git-ignored, never the repository):

    districts-PAK.parquet   full-detail repaired polygons (GeoParquet), for spatial joins
    districts-PAK.geojson   the simplified display copy, for the map
    districts-PAK.json      where it came from: file, SHA-256, name field, counts, time

``assign_districts`` gives incidents their district: by the polygon their
coordinates fall in, else by name (``district_names.DistrictMatcher``).

Every coordinate here is EPSG:4326 (longitude, latitude in decimal degrees);
areas are km² on an equal-area projection (EPSG:6933). No Streamlit, no SQL:
the database side is ``district_store``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .. import config
from .district_names import DistrictMatcher, fold, read_alias_file
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
SNAP_DEG = 0.05  # a point this close to a district of its own province goes there (~5 km)
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


# --- where files live -----------------------------------------------------------
def boundaries_dir(create: bool = False) -> Path:
    """``config.data_dir()/boundaries`` (git-ignored); created only when ``create``."""
    path = config.data_dir() / "boundaries"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(iso3: str, folder: Path | None = None) -> dict[str, Path]:
    folder = folder or boundaries_dir()
    stem = f"districts-{iso3}"
    return {"parquet": folder / f"{stem}.parquet", "geojson": folder / f"{stem}.geojson",
            "meta": folder / f"{stem}.json"}


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


# --- saving, listing, removing ---------------------------------------------------
def save(prepared: Prepared, folder: Path | None = None) -> dict[str, Path]:
    """Write the three files of ``prepared`` (replacing that country's previous ones)."""
    paths = _paths(prepared.iso3, folder or boundaries_dir(create=True))
    folder = paths["meta"].parent
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        staged = _paths(prepared.iso3, Path(tmp))
        prepared.districts.to_parquet(staged["parquet"], index=False)
        staged["geojson"].write_text(json.dumps(prepared.display, separators=(",", ":")), encoding="utf-8")
        staged["meta"].write_text(json.dumps(prepared.meta, indent=2, ensure_ascii=False), encoding="utf-8")
        for kind in ("parquet", "geojson", "meta"):  # meta last: it marks the set complete
            os.replace(staged[kind], paths[kind])
    _clear_caches()
    return paths


def stash(iso3: str, folder: Path | None = None) -> Path | None:
    """Move a country's files aside (for a change that may be rolled back); None when absent."""
    paths = _paths(iso3, folder)
    if not any(p.exists() for p in paths.values()):
        return None
    backup = Path(tempfile.mkdtemp(prefix=f".stash-{iso3}-", dir=paths["meta"].parent))
    for p in paths.values():
        if p.exists():
            shutil.copy2(p, backup / p.name)
    return backup


def unstash(backup: Path | None, iso3: str, folder: Path | None = None) -> None:
    """Put stashed files back (undoing a save or a removal)."""
    paths = _paths(iso3, folder)
    for p in paths.values():
        p.unlink(missing_ok=True)
    if backup is not None:
        for p in paths.values():
            if (backup / p.name).exists():
                os.replace(backup / p.name, p)
        shutil.rmtree(backup, ignore_errors=True)
    _clear_caches()


def drop_stash(backup: Path | None) -> None:
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def delete(iso3: str, folder: Path | None = None) -> bool:
    """Delete a country's district files; True when there were any."""
    found = False
    for p in _paths(iso3, folder).values():
        if p.exists():
            p.unlink()
            found = True
    _clear_caches()
    return found


def registry(folder: Path | None = None) -> list[dict]:
    """The metadata of every stored district layer (complete sets only), by country code."""
    folder = folder or boundaries_dir()
    out = []
    for iso3 in sorted(COUNTRIES):
        paths = _paths(iso3, folder)
        if paths["meta"].is_file() and paths["parquet"].is_file() and paths["geojson"].is_file():
            try:
                meta = json.loads(paths["meta"].read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            meta["files"] = {k: str(v) for k, v in paths.items()}
            out.append(meta)
    return out


def _state(folder: Path) -> tuple:
    """A cheap signature of the stored files (name, size, mtime), for caches."""
    items = []
    for iso3 in sorted(COUNTRIES):
        for p in _paths(iso3, folder).values():
            if p.exists():
                st = p.stat()
                items.append((p.name, st.st_size, st.st_mtime_ns))
    return tuple(items)


def fingerprint(folder: Path | None = None) -> str:
    """Identifies the set of stored district layers ('' when there are none)."""
    entries = registry(folder)
    if not entries:
        return ""
    text = "|".join(f"{m['country_iso3']}:{m.get('sha256')}:{m.get('added_at')}:{m.get('districts')}" for m in entries)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@lru_cache(maxsize=4)
def _load(folder: Path, state: tuple) -> gpd.GeoDataFrame:
    frames = [gpd.read_parquet(m["files"]["parquet"]) for m in registry(folder)]
    if not frames:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in ("country", "country_iso3", "province", "district", "district_id")},
            geometry=gpd.GeoSeries([], crs=4326), crs=4326,
        )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)


def load_districts(folder: Path | None = None) -> gpd.GeoDataFrame:
    """Every stored district polygon (all countries), EPSG:4326; empty when none.

    Columns: country, country_iso3, province, district, district_id,
    name_as_written, latitude, longitude (a point inside, degrees), area_km2,
    geometry. Read once per state of the files; each call returns a copy.
    """
    folder = (folder or boundaries_dir()).resolve()
    return _load(folder, _state(folder)).copy()


@lru_cache(maxsize=4)
def _display(folder: Path, state: tuple) -> dict:
    features = []
    for meta in registry(folder):
        features += json.loads(Path(meta["files"]["geojson"]).read_text(encoding="utf-8"))["features"]
    return {"type": "FeatureCollection", "features": features}


def display_geojson(folder: Path | None = None) -> dict:
    """The simplified district polygons of all countries, one FeatureCollection.

    Feature properties: district_id (the key for the map), country, province, district.
    """
    folder = (folder or boundaries_dir()).resolve()
    return _display(folder, _state(folder))


def _clear_caches() -> None:
    _load.cache_clear()
    _display.cache_clear()


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
      3. otherwise the text as written (e.g. "Lakki Marwat / Bannu");

      incidents in countries without district polygons keep the text as written;
    - ``district_point_lat``/``district_point_lon``: a point inside the district
      when it was found by *name* (NaN otherwise), where an incident without
      coordinates can be placed;
    - ``province`` is filled from the district only where it was empty or not a
      province name.

    Points with ``location_precision == 'province'`` (a whole-province guess) are
    matched by name only: where such a point sits says nothing of its district.
    """
    out = df.copy()
    written = out["district_as_written"] if "district_as_written" in out else out["district"]
    written = written.astype(object).where(written.notna(), None)
    written = written.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    out["district_as_written"] = written
    out["district"] = written
    out["district_point_lat"] = np.nan
    out["district_point_lon"] = np.nan
    if districts is None:
        districts = load_districts()
    if districts.empty or out.empty:
        return out
    districts = districts.reset_index(drop=True)
    geoms = districts.geometry.to_numpy()
    d_country = districts["country"].to_numpy(dtype=object)
    d_province = districts["province"].to_numpy(dtype=object)
    d_name = districts["district"].to_numpy(dtype=object)
    index = {k: i for i, k in reversed(list(enumerate(zip(d_country, d_province, d_name))))}

    country = out["country"].to_numpy(dtype=object)
    province = out["province"].to_numpy(dtype=object).copy()
    covered = np.isin(country, list(set(d_country)))
    lat = pd.to_numeric(out["latitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon = pd.to_numeric(out["longitude"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    precision = out["location_precision"] if "location_precision" in out else pd.Series(None, index=out.index)
    coarse = precision.astype(object).eq("province").to_numpy()
    has_xy = covered & ~coarse & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)

    # By name, for every covered incident (memoised per distinct name).
    matcher = DistrictMatcher(districts, district_aliases())
    named = np.full(len(out), -1)
    rows = np.flatnonzero(covered)
    if len(rows):
        triples = pd.DataFrame({"c": country[rows], "p": province[rows], "w": written.to_numpy(dtype=object)[rows]})
        codes, uniq = pd.factorize(pd.MultiIndex.from_frame(triples.astype(object).where(triples.notna(), "\0")))
        found = np.full(len(uniq), -1)
        for u, (c, p, w) in enumerate(uniq):
            hit = matcher.match(c, None if p == "\0" else p, None if w == "\0" else w)
            if hit is not None:
                found[u] = index.get((c, hit[1], hit[0]), -1)
        named[rows] = found[codes]

    # By coordinates.
    spatial = np.full(len(out), -1)
    rows = np.flatnonzero(has_xy)
    pts = shapely.points(lon[rows], lat[rows]) if len(rows) else np.array([], dtype=object)
    if len(rows):
        p_idx, d_idx = shapely.STRtree(geoms).query(pts, predicate="covered_by")
        keep = d_country[d_idx] == country[rows[p_idx]]
        p_idx, d_idx = p_idx[keep], d_idx[keep]
        own = d_province[d_idx] == province[rows[p_idx]]
        order = np.lexsort((d_idx, ~own, p_idx))  # per point: its own province's polygon first
        p_idx, d_idx, own = p_idx[order], d_idx[order], own[order]
        first = np.unique(p_idx, return_index=True)[1]
        inside = np.full(len(rows), -1)
        inside_own = np.zeros(len(rows), dtype=bool)
        inside[p_idx[first]] = d_idx[first]
        inside_own[p_idx[first]] = own[first]
        n_all = named[rows]
        simple = (inside >= 0) & ((n_all == inside) | ((n_all < 0) & inside_own))
        spatial[rows[simple]] = inside[simple]
        rest = np.flatnonzero(~simple)  # positions in ``rows`` needing a closer look
        if len(rest):
            i_rest = rows[rest]
            n_r, j_r = named[i_rest], inside[rest]
            res = np.full(len(rest), -1)
            # a. near (within SNAP_DEG of) the polygon its name matches: the source's word decides
            a = np.flatnonzero(n_r >= 0)
            near = np.zeros(len(rest), dtype=bool)
            near[a] = shapely.distance(geoms[n_r[a]], pts[rest[a]]) <= SNAP_DEG
            take = near & (n_r != j_r)
            res[take] = n_r[take]
            # b. inside a polygon of its own province (or its province is unknown)
            unknown = np.array([not isinstance(province[i], str) for i in i_rest], dtype=bool)
            b = (res < 0) & (j_r >= 0) & (inside_own[rest] | unknown)
            res[b] = j_r[b]
            # c. else the nearest polygon of its own province within SNAP_DEG (a border
            #    drawn differently by the two sources, the coast); else the name decides.
            c = np.flatnonzero(res < 0)
            if len(c):
                pi, di = shapely.STRtree(geoms).query(pts[rest[c]], predicate="dwithin", distance=SNAP_DEG)
                mine = (d_country[di] == country[i_rest[c[pi]]]) & (d_province[di] == province[i_rest[c[pi]]])
                pi, di = pi[mine], di[mine]
                dist = shapely.distance(geoms[di], pts[rest[c[pi]]])
                order = np.lexsort((di, dist, pi))
                pi, di = pi[order], di[order]
                first = np.unique(pi, return_index=True)[1]
                res[c[pi[first]]] = di[first]
            spatial[i_rest] = res

    chosen = np.where(spatial >= 0, spatial, named)
    district = out["district"].to_numpy(dtype=object).copy()
    ok = chosen >= 0
    district[ok] = d_name[chosen[ok]]
    fill = ok & (pd.isna(province) | (d_province[np.where(ok, chosen, 0)] != province))
    # The matcher looks beyond an incident's province only when that is empty or
    # not a province name; a point may sit in a polygon of another province only
    # when its own province is unknown. Either way the district says where it is.
    province[fill] = d_province[chosen[fill]]
    by_name = ok & (spatial < 0)
    out["district"] = pd.Series(district, index=out.index, dtype=object)
    out["province"] = pd.Series(province, index=out.index, dtype=object)
    lat_pt = districts["latitude"].to_numpy(dtype=float)
    lon_pt = districts["longitude"].to_numpy(dtype=float)
    out.loc[by_name, "district_point_lat"] = lat_pt[chosen[by_name]]
    out.loc[by_name, "district_point_lon"] = lon_pt[chosen[by_name]]
    return out

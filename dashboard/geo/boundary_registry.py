"""Where the analyst's district layers live, one set of files per country, in
``config.data_dir()/boundaries/`` (git-ignored, never the repository):

    districts-PAK.parquet   full-detail repaired polygons (GeoParquet), for spatial joins
    districts-PAK.geojson   the simplified display copy, for the map
    districts-PAK.json      where it came from: file, SHA-256, name field, counts, time

``save`` writes a prepared layer (``boundary_files.prepare``) atomically,
``stash``/``unstash`` keep a copy aside for a change that may be rolled back,
``registry`` lists what is stored and ``load_districts`` / ``display_geojson``
read it (cached per state of the files). Coordinates are EPSG:4326 degrees.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import config
from .boundary_files import COUNTRIES, Prepared

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


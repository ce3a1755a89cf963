"""District boundaries in the store: the ``admin_districts`` table and every
incident's district, kept in step with the district files in the data folder.

``add_boundaries`` / ``remove_boundaries`` change the files *and* the store:
the files are written (old ones kept aside), then one transaction replaces
``admin_districts`` and re-places every incident; if the transaction fails, the
old files come back. ``sync`` re-runs the transaction alone, for a store that
was opened against another data folder or was written while the files changed.

Re-placing an incident starts from what its source said: ``district_as_written``
(filled from ``district`` where an import left it empty) and its own
coordinates. Coordinates the dashboard made up (a point inside the province or
the district, ``location_precision`` 'province'/'district', at exactly such a
point) are dropped first and made again, so removing district boundaries puts
those incidents back at their province's point and their district text back
as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd

from ..store.db import Store
from ..store.derive import refresh_attribution
from . import boundary_files as F
from . import boundary_registry as R
from .places import place_with_districts
from .provinces import province_centroids

META_KEY = "district_boundaries"


@dataclass
class Change:
    """What a boundaries change did to the store."""

    countries: list[str]
    districts: int  # polygons now in admin_districts
    incidents: int  # incidents looked at
    changed: int  # incidents whose district, province or placement changed
    with_district: int  # incidents in a covered country that now have a polygon's district
    covered: int  # incidents in countries with district polygons
    unmatched: list[tuple[str, int]] = field(default_factory=list)  # district text -> incidents, no polygon
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.countries:
            return (f"No district boundaries: {self.changed:,} of {self.incidents:,} incidents "
                    "changed back to their districts as written.")
        text = (f"District boundaries for {', '.join(self.countries)} ({self.districts} districts). "
                f"{self.with_district:,} of {self.covered:,} incidents there have a district; "
                f"{self.changed:,} incidents changed.")
        if self.unmatched:
            top = ", ".join(f"{name!r} ({n})" for name, n in self.unmatched[:8])
            text += f" District names matching no polygon (kept as written): {top}."
        return text


# --- reading the store --------------------------------------------------------
def has_table(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'admin_districts'"
    ).fetchone()
    return bool(row[0])


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
    return row[0] if row else ""


def in_sync(con: duckdb.DuckDBPyConnection, folder: Path | None = None) -> bool:
    """True when the store's districts were assigned from the files now in the data folder."""
    return stored_fingerprint(con) == R.fingerprint(folder)


def admin_districts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The district table: district_id, country, province, district, latitude, longitude, area_km2, source."""
    if not has_table(con):
        return pd.DataFrame(columns=["district_id", "country", "province", "district"])
    return con.execute(
        """SELECT district_id, country, country_iso3, province, district, name_as_written,
                  latitude, longitude, area_km2, source, added_at
           FROM admin_districts ORDER BY country, province, district"""
    ).df()


# --- writing the store -----------------------------------------------------------
def _ours(frame: pd.DataFrame, old_points: pd.DataFrame) -> np.ndarray:
    """Rows whose coordinates the dashboard made up (a province's or a district's point),
    found by where they sit: for rows written before ``placed_at`` said so."""
    known = pd.concat([province_centroids()[["latitude", "longitude"]], old_points[["latitude", "longitude"]]])
    keys = pd.MultiIndex.from_arrays([known["latitude"].astype(float).round(4),
                                      known["longitude"].astype(float).round(4)])
    lat = pd.to_numeric(frame["latitude"], errors="coerce").astype(float).round(4)
    lon = pd.to_numeric(frame["longitude"], errors="coerce").astype(float).round(4)
    at_point = pd.MultiIndex.from_arrays([lat, lon]).isin(keys)
    made = frame["location_precision"].isin(["province", "district"]).to_numpy()
    return made & at_point & frame["location_approximate"].fillna(False).astype(bool).to_numpy()


def _replace_table(con: duckdb.DuckDBPyConnection, districts: gpd.GeoDataFrame, entries: list[dict]) -> None:
    con.execute("DELETE FROM admin_districts")
    if districts.empty:
        return
    sources = {m["country_iso3"]: (m.get("source"), m.get("added_at")) for m in entries}
    table = pd.DataFrame(districts.drop(columns="geometry"))
    table["source"] = table["country_iso3"].map(lambda c: sources.get(c, (None, None))[0])
    table["added_at"] = pd.to_datetime(
        table["country_iso3"].map(lambda c: sources.get(c, (None, None))[1]), utc=True, errors="coerce"
    ).dt.tz_localize(None)
    cols = ["district_id", "country", "country_iso3", "province", "district", "name_as_written",
            "latitude", "longitude", "area_km2", "source", "added_at"]
    con.register("_admin_districts", table[cols])
    try:
        con.execute(f"INSERT INTO admin_districts ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _admin_districts")
    finally:
        con.unregister("_admin_districts")


def _reassign(con: duckdb.DuckDBPyConnection, districts: gpd.GeoDataFrame, old_points: pd.DataFrame) -> Change:
    con.execute("UPDATE incidents SET district_as_written = district WHERE district_as_written IS NULL")
    frame = con.execute(
        """SELECT incident_id, country, province, district, district_as_written, latitude, longitude,
                  location_precision, location_approximate, placed_at FROM incidents"""
    ).df()
    before = frame.copy()
    ours = frame["placed_at"].notna().to_numpy() | _ours(frame, old_points)
    frame.loc[ours, ["latitude", "longitude"]] = np.nan
    frame.loc[ours, "location_precision"] = None
    placed = place_with_districts(frame, districts)
    cols = ["province", "district", "latitude", "longitude", "location_precision", "location_approximate", "placed_at"]
    changed = np.zeros(len(frame), dtype=bool)
    for c in cols:
        a, b = before[c].astype(object), placed[c].astype(object)
        same = (a == b) | (a.isna() & b.isna())
        if c in ("latitude", "longitude"):
            fa, fb = pd.to_numeric(a, errors="coerce"), pd.to_numeric(b, errors="coerce")
            same = ((fa - fb).abs() < 1e-9) | (fa.isna() & fb.isna())
        changed |= ~same.to_numpy()
    update = placed.loc[changed, ["incident_id"] + cols].copy()
    update["latitude"] = pd.to_numeric(update["latitude"], errors="coerce")
    update["longitude"] = pd.to_numeric(update["longitude"], errors="coerce")
    update["location_approximate"] = update["location_approximate"].fillna(False).astype(bool)
    if len(update):
        con.register("_district_update", update)
        try:
            con.execute(
                """UPDATE incidents SET province = u.province, district = u.district,
                          latitude = u.latitude, longitude = u.longitude,
                          location_precision = u.location_precision,
                          location_approximate = u.location_approximate, placed_at = u.placed_at,
                          precise = coalesce(incidents.date_precision = 'day' AND u.location_precision = 'point'
                                             AND NOT coalesce(u.location_approximate, FALSE), FALSE),
                          updated_at = now()::TIMESTAMP
                   FROM _district_update u WHERE incidents.incident_id = u.incident_id"""
            )
            # the derived tables repeat province and district (store/derive.py)
            con.execute("CREATE OR REPLACE TEMP TABLE _district_touched AS SELECT incident_id FROM _district_update")
            refresh_attribution(con, "_district_touched")
            con.execute("DROP TABLE _district_touched")
        finally:
            con.unregister("_district_update")
    covered = placed["country"].isin(set(districts["country"])) if not districts.empty else pd.Series(False, index=placed.index)
    names = set(zip(districts["country"], districts["district"])) if not districts.empty else set()
    has = pd.Series([(c, d) in names for c, d in zip(placed["country"], placed["district"])], index=placed.index)
    missing = placed.loc[covered & ~has & placed["district"].notna(), "district"].value_counts()
    return Change(
        countries=sorted(set(districts["country"])) if not districts.empty else [],
        districts=int(len(districts)), incidents=int(len(frame)), changed=int(changed.sum()),
        with_district=int((covered & has).sum()), covered=int(covered.sum()),
        unmatched=[(str(k), int(v)) for k, v in missing.items()],
    )


def sync(store: Store, folder: Path | None = None) -> Change:
    """Make the store agree with the district files, in one transaction.

    Replaces ``admin_districts`` with the stored polygons' attributes and
    re-places every incident (district by point or name; incidents without
    coordinates at their district's or province's point).
    """
    districts = R.load_districts(folder)
    entries = R.registry(folder)
    with store.transaction() as con:
        old_points = con.execute("SELECT latitude, longitude FROM admin_districts").df()
        _replace_table(con, districts, entries)
        change = _reassign(con, districts, old_points)
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_KEY, R.fingerprint(folder)])
    return change


def add_boundaries(store: Store, prepared: F.Prepared, folder: Path | None = None) -> Change:
    """Save a prepared district layer (replacing that country's) and update the store.

    All or nothing: if the store cannot be updated, the previous files return.
    """
    backup = R.stash(prepared.iso3, folder)
    try:
        R.save(prepared, folder)
        change = sync(store, folder)
    except BaseException:
        R.unstash(backup, prepared.iso3, folder)
        raise
    R.drop_stash(backup)
    change.notes = list(prepared.notes)
    return change


def remove_boundaries(store: Store, iso3: str, folder: Path | None = None) -> Change:
    """Delete a country's district layer and put its incidents back as their sources wrote them."""
    iso3 = F.country_code(iso3)
    backup = R.stash(iso3, folder)
    if backup is None:
        raise F.BoundaryError(f"No district boundaries for {F.COUNTRIES[iso3]} to remove.")
    try:
        R.delete(iso3, folder)
        change = sync(store, folder)
    except BaseException:
        R.unstash(backup, iso3, folder)
        raise
    R.drop_stash(backup)
    return change


def backfill_placed_at(store: Store) -> int:
    """Fill ``placed_at`` for incidents stored before it existed (schema migration 8):
    the points the dashboard made up are those ``_ours`` finds. Once per store."""
    con = store.cursor()
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'placed_at_backfill'").fetchone()
        if not row or row[0] != "pending":
            return 0
        frame = con.execute("""SELECT incident_id, latitude, longitude, location_precision, location_approximate
                               FROM incidents WHERE location_approximate""").df()
        points = con.execute("SELECT latitude, longitude FROM admin_districts").df()
    finally:
        con.close()
    made = frame.loc[_ours(frame, points), ["incident_id", "location_precision"]] if len(frame) else frame
    with store.transaction() as con:
        if len(made):
            con.register("_placed", made)
            try:
                con.execute("""UPDATE incidents SET placed_at = p.location_precision FROM _placed p
                               WHERE incidents.incident_id = p.incident_id""")
            finally:
                con.unregister("_placed")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('placed_at_backfill', 'done')")
    return len(made)

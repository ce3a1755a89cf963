"""Build ``data/boundaries/provinces.geojson`` from Natural Earth admin-1.

Run it again whenever the source changes::

    python -m dashboard.geo.build_provinces [--gpkg PATH] [-o data/boundaries/provinces.geojson]

Source: the ``states_provinces`` layer of QGIS's ``world_map.gpkg`` (Debian
package ``qgis-common``), which is Natural Earth 1:10m Admin 1 v4.1.0 (public
domain), already generalised by QGIS with GRASS ``v.generalize`` and cut down
to a few attribute fields (no ``iso_3166_2`` field). CRS EPSG:4326.

What the build does:

1. keeps Pakistan and Afghanistan and gives every source polygon its current
   English name and ISO 3166-2 code from ``SOURCE_NAMES`` (the source uses
   old names, and its ``name`` field says "Parwan" for Panjshir and "Uruzgan"
   for Daykundi, so rows are told apart by ``name`` *and* ``gn_name``);
2. dissolves F.A.T.A. into Khyber Pakhtunkhwa (the 2018 merger);
3. simplifies the polygons as one coverage, so neighbouring provinces keep
   identical shared borders (no gaps or overlaps), snaps coordinates to a
   1e-4 degree grid (about 11 m) and checks the result is valid;
4. checks 7 Pakistani and 34 Afghan provinces with distinct ISO codes, and
   that known provincial capitals fall in the right polygon;
5. writes GeoJSON (EPSG:4326, lon/lat degrees), sorted by country and
   province, so a re-run gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import shapely

from dashboard.config import BOUNDARIES_DIR

DEFAULT_GPKG = Path("/usr/share/qgis/resources/data/world_map.gpkg")
DEFAULT_OUTPUT = BOUNDARIES_DIR / "provinces.geojson"
LAYER = "states_provinces"
HOW_TO_GET = (
    "The Natural Earth boundaries come with QGIS (Debian package qgis-common). "
    "Get them without installing QGIS:\n"
    "    apt-get download qgis-common && dpkg -x qgis-common_*.deb /tmp/qgis\n"
    "then run again with\n"
    "    --gpkg /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg"
)

# Coverage simplification tolerance, in degrees: roughly the square root of
# the area of the corner triangles removed (0.01 deg ~ 1 km). The QGIS source
# is already generalised, so this drops almost nothing from it; it keeps the
# output small if a more detailed source is used.
TOLERANCE_DEG = 0.01
GRID_DEG = 1e-4  # coordinates are snapped to 4 decimals (~11 m)

COUNTRIES = {"PAK": "Pakistan", "AFG": "Afghanistan"}
EXPECTED_COUNTS = {"Pakistan": 7, "Afghanistan": 34}

# (adm0_a3, source name, source gn_name) -> (current English name, ISO 3166-2)
SOURCE_NAMES: dict[tuple[str, str, str], tuple[str, str]] = {
    ("PAK", "Baluchistan", "Balochistan"): ("Balochistan", "PK-BA"),
    ("PAK", "K.P.", "Khyber Pakhtunkhwa Province"): ("Khyber Pakhtunkhwa", "PK-KP"),
    ("PAK", "F.A.T.A.", "Federally Administered Tribal Areas"): ("Khyber Pakhtunkhwa", "PK-KP"),
    ("PAK", "Punjab", "Punjab"): ("Punjab", "PK-PB"),
    ("PAK", "Sind", "Sindh"): ("Sindh", "PK-SD"),
    ("PAK", "F.C.T.", "Islamabad Capital Territory"): ("Islamabad Capital Territory", "PK-IS"),
    ("PAK", "Northern Areas", "Northern Areas"): ("Gilgit-Baltistan", "PK-GB"),
    ("PAK", "Azad Kashmir", "Azad Kashmir"): ("Azad Jammu and Kashmir", "PK-JK"),
    ("AFG", "Badakhshan", "Badakhshan"): ("Badakhshan", "AF-BDS"),
    ("AFG", "Badghis", "Badghis"): ("Badghis", "AF-BDG"),
    ("AFG", "Baghlan", "Wilayat-e Baghlan"): ("Baghlan", "AF-BGL"),
    ("AFG", "Balkh", "Balkh"): ("Balkh", "AF-BAL"),
    ("AFG", "Bamyan", "Wilayat-e Bamyan"): ("Bamyan", "AF-BAM"),
    ("AFG", "Uruzgan", "Wilayat-e Daykundi"): ("Daykundi", "AF-DAY"),
    ("AFG", "Farah", "Farah"): ("Farah", "AF-FRA"),
    ("AFG", "Faryab", "Faryab Province"): ("Faryab", "AF-FYB"),
    ("AFG", "Ghazni", "Wilayat-e Ghazni"): ("Ghazni", "AF-GHA"),
    ("AFG", "Ghor", "Wilayat-e Ghor"): ("Ghor", "AF-GHO"),
    ("AFG", "Hilmand", "Helmand"): ("Helmand", "AF-HEL"),
    ("AFG", "Hirat", "Herat"): ("Herat", "AF-HER"),
    ("AFG", "Jawzjan", "Wilayat-e Jowzjan"): ("Jowzjan", "AF-JOW"),
    ("AFG", "Kabul", "Wilayat-e Kabul"): ("Kabul", "AF-KAB"),
    ("AFG", "Kandahar", "Kandahar"): ("Kandahar", "AF-KAN"),
    ("AFG", "Kapisa", "Wilayat-e Kapisa"): ("Kapisa", "AF-KAP"),
    ("AFG", "Khost", "Velayat-e Khowst"): ("Khost", "AF-KHO"),
    ("AFG", "Kunar", "Wilayat-e Kunar"): ("Kunar", "AF-KNR"),
    ("AFG", "Kunduz", "Kunduz"): ("Kunduz", "AF-KDZ"),
    ("AFG", "Laghman", "Wilayat-e Laghman"): ("Laghman", "AF-LAG"),
    ("AFG", "Logar", "Wilayat-e Logar"): ("Logar", "AF-LOG"),
    ("AFG", "Nangarhar", "Nangarhar"): ("Nangarhar", "AF-NAN"),
    ("AFG", "Nimroz", "Wilayat-e Nimroz"): ("Nimruz", "AF-NIM"),
    ("AFG", "Nuristan", "Velayat-e Nurestan"): ("Nuristan", "AF-NUR"),
    ("AFG", "Paktika", "Wilayat-e Paktika"): ("Paktika", "AF-PKA"),
    ("AFG", "Paktya", "Wilayat-e Paktiya"): ("Paktia", "AF-PIA"),
    ("AFG", "Parwan", "Panjshir"): ("Panjshir", "AF-PAN"),
    ("AFG", "Parwan", "Parwan"): ("Parwan", "AF-PAR"),
    ("AFG", "Samangan", "Samangan"): ("Samangan", "AF-SAM"),
    ("AFG", "Sari Pul", "Sar-e Pul"): ("Sar-e Pol", "AF-SAR"),
    ("AFG", "Takhar", "Wilayat-e Takhar"): ("Takhar", "AF-TAK"),
    ("AFG", "Uruzgan", "Uruzgan"): ("Uruzgan", "AF-URU"),
    ("AFG", "Wardak", "Wardak"): ("Wardak", "AF-WAR"),
    ("AFG", "Zabul", "Wilayat-e Zabul"): ("Zabul", "AF-ZAB"),
}

# Provincial capitals (lon, lat degrees) that must fall inside their province:
# the pairs the source's ``name`` field confuses, and the 2018 merger.
CAPITALS = {
    "Panjshir": (69.515, 35.313),  # Bazarak
    "Parwan": (69.171, 35.014),  # Charikar
    "Daykundi": (66.130, 33.722),  # Nili
    "Uruzgan": (65.873, 32.627),  # Tarin Kot
    "Khyber Pakhtunkhwa": (71.52, 34.73),  # Khar, Bajaur (ex-FATA)
}


def read_source(gpkg: Path) -> gpd.GeoDataFrame:
    """Pakistan and Afghanistan rows of the source layer (EPSG:4326)."""
    where = "adm0_a3 IN ('PAK', 'AFG')"
    src = gpd.read_file(gpkg, layer=LAYER, where=where, columns=["adm0_a3", "name", "gn_name"])
    return src.to_crs(4326)


def rename(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add country, country_iso3, province and iso_3166_2 from ``SOURCE_NAMES``.

    Fails if a source row is unknown or a known row is missing, so a new
    source version cannot silently drop or mislabel a province.
    """
    keys = list(zip(src["adm0_a3"], src["name"], src["gn_name"]))
    unknown = sorted(set(keys) - set(SOURCE_NAMES))
    missing = sorted(set(SOURCE_NAMES) - set(keys))
    if unknown or missing or len(set(keys)) != len(keys):
        raise ValueError(
            f"Source rows do not match SOURCE_NAMES: unknown {unknown}, missing {missing}. "
            "Update SOURCE_NAMES in dashboard/geo/build_provinces.py."
        )
    out = src[["geometry"]].copy()
    out["country_iso3"] = src["adm0_a3"].to_numpy()
    out["country"] = out["country_iso3"].map(COUNTRIES)
    out["province"] = [SOURCE_NAMES[k][0] for k in keys]
    out["iso_3166_2"] = [SOURCE_NAMES[k][1] for k in keys]
    return out


def dissolve(named: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One polygon per province (merges F.A.T.A. into Khyber Pakhtunkhwa)."""
    by = ["country", "country_iso3", "province", "iso_3166_2"]
    out = named.dissolve(by=by, method="coverage", as_index=False)
    return out[by + ["geometry"]]


def simplify(gdf: gpd.GeoDataFrame, tolerance: float = TOLERANCE_DEG) -> gpd.GeoDataFrame:
    """Simplify as a coverage, snap to ``GRID_DEG`` and make valid (degrees).

    Coverage simplification keeps shared borders identical in neighbouring
    provinces; simplifying each polygon on its own would open gaps (points
    in no province) and overlaps (points in two).
    """
    geoms = shapely.coverage_simplify(gdf.geometry.to_numpy(), tolerance)
    geoms = shapely.make_valid(shapely.set_precision(geoms, GRID_DEG))
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))


def check(gdf: gpd.GeoDataFrame) -> None:
    """Raise ValueError if counts, codes, validity or capitals are wrong."""
    counts = gdf["country"].value_counts().to_dict()
    problems = []
    if counts != EXPECTED_COUNTS:
        problems.append(f"province counts {counts}, expected {EXPECTED_COUNTS}")
    for column in ("province", "iso_3166_2"):
        dupes = gdf.loc[gdf[column].duplicated(), column].tolist()
        if dupes:
            problems.append(f"duplicate {column}: {dupes}")
    if not gdf.geometry.is_valid.all() or gdf.geometry.is_empty.any():
        problems.append("invalid or empty geometries")
    if not shapely.coverage_is_valid(gdf.geometry.to_numpy()):
        problems.append("provinces overlap or their shared borders differ")
    for province, (lon, lat) in CAPITALS.items():
        polygon = gdf.loc[gdf["province"] == province, "geometry"]
        if polygon.empty or not polygon.iloc[0].contains(shapely.Point(lon, lat)):
            problems.append(f"{province}'s capital ({lat}, {lon}) is not inside it")
    if problems:
        raise ValueError("Province boundaries failed checks: " + "; ".join(problems))


def build(gpkg: Path, tolerance: float = TOLERANCE_DEG) -> gpd.GeoDataFrame:
    """Read, rename, dissolve, simplify and check; sorted, EPSG:4326."""
    provinces = simplify(dissolve(rename(read_source(gpkg))), tolerance)
    check(provinces)
    return provinces.sort_values(["country", "province"], ignore_index=True)


def write(gdf: gpd.GeoDataFrame, output: Path) -> None:
    """Write GeoJSON (RFC 7946, lon/lat degrees, 4 decimals), one feature a line."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    gdf.to_file(
        output,
        driver="GeoJSON",
        layer="provinces",
        engine="pyogrio",
        RFC7946="YES",
        COORDINATE_PRECISION=4,
        WRITE_BBOX="NO",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpkg", type=Path, default=DEFAULT_GPKG, help=f"default {DEFAULT_GPKG}")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_DEG, help="degrees")
    args = parser.parse_args(argv)
    if not args.gpkg.is_file():
        print(f"Source not found: {args.gpkg}\n{HOW_TO_GET}", file=sys.stderr)
        return 2
    provinces = build(args.gpkg, args.tolerance)
    write(provinces, args.output)
    summary = provinces.groupby("country").size().to_dict()
    size_kb = args.output.stat().st_size / 1024
    print(f"Wrote {len(provinces)} provinces {summary} to {args.output} ({size_kb:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

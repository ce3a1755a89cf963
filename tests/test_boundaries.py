"""Province boundaries (data/boundaries/provinces.geojson) and province names."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard.geo import build_provinces
from dashboard.geo.provinces import (
    ALIASES_PATH,
    PROVINCES_PATH,
    assign_provinces,
    load_provinces,
    normalise_province,
    province_centroids,
    province_names,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
# The embedded incidents copy the reference table's country, province and
# coordinates verbatim (scripts/transcribe_reference.py), so they are the check.
INCIDENTS_CSV = REPO_ROOT / "data" / "default" / "incidents.csv"
GPKG_CANDIDATES = [
    build_provinces.DEFAULT_GPKG,
    Path("/tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg"),
]


def locate(points: list[tuple[float, float]]) -> list[str | None]:
    """Province for each (lat, lon) point in degrees."""
    df = pd.DataFrame(points, columns=["latitude", "longitude"])
    return assign_provinces(df)["province_geo"].tolist()


# --- the committed file ---------------------------------------------------


def test_committed_file_has_41_provinces():
    gdf = load_provinces()
    assert len(gdf) == 41
    assert gdf.groupby("country").size().to_dict() == {"Afghanistan": 34, "Pakistan": 7}
    assert list(gdf.columns) == ["country", "country_iso3", "province", "iso_3166_2", "geometry"]


def test_unique_names_and_iso_codes():
    gdf = load_provinces()
    assert gdf["province"].is_unique
    assert gdf["iso_3166_2"].is_unique
    pak = gdf[gdf["country"] == "Pakistan"]
    assert set(pak["iso_3166_2"]) == {"PK-BA", "PK-KP", "PK-PB", "PK-SD", "PK-IS", "PK-GB", "PK-JK"}
    assert (pak["country_iso3"] == "PAK").all()
    afg = gdf[gdf["country"] == "Afghanistan"]
    assert afg["iso_3166_2"].str.fullmatch(r"AF-[A-Z]{3}").all()
    assert (afg["country_iso3"] == "AFG").all()
    codes = dict(zip(gdf["province"], gdf["iso_3166_2"]))
    assert codes["Panjshir"] == "AF-PAN" and codes["Parwan"] == "AF-PAR"
    assert codes["Daykundi"] == "AF-DAY" and codes["Uruzgan"] == "AF-URU"


def test_geometries_valid_crs_and_size():
    gdf = load_provinces()
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.is_valid.all() and not gdf.geometry.is_empty.any()
    assert shapely.coverage_is_valid(gdf.geometry.to_numpy())  # no overlaps
    assert PROVINCES_PATH.stat().st_size < 1_000_000


def test_load_provinces_returns_a_copy():
    gdf = load_provinces()
    gdf.loc[0, "province"] = "changed"
    assert "changed" not in set(load_provinces()["province"])


# --- point in polygon -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lat", "lon", "province"),
    [
        ("Khar, Bajaur (ex-FATA)", 34.73, 71.52, "Khyber Pakhtunkhwa"),
        ("Peshawar", 34.008, 71.555, "Khyber Pakhtunkhwa"),
        ("Miran Shah, North Waziristan (ex-FATA)", 33.0, 70.07, "Khyber Pakhtunkhwa"),
        ("Kabul", 34.5, 69.11, "Kabul"),
        ("Quetta", 30.19, 67.01, "Balochistan"),
        ("Bazarak", 35.313, 69.515, "Panjshir"),
        ("Charikar", 35.014, 69.171, "Parwan"),
        ("Nili", 33.722, 66.130, "Daykundi"),
        ("Tarin Kot", 32.627, 65.873, "Uruzgan"),
    ],
)
def test_known_places(name, lat, lon, province):
    assert locate([(lat, lon)]) == [province], name


def test_sea_outside_and_bad_coordinates_get_none():
    df = pd.DataFrame(
        {
            "latitude": [22.0, 28.6, None, 95.0, "n/a", 34.5],
            "longitude": [65.0, 77.2, 70.0, 70.0, 70.0, 69.11],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    out = assign_provinces(df)
    # Arabian Sea, New Delhi, missing, out of range, text -> None; Kabul found
    assert out["province_geo"].tolist() == [None] * 5 + ["Kabul"]
    assert out["country_geo"].tolist() == [None] * 5 + ["Afghanistan"]
    assert list(out.index) == list(df.index)
    assert "province_geo" not in df.columns  # input left alone


def test_centroids_lie_inside_their_province():
    centroids = province_centroids()
    assert len(centroids) == 41
    assert locate(list(zip(centroids["latitude"], centroids["longitude"]))) == centroids["province"].tolist()


def test_province_names():
    assert len(province_names()) == 41
    assert province_names("Pakistan") == [
        "Azad Jammu and Kashmir", "Balochistan", "Gilgit-Baltistan",
        "Islamabad Capital Territory", "Khyber Pakhtunkhwa", "Punjab", "Sindh",
    ]
    assert len(province_names("AFG")) == 34


def test_embedded_incidents_fall_in_their_province():
    incidents = pd.read_csv(INCIDENTS_CSV).dropna(subset=["latitude", "longitude"])
    assert len(incidents) == 106
    out = assign_provinces(incidents)
    wrong = out[(out["province_geo"] != out["province"]) | (out["country_geo"] != out["country"])]
    assert wrong.empty, wrong[["incident_id", "province", "province_geo", "latitude", "longitude"]]


# --- names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "province"),
    [
        ("NWFP", "Khyber Pakhtunkhwa"), ("N.W.F.P.", "Khyber Pakhtunkhwa"),
        ("KPK", "Khyber Pakhtunkhwa"), ("K.P.", "Khyber Pakhtunkhwa"),
        ("Khyber-Pakhtunkhwa", "Khyber Pakhtunkhwa"), ("FATA", "Khyber Pakhtunkhwa"),
        ("F.A.T.A.", "Khyber Pakhtunkhwa"), ("Federally Administered Tribal Areas", "Khyber Pakhtunkhwa"),
        ("Sind", "Sindh"), ("Baluchistan", "Balochistan"), ("Balochistan", "Balochistan"),
        ("Islamabad", "Islamabad Capital Territory"), ("ICT", "Islamabad Capital Territory"),
        ("Federal Capital Territory", "Islamabad Capital Territory"),
        ("F.C.T.", "Islamabad Capital Territory"), ("Northern Areas", "Gilgit-Baltistan"),
        ("Gilgit Baltistan", "Gilgit-Baltistan"), ("AJK", "Azad Jammu and Kashmir"),
        ("Azad Kashmir", "Azad Jammu and Kashmir"), ("Punjab", "Punjab"),
        ("Konar", "Kunar"), ("Ningarhar", "Nangarhar"), ("Nangrahar", "Nangarhar"),
        ("Hilmand", "Helmand"), ("Paktya", "Paktia"), ("Kondoz", "Kunduz"),
        ("Bamian", "Bamyan"), ("Daikundi", "Daykundi"), ("Dai Kundi", "Daykundi"),
        ("Panjsher", "Panjshir"), ("Nooristan", "Nuristan"), ("Jawzjan", "Jowzjan"),
        ("Sari Pul", "Sar-e Pol"), ("Sar-i-Pul", "Sar-e Pol"), ("Oruzgan", "Uruzgan"),
        ("Maidan Wardak", "Wardak"), ("Nimroz", "Nimruz"), ("Hirat", "Herat"),
        ("Qandahar", "Kandahar"), ("Khowst", "Khost"), ("Ghowr", "Ghor"),
    ],
)
def test_normalise_old_names_and_spellings(alias, province):
    assert normalise_province(alias) == province


@pytest.mark.parametrize(
    "written", ["n.w.f.p", "  Khyber   Pakhtunkhwa  ", "KHYBER PAKHTUNKHWA PROVINCE", "Kp province"]
)
def test_normalise_ignores_case_punctuation_spaces_and_province(written):
    assert normalise_province(written) == "Khyber Pakhtunkhwa"


def test_normalise_unknown_and_country_filter():
    assert normalise_province("Atlantis") is None
    assert normalise_province("") is None
    assert normalise_province(None) is None
    assert normalise_province(float("nan")) is None
    assert normalise_province("Punjab", country="Pakistan") == "Punjab"
    assert normalise_province("Punjab", country="Afghanistan") is None
    assert normalise_province("Kabul", country="AFG") == "Kabul"


def test_every_current_name_and_alias_row_is_consistent():
    for name in province_names():
        assert normalise_province(name) == name
    names = set(province_names())
    with open(ALIASES_PATH, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {row["province"] for row in rows} == names
    for row in rows:
        assert normalise_province(row["alias"], row["country"]) == row["province"]


# --- the build ------------------------------------------------------------


def test_build_without_source_says_how_to_get_it(tmp_path, capsys):
    code = build_provinces.main(["--gpkg", str(tmp_path / "missing.gpkg"), "-o", str(tmp_path / "p.geojson")])
    assert code != 0
    assert "apt-get download qgis-common && dpkg -x qgis-common_*.deb /tmp/qgis" in capsys.readouterr().err


def test_build_reproduces_committed_file(tmp_path):
    gpkg = next((p for p in GPKG_CANDIDATES if p.is_file()), None)
    if gpkg is None:
        pytest.skip(f"Natural Earth source not found at {GPKG_CANDIDATES}; {build_provinces.HOW_TO_GET}")
    output = tmp_path / "provinces.geojson"
    assert build_provinces.main(["--gpkg", str(gpkg), "-o", str(output)]) == 0
    built = gpd.read_file(output)
    committed = load_provinces()
    columns = ["country", "country_iso3", "province", "iso_3166_2"]
    pd.testing.assert_frame_equal(built[columns], committed[columns])
    assert output.read_bytes() == PROVINCES_PATH.read_bytes()  # deterministic

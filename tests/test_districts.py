"""District boundaries the analyst adds: reading, checking, name matching, the store,
the command line, URL filters and the pages.

Three kinds of input:
- SYNTHETIC squares made up here (named after real districts, but drawn as
  plain 0.2-degree boxes inside Khyber Pakhtunkhwa), written only under
  ``tmp_path``: they test reading formats, repairs and matching rules;
- a SYNTHETIC Pakistan layer (``tests/helpers/districts.py``: Voronoi cells
  seeded by the embedded incidents' own coordinates, clipped to the project's
  province polygons, geoBoundaries-like fields), built at test time under the
  session's temporary folder: the store, the command line, filters and pages;
- EXTRA: the geoBoundaries PAK ADM2 file in ``../shared/boundaries``, read in
  place by tests marked ``shared``, which are deselected when it is absent.
  Nothing derived from it is written anywhere but ``tmp_path``.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from dashboard import queries
from dashboard.__main__ import main
from dashboard.config import REPO_ROOT
from dashboard.filters import Filter
from dashboard.geo import district_store as S
from dashboard.geo import boundary_files as F
from dashboard.geo import boundary_registry as R
from dashboard.geo.district_names import DistrictMatcher, key_of
from dashboard.geo.places import place_incidents, place_with_districts

from tests.conftest import shared_path
from tests.helpers.districts import synthetic_province_of

PAK_FILE = ("boundaries", "geoBoundaries-PAK-ADM2_simplified.geojson")
SYNTHETIC_DISTRICTS = 33  # polygons in the synthetic layer (tests/helpers/districts.py)
BAJAUR_INCIDENTS = {"reference:R004", "reference:R070", "reference:R072", "reference:R099", "reference:R115"}
FATA_ERA = ["Bajaur", "Mohmand", "Khyber", "Kurram", "Orakzai", "North Waziristan", "South Waziristan"]


# --- helpers ------------------------------------------------------------------
def synthetic_districts() -> gpd.GeoDataFrame:
    """SYNTHETIC: a 3x3 grid of 0.2° boxes in KP (lon 71.0-71.6, lat 33.6-34.2), plus their names."""
    names = ["Peshawar", "Dera Ismail Khan", "Bajaur", "North Waziristan", "South Waziristan",
             "Kohistan", "Chitral", "Upper Dir", "Lower Dir"]
    boxes = [box(71.0 + 0.2 * (i % 3), 33.6 + 0.2 * (i // 3), 71.2 + 0.2 * (i % 3), 33.8 + 0.2 * (i // 3))
             for i in range(len(names))]
    return gpd.GeoDataFrame({"DISTRICT": names, "code": [f"X{i}" for i in range(len(names))]},
                            geometry=boxes, crs=4326)


def snapshot(con) -> pd.DataFrame:
    return con.execute(
        """SELECT incident_id, province, district, latitude, longitude, location_precision, location_approximate
           FROM incidents ORDER BY incident_id"""
    ).df()


def run_cli(*argv: str) -> int:
    return main(list(argv))


@pytest.fixture
def pak_file(synthetic_pak_file):
    """The SYNTHETIC Pakistan district layer (built once per session, in a temporary folder)."""
    return synthetic_pak_file


@pytest.fixture
def shared_pak_file():
    """EXTRA: the real geoBoundaries file in ../shared (tests using it are marked ``shared``)."""
    return shared_path(*PAK_FILE)


@pytest.fixture
def with_pak(store, con, pak_file, capsys):
    """The store with the SYNTHETIC PAK districts added through the command line."""
    assert run_cli("boundaries", "add", str(pak_file), "--country", "PAK", "--level", "2", "--db", store.path) == 0
    capsys.readouterr()
    return con


# --- name matching (synthetic polygons) ---------------------------------------------
@pytest.fixture
def matcher() -> DistrictMatcher:
    g = synthetic_districts().rename(columns={"DISTRICT": "district"})
    g["country"], g["province"] = "Pakistan", "Khyber Pakhtunkhwa"
    extra = pd.DataFrame({"country": ["Pakistan"] * 2, "province": ["Sindh", "Islamabad Capital Territory"],
                          "district": ["Karachi", "Islamabad Capital Territory"]})
    return DistrictMatcher(pd.concat([g[["country", "province", "district"]], extra], ignore_index=True))


@pytest.mark.parametrize(("written", "expected"), [
    ("Dera Ismail Khan", "Dera Ismail Khan"),
    ("D.I. Khan", "Dera Ismail Khan"),
    ("DI Khan", "Dera Ismail Khan"),
    ("FR D.I. Khan", "Dera Ismail Khan"),
    ("Bajaur Agency", "Bajaur"),
    ("bajaur tribal district", "Bajaur"),
    ("North Waziristan Agency", "North Waziristan"),
    ("Upper South Waziristan", "South Waziristan"),
    ("Lower South Waziristan", "South Waziristan"),
    ("South Waziristan (Lower)", "South Waziristan"),
    ("Upper Kohistan", "Kohistan"),
    ("Lower Kohistan", "Kohistan"),
    ("Kolai-Palas", "Kohistan"),
    ("Upper Chitral", "Chitral"),
    ("Lower Chitral", "Chitral"),
    ("Upper Dir", "Upper Dir"),  # a real polygon is never folded into another
    ("Lower Dir", "Lower Dir"),
    ("PESHAWAR district", "Peshawar"),
    ("Peshawer", "Peshawar"),  # close spelling
    ("Khyber Pakhtunkhwa", None),  # a province's name is no district
    ("Dir", None),  # coarser than the polygons: Upper or Lower?
    ("Waziristan", None),
    ("Bajaur / Peshawar", None),  # two districts
    ("Mamund", None),
    ("", None),
])
def test_names_match_polygons(matcher, written, expected):
    hit = matcher.match("Pakistan", "Khyber Pakhtunkhwa", written)
    assert (hit[0] if hit else None) == expected


def test_matching_stays_in_the_province_unless_it_is_unknown(matcher):
    assert matcher.match("Pakistan", "Balochistan", "Bajaur") is None
    assert matcher.match("Pakistan", None, "Bajaur Agency") == ("Bajaur", "Khyber Pakhtunkhwa")
    assert matcher.match("Pakistan", "Sindh", "Karachi East") == ("Karachi", "Sindh")
    assert matcher.match("Pakistan", "Islamabad Capital Territory", "Islamabad")[0] == "Islamabad Capital Territory"
    assert matcher.match("Afghanistan", "Kabul", "Kabul") is None  # no Afghan polygons


def test_analyst_aliases_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    (tmp_path / "district_aliases.csv").write_text("alias,district,country\nTimbuktu,Bajaur,Pakistan\n")
    g = synthetic_districts().rename(columns={"DISTRICT": "district"})
    g["country"], g["province"] = "Pakistan", "Khyber Pakhtunkhwa"
    g["latitude"], g["longitude"] = g.geometry.representative_point().y, g.geometry.representative_point().x
    out = place_with_districts(pd.DataFrame({
        "country": ["Pakistan"], "province": ["Khyber Pakhtunkhwa"], "district": ["Timbuktu"],
        "latitude": [None], "longitude": [None]}), g)
    assert out["district"].tolist() == ["Bajaur"]
    assert key_of("D. I. Khan") == key_of("DI Khan") == "dikhan"


# --- placing incidents (synthetic polygons) -------------------------------------------------
def test_place_by_point_by_name_and_at_the_district_point():
    g = synthetic_districts().rename(columns={"DISTRICT": "district"})
    g["country"], g["province"] = "Pakistan", "Khyber Pakhtunkhwa"
    points = g.geometry.representative_point()
    g["latitude"], g["longitude"] = points.y.round(4), points.x.round(4)
    df = pd.DataFrame({
        "country": ["Pakistan", "Pakistan", "Pakistan", "Afghanistan", "Pakistan"],
        "province": ["Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "NWFP", "Kabul", "Khyber Pakhtunkhwa"],
        "district": ["Chitral", "D.I. Khan", "Bajaur Agency", "Kabul", "Lakki Marwat / Bannu"],
        # a point in the Peshawar box although the source wrote Chitral (far away): the point wins
        "latitude": [33.7, None, None, 34.5, None],
        "longitude": [71.1, None, None, 69.1, None],
    })
    out = place_with_districts(df, g)
    # a composite name counts under its first district (not in this layer, so as written)
    assert out["district"].tolist() == ["Peshawar", "Dera Ismail Khan", "Bajaur", "Kabul", "Lakki Marwat"]
    assert out["district_as_written"].tolist() == df["district"].tolist()
    assert out["location_precision"].tolist() == ["point", "district", "district", "point", "province"]
    assert out["location_approximate"].tolist() == [False, True, True, False, True]
    dik = g.set_index("district").loc["Dera Ismail Khan"]
    assert (out.loc[1, "latitude"], out.loc[1, "longitude"]) == (dik["latitude"], dik["longitude"])
    assert shapely.Point(out.loc[2, "longitude"], out.loc[2, "latitude"]).within(
        g.set_index("district").geometry["Bajaur"])


def test_a_point_just_outside_its_named_district_keeps_the_name():
    g = synthetic_districts().rename(columns={"DISTRICT": "district"})
    g["country"], g["province"] = "Pakistan", "Khyber Pakhtunkhwa"
    g["latitude"], g["longitude"] = 0.0, 0.0
    # 0.02° inside the Dera Ismail Khan box, next to the Peshawar box; the source says Peshawar
    df = pd.DataFrame({"country": ["Pakistan"] * 2, "province": ["Khyber Pakhtunkhwa"] * 2,
                       "district": ["Peshawar", "Peshawar"], "latitude": [33.7, 33.7],
                       "longitude": [71.22, 71.35]})
    out = place_with_districts(df, g)
    assert out["district"].tolist() == ["Peshawar", "Dera Ismail Khan"]  # 0.02° away: name; 0.15°: point


def test_without_districts_nothing_changes(tmp_path):
    df = pd.DataFrame({"country": ["Pakistan"], "province": ["Khyber Pakhtunkhwa"], "district": ["D.I. Khan"],
                       "latitude": [None], "longitude": [None]})
    out = place_with_districts(df, R.load_districts(tmp_path))  # an empty folder: no districts
    assert out["district"].tolist() == ["D.I. Khan"]
    assert out["location_precision"].tolist() == ["province"]


# --- reading and checking files (synthetic polygons, tmp_path only) ----------------------------
def test_reads_every_format_reprojects_and_repairs(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "local"))
    g = synthetic_districts()
    bowtie = Polygon([(71.6, 33.6), (71.8, 33.8), (71.8, 33.6), (71.6, 33.8)])  # self-intersecting
    g = pd.concat([g, gpd.GeoDataFrame({"DISTRICT": ["Swat"], "code": ["X9"]}, geometry=[bowtie], crs=4326)],
                  ignore_index=True)
    files = {"geojson": tmp_path / "d.geojson", "gpkg": tmp_path / "d.gpkg", "parquet": tmp_path / "d.parquet"}
    g.to_file(files["geojson"], driver="GeoJSON")
    g.to_crs(32642).to_file(files["gpkg"], driver="GPKG", layer="districts")  # UTM 42N, metres
    g.to_parquet(files["parquet"])
    shp = tmp_path / "shp"
    shp.mkdir()
    g.to_crs(3857).to_file(shp / "d.shp")
    files["zip"] = tmp_path / "d.zip"
    files["zip in a folder"] = tmp_path / "nested.zip"
    files["zipped geojson"] = tmp_path / "gj.zip"
    with zipfile.ZipFile(files["zip"], "w") as z, zipfile.ZipFile(files["zip in a folder"], "w") as nested:
        for part in shp.iterdir():
            z.write(part, part.name)
            nested.write(part, f"PAK_ADM2/{part.name}")
    with zipfile.ZipFile(files["zipped geojson"], "w") as z:
        z.write(files["geojson"], "d.geojson")
    for kind, path in files.items():
        p = F.prepare(path, "PAK")
        assert p.meta["name_field"] == "DISTRICT", kind
        assert len(p.districts) == 10, kind
        assert p.districts.crs.to_epsg() == 4326
        assert p.districts.geometry.is_valid.all(), kind
        assert set(p.districts["province"]) == {"Khyber Pakhtunkhwa"}, kind
        x0, y0, x1, y1 = p.districts.total_bounds
        assert 70.9 < x0 < x1 < 71.9 and 33.5 < y0 < y1 < 34.3, kind
        assert any("Repaired 1" in n for n in p.notes), kind


def test_display_copy_fits_the_budget():
    g = synthetic_districts().rename(columns={"DISTRICT": "district"})
    g["geometry"] = g.geometry.segmentize(0.0005)  # many vertices
    g["district_id"] = g["district"]
    g["country"], g["province"] = "Pakistan", "Khyber Pakhtunkhwa"
    display, tolerance, size = F.display_copy(g, budget=20_000)
    assert size <= 20_000 and tolerance > 0
    assert len(json.dumps(display, separators=(",", ":")).encode()) <= 20_000
    assert len(display["features"]) == len(g)


def test_no_polygons(tmp_path):
    path = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=shapely.points([71, 72], [34, 34]), crs=4326).to_file(path)
    with pytest.raises(F.BoundaryError, match="No polygons"):
        F.prepare(path, "PAK")


def test_no_usable_name_field(tmp_path):
    path = tmp_path / "codes.geojson"
    synthetic_districts()[["code", "geometry"]].rename(columns={"code": "pcode"}).to_file(path)
    with pytest.raises(F.BoundaryError, match=r"Could not tell which field.*pcode \(e\.g\. X0.*--name-field"):
        F.prepare(path, "PAK")
    with pytest.raises(F.BoundaryError, match=r"No field 'nope'.*pcode"):
        F.prepare(path, "PAK", name_field="nope")
    assert F.prepare(path, "PAK", name_field="PCODE").meta["name_field"] == "pcode"


def test_unreadable_and_missing_files(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("this is not json {")
    with pytest.raises(F.BoundaryError, match="Could not read bad.geojson"):
        F.prepare(bad, "PAK")
    with pytest.raises(F.BoundaryError, match="not a readable zip"):
        (tmp_path / "bad.zip").write_bytes(b"PK nonsense")
        F.prepare(tmp_path / "bad.zip", "PAK")
    with pytest.raises(F.BoundaryError, match="File not found"):
        F.prepare(tmp_path / "absent.geojson", "PAK")
    with pytest.raises(F.BoundaryError, match="Unknown country"):
        F.prepare(bad, "IND")
    with pytest.raises(F.BoundaryError, match="level 2"):
        F.prepare(bad, "PAK", level=1)


def test_synthetic_kp_squares_are_not_afghanistan(tmp_path):
    path = tmp_path / "d.geojson"
    synthetic_districts().to_file(path)
    with pytest.raises(F.BoundaryError, match=r"Country mismatch.*use --country PAK"):
        F.prepare(path, "AFG")


# --- the synthetic layer, and (EXTRA) the shared geoBoundaries file ------------------------------
def test_synthetic_layer_prepares(pak_file, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    assert pak_file.is_relative_to(tmp_path.parent) and not pak_file.is_relative_to(REPO_ROOT)  # built at test time
    p = F.prepare(pak_file, "PAK")
    t = p.districts.set_index("district")
    assert len(t) == SYNTHETIC_DISTRICTS and p.meta["name_field"] == "shapeName"
    assert p.meta["provinces"] == {"Khyber Pakhtunkhwa": 17, "Balochistan": 12, "Punjab": 2,
                                   "Islamabad Capital Territory": 1, "Sindh": 1}
    assert dict(zip(t.index, t["province"])) == synthetic_province_of()  # each in the province it was cut from
    assert (t.loc[FATA_ERA, "province"] == "Khyber Pakhtunkhwa").all()
    assert t.loc["Quetta", "province"] == "Balochistan" and t.loc["Loralai", "province"] == "Balochistan"
    assert t.loc["Lahore", "province"] == "Punjab" and t.loc["Karachi", "province"] == "Sindh"
    assert p.meta["display_bytes"] <= F.DISPLAY_BUDGET
    assert shapely.coverage_is_valid(p.districts.geometry.to_numpy())
    assert p.districts.geometry.is_valid.all()


@pytest.mark.shared(*PAK_FILE)
def test_shared_file_prepares(shared_pak_file, tmp_path, monkeypatch):
    """EXTRA (needs ../shared): the real geoBoundaries PAK ADM2 file."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    p = F.prepare(shared_pak_file, "PAK")
    t = p.districts.set_index("district")
    assert len(t) == 126 and p.meta["name_field"] == "shapeName"
    assert (t.loc[FATA_ERA, "province"] == "Khyber Pakhtunkhwa").all()
    assert t.loc["Quetta", "province"] == "Balochistan" and t.loc["Jafarabad", "province"] == "Balochistan"
    assert t.loc["Lahore", "province"] == "Punjab" and t.loc["Karachi", "province"] == "Sindh"
    assert p.meta["display_bytes"] <= F.DISPLAY_BUDGET
    assert shapely.coverage_is_valid(p.districts.geometry.to_numpy())


def test_country_mismatch(pak_file, capsys, store):
    assert run_cli("boundaries", "add", str(pak_file), "--country", "AFG", "--db", store.path) == 2
    err = capsys.readouterr().err
    assert "Country mismatch" in err and "use --country PAK" in err
    assert R.registry() == []


def test_add_assigns_districts(with_pak, tmp_path):
    assert_districts_assigned(with_pak, tmp_path, SYNTHETIC_DISTRICTS)


@pytest.mark.shared(*PAK_FILE)
def test_shared_file_assigns_districts(store, con, shared_pak_file, tmp_path, capsys):
    """EXTRA (needs ../shared): the same expectations with the real geoBoundaries file."""
    assert run_cli("boundaries", "add", str(shared_pak_file), "--country", "PAK", "--db", store.path) == 0
    assert_districts_assigned(con, tmp_path, 126)


def assert_districts_assigned(con, tmp_path, polygons: int):
    got = dict(con.execute(
        "SELECT incident_id, district FROM incidents WHERE incident_id IN ('reference:R072', 'reference:R058')"
    ).fetchall())
    assert got == {"reference:R072": "Bajaur", "reference:R058": "Peshawar"}
    assert con.execute("SELECT count(*) FROM admin_districts").fetchone()[0] == polygons
    kp = set(queries.districts_of(con, ("Khyber Pakhtunkhwa",)))
    assert set(FATA_ERA) <= kp and "Quetta" not in kp
    # names finer than the polygons land in the containing polygon
    finer = dict(con.execute(
        "SELECT district_as_written, district FROM incidents WHERE district_as_written IN "
        "('Upper Kohistan', 'Lower Chitral', 'South Waziristan (Lower)', 'Karachi East', 'Duki', 'Noshki')"
    ).fetchall())
    assert finer == {"Upper Kohistan": "Kohistan", "Lower Chitral": "Chitral",
                     "South Waziristan (Lower)": "South Waziristan", "Karachi East": "Karachi",
                     "Duki": "Loralai", "Noshki": "Nushki"}
    # an incident with no coordinates sits inside its district, flagged approximate
    row = con.execute(
        """SELECT i.location_precision, i.location_approximate, i.latitude, i.longitude, a.latitude, a.longitude
           FROM incidents i JOIN admin_districts a USING (country, province, district)
           WHERE i.incident_id = 'reference:R004'"""
    ).fetchone()
    assert row[:2] == ("district", True) and row[2:4] == row[4:6]
    # the files live in the test's data folder, never in the repository
    folder = R.boundaries_dir()
    assert folder.is_relative_to(tmp_path) and not folder.is_relative_to(REPO_ROOT)
    assert (folder / "districts-PAK.geojson").stat().st_size <= F.DISPLAY_BUDGET
    assert S.in_sync(con)


def test_district_in_the_url_and_in_export(with_pak, store, tmp_path, capsys):
    con = with_pak
    f, notices = Filter.from_query({"district": ["bajaur"]}, queries.vocabulary(con))
    assert f.districts == ("Bajaur",) and notices == []
    rows = queries.export_rows(con, f)
    assert set(rows["incident_id"]) == BAJAUR_INCIDENTS
    out = tmp_path / "bajaur.csv"
    assert run_cli("export", "district=Bajaur", "--db", store.path, "-o", str(out)) == 0
    exported = pd.read_csv(out)
    assert set(exported["incident_id"]) == BAJAUR_INCIDENTS
    assert (exported["district"] == "Bajaur").all()


def test_breakdowns_by_district_agree(with_pak):
    con = with_pak
    f = Filter(provinces=("Khyber Pakhtunkhwa",))
    areas = queries.by_area(con, f, level="district").set_index("district")
    series = queries.timeline(con, f, freq="year", by="district").groupby("series")["incidents"].sum()
    assert areas["incidents"].sum() == series.sum()
    assert areas.loc["Bajaur", "incidents"] == series["Bajaur"] == 5
    s = queries.district_summary(con, f)
    assert s["polygons"] == SYNTHETIC_DISTRICTS and s["countries"] == ["Pakistan"]
    assert s["incidents"] == s["with_district"] == s["matched"]  # 'Lakki Marwat / Bannu' counts as Lakki Marwat


def test_list_remove_and_restore(store, con, pak_file, capsys):
    before = snapshot(con)
    assert run_cli("boundaries", "add", str(pak_file), "--country", "PAK", "--db", store.path) == 0
    changed = snapshot(con)
    assert not changed.equals(before)
    capsys.readouterr()
    assert run_cli("boundaries", "list", "--db", store.path) == 0
    out = capsys.readouterr().out
    assert "PAK" in out and f"{SYNTHETIC_DISTRICTS} districts" in out and "up to date" in out
    assert run_cli("boundaries", "remove", "PAK", "--db", store.path) == 0
    pd.testing.assert_frame_equal(snapshot(con), before)
    assert con.execute("SELECT count(*) FROM admin_districts").fetchone()[0] == 0
    capsys.readouterr()
    assert run_cli("boundaries", "list", "--db", store.path) == 0
    assert "No district boundaries" in capsys.readouterr().out
    assert run_cli("boundaries", "remove", "PAK", "--db", store.path) == 2
    assert "No district boundaries for Pakistan" in capsys.readouterr().err


def test_adding_again_replaces_and_reassigns(with_pak, pak_file, store):
    con = with_pak
    first = snapshot(con)
    assert run_cli("boundaries", "add", str(pak_file), "--country", "PAK", "--db", store.path) == 0
    pd.testing.assert_frame_equal(snapshot(con), first)
    assert con.execute("SELECT count(*) FROM admin_districts").fetchone()[0] == SYNTHETIC_DISTRICTS


def test_a_failed_store_update_keeps_the_old_files(store, with_pak, pak_file, monkeypatch):
    con = with_pak
    before, files = snapshot(con), R.registry()
    monkeypatch.setattr(S, "_reassign", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError, match="boom"):
        S.remove_boundaries(store, "PAK")
    assert [m["added_at"] for m in R.registry()] == [m["added_at"] for m in files]
    pd.testing.assert_frame_equal(snapshot(con), before)
    assert S.in_sync(con)


def test_import_time_placement_uses_districts(with_pak):
    df = pd.DataFrame({"country": ["Pakistan", "Pakistan"], "province": ["Khyber Pakhtunkhwa"] * 2,
                       "district": ["Bajaur Agency", "D.I. Khan"], "latitude": [34.73, None],
                       "longitude": [71.52, None]})
    out = place_incidents(df)
    assert out["district"].tolist() == ["Bajaur", "Dera Ismail Khan"]
    assert out["location_precision"].tolist() == ["point", "district"]


def test_files_changed_behind_the_store_are_noticed_and_synced(store, con, pak_file):
    R.save(F.prepare(pak_file, "PAK"))  # files only, the store not told
    assert not S.in_sync(con)
    change = S.sync(store)
    assert S.in_sync(con) and change.districts == SYNTHETIC_DISTRICTS
    assert con.execute("SELECT district FROM incidents WHERE incident_id = 'reference:R072'").fetchone()[0] == "Bajaur"


# --- fetch (never touches the network in tests) ------------------------------------------------
def test_fetch_offline_fails_fast_and_clearly(store, capsys, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert run_cli("boundaries", "fetch", "PAK", "--db", store.path) == 2
    err = capsys.readouterr().err
    assert "offline" in err and "https://www.geoboundaries.org/" in err and "boundaries add" in err
    assert R.registry() == []


def test_fetch_downloads_and_adds(store, con, capsys, monkeypatch, tmp_path):
    """The geoBoundaries API answer is faked; the 'download' is a SYNTHETIC file."""
    g = synthetic_districts().rename(columns={"DISTRICT": "shapeName"})
    body = g.to_json().encode()
    api = json.dumps({"gjDownloadURL": "https://example.invalid/PAK_ADM2.geojson"}).encode()

    class Answer(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout=None: Answer(api if "geoboundaries.org/api" in url else body))
    assert run_cli("boundaries", "fetch", "PAK", "--db", store.path) == 0
    assert con.execute("SELECT count(*) FROM admin_districts").fetchone()[0] == 9


# --- the pages ----------------------------------------------------------------------------------
def _app(monkeypatch, db, data_dir):
    from streamlit.testing.v1 import AppTest
    import streamlit as st

    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)


def _texts(at) -> str:
    parts = [e.value for e in at.caption] + [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


def test_pages_without_districts(store, tmp_path, monkeypatch):
    store.close()
    at = _app(monkeypatch, store.path, tmp_path / "local")
    at.switch_page("views/map.py").run()
    assert not at.exception
    assert "https://www.geoboundaries.org/" in _texts(at)
    for page in ("views/overview.py", "views/timeline.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def test_pages_with_districts(store, con, pak_file, tmp_path, monkeypatch):
    S.add_boundaries(store, F.prepare(pak_file, "PAK"))
    store.close()
    at = _app(monkeypatch, store.path, tmp_path / "local")
    at.query_params["province"] = "Khyber Pakhtunkhwa"
    at.switch_page("views/map.py").run()
    assert not at.exception
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["map"]["zoom"] > 5  # opens on Khyber Pakhtunkhwa
    assert chart["data"][0]["featureidkey"] == "properties.district_id"
    assert "Bajaur" in at.sidebar.multiselect(key="f_district").options
    assert "Quetta" not in at.sidebar.multiselect(key="f_district").options
    for page, key in (("views/overview.py", "overview_level"), ("views/timeline.py", "tl_level")):
        at.switch_page(page).run()
        assert not at.exception, page
        at.radio(key=key).set_value("district").run()
        assert not at.exception, page
        assert "matched to the district boundaries" in _texts(at), page


def test_data_page_panel(store, con, pak_file, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    import streamlit as st

    S.add_boundaries(store, F.prepare(pak_file, "PAK"))
    store.close()
    monkeypatch.setenv("DASHBOARD_DB", str(store.path))
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "local"))
    st.cache_resource.clear()
    at = AppTest.from_string(
        "import sys; sys.path.insert(0, %r)\n"
        "from dashboard.views import boundaries_panel\nboundaries_panel.render()\n" % str(REPO_ROOT),
        default_timeout=60,
    ).run()
    assert not at.exception
    assert at.dataframe[0].value["Districts"].tolist() == [SYNTHETIC_DISTRICTS]
    at.button(key="districts_remove_PAK").click().run()
    assert not at.exception
    assert "Removed the Pakistan district boundaries" in at.success[0].value
    assert R.registry() == []


def test_derived_tables_and_text_search_follow_the_new_districts(with_pak):
    """Adding boundaries re-places incidents; the derived tables repeat the district,
    so they must follow, and so must the text search (a finer name lands in its polygon)."""
    con = with_pak
    stale = con.execute(
        """SELECT count(*) FROM incidents i JOIN incident_claims c USING (incident_key)
           WHERE c.district IS DISTINCT FROM i.district OR c.province IS DISTINCT FROM i.province"""
    ).fetchone()[0]
    assert stale == 0
    stale = con.execute(
        """SELECT count(*) FROM incidents i JOIN incident_groups g USING (incident_key)
           WHERE g.district IS DISTINCT FROM i.district"""
    ).fetchone()[0]
    assert stale == 0
    # 'Lower Chitral' now sits in the Chitral polygon: found by the polygon's name
    moved = {r[0] for r in con.execute(
        "SELECT incident_id FROM incidents WHERE district_as_written = 'Lower Chitral'").fetchall()}
    assert moved and moved <= set(queries.export_rows(con, Filter(q="chitral"))["incident_id"])
    assert moved <= set(queries.export_rows(con, Filter(districts=("Chitral",)))["incident_id"])


def test_a_district_as_the_source_wrote_it_stays_filterable(with_pak):
    """Duki, Karachi East and Upper Kohistan are finer than the layer's districts: their
    incidents sit in the Loralai, Karachi and Kohistan polygons, and district=Duki
    still selects them (not every incident, as when the name was dropped as unknown)."""
    con = with_pak
    vocab = queries.vocabulary(con)
    for written, polygon in (("Duki", "Loralai"), ("Karachi East", "Karachi"), ("Upper Kohistan", "Kohistan")):
        f, notices = Filter.from_query({"district": written}, vocab)
        assert notices == [] and f.districts == (written,), (written, notices)
        rows = queries.export_rows(con, f)
        assert len(rows) >= 1 and set(rows["district"]) == {polygon}
        assert set(rows["district_as_written"]) == {written}
        assert queries.headline(con, f)["incidents"] == len(rows)  # the derived tables agree


def test_the_map_names_the_districts_of_the_chosen_province(with_pak):
    """With district boundaries added and Khyber Pakhtunkhwa chosen, the map's labels are
    KP's districts, each at a point inside its polygon."""
    from dashboard import pagedata

    labels = pagedata.area_labels("district", Filter(provinces=("Khyber Pakhtunkhwa",)))
    assert "Bajaur" in set(labels["name"]) and set(labels["province"]) == {"Khyber Pakhtunkhwa"}
    assert labels[["latitude", "longitude"]].notna().all().all()

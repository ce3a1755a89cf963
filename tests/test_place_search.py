"""Search that finds what analysts type: a place's other spellings, the province and
district columns, and "within N km of a place" (``near``, ``km``)."""

from __future__ import annotations

import math

from dashboard import queries
from dashboard.__main__ import main
from dashboard.filters import Filter


def select(con, **params):
    f, notices = Filter.from_query(params, queries.vocabulary(con))
    return f, notices, queries.export_rows(con, f)


def test_every_spelling_of_dera_ismail_khan_finds_the_same_incidents(con):
    found = {}
    for text in ("DI Khan", "D.I. Khan", "Dera Ismail Khan", "d i khan"):
        f, notices, rows = select(con, q=text)
        assert notices == []
        found[text] = set(rows["incident_id"])
    first = found["Dera Ismail Khan"]
    assert len(first) >= 3 and all(ids == first for ids in found.values())
    f, _, _ = select(con, q="DI Khan")
    assert "Dera Ismail Khan" in f.describe()  # the sentence states the spellings searched


def test_a_search_finds_the_province_too(con):
    _, _, rows = select(con, q="Balochistan")
    in_province = set(queries.export_rows(con, Filter(provinces=("Balochistan",)))["incident_id"])
    assert in_province and in_province <= set(rows["incident_id"])  # and those whose text names it


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_near_a_point_keeps_the_incidents_within_the_radius_that_the_source_placed(con):
    peshawar = (34.0151, 71.5249)  # Peshawar city, for the test's radius only
    _, notices, rows = select(con, near=f"{peshawar[0]},{peshawar[1]}", km="30")
    assert notices == [] and len(rows) >= 3
    every = queries.export_rows(con, Filter())
    placed = every.dropna(subset=["latitude"])
    inside = {r.incident_id for r in placed.itertuples() if haversine_km(*peshawar, r.latitude, r.longitude) <= 30}
    assert set(rows["incident_id"]) == inside
    assert rows["latitude"].notna().all()  # nothing measured from a point the dashboard made up


def test_near_a_district_needs_its_centre_from_district_boundaries(store, con, synthetic_pak_file, capsys):
    _, notices, _ = select(con, near="Peshawar")
    assert any("no point known" in n for n in notices)
    assert main(["boundaries", "add", str(synthetic_pak_file), "--country", "PAK", "--level", "2",
                 "--db", str(store.path)]) == 0
    capsys.readouterr()
    f, notices, rows = select(con, near="peshawar", km="50")  # any case
    assert notices == [] and f.near_point and f.near_point[0] == "Peshawar"
    assert "within 50 km of Peshawar (its district's centre)" in f.describe()
    _, lat, lon = f.near_point
    assert all(haversine_km(lat, lon, r.latitude, r.longitude) <= 50 for r in rows.itertuples())

"""One table describes each filter dimension: its URL key, its SQL and its words.
The SQL and the sentence are pinned for a table of selections, and the README's
URL table is the one the dimensions make."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.config import REPO_ROOT
from dashboard.filters import DIMENSIONS, Filter, Vocabulary, url_table

CASES = [
    (Filter(), "All incidents, claimed or attributed", "TRUE", []),
    (Filter(countries=("Afghanistan",), provinces=("Kabul",)),
     "All incidents in Kabul, Afghanistan, claimed or attributed",
     "TRUE AND list_contains(?, i.country) AND list_contains(?, i.province)", [["Afghanistan"], ["Kabul"]]),
    (Filter(countries=("Pakistan",), provinces=("Khyber Pakhtunkhwa",), districts=("Bajaur", "Khyber")),
     "All incidents in Bajaur and Khyber, Khyber Pakhtunkhwa, Pakistan, claimed or attributed",
     "TRUE AND list_contains(?, i.country) AND list_contains(?, i.province) AND (list_contains(?, i.district) OR list_contains(?, i.district_as_written))",
     [["Pakistan"], ["Khyber Pakhtunkhwa"], ["Bajaur", "Khyber"], ["Bajaur", "Khyber"]]),
    (Filter(groups=("TTP",), basis="claimed"), "TTP incidents, claimed only",
     "TRUE AND i.incident_key IN (SELECT incident_key FROM incident_groups WHERE claimed AND "
     "(list_contains(?, group_id) OR list_contains(?, root_id)))", [["TTP"], ["TTP"]]),
    (Filter(groups=("ISKP",)), "ISKP incidents, claimed or attributed",
     "TRUE AND i.incident_key IN (SELECT incident_key FROM incident_groups WHERE responsible AND "
     "(list_contains(?, group_id) OR list_contains(?, root_id)))", [["ISKP"], ["ISKP"]]),
    (Filter(basis="claimed"), "All incidents, claimed only",
     "TRUE AND i.incident_key IN (SELECT incident_key FROM incident_groups WHERE claimed)", []),
    (Filter(attack_types=("suicide bombing",), target_types=("police",)),
     "Suicide bombing incidents against police, claimed or attributed",
     "TRUE AND list_contains(?, i.attack_type) AND list_contains(?, i.target_type)",
     [["suicide bombing"], ["police"]]),
    (Filter(date_from=date(2023, 7, 1), date_to=date(2023, 8, 31)),
     "All incidents, 1 Jul 2023 – 31 Aug 2023, claimed or attributed",
     "TRUE AND i.date >= ? AND i.date <= ?", [date(2023, 7, 1), date(2023, 8, 31)]),
    (Filter(date_to=date(2023, 1, 1)), "All incidents, the start – 1 Jan 2023, claimed or attributed",
     "TRUE AND i.date <= ?", [date(2023, 1, 1)]),
    (Filter(districts=("Bajaur",), min_killed=5, datasets=("acled",)),
     "All incidents in Bajaur, claimed or attributed, at least 5 killed, from acled data",
     "TRUE AND (list_contains(?, i.district) OR list_contains(?, i.district_as_written)) AND i.killed >= ? AND list_contains(?, i.origin)",
     [["Bajaur"], ["Bajaur"], 5, ["acled"]]),
    (Filter(precision="exact", districts=("Bajaur",)),
     "All incidents in Bajaur, claimed or attributed, exact place and date only",
     "TRUE AND (list_contains(?, i.district) OR list_contains(?, i.district_as_written)) AND i.precise", [["Bajaur"], ["Bajaur"]]),
    (Filter(q="JUI F"), 'All incidents, claimed or attributed, matching "JUI F"',
     "TRUE AND contains(lower(concat_ws(' ', i.place, i.district, i.district_as_written, i.province, i.summary, i.attribution_note, i.killed_note)), ?)",
     ["jui f"]),
    (Filter(q="DI Khan", q_also=("Dera Ismail Khan",)),
     'All incidents, claimed or attributed, matching "DI Khan" (also “Dera Ismail Khan”)',
     "TRUE AND (contains(lower(concat_ws(' ', i.place, i.district, i.district_as_written, i.province, i.summary, i.attribution_note, i.killed_note)), ?) OR "
     "contains(lower(concat_ws(' ', i.place, i.district, i.district_as_written, i.province, i.summary, i.attribution_note, i.killed_note)), ?))", ["di khan", "dera ismail khan"]),
    (Filter(near="Peshawar", km=25, near_point=("Peshawar", 34.0, 71.5)),
     "All incidents, claimed or attributed, within 25 km of Peshawar (its district's centre), incidents with the "
     "source's coordinates only",
     "TRUE AND (i.placed_at IS NULL AND i.latitude IS NOT NULL AND 2 * 6371.0088 * asin(sqrt(pow(sin(radians("
     "i.latitude - ?) / 2), 2) + cos(radians(?)) * cos(radians(i.latitude)) * pow(sin(radians(i.longitude - ?) / 2), "
     "2))) <= ?)", [34.0, 34.0, 71.5, 25.0]),
]


@pytest.mark.parametrize("f, sentence, sql, params", CASES)
def test_each_selection_has_its_sql_and_its_sentence(f, sentence, sql, params):
    assert f.describe() == sentence
    assert f.where("i") == (sql, params)


def test_a_word_search_tests_each_text_column_with_the_text_as_a_parameter():
    sql, params = Filter(q="Bajaur").where("x")
    assert sql == ("TRUE AND coalesce(contains(lower(x.place), ?) OR contains(lower(x.district), ?) OR "
                   "contains(lower(x.district_as_written), ?) OR contains(lower(x.province), ?) OR "
                   "contains(lower(x.summary), ?) OR contains(lower(x.attribution_note), ?) OR "
                   "contains(lower(x.killed_note), ?), FALSE)")
    assert params == ["bajaur"] * 7


def test_every_filter_field_has_one_dimension_and_every_key_one_widget():
    keys = [d.key for d in DIMENSIONS]
    assert len(keys) == len(set(keys))
    assert {d.attr for d in DIMENSIONS} | {"q_also", "near_point"} == set(Filter.__dataclass_fields__)
    assert all(d.widget or d.key == "to" for d in DIMENSIONS)  # 'to' is drawn with 'from'


def test_every_dimension_round_trips_through_the_url():
    vocab = Vocabulary(countries=("Pakistan",), provinces=("Kabul",), districts=("Bajaur",), groups=("TTP",),
                       attack_types=("ambush",), target_types=("police",), datasets=("acled",))
    f = Filter(date_from=date(2024, 1, 1), date_to=date(2024, 2, 1), countries=("Pakistan",), provinces=("Kabul",),
               districts=("Bajaur",), groups=("TTP",), attack_types=("ambush",), target_types=("police",),
               datasets=("acled",), basis="claimed", min_killed=3, q="x y", precision="exact",
               near="34.5, 71.2", km=40, near_point=("34.5, 71.2", 34.5, 71.2))
    assert set(f.to_query()) == {d.key for d in DIMENSIONS}
    assert Filter.from_query(f.to_query(), vocab) == (f, [])


def test_a_link_with_too_many_parameters_is_read_with_a_notice():
    params = {"group": ["TTP"] * 1500, "province": "Kabul"}
    f, notices = Filter.from_query(params)
    assert f.groups == ("TTP",) and f.provinces == ("Kabul",)
    assert any("more than 1000 parameters" in n for n in notices)


def test_the_readme_url_table_is_the_one_the_dimensions_make():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- url-table: made by dashboard.filters.url_table() -->", "<!-- /url-table -->"
    assert start in readme and end in readme, "README lost its URL table markers"
    table = readme.split(start, 1)[1].split(end, 1)[0].strip()
    assert table == url_table(), "README's URL table is out of date: run python scripts/update_readme.py"


def test_a_place_name_searches_its_other_spellings_and_says_which():
    vocab = Vocabulary(place_spellings={k: ("Dera Ismail Khan", "D.I. Khan", "DI Khan", "FR D.I. Khan", "DIK")
                                        for k in ("deraismailkhan", "dikhan", "frdikhan", "dik")})
    f, notices = Filter.from_query({"q": "di khan"}, vocab)
    # "FR D.I. Khan" is found by "D.I. Khan" inside it; "DIK" is too short to search inside words
    assert f.q_also == ("Dera Ismail Khan", "D.I. Khan") and notices == []
    assert "(also “Dera Ismail Khan” and “D.I. Khan”)" in f.describe()
    assert Filter.from_query({"q": "suicide"}, vocab)[0].q_also == ()


def test_near_takes_a_district_centre_or_a_point_and_the_url_keeps_the_name():
    vocab = Vocabulary(place_spellings={"peshawar": ("Peshawar", "Peshawer"), "peshawer": ("Peshawar", "Peshawer")},
                       place_points={"peshawar": ("Peshawar", 34.0, 71.5)})
    f, notices = Filter.from_query({"near": "peshawer", "km": "30"}, vocab)
    assert f.near_point == ("Peshawar", 34.0, 71.5) and f.km == 30 and notices == []
    assert f.to_query() == {"near": ["peshawer"], "km": ["30"]}
    f, _ = Filter.from_query({"near": "34.01, 71.58"}, None)
    assert f.near_point == ("34.01, 71.58", 34.01, 71.58) and f.km == 25

"""The URL contract: a Filter survives the round trip, and bad input loses nothing else."""

from datetime import date

import pytest

from dashboard.filters import Filter, Vocabulary

VOCAB = Vocabulary(
    countries=("Pakistan", "Afghanistan"),
    provinces=("Khyber Pakhtunkhwa", "Balochistan", "Kabul"),
    districts=("Bajaur", "Peshawar"),
    groups=("TTP", "ISKP", "JuA"),
    attack_types=("suicide bombing", "ambush"),
    target_types=("police",),
    datasets=("reference", "acled"),
)


def roundtrip(f: Filter) -> Filter:
    from urllib.parse import parse_qs

    parsed, notices = Filter.from_query(parse_qs(f.query_string()), VOCAB)
    assert notices == []
    return parsed


def test_full_filter_round_trips_through_the_query_string():
    f = Filter(
        date_from=date(2023, 7, 1), date_to=date(2023, 8, 31), countries=("Pakistan",),
        provinces=("Khyber Pakhtunkhwa",), districts=("Bajaur",), groups=("ISKP", "TTP"),
        attack_types=("suicide bombing",), target_types=("police",), datasets=("acled",), basis="claimed",
        min_killed=5, q="convention & rally",
    )
    assert roundtrip(f) == f


def test_default_filter_makes_an_empty_query_string():
    assert Filter().query_string() == ""
    assert roundtrip(Filter()) == Filter()


def test_values_are_matched_case_insensitively_to_the_known_spelling():
    f, notices = Filter.from_query({"group": ["iskp", "ttp"], "province": "khyber pakhtunkhwa"}, VOCAB)
    assert f.groups == ("ISKP", "TTP")
    assert f.provinces == ("Khyber Pakhtunkhwa",)
    assert notices == []


@pytest.mark.parametrize(
    "params, expected_notice",
    [
        ({"from": "2023-13-45"}, "not a date"),
        ({"to": "yesterday"}, "not a date"),
        ({"group": "Hizb-ul-Nowhere"}, "unknown group"),
        ({"province": "Atlantis"}, "unknown province"),
        ({"basis": "rumour"}, "basis"),
        ({"min_killed": "-4"}, "min_killed"),
        ({"min_killed": "ten"}, "min_killed"),
        ({"utm_source": "x"}, "unknown parameter"),
        ({"from": "1800-01-01"}, "dates run from 1970 to 2100"),
        ({"to": "2200-01-01"}, "dates run from 1970 to 2100"),
        ({"min_killed": "99999999999"}, "min_killed"),
        ({"km": "0"}, "km"),
        ({"km": "many"}, "km"),
        ({"near": "Atlantis"}, "no point known"),
        ({"near": "95,200"}, "no point known"),
    ],
)
def test_garbage_falls_back_to_defaults_with_a_notice(params, expected_notice):
    f, notices = Filter.from_query({**params, "group": [*([params["group"]] if "group" in params else []), "TTP"]}, VOCAB)
    assert f.groups == ("TTP",)  # the good value next to the bad one survives
    assert any(expected_notice in n for n in notices), notices


def test_swapped_dates_are_swapped_back():
    f, notices = Filter.from_query({"from": "2024-01-01", "to": "2023-01-01"}, VOCAB)
    assert (f.date_from, f.date_to) == (date(2023, 1, 1), date(2024, 1, 1))
    assert notices


def test_long_search_text_is_cut_not_rejected():
    f, notices = Filter.from_query({"q": "x" * 1000}, VOCAB)
    assert len(f.q) == 200 and notices


def test_sql_from_user_text_is_parametrised():
    nasty = "'; DROP TABLE incidents; --"
    where, params = Filter(q=nasty, provinces=(nasty,)).where()
    assert nasty not in where
    assert nasty.lower() in params and [nasty] in params


def test_describe_reads_as_a_sentence():
    f = Filter(groups=("ISKP", "TTP"), provinces=("Khyber Pakhtunkhwa",),
               date_from=date(2023, 7, 1), date_to=date(2023, 8, 31), basis="claimed")
    assert f.describe() == "ISKP and TTP incidents in Khyber Pakhtunkhwa, 1 Jul 2023 – 31 Aug 2023, claimed only"


def test_other_spellings_in_the_url_resolve_to_the_canonical_value():
    vocab = Vocabulary(groups=("TTP", "ISKP"), districts=("Dera Ismail Khan",),
                       aliases={"groups": {"tehrik-i-taliban pakistan (ttp)": "TTP"},
                                "districts": {"d.i. khan": "Dera Ismail Khan"}})
    f, notices = Filter.from_query({"group": "Tehrik-i-Taliban  Pakistan (TTP)", "district": "D.I. Khan"}, vocab)
    assert (f.groups, f.districts, notices) == (("TTP",), ("Dera Ismail Khan",), [])

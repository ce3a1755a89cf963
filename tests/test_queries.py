"""Queries on small data with known answers.

The rows below are SYNTHETIC (made up for this test, origin "synthetic"); they
exercise the counting rules, not the world.
"""

from datetime import date

import pandas as pd
import pytest

from dashboard import queries
from dashboard.filters import Filter
import duckdb

from dashboard.ingest.groups import load_groups
from dashboard.ingest.write import remove_batch, write_batch
from dashboard.workspace import open_workspace as open_store


def incident(eid, day, province, killed, district=None, attack="bombing/IED"):
    return dict(origin_event_id=eid, date=date.fromisoformat(day), date_precision="day",
                country="Pakistan" if province in ("Khyber Pakhtunkhwa", "Balochistan") else "Afghanistan",
                province=province, district=district, place=f"synthetic place {eid}",
                attack_type=attack, target_type="police", killed=killed, injured=1,
                summary=f"SYNTHETIC test row {eid}", source_urls=["https://example.invalid/synthetic"],
                latitude=34.0 + ord(eid[0]) / 100, longitude=71.0)


def event(eid, seq, group, kind, stated=None):
    return dict(origin_event_id=eid, seq=seq, group_id=group, group_as_written=group, kind=kind,
                statement_date=stated)


@pytest.fixture
def small_store(tmp_path):
    s = open_store(tmp_path / "small.duckdb", load_defaults=False)
    load_groups(s)
    inc = pd.DataFrame([
        incident("a", "2023-07-30", "Khyber Pakhtunkhwa", 60, "Bajaur"),   # suspected TTP, claimed ISKP
        incident("b", "2023-08-10", "Khyber Pakhtunkhwa", 5, "Peshawar"),  # claimed JuA (TTP faction)
        incident("c", "2023-09-01", "Balochistan", 10),                    # suspected TTP only
        incident("d", "2023-09-15", "Kabul", 3),                          # unclaimed
        incident("e", "2024-01-05", "Khyber Pakhtunkhwa", 0, "Bajaur"),    # TTP claimed, then retracted
    ])
    ev = pd.DataFrame([
        event("a", 1, "TTP", "suspected"), event("a", 2, "ISKP", "claimed", date(2023, 7, 31)),
        event("b", 1, "JuA", "claimed", date(2023, 8, 10)),
        event("c", 1, "TTP", "suspected"),
        event("e", 1, "TTP", "claimed"), event("e", 2, "TTP", "denied"),
    ])
    write_batch(s, "synthetic", inc, ev, file_name="synthetic")
    yield s
    s.close()


@pytest.fixture
def small(small_store):
    return small_store.cursor()


def ids(df):
    return sorted(i.split(":")[1] for i in df["incident_id"])


def test_group_filter_counts_claimant_not_early_suspect(small):
    assert ids(queries.export_rows(small, Filter(groups=("ISKP",)))) == ["a"]
    # TTP includes its faction JuA, and suspicion counts where nobody claimed.
    assert ids(queries.export_rows(small, Filter(groups=("TTP",)))) == ["b", "c"]


def test_claimed_only_basis_drops_suspicion_and_retracted_claims(small):
    assert ids(queries.export_rows(small, Filter(groups=("TTP",), basis="claimed"))) == ["b"]
    assert ids(queries.export_rows(small, Filter(basis="claimed"))) == ["a", "b"]


def test_headline_compares_calendar_periods_and_never_a_period_before_the_data(small):
    # September against August (a calendar month against the month before).
    h = queries.headline(small, Filter(date_from=date(2023, 9, 1), date_to=date(2023, 9, 30)))
    assert (h["incidents"], h["killed"]) == (2, 13)
    assert h["previous"]["period"] == (date(2023, 8, 1), date(2023, 8, 31))
    assert (h["previous"]["incidents"], h["previous"]["killed"], h["previous"]["name"]) == (1, 5, "the month before")
    # Any other range: the days just before it, of equal length.
    h = queries.headline(small, Filter(date_from=date(2023, 9, 10), date_to=date(2023, 9, 20)))
    assert h["previous"]["period"] == (date(2023, 8, 30), date(2023, 9, 9)) and h["previous"]["incidents"] == 1
    # August-September would be compared with June-July, and the data begins on 30 July:
    # no change is shown rather than a change against two months with no data.
    h = queries.headline(small, Filter(date_from=date(2023, 8, 1), date_to=date(2023, 9, 30)))
    assert (h["incidents"], h["killed"]) == (3, 18)
    assert h["claimed_share"] == pytest.approx(1 / 3)
    assert h["previous"] is None and h["no_previous"] == "no earlier data: the data begins 30 Jul 2023"
    h = queries.headline(small, Filter(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))  # 2024 vs 2023
    assert h["previous"] is None


def test_the_year_is_compared_with_the_year_before(small):
    h = queries.headline(small, Filter(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))
    assert queries.previous_period(date(2024, 1, 1), date(2024, 12, 31)) == (date(2023, 1, 1), date(2023, 12, 31),
                                                                             "the year before")
    assert queries.previous_period(date(2024, 4, 1), date(2024, 6, 30))[:2] == (date(2024, 1, 1), date(2024, 3, 31))
    assert queries.previous_period(date(2023, 1, 1), date(2024, 12, 31)) == (date(2021, 1, 1), date(2022, 12, 31),
                                                                             "the 2 years before")
    assert h["incidents"] == 1


def test_timeline_rolls_factions_up_or_shows_them_apart(small):
    rolled = queries.timeline(small, Filter(), freq="month", by="group", rollup=True)
    apart = queries.timeline(small, Filter(), freq="month", by="group", rollup=False)
    assert set(rolled["series"]) == {"TTP", "ISKP"}
    assert set(apart["series"]) == {"TTP", "JuA", "ISKP"}
    aug = rolled[(rolled["period"] == pd.Timestamp("2023-08-01")) & (rolled["series"] == "TTP")]
    assert aug["incidents"].tolist() == [1]


def test_quarterly_timeline_by_province(small):
    t = queries.timeline(small, Filter(), freq="quarter", by="province")
    q3 = t[t["period"] == pd.Timestamp("2023-07-01")].set_index("series")["incidents"].to_dict()
    assert q3 == {"Khyber Pakhtunkhwa": 2, "Balochistan": 1, "Kabul": 1}


def test_claims_by_group(small):
    c = queries.claims_by_group(small, Filter(), rollup=True).set_index("group")
    assert c.loc["TTP", "claimed"] == 1      # JuA's claim, rolled up; the retracted one does not count
    assert c.loc["TTP", "denied"] == 1
    assert c.loc["TTP", "suspected_only"] == 2  # a (then claimed by ISKP) and c
    assert c.loc["ISKP", "claimed"] == 1


def test_claim_status_counts_unclaimed_as_a_normal_state(small):
    s = queries.claim_status_counts(small, Filter()).set_index("claim_status")["incidents"].to_dict()
    assert s == {"claimed": 2, "attributed": 1, "unclaimed": 2}


def test_mismatch_lists_claims_by_a_group_other_than_the_first_suspect(small):
    m = queries.claim_mismatches(small, Filter())
    assert ids(m) == ["a"]
    assert m.iloc[0]["first_suspected"] == "TTP" and m.iloc[0]["claimed_by"] == "ISKP"


def test_a_suspicion_of_is_and_a_claim_by_iskp_is_no_mismatch(small_store):
    """IS, ISKP and ISPP are one family (groups.csv): officials blaming "IS" and ISKP
    claiming agree; blaming the TTP and ISKP claiming (incident a) does not."""
    inc = pd.DataFrame([incident("f", "2024-02-01", "Kabul", 4), incident("g", "2024-02-02", "Kabul", 2)])
    ev = pd.DataFrame([event("f", 1, "IS", "suspected"), event("f", 2, "ISKP", "claimed", date(2024, 2, 2)),
                       event("g", 1, "ISPP", "suspected"), event("g", 2, "TTP", "claimed", date(2024, 2, 3))])
    write_batch(small_store, "synthetic", inc, ev, file_name="synthetic-2")
    assert ids(queries.claim_mismatches(small_store.cursor(), Filter())) == ["a", "g"]


def test_days_from_attack_to_claim(small):
    claims, summary = queries.claim_delays(small, Filter())
    assert claims.set_index("claimant")["days"].to_dict() == {"ISKP": 1, "JuA": 0}
    # JuA's claim counts for its parent, TTP
    assert summary.set_index("group")[["claims", "median", "max"]].to_dict("index") == {
        "ISKP": {"claims": 1, "median": 1, "max": 1}, "TTP": {"claims": 1, "median": 0, "max": 0}}


def test_many_dated_claims_come_back_as_a_summary_only(small):
    claims, summary = queries.claim_delays(small, Filter(), limit=1)
    assert claims.empty and summary["claims"].sum() == 2


def test_text_search_min_killed_and_place_filters(small):
    assert ids(queries.export_rows(small, Filter(q="PLACE C"))) == ["c"]
    assert ids(queries.export_rows(small, Filter(min_killed=10))) == ["a", "c"]
    assert ids(queries.export_rows(small, Filter(districts=("Bajaur",)))) == ["a", "e"]
    assert ids(queries.export_rows(small, Filter(countries=("Afghanistan",)))) == ["d"]


def test_map_points_aggregate_beyond_the_limit(small):
    points, aggregated = queries.map_points(small, Filter(), limit=100)
    assert not aggregated and len(points) == 5
    assert points.set_index("incident_id").loc["synthetic:a", "main_group"] == "ISKP"
    cells, aggregated = queries.map_points(small, Filter(), limit=2)
    assert aggregated and cells["incidents"].sum() == 5


def test_removing_a_batch_removes_exactly_its_rows(small, small_store):
    extra = pd.DataFrame([incident("z", "2023-10-01", "Kabul", 1)])
    result = write_batch(small_store, "synthetic2", extra, None)
    assert queries.headline(small, Filter())["incidents"] == 6
    remove_batch(small_store, result.batch_id)
    assert queries.headline(small, Filter())["incidents"] == 5


def test_importing_the_same_rows_again_adds_nothing(small, small_store):
    again = pd.DataFrame([incident("a", "2023-07-30", "Khyber Pakhtunkhwa", 60)])
    result = write_batch(small_store, "synthetic", again, pd.DataFrame([event("a", 9, "BLA", "claimed")]))
    assert (result.loaded, result.duplicates) == (0, 1)
    assert ids(queries.export_rows(small, Filter(groups=("BLA",)))) == []


def test_failed_write_leaves_the_store_as_it_was(small, small_store):
    before = queries.headline(small, Filter())["incidents"]
    bad = pd.DataFrame([incident("y", "2023-10-01", "Kabul", 1)])
    with pytest.raises(duckdb.ConstraintException, match="CHECK constraint"):
        write_batch(small_store, "synthetic", bad, pd.DataFrame([event("y", 1, "TTP", "rumoured")]))  # bad kind
    assert queries.headline(small, Filter())["incidents"] == before


def test_incident_pages_cover_the_selection_once_newest_first(small):
    first, total = queries.incidents_table(small, Filter(), limit=2, offset=0)
    second, _ = queries.incidents_table(small, Filter(), limit=2, offset=2)
    third, _ = queries.incidents_table(small, Filter(), limit=2, offset=4)
    listed = ids(first) + ids(second) + ids(third)
    assert total == 5 and sorted(listed) == sorted(ids(queries.export_rows(small, Filter())))
    dates = pd.concat([first, second, third])["date"].tolist()
    assert dates == sorted(dates, reverse=True)


def test_a_faction_and_its_parent_claiming_together_count_the_attack_and_its_dead_once(small, small_store):
    inc = pd.DataFrame([incident("f", "2023-10-02", "Khyber Pakhtunkhwa", 7, "Khyber")])
    ev = pd.DataFrame([event("f", 1, "JuA", "claimed"), event("f", 2, "TTP", "claimed")])
    write_batch(small_store, "synthetic", inc, ev, file_name="synthetic joint claim")
    t = queries.timeline(small, Filter(), freq="month", by="group", rollup=True)
    oct_ = t[t["period"] == pd.Timestamp("2023-10-01")].set_index("series")
    assert oct_.loc["TTP", "incidents"] == 1 and oct_.loc["TTP", "killed"] == 7


@pytest.mark.parametrize("f", [
    Filter(), Filter(basis="claimed"), Filter(groups=("TTP",)), Filter(groups=("ISKP",), basis="claimed"),
    Filter(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31)),
    Filter(groups=("TTP", "ISKP"), date_from=date(2022, 6, 1)), Filter(precision="exact"),
    Filter(provinces=("Khyber Pakhtunkhwa",)), Filter(districts=("Bajaur",), min_killed=5),
    Filter(groups=("JuA",)), Filter(countries=("Afghanistan",), groups=("ISKP",), basis="claimed"),
    Filter(attack_types=("suicide bombing",), datasets=("reference",)),
], ids=["all", "claimed", "TTP", "ISKP claimed", "2023", "TTP+ISKP since mid-2022", "exact", "KP", "Bajaur 5+ killed",
        "a faction", "Afghanistan ISKP claimed", "suicide bombings"])
def test_answers_from_the_derived_tables_equal_those_joined_from_incidents(con, monkeypatch, f):
    """The derived tables repeat each incident's filter columns, so pages read them
    without joining incidents; the general path (a join) must give the same answers."""
    def answers():
        out = [queries.timeline(con, f, by="group", rollup=r) for r in (True, False)]
        out += [queries.claims_by_group(con, f, rollup=r) for r in (True, False)]
        out += [queries.claim_status_counts(con, f), *queries.claim_delays(con, f)]
        return out, queries.headline(con, f)

    fast, fast_head = answers()
    monkeypatch.setattr(queries, "USE_DERIVED", False)
    slow, slow_head = answers()
    for a, b in zip(fast, slow):
        pd.testing.assert_frame_equal(a, b)
    assert fast_head == slow_head
    assert slow_head["incidents"] > 0


def test_text_search_is_case_blind_and_takes_wildcard_characters_literally(small):
    assert ids(queries.export_rows(small, Filter(q="place C"))) == ["c"]
    assert ids(queries.export_rows(small, Filter(q="SYNTHETIC TEST ROW B"))) == ["b"]
    assert ids(queries.export_rows(small, Filter(q="%"))) == []
    assert ids(queries.export_rows(small, Filter(q="row_"))) == []
    assert ids(queries.export_rows(small, Filter(q="place\\"))) == []


def test_exact_precision_keeps_only_incidents_known_to_the_town_and_the_day(con):
    every = queries.export_rows(con, Filter())
    exact = queries.export_rows(con, Filter(precision="exact"))
    assert 0 < len(exact) < len(every)
    assert (exact["date_precision"] == "day").all() and (exact["location_precision"] == "point").all()
    assert not exact["location_approximate"].any()
    left_out = every[~every["incident_id"].isin(exact["incident_id"])]
    assert ((left_out["date_precision"] != "day") | left_out["location_approximate"]).all()


@pytest.mark.parametrize("f", [Filter(), Filter(groups=("TTP",)), Filter(groups=("TTP", "JuA"))],
                         ids=["all", "TTP", "TTP and its faction"])
def test_a_faction_claim_its_parent_denied_is_shown_as_that(con, f):
    """Peshawar Police Lines, 2023-01-30 (R058): a JuA commander claimed, the TTP denied.
    Rolled up, the TTP row counts it as "claimed by a faction, denied by the parent",
    neither as a plain TTP claim nor as a plain TTP denial."""
    rolled = queries.claims_by_group(con, f, rollup=True).set_index("group")
    assert rolled.loc["TTP", "split"] == 1
    r058 = Filter(date_from=date(2023, 1, 30), date_to=date(2023, 1, 30), districts=("Peshawar",))
    alone = queries.claims_by_group(con, r058, rollup=True).set_index("group").loc["TTP"]
    assert (alone["claimed"], alone["denied"], alone["split"]) == (0, 0, 1)
    apart = queries.claims_by_group(con, r058, rollup=False).set_index("group")
    assert apart.loc["JuA", "claimed"] == 1 and apart.loc["TTP", "denied"] == 1

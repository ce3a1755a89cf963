"""Every page under Streamlit's AppTest: renders, follows the filters, handles bad URLs."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers.apptest import open_page

PAGES = ["views/overview.py", "views/map.py", "views/timeline.py", "views/claims.py",
         "views/incidents.py", "views/about.py"]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_default_data(store, page):
    at = open_page(page)
    assert at.title, "page has no title"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_an_empty_state_rather_than_failing(store, page):
    at = open_page(page, q="no incident mentions this")
    if page != "views/about.py":
        assert any("No incidents match" in i.value for i in at.info), [i.value for i in at.info]


def test_iskp_in_kp_includes_bajaur_2023_and_excludes_ttp_only_incidents(store):
    at = open_page("views/incidents.py", group="ISKP", province="Khyber Pakhtunkhwa")
    table = at.dataframe[0].value
    assert "reference:R072" in set(table["incident_id"])          # Bajaur, 2023-07-30
    assert "reference:R058" not in set(table["incident_id"])      # Peshawar Police Lines: JuA/TTP
    assert set(table["province"]) == {"Khyber Pakhtunkhwa"}
    assert all("ISKP" in g for g in table["groups"])


def test_overview_figures_follow_the_url(store):
    everything = open_page()
    assert metric(everything, "Incidents") == "141"
    narrowed = open_page(group="ISKP", province="Khyber Pakhtunkhwa")
    assert metric(narrowed, "Incidents") == "10"
    assert narrowed.multiselect(key="f_group").value == ["ISKP"]


def test_choosing_a_group_in_the_sidebar_changes_figures_and_url(store):
    at = open_page()
    at.multiselect(key="f_group").set_value(["TTP"]).run()
    assert not at.exception
    assert at.query_params["group"] in ("TTP", ["TTP"])
    assert metric(at, "Incidents") != "141"


def test_garbage_in_the_url_gives_notices_and_keeps_the_good_values(store):
    at = open_page(group=["ISKP", "<script>alert(1)</script>"], to="31/12/2023", min_killed="lots")
    notes = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning))  # shown as literal text (escaped)
    assert "unknown group" in notes and "not a date" in notes and "min_killed" in notes
    assert at.multiselect(key="f_group").value == ["ISKP"]


def test_claims_page_lists_bajaur_as_claimed_by_someone_other_than_first_suspect(store):
    at = open_page("views/claims.py")
    mismatch = at.dataframe[0].value
    row = mismatch[mismatch["incident_id"] == "reference:R072"]
    assert row[["first_suspected", "claimed_by"]].values.tolist() == [["TTP", "ISKP"]]


def test_claimed_only_basis_changes_the_count(store):
    attributed = metric(open_page(group="TTP"), "Incidents")
    claimed = metric(open_page(group="TTP", basis="claimed"), "Incidents")
    assert int(claimed) < int(attributed)


def test_an_incident_link_opens_its_attribution_history_and_sources(store):
    at = open_page("views/incidents.py", incident="reference:R072")
    history = at.dataframe[1].value
    assert history[["kind", "group_id"]].values.tolist()[:2] == [["suspected", "TTP"], ["claimed", "ISKP"]]
    sources = at.dataframe[2].value
    assert sources["url"].str.startswith("https://").all()
    assert at.query_params["incident"] in ("reference:R072", ["reference:R072"])


def test_mixed_datasets_are_flagged_and_one_dataset_can_be_chosen(store, con):
    from dashboard.ingest.pipeline import ingest_file
    from tests.conftest import fixture_path

    ingest_file(store, fixture_path("acled_sample.csv"))
    store.close()  # the page opens the same file
    mixed = open_page()
    assert any("mixes datasets" in w.value and "44 records look like the same attack" in w.value
               for w in mixed.warning), [w.value for w in mixed.warning]
    acled = open_page(dataset="acled")
    assert metric(acled, "Incidents") == "44"
    assert not any("mixes datasets" in c.value for c in [*acled.caption, *acled.warning])
    assert metric(open_page(dataset="reference"), "Incidents") == "141"

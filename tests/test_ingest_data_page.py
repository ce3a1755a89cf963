"""The Data page (dashboard/views/data.py) in Streamlit's AppTest: it renders,
the hand-entry form adds an incident, and a batch is removed only once confirmed.
(Uploading is covered by tests/browser/test_browser_data_page.py: AppTest has no
file uploader.)"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import queries
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.config import REPO_ROOT

PAGE = str(REPO_ROOT / "dashboard" / "views" / "data.py")


@pytest.fixture
def page(store):
    # ``store`` (tests/conftest.py) points DASHBOARD_DB / DASHBOARD_DATA_DIR at a copy.
    # The page's store is an st.cache_resource that outlives one AppTest: start and
    # end with none, so this test writes to its own copy and leaves no handle behind.
    store.close()
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    yield at
    st.cache_resource.clear()
    st.cache_data.clear()


def by_label(widgets, label):
    return next(w for w in widgets if w.label == label)


def test_page_renders_its_sections(page):
    assert [t.label for t in page.tabs] == ["Import a file", "Add by hand", "Import batches", "Names to review",
                                           "District boundaries"]
    assert len(page.get("download_button")) == 1  # the native template


def manual_batch_id() -> str:
    from dashboard.workspace import open_workspace as open_store

    with open_store() as store:  # DASHBOARD_DB: the test's copy
        batches = queries.import_batches(store.cursor())
    return batches.loc[batches["file_name"].str.startswith("manual entry"), "batch_id"].item()


def test_hand_entry_adds_an_incident_and_its_batch_can_be_removed_after_confirming(page):
    at = page
    by_label(at.date_input, "Date").set_value(date(2024, 5, 2))
    by_label(at.selectbox, "Province").set_value("Khyber Pakhtunkhwa")
    by_label(at.text_input, "Place").input("=cmd|calc")
    by_label(at.number_input, "Killed").set_value(3)
    by_label(at.multiselect, "Claimed by").set_value(["TTP"])
    by_label(at.button, "Add incident").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Added incident manual:" in s.value.replace("\\", "") for s in at.success)

    at.selectbox(key="b_choice").set_value(manual_batch_id())
    at.run()
    assert by_label(at.button, "Remove batch").disabled  # not before confirming
    confirm = next(c for c in at.checkbox if c.key and c.key.startswith("b_confirm"))
    assert "remove 1 incident(s)" in confirm.label
    confirm.check()
    at.run()
    by_label(at.button, "Remove batch").click()
    at.run()
    assert not at.exception
    assert any("Removed batch" in s.value for s in at.success)


def test_a_rejected_hand_entry_says_why(page):
    at = page
    by_label(at.button, "Add incident").click()  # no date
    at.run()
    assert any("no date" in e.value for e in at.error)

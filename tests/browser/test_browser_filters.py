"""The sidebar drives the headline numbers and the URL; a copied URL reproduces the view."""

from __future__ import annotations

import pytest

from .conftest import assert_offline, new_app_page

pytestmark = pytest.mark.browser


def as_int(text: str) -> int:
    return int(text.replace(",", ""))


def test_sidebar_choice_changes_headline_and_url(app):
    app.goto("/")
    before = app.metrics()
    assert set(before) == {"Incidents", "Killed", "Injured", "Claimed"}
    assert app.query() == {}

    app.choose("Group", "ISKP", typed="ISKP", param=("group", "ISKP"))
    after_group = app.metrics()
    assert app.query() == {"group": ["ISKP"]}
    assert as_int(after_group["Incidents"]) < as_int(before["Incidents"])

    app.choose("Province", "Khyber Pakhtunkhwa", typed="Khyber", param=("province", "Khyber Pakhtunkhwa"))
    after = app.metrics()
    assert app.query() == {"group": ["ISKP"], "province": ["Khyber Pakhtunkhwa"]}
    assert "group=ISKP" in app.page.url and "province=Khyber+Pakhtunkhwa" in app.page.url
    assert 0 < as_int(after["Incidents"]) < as_int(after_group["Incidents"])
    assert after != before
    assert app.selected("Group") == ["ISKP — Islamic State Khorasan Province"]
    assert app.selected("Province") == ["Khyber Pakhtunkhwa"]
    caption = app.page.get_by_test_id("stCaptionContainer").first.inner_text()
    assert caption.startswith("ISKP incidents in Khyber Pakhtunkhwa")


def test_copied_url_reproduces_the_view(app, browser, app_server):
    app.goto("/")
    app.choose("Group", "ISKP", typed="ISKP", param=("group", "ISKP"))
    app.choose("Province", "Khyber Pakhtunkhwa", typed="Khyber", param=("province", "Khyber Pakhtunkhwa"))
    # Two more parts of the contract: the basis radio and a date preset.
    app.page.get_by_test_id("stSidebar").get_by_role("radiogroup", name="Attribution basis") \
        .get_by_text("Claimed only", exact=True).click()
    app.wait_for_param("basis", "claimed")
    app.page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").get_by_role("combobox").click()
    app.page.get_by_role("option", name="Year 2023", exact=True).click()
    app.wait_for_param("from", "2023-01-01")

    copied = app.page.url
    assert app.query() == {"from": ["2023-01-01"], "to": ["2023-12-31"], "group": ["ISKP"],
                           "province": ["Khyber Pakhtunkhwa"], "basis": ["claimed"]}
    view = {
        "metrics": app.metrics(),
        "group": app.selected("Group"),
        "province": app.selected("Province"),
        "country": app.selected("Country"),
        "basis": app.radio_value("Attribution basis"),
        "dates": app.selectbox_value("Dates"),
        "caption": app.page.get_by_test_id("stCaptionContainer").first.inner_text(),
    }
    assert view["basis"] == "Claimed only" and view["dates"] == "Year 2023"

    # A colleague opens the copied URL: a new browser context, so a new Streamlit session.
    context, other = new_app_page(browser, app_server)
    try:
        other.open_url(copied)
        reproduced = {
            "metrics": other.metrics(),
            "group": other.selected("Group"),
            "province": other.selected("Province"),
            "country": other.selected("Country"),
            "basis": other.radio_value("Attribution basis"),
            "dates": other.selectbox_value("Dates"),
            "caption": other.page.get_by_test_id("stCaptionContainer").first.inner_text(),
        }
        assert reproduced == view
        assert other.query() == app.query()  # the URL is not rewritten on arrival
        assert other.exceptions() == []
        assert_offline(other.recorder)
        assert other.app_console_errors() == []
    finally:
        context.close()

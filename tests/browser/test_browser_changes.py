"""The Changes page in Chromium: the table filters every page when a row is clicked."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_clicking_an_area_filters_every_page(app):
    app.goto("/changes")
    app.page.get_by_test_id("stButtonGroup").get_by_text("Month", exact=True).click()
    app.wait_ready()
    grid = app.page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    app.page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection cell
    app.wait_for_param("province", "Khyber Pakhtunkhwa")
    assert app.selected("Province") == ["Khyber Pakhtunkhwa"]
    app.page.get_by_test_id("stSidebarNav").get_by_text("Overview", exact=True).click()
    app.wait_ready()
    assert "in Khyber Pakhtunkhwa" in app.page.get_by_test_id("stMain").inner_text()

"""Import & manage (/data): uploading the ACLED fixture imports it and shows the summary.

Skipped, with the reason, while the Data page does not exist yet. The fixture is the
project's own (tests/fixtures/acled_sample.csv). The import writes to the store,
so this test runs its own server on its own copy of the store.
"""

from __future__ import annotations

import csv
import re

import pytest

from .conftest import VIEWS, assert_offline, fixture_file, new_app_page, start_server, stop_server

pytestmark = pytest.mark.browser


@pytest.fixture
def own_server(tmp_path, default_db, browser):
    if not (VIEWS / "data.py").exists():
        pytest.skip("the Import & manage page (dashboard/views/data.py) does not exist yet")
    server = start_server(tmp_path / "server", db_source=default_db)
    try:
        yield server
    finally:
        stop_server(server)


def as_int(text: str) -> int:
    return int(text.replace(",", ""))


def test_upload_acled_fixture_shows_import_summary(browser, own_server):
    sample = fixture_file("fixtures", "acled_sample.csv")
    with sample.open(newline="", encoding="utf-8") as fh:
        rows_in_file = sum(1 for _ in csv.DictReader(fh))

    context, app = new_app_page(browser, own_server)
    try:
        app.goto("/")
        nav = app.page.get_by_test_id("stSidebarNav")
        link = nav.get_by_role("link", name=re.compile("Import & manage"))
        if link.count() == 0:
            pytest.skip("the Data page exists as a file but is not in the navigation yet")
        assert link.get_attribute("href").rstrip("/").endswith("/data")
        before = as_int(app.metrics()["Incidents"])

        app.goto("/data")
        page = app.page
        uploader = page.get_by_test_id("stFileUploader").filter(
            has=page.get_by_test_id("stWidgetLabel").get_by_text("CSV or XLSX", exact=False))
        uploader.locator('input[type="file"]').set_input_files(str(sample))
        app.wait_ready()
        # The format is recognised from the columns.
        detected = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Format")
        assert "ACLED" in detected.get_by_role("combobox").input_value() + detected.inner_text()
        page.get_by_role("button", name=re.compile(r"^(upload\s*)?Import file$")).click()
        page.get_by_role("heading", name=re.compile(r"^Imported: acled_sample\.csv")).wait_for(timeout=90_000)
        app.wait_ready()

        summary = {k: as_int(v) for k, v in app.metrics().items()
                   if k in ("Read", "Loaded", "Duplicates", "Skipped", "Rejected")}
        assert summary["Read"] == rows_in_file
        assert summary["Loaded"] > 0
        assert summary["Skipped"] >= 1, "the row in India must be skipped"
        assert sum(summary[k] for k in ("Loaded", "Duplicates", "Skipped", "Rejected")) == summary["Read"]
        assert app.exceptions() == []
        app.screenshot("data-after-import")

        # The new incidents count on the Overview.
        app.goto("/")
        assert as_int(app.metrics()["Incidents"]) == before + summary["Loaded"]
        assert_offline(app.recorder)
        assert app.app_console_errors() == []
    finally:
        context.close()

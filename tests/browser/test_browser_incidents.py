"""Incidents: the filtered list, the detail view of one incident, and the CSV download."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = pytest.mark.browser

ISKP_KP = {"group": "ISKP", "province": "Khyber Pakhtunkhwa"}
ROW_HEIGHT = 35  # Streamlit's data grid: header and rows are 35 px


def shown_total(app) -> int:
    """The count in the caption "N incidents." above the table."""
    for text in app.page.get_by_test_id("stCaptionContainer").all_inner_texts():
        m = re.match(r"([\d,]+) incidents[.;]", text)
        if m:
            return int(m.group(1).replace(",", ""))
    raise AssertionError("no 'N incidents.' caption on the Incidents page")


def download_csv(app) -> tuple[str, list[dict]]:
    with app.page.expect_download() as info:
        app.page.get_by_role("button", name=re.compile("Download CSV")).click()
    download = info.value
    text = download.path().read_text(encoding="utf-8-sig")
    return download.suggested_filename, list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("query", [None, ISKP_KP], ids=["all", "iskp-kp"])
def test_csv_download_holds_the_filtered_rows(app, query):
    app.goto("/incidents", query)
    total = shown_total(app)
    name, rows = download_csv(app)
    assert name == ("incidents.csv" if not query else "incidents-ISKP-Khyber_Pakhtunkhwa.csv")  # named after it
    assert len(rows) == total > 0
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)  # newest first, as listed
    if query:
        assert {r["province"] for r in rows} == {"Khyber Pakhtunkhwa"}
        bajaur = [r for r in rows if r["date"].startswith("2023-07-30") and r["district"] == "Bajaur"]
        assert len(bajaur) == 1, "the 2023-07-30 Bajaur bombing is missing from the download"
    assert app.exceptions() == []


def test_incidents_page_lists_the_bajaur_bombing(app):
    """With ISKP in Khyber Pakhtunkhwa, one listed row is the 30 Jul 2023 Bajaur bombing.

    The table is drawn on a canvas, so rows are picked one by one (row-selection
    column at the left) and the detail view under the table is read.
    """
    app.goto("/incidents", ISKP_KP)
    total = shown_total(app)
    grid = app.page.get_by_test_id("stDataFrame").first.get_by_test_id("data-grid-canvas")
    box = grid.bounding_box()
    seen: list[str] = []
    last_heading = """() => { const h = [...document.querySelectorAll('[data-testid="stMain"] h3')];
                              return h.length ? h[h.length - 1].innerText : ''; }"""
    for i in range(min(total, 10)):
        before = app.page.evaluate(last_heading)
        # The grid's scroller lies over the canvas and takes the click, as for a person.
        app.page.mouse.click(box["x"] + 15, box["y"] + ROW_HEIGHT * (i + 1) + ROW_HEIGHT / 2)
        app.page.wait_for_function(f"(before) => ({last_heading})() !== before", arg=before)
        app.wait_ready()
        heading = app.page.evaluate(last_heading)
        seen.append(heading)
        if heading.startswith("30 Jul 2023"):
            break
    else:
        raise AssertionError(f"no 30 Jul 2023 incident among the listed rows: {seen} (grid {box})")
    details = app.page.get_by_test_id("stMain").get_by_test_id("stText").all_inner_texts()
    assert any(t.startswith("Where: Bajaur, Khyber Pakhtunkhwa") for t in details), details
    metrics = app.metrics()
    assert int(metrics["Killed"].replace(",", "")) > 0
    assert metrics["Claim status"].startswith("Claimed")


SELECTION = {"group": ["ISKP", "TTP"], "province": "Khyber Pakhtunkhwa", "from": "2023-01-01", "to": "2024-12-31"}


def test_the_download_gives_no_coordinate_its_source_did_not(app):
    """The selection the new-analyst walk-through used: incidents without coordinates in
    their source download with empty latitude and longitude and say what the place is
    known to; the others keep exactly the source's."""
    from dashboard.config import DEFAULT_DATA

    source = {f"reference:{r['incident_id']}": r for r in
              csv.DictReader((DEFAULT_DATA / "incidents.csv").open(encoding="utf-8"))}
    app.goto("/incidents", SELECTION)
    _, rows = download_csv(app)
    without = [r for r in rows if not source[r["incident_id"]]["latitude"]]
    assert len(without) >= 3 and len(rows) == shown_total(app)
    assert all(r["latitude"] == "" and r["longitude"] == "" for r in without)
    assert {r["place_known_to"] for r in without} <= {"district", "province"}
    for r in rows:
        if source[r["incident_id"]]["latitude"]:
            assert abs(float(r["latitude"]) - float(source[r["incident_id"]]["latitude"])) < 1e-6
            assert r["place_known_to"] == "point"

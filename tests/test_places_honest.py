"""No invented coordinates: a place the source did not give stays unknown in every
export, is not drawn as if measured, and says what it is known to."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from dashboard import export, queries
from dashboard.config import DEFAULT_DATA
from dashboard.filters import Filter
from dashboard.workspace import open_workspace

SELECTION = Filter(groups=("ISKP", "TTP"), provinces=("Khyber Pakhtunkhwa",),
                   date_from=date(2023, 1, 1), date_to=date(2024, 12, 31))


def source_coordinates() -> pd.DataFrame:
    src = pd.read_csv(DEFAULT_DATA / "incidents.csv", dtype=str, keep_default_na=False)
    return src.assign(incident_id="reference:" + src["incident_id"]).set_index("incident_id")[["latitude", "longitude"]]


def test_the_selection_exports_only_coordinates_its_sources_gave(con):
    rows = queries.export_rows(con, SELECTION).set_index("incident_id")
    src = source_coordinates().loc[rows.index]
    given = src["latitude"] != ""
    assert (~given).sum() >= 3, "the selection should hold incidents without coordinates"
    assert rows.loc[~given, ["latitude", "longitude"]].isna().all().all()
    assert (rows.loc[given, "latitude"].round(6) == src.loc[given, "latitude"].astype(float).round(6)).all()
    assert set(rows.loc[~given, "place_known_to"]) <= {"province", "district"}
    assert (rows.loc[given, "place_known_to"] == "point").all()
    features = json.loads(export.to_geojson_bytes(rows.reset_index()))["features"]
    unplaced = {f["properties"]["incident_id"] for f in features if f["geometry"] is None}
    assert unplaced == set(rows.index[~given])
    csv_text = export.to_csv_bytes(rows.reset_index()).decode()
    header = csv_text.splitlines()[0].split(",")
    assert "place_known_to" in header


def test_downloads_are_newest_first_and_named_after_the_selection(con):
    rows = queries.export_rows(con, SELECTION)
    assert rows["date"].is_monotonic_decreasing
    assert export.file_stem(SELECTION) == "incidents-ISKP-TTP-Khyber_Pakhtunkhwa-2023-01-01_2024-12-31"


def test_the_map_draws_no_province_centre_as_a_place(con):
    points, aggregated = queries.map_points(con, SELECTION)
    src = source_coordinates()
    assert not aggregated and len(points)
    assert (src.loc[points["incident_id"], "latitude"] != "").all()  # every point drawn is the source's
    summary = queries.district_summary(con, SELECTION)
    assert summary["not_drawn"] == (src.loc[queries.export_rows(con, SELECTION)["incident_id"], "latitude"] == "").sum()


def test_a_store_from_before_learns_which_points_were_made_up(store, con):
    before = con.execute("SELECT count(*) FROM incidents WHERE placed_at = 'province'").fetchone()[0]
    assert before > 0
    with store.transaction() as tx:  # a store as schema 7 left it
        tx.execute("UPDATE incidents SET placed_at = NULL")
        tx.execute("INSERT OR REPLACE INTO meta VALUES ('placed_at_backfill', 'pending')")
    path = store.path
    store.close()
    with open_workspace(path) as again:
        c = again.cursor()
        assert c.execute("SELECT count(*) FROM incidents WHERE placed_at = 'province'").fetchone()[0] == before


def test_a_composite_district_is_not_offered_and_counts_under_its_first_name(con):
    """"Lakki Marwat / Bannu" (R128) and "Panjgur / Noshki" (R025), as the sources wrote them."""
    vocab = queries.vocabulary(con)
    assert not [d for d in vocab.districts if "/" in d]
    assert "Lakki Marwat" in vocab.districts
    rows = queries.export_rows(con, Filter(districts=("Lakki Marwat",))).set_index("incident_id")
    assert rows.loc["reference:R128", "district_as_written"] == "Lakki Marwat / Bannu"
    assert rows.loc["reference:R128", "district"] == "Lakki Marwat"
    detail, _ = queries.incident_detail(con, "reference:R025")
    assert (detail["district"], detail["district_as_written"]) == ("Panjgur", "Panjgur / Noshki")


def test_a_store_from_before_splits_its_composite_districts(tmp_path):
    """Schema migration 9 on a store that still holds the composite text."""
    from dashboard.store.db import Store
    from dashboard.store.schema import MIGRATIONS

    store = open_workspace(tmp_path / "old.duckdb")
    with store.transaction() as tx:
        tx.execute("UPDATE incidents SET district = 'Lakki Marwat / Bannu', district_as_written = NULL "
                   "WHERE incident_id = 'reference:R128'")
        tx.execute("UPDATE incident_groups SET district = 'Lakki Marwat / Bannu' WHERE incident_id = 'reference:R128'")
        for sql in MIGRATIONS[8]:  # migration 9, as it ran on such a store
            tx.execute(sql)
        tx.execute("INSERT OR REPLACE INTO meta VALUES ('derived_version', 'old')")
    store.close()
    store = Store(tmp_path / "old.duckdb")
    try:
        con = store.cursor()
        assert con.execute("SELECT district, district_as_written FROM incidents WHERE incident_id = 'reference:R128'"
                           ).fetchone() == ("Lakki Marwat", "Lakki Marwat / Bannu")
        assert con.execute("SELECT count(*) FROM incident_groups WHERE district LIKE '%/%'").fetchone()[0] == 0
    finally:
        store.close()


def test_the_incidents_table_shows_a_dash_not_none_for_an_unknown_injured_count(store):
    """Streamlit prints "None" in an empty cell unless told otherwise; the table is told "–"."""
    from tests.helpers.apptest import open_page

    at = open_page("views/incidents.py", group=["ISKP", "TTP"], province="Khyber Pakhtunkhwa",
                   **{"from": "2023-01-01", "to": "2024-12-31"})
    table = at.dataframe[0]
    assert table.value["injured"].isna().any()          # the source gives no figure for some
    assert table.proto.placeholder == "–"

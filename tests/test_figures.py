"""Figure builders: offline map traces, bounded payloads, inert text."""

import pandas as pd

from dashboard import figures
from dashboard.geo import shapes


def points(n: int, place: str = "synthetic place") -> pd.DataFrame:
    """SYNTHETIC map points, made up for this test."""
    return pd.DataFrame({
        "incident_id": [f"synthetic:{i}" for i in range(n)], "date": pd.Timestamp("2023-07-30"),
        "place": place, "district": "Bajaur", "province": "Khyber Pakhtunkhwa", "country": "Pakistan",
        "latitude": 34.7, "longitude": 71.5, "killed": 5, "injured": 1, "attack_type": "ambush",
        "location_approximate": False, "claim_status": "claimed", "groups": "ISKP", "main_group": "ISKP",
    })


def areas():
    index = shapes.province_index()
    return pd.DataFrame({"id": index["id"], "name": index["province"], "value": 1})


def test_map_uses_offline_maplibre_traces_on_a_blank_style():
    fig = figures.incident_map(shapes.province_geojson(), areas(), points(3))
    assert {t.type for t in fig.data} == {"choroplethmap", "scattermap"}
    assert fig.layout.map.style == "white-bg"


def test_map_payload_stays_under_400_kb_at_the_point_limit():
    from dashboard.queries import MAP_POINT_LIMIT

    fig = figures.incident_map(shapes.province_geojson(), areas(), points(MAP_POINT_LIMIT))
    assert figures.figure_bytes(fig) < 400_000


def test_data_text_cannot_inject_markup_into_hover_labels():
    fig = figures.incident_map(shapes.province_geojson(), areas(), points(1, place="<a href='x'>click</a>"))
    label = fig.data[1].customdata[0][1]
    assert "<a" not in label and "&lt;a" in label


def test_many_claims_are_summarised_not_sent_one_by_one():
    summary = pd.DataFrame({"group": ["ISKP"], "claims": [5000], "q1": [1249.75], "median": [2499.5],
                            "q3": [3749.25], "min": [0], "max": [4999]})
    fig = figures.claim_delays(pd.DataFrame(), summary)
    assert figures.figure_bytes(fig) < 20_000
    assert fig.data[0].median == (2499.5,)

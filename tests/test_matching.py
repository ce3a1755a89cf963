"""The matcher (dashboard/fusion.py): records of one attack in different datasets are
found, different attacks on the same day are not, and matching writes nothing."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from dashboard import fusion
from dashboard.__main__ import main
from dashboard.config import REPO_ROOT
from dashboard.ingest.pipeline import ingest_file
from tests.conftest import fixture_path

spec = importlib.util.spec_from_file_location("match_accuracy", REPO_ROOT / "scripts" / "match_accuracy.py")
match_accuracy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(match_accuracy)


@pytest.fixture
def three(store, con):
    """The default data and the three format fixtures (each row one embedded attack)."""
    for name in ("acled_sample.csv", "ucdp_ged_sample.csv", "gtd_sample.csv"):
        ingest_file(store, fixture_path(name))
    return con


def test_the_matcher_finds_the_same_attacks_and_no_near_miss(three):
    default = match_accuracy.accuracy(three, fusion.WINDOWS["default"])
    assert default["true_pairs"] > 100 and default["precision"] == 1.0 and default["recall"] >= 0.98
    assert default["near_misses"] >= 10 and default["near_misses_linked"] == 0
    strict = match_accuracy.accuracy(three, fusion.WINDOWS["strict"])
    assert strict["precision"] == 1.0 and strict["recall"] < default["recall"]  # the window matters, and says so


def test_the_bajaur_bombing_is_one_attack_in_every_dataset_that_has_it(three):
    linked = fusion.match(three).links
    groups = fusion.clusters(linked)
    bajaur = {r for r, g in groups.items() if g == groups["reference:R072"]}
    known = {k for k, v in match_accuracy.truth().items() if v == "reference:R072"}
    assert bajaur == known and len(bajaur) >= 2


def test_a_different_attack_the_same_day_in_the_same_district_is_not_linked(store, con, tmp_path):
    """SYNTHETIC near miss: an ACLED-format row on 2023-07-30 in Bajaur, 30 km from the
    convention, a TTP ambush with 2 killed, is not the ISKP bombing."""
    raw = pd.read_csv(fixture_path("acled_sample.csv"), dtype=str, keep_default_na=False).head(1).copy()
    raw["event_id_cnty"], raw["event_date"], raw["country"] = "PAK999001", "2023-07-30", "Pakistan"
    raw["admin1"], raw["admin2"], raw["location"] = "Khyber Pakhtunkhwa", "Bajaur", "SYNTHETIC place"
    raw["latitude"], raw["longitude"], raw["fatalities"] = "34.95", "71.25", "2"
    raw["actor1"], raw["sub_event_type"], raw["notes"] = "TTP: Tehreek-i-Taliban Pakistan", "Armed clash", "SYNTHETIC"
    path = tmp_path / "near.csv"
    raw.to_csv(path, index=False)
    assert ingest_file(store, path).loaded == 1
    pairs = fusion.candidates(con, fusion.WINDOWS["loose"])
    assert not ((pairs["a_id"] == "acled:PAK999001") | (pairs["b_id"] == "acled:PAK999001")).any()


def test_the_command_reports_and_writes_nothing(three, store, capsys):
    before = store.version
    assert main(["match", "--db", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert "candidate pairs" in out and "incidents once fused" in out and "Nothing was written" in out
    assert store.version == before
    assert main(["match", "--json", "--strict", "--db", str(store.path)]) == 0
    assert '"window": "strict"' in capsys.readouterr().out


def test_the_pages_warn_with_numbers_when_datasets_repeat_attacks(three):
    """With ACLED, UCDP and GTD files next to the embedded data, every page says how many
    records repeat an attack and how many attacks the store holds, not only that
    datasets are mixed."""
    from tests.helpers.apptest import open_page

    at = open_page("views/overview.py")
    warnings = [w.value for w in at.warning]
    assert any("151 records look like the same attack" in w and "about 142 attacks" in w for w in warnings), warnings
    at = open_page("views/overview.py", dataset="acled")
    assert not any("look like the same attack" in w.value for w in at.warning)

"""Shared fixtures: a store with the embedded default data, in a temporary file;
the project's own format fixtures (``tests/fixtures``); a SYNTHETIC district
layer built at test time; and the rule for EXTRA tests that need ``../shared``.

The suite stands alone: nothing but tests marked ``@pytest.mark.shared(path)``
reads ``../shared``, and those are deselected (not run, not skipped) when that
path is absent. Run with ``-m shared`` to run only them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.config import REPO_ROOT
from dashboard.workspace import open_workspace as open_store

SHARED = REPO_ROOT.parent / "shared"
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shared(path): an EXTRA test reading ../shared/<path>; deselected when that path is absent")


def pytest_collection_modifyitems(config, items):
    """Deselect the EXTRA tests whose ../shared file is absent (so a clone on its own skips nothing)."""
    absent = []
    for item in items:
        marks = list(item.iter_markers("shared"))
        if marks and not all(SHARED.joinpath(*m.args).exists() for m in marks):
            absent.append(item)
    if absent:
        config.hook.pytest_deselected(items=absent)
        items[:] = [item for item in items if item not in absent]


@pytest.fixture(scope="session")
def default_db(tmp_path_factory) -> Path:
    """A database file with the default data loaded once per test session."""
    folder = tmp_path_factory.mktemp("db")
    path = folder / "default.duckdb"
    # Build it with an empty data directory, so the analyst's own files
    # (district boundaries, extra aliases under data/local) never leak into tests.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_DATA_DIR", str(folder / "local"))
        open_store(path).close()
    return path


@pytest.fixture
def store(default_db, tmp_path, monkeypatch):
    """A fresh copy of the default store for one test (writable, isolated)."""
    path = tmp_path / "store.duckdb"
    shutil.copy(default_db, path)
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "local"))
    s = open_store(path)
    yield s
    s.close()


@pytest.fixture
def con(store):
    return store.cursor()


def fixture_path(name: str) -> Path:
    """A file of the project's own format fixtures (``tests/fixtures``, written by
    ``scripts/make_test_fixtures.py`` from the embedded data)."""
    path = FIXTURES / name
    assert path.is_file(), f"{path} is missing: run python scripts/make_test_fixtures.py"
    return path


def shared_path(*parts: str) -> Path:
    """A path under ../shared, for EXTRA tests only (mark them ``@pytest.mark.shared(...)``,
    which deselects them when the path is absent; this skip is the fallback)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


@pytest.fixture(scope="session")
def synthetic_pak_file(tmp_path_factory) -> Path:
    """A SYNTHETIC Pakistan district layer (GeoJSON, geoBoundaries-like fields) written
    under the session's temporary folder; see ``tests/helpers/districts.py``."""
    from tests.helpers.districts import write_synthetic_districts

    return write_synthetic_districts(tmp_path_factory.mktemp("synthetic-districts"))

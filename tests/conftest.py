"""Shared fixtures: a store with the embedded default data, in a temporary file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.config import REPO_ROOT
from dashboard.workspace import open_workspace as open_store

SHARED = REPO_ROOT.parent / "shared"


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


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path

"""Where things live. Every path can be overridden by an environment variable.

- ``DASHBOARD_DB``: the DuckDB file (default ``data/local/dashboard.duckdb``).
- ``DASHBOARD_DATA_DIR``: the analyst's own files: added boundaries, extra
  group aliases, rejected-row reports (default ``data/local``; git-ignored).
- ``DASHBOARD_DUCKDB_MEMORY``: DuckDB's memory limit (default ``1GB``; DuckDB's
  own default is 80 % of the machine's RAM). Beyond it, big queries and imports
  spill to a temporary folder next to the database instead of growing.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT / "data" / "default"
BOUNDARIES_DIR = REPO_ROOT / "data" / "boundaries"
PLACES_DIR = REPO_ROOT / "data" / "places"
SHARED_DIR = REPO_ROOT.parent / "shared"


def data_dir() -> Path:
    """The analyst's writable data folder (created on demand)."""
    path = Path(os.environ.get("DASHBOARD_DATA_DIR") or REPO_ROOT / "data" / "local")
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_path() -> Path:
    """The DuckDB file the app and the command line use."""
    env = os.environ.get("DASHBOARD_DB")
    if env:
        path = Path(env)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    return data_dir() / "dashboard.duckdb"


def duckdb_memory_limit() -> str:
    """DuckDB's ``memory_limit`` for the store (e.g. ``1GB``, ``512MB``)."""
    return os.environ.get("DASHBOARD_DUCKDB_MEMORY") or "1GB"

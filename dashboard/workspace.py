"""The store as the app and the command line open it: the store's owner.

``open_workspace`` opens the DuckDB store (``store.Store``: schema, derived
tables, the one writer), then runs the steps that need the importers: the
embedded default data and the group aliases (``ingest.reference``). It also
clears what an interrupted run left in the data folder: uploads that were
being imported when the server was killed (DuckDB's own spill folder is
cleared by ``Store``).

The dependency runs one way: this module imports ``store`` and ``ingest``;
neither imports it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from . import config
from .geo.district_store import backfill_placed_at
from .ingest.reference import ensure_default_data
from .store.db import Store, StoreError, StoreLockedError

__all__ = ["open_workspace", "upload_folder", "Store", "StoreError", "StoreLockedError"]

UPLOADS = "uploads"


def open_workspace(path: str | Path | None = None, *, load_defaults: bool = True) -> Store:
    """Open the store at ``path`` (or ``DASHBOARD_DB``) ready for the pages.

    Raises ``StoreLockedError`` when another process holds the file, and
    ``StoreError`` (a sentence saying what to do) when it cannot be opened.
    """
    store = Store(path)
    try:
        clear_uploads(store)
        backfill_placed_at(store)  # stores from before schema 8: which points the dashboard made up
        if load_defaults:
            ensure_default_data(store)
    except BaseException:
        store.close()
        raise
    return store


def _uploads_root(store: Store) -> Path:
    """``<data dir>/uploads/<a key of the database file>``: one folder per store."""
    key = hashlib.sha1(str(Path(store.path).resolve()).encode()).hexdigest()[:12]
    return config.data_dir() / UPLOADS / key


def upload_folder(store: Store) -> Path:
    """A new folder for one file uploaded into ``store``; the caller deletes it
    after the import (and ``clear_uploads`` does after a killed one)."""
    root = _uploads_root(store)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="upload-", dir=root))


def clear_uploads(store: Store) -> int:
    """Delete the upload folders an earlier run left for this store; returns how many.

    Runs when the store is opened, once per server or command: DuckDB's file
    lock means that no other process is importing into this store then.
    """
    root = _uploads_root(store)
    if not root.is_dir():
        return 0
    n = 0
    for folder in root.iterdir():
        shutil.rmtree(folder, ignore_errors=True)
        n += 1
    return n

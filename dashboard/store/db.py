"""One handle on the DuckDB file.

The app keeps one ``Store`` for the whole server (``st.cache_resource``) and
takes a fresh ``cursor()`` per query: DuckDB connections are not safe to share
across Streamlit's script threads, cursors are.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .. import config
from .derive import ensure_derived, refresh_group_roots
from .schema import migrate


class StoreLockedError(RuntimeError):
    """Another process (usually a running dashboard) holds the database file."""


class Store:
    """The database: schema migrated and default data loaded on open."""

    def __init__(self, path: str | Path | None = None, *, load_defaults: bool = True):
        self.path = str(path if path is not None else config.db_path())
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"The database {self.path} is in use by another process (is the dashboard "
                    "running?). Stop it, use the app's Data page, or set DASHBOARD_DB to another file."
                ) from exc
            raise
        try:
            self.con.execute("SET memory_limit = ?", [config.duckdb_memory_limit()])
            self.con.execute("SET enable_progress_bar = false")  # no bars in the CLI's or the server's output
        except duckdb.Error as exc:
            self.con.close()
            raise ValueError(f"DASHBOARD_DUCKDB_MEMORY: {exc}") from exc
        migrate(self.con)
        refresh_group_roots(self.con)
        ensure_derived(self.con)
        if load_defaults:
            from ..ingest.reference import ensure_default_data

            ensure_default_data(self.con)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one query or one thread."""
        return self.con.cursor()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(path: str | Path | None = None, *, load_defaults: bool = True) -> Store:
    """Open (creating and migrating if needed) the store at ``path`` or ``DASHBOARD_DB``."""
    return Store(path, load_defaults=load_defaults)

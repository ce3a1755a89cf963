"""One handle on the DuckDB file, and the one place where writes happen.

``Store`` owns the connection, as datasette's ``Database`` does:

- ``cursor()`` gives a read cursor per query or per thread (DuckDB connections
  are not safe to share across Streamlit's script threads; cursors are);
- ``transaction()`` is the only way to write: one lock for the whole process,
  BEGIN / COMMIT / ROLLBACK in one place, and the data version bumped once the
  commit is through. ``version`` is read without a query, so the caches keyed on
  it (``ui.state``) never race a write: a reader that sees a new version also
  sees the data that came with it.

Opening a store migrates its schema and brings the derived tables up to date.
Loading the embedded default data and re-placing districts are steps of the
store's owner (``dashboard.workspace``), which calls them through
``transaction()``; the store itself knows nothing of files or importers.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from .. import config
from .derive import ensure_derived
from .schema import MIGRATIONS, SCHEMA_VERSION, current_version


class StoreLockedError(RuntimeError):
    """Another process (usually a running dashboard) holds the database file."""


class StoreError(RuntimeError):
    """The store cannot be opened or used as asked; the message says what to do."""


class Store:
    """The database: schema migrated and derived tables current on open.

    Writers call ``with store.transaction() as con: ...``; everything else reads
    through ``store.cursor()``.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = str(path if path is not None else config.db_path())
        self.token = uuid.uuid4().hex[:8]  # tells this opening from the next in cache keys
        self._version = 0
        self._lock = threading.RLock()
        self._active: duckdb.DuckDBPyConnection | None = None  # the cursor of the open transaction
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            _remove_spill(self.path)
        try:
            self.con = duckdb.connect(self.path)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"The database {self.path} is in use by another process (is the dashboard "
                    "running?). Stop it, use the app's Data page, or set DASHBOARD_DB to another file."
                ) from None
            raise StoreError(f"The database {self.path} cannot be opened: {_first_line(exc)}") from None
        try:
            self._configure()
            self._migrate()
            with self.transaction() as con:
                ensure_derived(con)
        except BaseException:
            # A store that failed to open must not keep the file locked.
            self.con.close()
            raise
        self._version = 0

    # --- set-up -----------------------------------------------------------------
    def _configure(self) -> None:
        try:
            self.con.execute("SET memory_limit = ?", [config.duckdb_memory_limit()])
        except duckdb.Error as exc:
            raise ValueError(f"DASHBOARD_DUCKDB_MEMORY: {_first_line(exc)}") from None
        self.con.execute("SET enable_progress_bar = false")  # no bars in the CLI's or the server's output
        if self.path != ":memory:":
            self.con.execute("SET temp_directory = ?", [_spill_dir(self.path)])

    def _migrate(self) -> int:
        """Bring the file to ``SCHEMA_VERSION``, one transaction per migration."""
        version = current_version(self.con)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The database is at schema version {version}, newer than this program "
                f"({SCHEMA_VERSION}). Upgrade the dashboard or point DASHBOARD_DB at another file."
            )
        for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction() as con:
                for sql in statements:
                    con.execute(sql)
                con.execute("INSERT INTO schema_version VALUES (?)", [number])
        return SCHEMA_VERSION - version

    # --- reading -----------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one query or one thread."""
        return self.con.cursor()

    @property
    def version(self) -> str:
        """Changes with every committed write; keys every cached answer."""
        return f"{self.token}.{self._version}"

    # --- writing -----------------------------------------------------------------
    @contextmanager
    def transaction(self, cursor: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """The one way to write: ``with store.transaction() as con: con.execute(...)``.

        Writers of this process take turns (one lock), so a check and the write
        it guards (is this batch already stored? then insert it) cannot
        interleave with another session's. Pass ``cursor`` when the writer
        staged rows in that cursor's temporary tables. A transaction opened
        inside another on the same thread joins it (the outer one commits).
        Everything or nothing: an exception rolls back and is raised again.
        """
        with self._lock:
            if self._active is not None:  # nested: part of the transaction already open
                if cursor is not None and cursor is not self._active:
                    raise StoreError("a write inside a transaction must use that transaction's cursor")
                yield self._active
                return
            con = cursor if cursor is not None else self.con.cursor()
            con.execute("BEGIN TRANSACTION")
            self._active = con
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # the transaction was already aborted
                raise
            finally:
                self._active = None
                if cursor is None:
                    con.close()
            # After the commit and still under the lock: whoever reads the new
            # version reads the new data.
            self._version += 1

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _spill_dir(path: str) -> str:
    return f"{path}.tmp"


def _remove_spill(path: str) -> None:
    """DuckDB's spill folder left by a process that was killed mid-query or mid-import.

    Called before the file is opened: if another process holds the file, the
    open fails anyway and its spill folder is left alone (DuckDB keeps its
    spill files open, so only a dead process's are ever removable here).
    """
    folder = Path(_spill_dir(path))
    if not folder.is_dir():
        return
    try:
        probe = duckdb.connect(path)
    except duckdb.Error:
        return  # in use: not ours to clean
    probe.close()
    shutil.rmtree(folder, ignore_errors=True)


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating and migrating if needed) the store at ``path`` or ``DASHBOARD_DB``.

    This is the bare store. The app and the command line open it through
    ``dashboard.workspace.open_workspace``, which also loads the default data.
    """
    return Store(path)

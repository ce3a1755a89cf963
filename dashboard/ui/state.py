"""The one store per server, cached loaders, and the current Filter.

``get_store()`` is an ``st.cache_resource``: one DuckDB handle for the server;
each query takes its own cursor (DuckDB connections are not thread-safe across
Streamlit sessions, cursors are). Small query results are cached with
``cached()`` keyed on the Filter and the store's data version, with a bound on
entries (never raw rows).
"""

from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from .. import config, queries
from ..filters import Filter, Vocabulary
from ..store import open_store
from ..store.db import Store


@st.cache_resource(show_spinner="Opening the database…", max_entries=4)
def _store(path: str) -> Store:
    return open_store(path)


def get_store() -> Store:
    """The store at ``DASHBOARD_DB`` (one handle per file for the whole server)."""
    return _store(str(config.db_path()))


def cursor():
    return get_store().cursor()


def data_version() -> str:
    """Changes whenever incidents or attributions change (imports, removals, manual entry)."""
    row = cursor().execute(
        "SELECT count(*), coalesce(max(imported_at)::VARCHAR, '') FROM import_batches"
    ).fetchone()
    return f"{get_store().path}|{row[0]}|{row[1]}|{st.session_state.get('_data_bump', 0)}"


def bump_data_version() -> None:
    """Call after a write so cached answers are recomputed."""
    st.session_state["_data_bump"] = st.session_state.get("_data_bump", 0) + 1
    st.cache_data.clear()


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(name: str, version: str, filt: Filter, kwargs: tuple) -> object:
    return getattr(queries, name)(cursor(), filt, **dict(kwargs))


def ask(name: str, filt: Filter, **kwargs):
    """Run ``queries.<name>(cursor, filt, **kwargs)``, cached on (filter, data version)."""
    return _cached(name, data_version(), filt, tuple(sorted(kwargs.items())))


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_store(name: str, version: str, args: tuple) -> object:
    return getattr(queries, name)(cursor(), *args)


def ask_store(name: str, *args):
    """Run ``queries.<name>(cursor, *args)`` (answers about the whole store, such as
    ``coverage`` or the provinces of a country), cached on the data version."""
    return _cached_store(name, data_version(), args)


@st.cache_data(max_entries=8, show_spinner=False)
def _vocab(version: str) -> Vocabulary:
    return queries.vocabulary(cursor())


def vocabulary() -> Vocabulary:
    return _vocab(data_version())


def current_filter() -> Filter:
    """The Filter the sidebar built on this run (default before the sidebar runs)."""
    return st.session_state.get("filter", Filter())


def notices() -> list[str]:
    return st.session_state.get("filter_notices", [])

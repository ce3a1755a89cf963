"""The one store per server, cached answers, and the current Filter.

``get_store()`` is an ``st.cache_resource``: one ``Store`` for the server (its
``transaction()`` is the only writer; each read takes its own cursor). Answers
are cached with ``st.cache_data`` keyed on the query, its arguments and the
store's data version, which the store bumps after every committed write and
which is read without a query. Only small answers are cached (bounded entries;
never the raw rows).

``answers()`` hands the pages' data functions (``dashboard.pagedata``) an
``Answers`` whose questions go through this cache.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from .. import config, queries
from ..filters import Filter, Vocabulary
from ..pagedata import Answers
from ..workspace import Store, open_workspace


@st.cache_resource(show_spinner="Opening the database…", max_entries=4)
def _store(path: str) -> Store:
    return open_workspace(path)


def get_store() -> Store:
    """The store at ``DASHBOARD_DB`` (one handle per file for the whole server)."""
    return _store(str(config.db_path()))


def data_version() -> str:
    """Changes whenever a write commits (imports, removals, hand entry, boundaries)."""
    store = get_store()
    return f"{store.path}|{store.version}"


def _run(name: str, *args, **kwargs) -> Any:
    con = get_store().cursor()
    try:
        return getattr(queries, name)(con, *args, **kwargs)
    finally:
        con.close()


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(name: str, version: str, filt: Filter, kwargs: tuple) -> object:
    return _run(name, filt, **dict(kwargs))


def ask(name: str, filt: Filter, **kwargs):
    """``queries.<name>(cursor, filt, **kwargs)``, cached on (filter, data version)."""
    return _cached(name, data_version(), filt, tuple(sorted(kwargs.items())))


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_store(name: str, version: str, args: tuple) -> object:
    return _run(name, *args)


def ask_store(name: str, *args):
    """``queries.<name>(cursor, *args)``: answers about the whole store (coverage,
    the provinces of a country, one incident's detail), cached on the data version."""
    return _cached_store(name, data_version(), args)


def read(name: str, filt: Filter):
    """``queries.<name>(cursor, filt)`` uncached: for downloads of a whole selection,
    which may be millions of rows and must never sit in the cache."""
    return _run(name, filt)


class _Cached(Answers):
    """The pages' answers through the cache above."""

    def ask(self, name: str, filt: Filter, **kwargs):
        return ask(name, filt, **kwargs)

    def ask_store(self, name: str, *args):
        return ask_store(name, *args)


def answers() -> Answers:
    return _Cached()


def vocabulary() -> Vocabulary:
    return ask_store("vocabulary")


def current_filter() -> Filter:
    """The Filter the sidebar built on this run (default before the sidebar runs)."""
    return st.session_state.get("filter", Filter())


def notices() -> list[str]:
    return st.session_state.get("filter_notices", [])

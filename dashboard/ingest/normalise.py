"""Names as datasets write them -> the store's canonical names."""

from __future__ import annotations

import re

import duckdb

_SPACE = re.compile(r"\s+")


def alias_key(name: str) -> str:
    """Lower-cased, whitespace-folded form used to match group names."""
    return _SPACE.sub(" ", str(name)).strip().lower()


def group_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """alias key -> group_id, including each group's own id and full name."""
    lookup = {alias_key(a): g for a, g in con.execute("SELECT alias, group_id FROM group_aliases").fetchall()}
    for group_id, name in con.execute("SELECT group_id, name FROM groups").fetchall():
        lookup.setdefault(alias_key(group_id), group_id)
        lookup.setdefault(alias_key(name), group_id)
    return lookup


def resolve_group(lookup: dict[str, str], name: str | None) -> str | None:
    """The canonical group_id for a name as written, or None when unknown."""
    if name is None or not str(name).strip():
        return None
    return lookup.get(alias_key(name))

"""Names as datasets write them -> the store's canonical names."""

from __future__ import annotations

import re
from typing import Callable

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


def resolver(con: duckdb.DuckDBPyConnection) -> Callable[[str], str | None]:
    """name as written -> group_id: the alias table, then an abbreviation the
    name carries ('TTP: …', '… (ISKP)') when it is a group's own id."""
    lookup = group_lookup(con)
    ids = {alias_key(g): g for g in set(lookup.values())}

    def resolve(name: str) -> str | None:
        found = resolve_group(lookup, name)
        if found:
            return found
        for pattern in (r"^([^:()]{2,15}):", r"\(([^()]{2,15})\)\s*$"):
            m = re.search(pattern, name)
            if m and alias_key(m.group(1)) in ids:
                return ids[alias_key(m.group(1))]
        return None

    return resolve

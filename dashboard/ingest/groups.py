"""Groups and the names they go by: the shipped files, the analyst's own aliases,
and statements whose name as written matches a group once an alias is added.

Every write goes through ``Store.transaction``.
"""

from __future__ import annotations

from collections import Counter

import csv
import re
from pathlib import Path

import pandas as pd

from .. import config
from ..store.db import Store
from ..store.derive import refresh_attribution, refresh_group_roots
from .normalise import alias_key, resolver

UNCERTAIN = re.compile(r"\band/or\b", re.I)
GROUP_COLUMNS = ["group_id", "name", "parent_id", "colour", "note", "family"]


class AliasError(ValueError):
    """What is wrong with an alias the analyst gave, in words for the form."""


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None})


def alias_files(folder: Path = config.DEFAULT_DATA) -> list[Path]:
    """The shipped alias file, then the analyst's own ``<data dir>/group_aliases.csv``."""
    return [folder / "group_aliases.csv", config.data_dir() / "group_aliases.csv"]


def group_frames(folder: Path = config.DEFAULT_DATA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(groups, aliases) as the files give them; a later alias of the same name wins."""
    groups = _read(folder / "groups.csv").reindex(columns=GROUP_COLUMNS)
    rows: dict[str, tuple[str, str, str]] = {}
    for path in alias_files(folder):
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for alias, group_id in zip(frame.get("alias", []), frame.get("group_id", [])):
            if alias.strip() and group_id.strip():
                rows[alias_key(alias)] = (alias_key(alias), alias.strip(), group_id.strip())
    aliases = pd.DataFrame(list(rows.values()), columns=["alias_key", "alias", "group_id"])
    return groups, aliases


def load_groups(store: Store, folder: Path = config.DEFAULT_DATA) -> bool:
    """Upsert groups and aliases from the files, in bulk and in one transaction;
    returns True when the store's groups or aliases changed (else writes nothing)."""
    groups, aliases = group_frames(folder)
    con = store.cursor()
    try:
        have_groups = con.execute(f"SELECT {', '.join(GROUP_COLUMNS)} FROM groups").df()
        have_aliases = con.execute("SELECT alias_key, alias, group_id FROM group_aliases").df()
    finally:
        con.close()
    if _tuples(groups) <= _tuples(have_groups) and _tuples(aliases) <= _tuples(have_aliases):
        return False  # every row of the files is stored as it is
    parents_before = _tuples(have_groups[["group_id", "parent_id"]])
    with store.transaction() as con:
        con.register("_groups_file", groups)
        con.register("_aliases_file", aliases)
        try:
            con.execute(f"""INSERT OR REPLACE INTO groups ({', '.join(GROUP_COLUMNS)})
                            SELECT {', '.join(GROUP_COLUMNS)} FROM _groups_file""")
            con.execute("""INSERT OR REPLACE INTO group_aliases (alias_key, alias, group_id)
                           SELECT alias_key, alias, group_id FROM _aliases_file""")
        finally:
            con.unregister("_groups_file")
            con.unregister("_aliases_file")
        refresh_group_roots(con)
        after = _tuples(con.execute("SELECT group_id, parent_id FROM groups").df())
        if after != parents_before:  # a faction moved: every incident's roll-up is recomputed
            refresh_attribution(con)
    return True


def _tuples(frame: pd.DataFrame) -> set[tuple]:
    return {tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)}


def resolve_unknown_names(store: Store) -> int:
    """Give a group to stored statements whose name as written now matches one
    (after aliases were added). Uncertain names ("X and/or Y") are left alone.
    Returns the number of statements updated (nothing is written when none)."""
    con = store.cursor()
    try:
        names = [r[0] for r in con.execute(
            "SELECT DISTINCT group_as_written FROM attribution_events "
            "WHERE group_id IS NULL AND group_as_written IS NOT NULL"
        ).fetchall()]
        resolve = resolver(con)
    finally:
        con.close()
    found = [(n, g) for n in names if not UNCERTAIN.search(n) for g in [resolve(n)] if g]
    if not found:
        return 0
    mapping = pd.DataFrame(found, columns=["name", "group_id"])
    with store.transaction() as con:
        con.register("_alias_map", mapping)
        try:
            con.execute(
                """CREATE OR REPLACE TEMP TABLE _alias_touched AS
                   SELECT DISTINCT e.incident_id FROM attribution_events e JOIN _alias_map m
                   ON e.group_as_written = m.name WHERE e.group_id IS NULL"""
            )
            n = con.execute(
                """UPDATE attribution_events SET group_id = m.group_id, updated_at = now()::TIMESTAMP
                   FROM _alias_map m
                   WHERE attribution_events.group_id IS NULL AND attribution_events.group_as_written = m.name"""
            ).fetchone()[0]
            con.execute("""UPDATE incidents SET updated_at = now()::TIMESTAMP
                           WHERE incident_id IN (SELECT incident_id FROM _alias_touched)""")
            refresh_attribution(con, "_alias_touched")
            con.execute("DROP TABLE _alias_touched")
        finally:
            con.unregister("_alias_map")
    return int(n)


def reload_aliases(store: Store) -> int:
    """Read the group alias files again (shipped, then the analyst's own), then
    resolve stored names that now match. Returns statements updated."""
    load_groups(store)
    return resolve_unknown_names(store)


def add_alias(store: Store, alias: str, group_id: str) -> int:
    """Append ``alias,group_id`` to the analyst's ``<data dir>/group_aliases.csv``
    and apply it. Returns the number of stored statements it resolved."""
    alias, group_id = str(alias or "").strip(), str(group_id or "").strip()
    if not alias:
        raise AliasError("give the name as written")
    if UNCERTAIN.search(alias):
        raise AliasError("an uncertain name ('X and/or Y') cannot stand for one group")
    con = store.cursor()
    try:
        known = con.execute("SELECT 1 FROM groups WHERE group_id = ?", [group_id]).fetchone()
    finally:
        con.close()
    if not known:
        raise AliasError(f"no group {group_id!r}")
    path = config.data_dir() / "group_aliases.csv"
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(["alias", "group_id"])
        writer.writerow([alias, group_id])
    return reload_aliases(store)


# --- actor rules: a dataset's name that means different groups in different places ----
RULE_COLUMNS = ["dataset", "country", "province", "actor", "group_id", "note"]


def actor_rules(folder: Path = config.DEFAULT_DATA) -> pd.DataFrame:
    """Rules that give a dataset's actor name its group by place: the shipped
    ``actor_rules.csv`` (documented, one note a rule), then the analyst's own
    ``<data dir>/actor_rules.csv``, whose rule for the same (dataset, country,
    province, actor) wins. ``province`` empty: the whole country."""
    frames = []
    for path in (folder / "actor_rules.csv", config.data_dir() / "actor_rules.csv"):
        if path.exists():
            frames.append(pd.read_csv(path, dtype=str, keep_default_na=False).reindex(columns=RULE_COLUMNS)
                          .fillna(""))
    if not frames:
        return pd.DataFrame(columns=RULE_COLUMNS)
    rules = pd.concat(frames, ignore_index=True)
    for col in RULE_COLUMNS:
        rules[col] = rules[col].astype(str).str.strip()
    rules = rules[(rules["dataset"] != "") & (rules["actor"] != "") & (rules["group_id"] != "")]
    rules["actor_key"] = rules["actor"].map(alias_key)
    return rules.drop_duplicates(["dataset", "country", "province", "actor_key"], keep="last").reset_index(drop=True)


def apply_actor_rules(dataset: str, names: pd.Series, country: pd.Series, province: pd.Series,
                      rules: pd.DataFrame) -> tuple[pd.Series, Counter]:
    """Per statement, the group a rule gives it (None where none applies), and how
    many statements each rule gave, by a sentence naming the rule. A province's rule
    comes before its country's."""
    out = pd.Series(None, index=names.index, dtype=object)
    used: Counter = Counter()
    mine = rules[rules["dataset"] == dataset]
    if mine.empty or names.empty:
        return out, used
    keys = names.astype(str).map(alias_key)
    for rule in sorted(mine.itertuples(index=False), key=lambda r: r.province == ""):
        hit = out.isna() & (keys == rule.actor_key) & (country == rule.country)
        if rule.province:
            hit &= province == rule.province
        if hit.any():
            out[hit] = rule.group_id
            where = rule.province or rule.country
            used[f"{dataset.upper()} \"{rule.actor}\" in {where} counts for {rule.group_id}"] += int(hit.sum())
    return out, used

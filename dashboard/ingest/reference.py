"""The embedded default dataset (``data/default/``), loaded on first run.

Loading is idempotent: a fingerprint of the files is kept in ``meta``; when the
files change (a new release of the dataset), the reference rows are replaced in
one transaction. Rows imported from other files are never touched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from .. import config
from .normalise import alias_key
from .places import place_incidents
from .write import write_batch

ORIGIN = "reference"
FILES = ("incidents.csv", "attribution_events.csv", "groups.csv", "group_aliases.csv", "milestones.csv")


def _read(name: str, folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False).replace({"": None})


def fingerprint(folder: Path = config.DEFAULT_DATA) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def load_groups(con: duckdb.DuckDBPyConnection, folder: Path = config.DEFAULT_DATA) -> None:
    """Upsert groups and aliases: the shipped file, then the analyst's own
    ``group_aliases.csv`` in the data directory (columns alias, group_id), if any."""
    groups = _read("groups.csv", folder)
    for row in groups.itertuples(index=False):
        con.execute(
            "INSERT OR REPLACE INTO groups VALUES (?, ?, ?, ?, ?)",
            [row.group_id, row.name, row.parent_id, row.colour, row.note],
        )
    alias_files = [folder / "group_aliases.csv", config.data_dir() / "group_aliases.csv"]
    for path in alias_files:
        if not path.exists():
            continue
        aliases = pd.read_csv(path, dtype=str, keep_default_na=False)
        for alias, group_id in zip(aliases["alias"], aliases["group_id"]):
            if alias.strip() and group_id.strip():
                con.execute(
                    "INSERT OR REPLACE INTO group_aliases VALUES (?, ?, ?)",
                    [alias_key(alias), alias.strip(), group_id.strip()],
                )


def reference_frames(folder: Path = config.DEFAULT_DATA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The default incidents and attribution events in the store's batch shape."""
    inc = _read("incidents.csv", folder)
    inc = inc.rename(columns={"incident_id": "origin_event_id"})
    inc["source_urls"] = [
        [u.strip() for u in (s or "").split(" | ") if u.strip()] for s in inc["source_urls"]
    ]
    for col in ("latitude", "longitude"):
        inc[col] = pd.to_numeric(inc[col], errors="coerce")
    for col in ("killed", "injured"):
        inc[col] = pd.to_numeric(inc[col], errors="coerce").astype("Int64")
    inc["date"] = pd.to_datetime(inc["date"]).dt.date
    inc = place_incidents(inc)
    ev = _read("attribution_events.csv", folder)
    ev = ev.rename(columns={"incident_id": "origin_event_id"})
    ev["seq"] = pd.to_numeric(ev["seq"]).astype(int)
    ev["statement_date"] = pd.to_datetime(ev["statement_date"], errors="coerce").dt.date
    return inc, ev


def ensure_default_data(con: duckdb.DuckDBPyConnection, folder: Path = config.DEFAULT_DATA) -> bool:
    """Load or refresh the default dataset; returns True when anything was written."""
    from ..store.derive import refresh_group_roots

    stamp = fingerprint(folder)
    # Groups and aliases are re-read on every open: the analyst's own alias file may
    # have grown since, and names that were unknown may now resolve.
    load_groups(con, folder)
    refresh_group_roots(con)
    row = con.execute("SELECT value FROM meta WHERE key = 'default_data'").fetchone()
    if row and row[0] == stamp:
        from .manual import resolve_unknown_names

        resolve_unknown_names(con)
        return False
    inc, ev = reference_frames(folder)
    old = con.execute("SELECT batch_id FROM import_batches WHERE origin = ?", [ORIGIN]).fetchall()
    if old:
        from .write import remove_batch

        for (batch_id,) in old:
            remove_batch(con, batch_id)
    write_batch(con, ORIGIN, inc, ev, file_name="data/default", sha256=stamp,
                batch_id=f"reference-{stamp[:12]}")
    milestones = _read("milestones.csv", folder)
    con.execute("DELETE FROM milestones")
    con.executemany(
        "INSERT INTO milestones VALUES (?, ?, ?, ?)",
        milestones[["date", "date_precision", "label", "source_url"]].values.tolist(),
    )
    con.execute("INSERT OR REPLACE INTO meta VALUES ('default_data', ?)", [stamp])
    return True

"""The embedded default dataset (``data/default/``), loaded on first run.

Loading is idempotent: a fingerprint of the files is kept in ``meta``; when the
files change (a new release of the dataset), the reference rows are replaced in
one transaction. Rows imported from other files, and statements an analyst
added by hand to reference incidents, are never touched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .. import config
from ..geo.places import place_incidents
from ..store.db import Store
from .groups import load_groups, resolve_unknown_names
from .write import remove_batch, write_batch

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


def ensure_default_data(store: Store, folder: Path = config.DEFAULT_DATA) -> bool:
    """Load or refresh the default dataset; returns True when its rows were (re)written."""
    stamp = fingerprint(folder)
    # Groups and aliases are re-read on every open: the analyst's own alias file may
    # have grown since, and names that were unknown may now resolve.
    load_groups(store, folder)
    con = store.cursor()
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'default_data'").fetchone()
        old = [b for (b,) in con.execute("SELECT batch_id FROM import_batches WHERE origin = ?", [ORIGIN]).fetchall()]
    finally:
        con.close()
    if row and row[0] == stamp:
        resolve_unknown_names(store)
        return False
    inc, ev = reference_frames(folder)
    milestones = _read("milestones.csv", folder)
    with store.transaction() as con:  # the old release out and the new one in, or neither
        for batch_id in old:
            remove_batch(store, batch_id)
        write_batch(store, ORIGIN, inc, ev, file_name="data/default", sha256=stamp,
                    batch_id=f"reference-{stamp[:12]}")
        con.execute("DELETE FROM milestones")
        con.executemany(
            "INSERT INTO milestones VALUES (?, ?, ?, ?)",
            milestones[["date", "date_precision", "label", "source_url"]].values.tolist(),
        )
        con.execute("INSERT OR REPLACE INTO meta VALUES ('default_data', ?)", [stamp])
    resolve_unknown_names(store)
    return True

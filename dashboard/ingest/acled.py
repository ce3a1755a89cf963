"""ACLED exports -> incidents, and "attributed" events for the militant actors.

- ``event_id_cnty`` -> origin_event_id; ``event_date`` in any of the export
  styles (``2023-07-30``, ``30 July 2023``, ``30-Jul-23``).
- ``time_precision`` 1/2/3 -> date precision day/week/month.
- ``geo_precision`` 1/2/3 -> location precision point/district/province;
  2 and 3 are flagged approximate.
- ``admin1`` -> province, ``admin2`` -> district, ``location`` -> place,
  ``fatalities`` -> killed, ``notes`` -> summary (claims in it are not parsed).
- ``source`` (ACLED gives outlet names, no URLs) -> ``attribution_note`` as
  "ACLED sources: …", so no text that is not a URL lands in ``source_urls``.
- ``actor1``, ``assoc_actor_1``, ``actor2``, ``assoc_actor_2`` -> one event each
  of kind "attributed", stated by "ACLED", for actors whose inter code is a
  rebel group or militia (2, 3, 4 or their names). State forces, civilians,
  rioters, protesters, external forces and "Unidentified Armed Group" are not
  militant groups and make no event. An uncertain actor such as
  ``Taliban and/or Islamic State Khorasan Province (ISKP)`` is kept as written
  with no group: it counts for neither.
"""

from __future__ import annotations

import pandas as pd

from .validate import first_text, none_if_blank, parse_dates, text

REQUIRED = ("event_id_cnty", "event_date", "country", "actor1")
SIGNATURE = ("event_id_cnty", "event_date", "actor1", "actor2", "inter1", "inter2", "admin1",
             "admin2", "geo_precision", "time_precision", "fatalities", "notes")
LABELS = {"origin_event_id": "event_id_cnty", "date": "event_date", "killed": "fatalities"}
STATED_BY = "ACLED"

DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d-%B-%Y",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "point", "2": "district", "3": "province"}
MILITANT_INTER = {"2", "3", "4", "rebel group", "rebel groups", "political militia",
                  "political militias", "identity militia", "identity militias"}
NOT_A_GROUP = (r"^(?:unidentified|military forces|police forces|government|civilians|rioters|"
               r"protesters|private security|prison guards|militia \(pro-government\))")
UNCERTAIN = r"\band/or\b"
ATTACK_TYPES = {
    "suicide bomb": "suicide bombing",
    "remote explosive/landmine/ied": "bombing/IED",
    "grenade": "bombing/IED",
    "armed clash": "armed assault",
    "attack": "armed assault",
    "abduction/forced disappearance": "kidnapping/hijacking",
}
SLOTS = (("actor1", "inter1"), ("assoc_actor_1", "inter1"), ("actor2", "inter2"), ("assoc_actor_2", "inter2"))


def _get(raw: pd.DataFrame, col: str) -> pd.Series:
    return text(raw[col]) if col in raw else pd.Series("", index=raw.index, dtype=object)


def _target_type(raw: pd.DataFrame) -> pd.Series:
    """Who was hit, from the second actor: civilians, police or security forces."""
    actor2, inter2 = _get(raw, "actor2").str.lower(), _get(raw, "inter2").str.lower()
    out = pd.Series(None, index=raw.index, dtype=object)
    out[actor2.str.startswith("police forces")] = "police"
    out[actor2.str.startswith("military forces")] = "security forces"
    out[(inter2 == "7") | (inter2 == "civilians")] = "civilians"
    return out


def map_rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of an ACLED file (text cells, index = row number) -> (incidents, events)."""
    geo = _get(raw, "geo_precision")
    sub = _get(raw, "sub_event_type")
    sources = _get(raw, "source")
    inc = pd.DataFrame({
        "origin_event_id": _get(raw, "event_id_cnty"),
        "date_raw": _get(raw, "event_date"),
        "date": parse_dates(_get(raw, "event_date"), DATE_FORMATS),
        "date_precision": _get(raw, "time_precision").map(TIME_PRECISION).fillna("day"),
        "country": _get(raw, "country"),
        "province": none_if_blank(_get(raw, "admin1")),
        "district": none_if_blank(_get(raw, "admin2")),
        "place": none_if_blank(first_text(_get(raw, "location"), _get(raw, "admin3"))),
        "latitude": _get(raw, "latitude"),
        "longitude": _get(raw, "longitude"),
        "location_precision": geo.map(GEO_PRECISION),
        "location_approximate": geo.isin(["2", "3"]),
        "attack_type": none_if_blank(sub.str.lower().map(ATTACK_TYPES).fillna(sub)),
        "target_type": _target_type(raw),
        "killed": _get(raw, "fatalities"),
        "summary": none_if_blank(_get(raw, "notes")),
        "source_urls": "",
        "attribution_note": ("ACLED sources: " + sources).where(sources != "", None),
    }, index=raw.index)
    return inc, actor_events(raw)


def actor_events(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per militant actor named in a row: _row, group_as_written, kind, ...

    ``resolve`` is False for uncertain names (never matched to a group)."""
    parts = []
    for order, (actor_col, inter_col) in enumerate(SLOTS):
        names = _get(raw, actor_col)
        inter = _get(raw, inter_col).str.lower()
        keep = (names != "") & inter.isin(MILITANT_INTER)
        if not keep.any():
            continue
        part = pd.DataFrame({"_row": raw.index[keep], "name": names[keep].to_numpy(), "slot": actor_col,
                             "order": order})
        if actor_col.startswith("assoc"):
            part["name"] = part["name"].str.split(";")
            part = part.explode("name")
            part["name"] = part["name"].str.strip()
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["_row", "group_as_written", "kind", "stated_by", "note", "resolve"])
    ev = pd.concat(parts, ignore_index=True)
    ev = ev[(ev["name"] != "") & ~ev["name"].str.lower().str.contains(NOT_A_GROUP, regex=True)]
    ev = ev.drop_duplicates(["_row", "name"]).sort_values(["_row", "order"], kind="stable")
    uncertain = ev["name"].str.contains(UNCERTAIN, case=False, regex=True)
    return pd.DataFrame({
        "_row": ev["_row"].to_numpy(),
        "group_as_written": ev["name"].to_numpy(),
        "kind": "attributed",
        "stated_by": STATED_BY,
        "note": ("ACLED " + ev["slot"]).where(~uncertain, "ACLED " + ev["slot"]
                                              + ": uncertain, names more than one possible actor").to_numpy(),
        "resolve": (~uncertain).to_numpy(),
    })

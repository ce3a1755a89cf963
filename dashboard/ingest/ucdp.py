"""UCDP Georeferenced Event Dataset (GED) -> incidents and "attributed" events.

- ``id`` -> origin_event_id; ``date_start`` (``2023-07-30 00:00:00.000``) -> date.
- ``date_prec`` 1 -> day, 2-3 -> week, 4 -> month, 5 -> year.
- ``where_prec`` 1 -> point; 2 (within ~25 km) -> point, approximate;
  3 and 5 -> district; 4 -> province; 6-7 -> country; all but 1 approximate.
- ``adm_1`` ("Kunar province") -> province, ``adm_2`` ("Bajaur district") ->
  district, ``where_description`` -> place.
- ``best``/``low``/``high`` -> killed/killed_low/killed_high.
- ``type_of_violence`` 3 (one-sided) -> target type "civilians"; the dyad and
  the type are kept in ``attribution_note``; ``source_article`` URLs ->
  ``source_urls``; ``source_headline`` -> summary.
- ``side_a`` and ``side_b`` -> one "attributed" event each, stated by
  "UCDP GED", except governments ("Government of Pakistan") and "Civilians".
  UCDP's ``Taleban`` is the Afghan Taliban.
"""

from __future__ import annotations

import pandas as pd

from .validate import first_text, none_if_blank, parse_dates, text

REQUIRED = ("id", "date_start", "country", "side_a", "side_b")
SIGNATURE = ("id", "side_a", "side_b", "date_start", "date_end", "where_prec", "date_prec",
             "best", "high", "low", "type_of_violence", "adm_1", "adm_2", "dyad_name")
LABELS = {"origin_event_id": "id", "date": "date_start", "killed": "best", "killed_low": "low",
          "killed_high": "high"}
STATED_BY = "UCDP GED"

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d %B %Y", "%d-%b-%y")
DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
WHERE_PRECISION = {"1": "point", "2": "point", "3": "district", "4": "province", "5": "district",
                   "6": "country", "7": "country"}
VIOLENCE = {"1": "state-based", "2": "non-state", "3": "one-sided"}
NOT_A_GROUP = r"^(?:government of|civilians$)"
URL = r"(https?://[^\s;|,]+)"


def _get(raw: pd.DataFrame, col: str) -> pd.Series:
    return text(raw[col]) if col in raw else pd.Series("", index=raw.index, dtype=object)


def map_rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of a GED file (text cells, index = row number) -> (incidents, events)."""
    where = _get(raw, "where_prec")
    violence = _get(raw, "type_of_violence")
    dyad = _get(raw, "dyad_name")
    urls = _get(raw, "source_article").str.findall(URL).str.join(" | ")
    note = "UCDP " + violence.map(VIOLENCE).fillna("violence") + ": " + dyad
    inc = pd.DataFrame({
        "origin_event_id": _get(raw, "id"),
        "date_raw": _get(raw, "date_start"),
        "date": parse_dates(_get(raw, "date_start"), DATE_FORMATS),
        "date_precision": _get(raw, "date_prec").map(DATE_PRECISION).fillna("day"),
        "country": _get(raw, "country"),
        "province": none_if_blank(_get(raw, "adm_1").str.replace(r"\s+province$", "", case=False, regex=True)),
        "district": none_if_blank(_get(raw, "adm_2")),
        "place": none_if_blank(first_text(_get(raw, "where_description"), _get(raw, "where_coordinates"))),
        "latitude": _get(raw, "latitude"),
        "longitude": _get(raw, "longitude"),
        "location_precision": where.map(WHERE_PRECISION),
        "location_approximate": where.isin(["2", "3", "4", "5", "6", "7"]),
        "attack_type": None,
        "target_type": pd.Series("civilians", index=raw.index).where(violence == "3", None),
        "killed": _get(raw, "best"),
        "killed_low": _get(raw, "low"),
        "killed_high": _get(raw, "high"),
        "summary": none_if_blank(_get(raw, "source_headline")),
        "source_urls": urls.fillna(""),
        "attribution_note": note.where(dyad != "", None),
    }, index=raw.index)
    return inc, side_events(raw)


def side_events(raw: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for order, col in enumerate(("side_a", "side_b")):
        names = _get(raw, col)
        keep = (names != "") & ~names.str.lower().str.contains(NOT_A_GROUP, regex=True)
        parts.append(pd.DataFrame({"_row": raw.index[keep], "group_as_written": names[keep].to_numpy(),
                                   "order": order, "note": f"UCDP {col}"}))
    ev = pd.concat(parts, ignore_index=True).drop_duplicates(["_row", "group_as_written"])
    ev = ev.sort_values(["_row", "order"], kind="stable").drop(columns="order")
    ev["kind"] = "attributed"
    ev["stated_by"] = STATED_BY
    ev["resolve"] = True
    return ev.reset_index(drop=True)

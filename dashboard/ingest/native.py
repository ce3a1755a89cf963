"""The analyst's own log: the native template (``data/templates/native_template.csv``).

One row per incident, columns named as in the store. Required: ``date`` and
``country``; everything else may be blank. ``event_id`` is the analyst's own
reference (e.g. ``LOG-2024-017``) and makes a re-import add nothing twice;
when blank, an id is made from the row's date, place, numbers and summary.

Dates: ``2023-07-30`` (also ``30 July 2023``, ``30-Jul-23``), ``2023-07``
(month precision) or ``2023`` (year precision); ``date_precision`` overrides.

Attribution: ``claimed_by``, ``denied_by`` and ``suspected`` hold group short
names or full names separated by ``;``. Each becomes an event, in the order
suspected, claimed, denied; ``claim_channel`` and ``claim_date`` go with the
claims, ``suspected_by`` (who suspected: "police", "ISPR") with the suspicions.
``source_url`` may hold several URLs separated by spaces or ``|``; the first is
also kept with each event.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from .validate import none_if_blank, other_links, parse_dates, text

TEMPLATE_COLUMNS = [
    "event_id", "date", "date_precision", "country", "province", "district", "place",
    "latitude", "longitude", "location_precision", "attack_type", "target_type",
    "killed", "killed_low", "killed_high", "killed_note", "injured", "summary", "source_url",
    "claimed_by", "claim_channel", "claim_date", "denied_by", "suspected", "suspected_by",
    "attribution_note",
]
REQUIRED = ("date", "country")
SIGNATURE = tuple(TEMPLATE_COLUMNS)
SYNONYMS = {"incident_id": "event_id", "origin_event_id": "event_id", "source_urls": "source_url"}
LABELS = {"origin_event_id": "event_id"}

DAY_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d %H:%M:%S",
               "%Y-%m-%dT%H:%M:%S")
URL = r"(https?://[^\s|]+)"


def _get(raw: pd.DataFrame, col: str) -> pd.Series:
    return text(raw[col]) if col in raw else pd.Series("", index=raw.index, dtype=object)


def with_synonyms(raw: pd.DataFrame) -> pd.DataFrame:
    """Accept the app's export column names (incident_id, source_urls) too: the
    first synonym present stands in for a missing template column."""
    renames, taken = {}, set(raw.columns)
    for name, target in SYNONYMS.items():
        if name in raw and target not in taken:
            renames[name] = target
            taken.add(target)
    return raw.rename(columns=renames) if renames else raw


def _dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(date, precision implied by the form: day, month for 2023-07, year for 2023)."""
    day = parse_dates(raw, DAY_FORMATS)
    month = parse_dates(raw.where(day.isna(), ""), ("%Y-%m",))
    year = parse_dates(raw.where(day.isna() & month.isna(), "").where(raw.str.fullmatch(r"\d{4}"), ""), ("%Y",))
    precision = pd.Series("day", index=raw.index, dtype=object)
    precision[month.notna()] = "month"
    precision[year.notna()] = "year"
    return day.fillna(month).fillna(year), precision


def map_rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of a native file (text cells, index = row number) -> (incidents, events)."""
    raw = with_synonyms(raw)
    date_raw = _get(raw, "date")
    date, implied = _dates(date_raw)
    given_prec = _get(raw, "date_precision").str.lower()
    loc_prec = _get(raw, "location_precision").str.lower()
    urls = _get(raw, "source_url").str.findall(URL)
    event_id = _get(raw, "event_id")
    inc = pd.DataFrame({
        "origin_event_id": event_id,
        "date_raw": date_raw,
        "date": date,
        "date_precision": given_prec.where(given_prec != "", implied),
        "country": _get(raw, "country"),
        "province": none_if_blank(_get(raw, "province")),
        "district": none_if_blank(_get(raw, "district")),
        "place": none_if_blank(_get(raw, "place")),
        "latitude": _get(raw, "latitude"),
        "longitude": _get(raw, "longitude"),
        "location_precision": loc_prec.where(loc_prec != "", None),
        "location_approximate": (loc_prec != "") & (loc_prec != "point"),
        "attack_type": none_if_blank(_get(raw, "attack_type")),
        "target_type": none_if_blank(_get(raw, "target_type")),
        "killed": _get(raw, "killed"),
        "killed_low": _get(raw, "killed_low"),
        "killed_high": _get(raw, "killed_high"),
        "killed_note": none_if_blank(_get(raw, "killed_note")),
        "injured": _get(raw, "injured"),
        "summary": none_if_blank(_get(raw, "summary")),
        "source_urls": urls.str.join(" | ").fillna(""),
        "attribution_note": none_if_blank(_get(raw, "attribution_note")),
    }, index=raw.index)
    blank_id = (event_id == "") & (date_raw != "")
    if blank_id.any():
        inc.loc[blank_id, "origin_event_id"] = auto_ids(inc.loc[blank_id])
        inc.loc[blank_id, "_legacy_id"] = legacy_auto_ids(inc.loc[blank_id])
    claim_raw = _get(raw, "claim_date")
    claim_date = parse_dates(claim_raw, DAY_FORMATS)
    bad_claim = (claim_raw != "") & claim_date.isna()
    inc["_reject"] = ("claim_date '" + claim_raw + "' is not a date").where(bad_claim, None)
    inc["_other_links"] = other_links(_get(raw, "source_url"))
    first_url = urls.str[0]
    return inc, group_events(raw, claim_date, first_url)


def group_events(raw: pd.DataFrame, claim_date: pd.Series, first_url: pd.Series) -> pd.DataFrame:
    parts = []
    spec = (("suspected", "suspected", "suspected_by", None),
            ("claimed_by", "claimed", None, "claim_channel"),
            ("denied_by", "denied", None, None))
    for order, (col, kind, by_col, channel_col) in enumerate(spec):
        names = _get(raw, col)
        has = names != ""
        if not has.any():
            continue
        part = pd.DataFrame({"_row": raw.index[has], "group_as_written": names[has].str.split(";").to_numpy(),
                             "order": order})
        part["kind"] = kind
        part["stated_by"] = _get(raw, by_col)[has].to_numpy() if by_col else None
        part["channel"] = _get(raw, channel_col)[has].to_numpy() if channel_col else None
        part["statement_date"] = claim_date[has].to_numpy() if kind == "claimed" else pd.NaT
        part["source_url"] = first_url[has].to_numpy()
        part = part.explode("group_as_written")
        part["group_as_written"] = part["group_as_written"].str.strip()
        part = part[part["group_as_written"] != ""]
        if kind in ("claimed", "denied"):
            part["stated_by"] = part["group_as_written"]
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["_row", "group_as_written", "kind", "resolve"])
    ev = pd.concat(parts, ignore_index=True).sort_values(["_row", "order"], kind="stable")
    ev = ev.drop(columns="order").reset_index(drop=True)
    for col in ("stated_by", "channel"):
        ev[col] = ev[col].where(ev[col].notna() & (ev[col] != ""), None)
    ev["note"] = "native template"
    ev["resolve"] = True
    return ev


AUTO_ID_FIELDS = ("date_raw", "country", "province", "district", "place", "latitude", "longitude",
                  "killed", "injured", "summary")


def auto_ids(rows: pd.DataFrame) -> pd.Series:
    """An id for rows the analyst left without ``event_id``: ``auto-`` and the first 16
    hex digits of the SHA-256 of the row's fields as written (trimmed, blanks as
    empty text, joined by a unit separator). The same row gets the same id in any
    file, on any machine and with any pandas version, so importing it again adds
    nothing."""
    text = rows.reindex(columns=list(AUTO_ID_FIELDS)).astype(object).where(rows.notna(), "")
    joined = text.apply(lambda r: "\x1f".join(str(v).strip() for v in r), axis=1)
    return "auto-" + joined.map(lambda t: hashlib.sha256(t.encode("utf-8")).hexdigest()[:16])


def legacy_auto_ids(rows: pd.DataFrame) -> pd.Series:
    """The ids the dashboard gave such rows before ``auto_ids`` (pandas' own hash of
    the same fields): a file imported then and again now is recognised by them
    (``pipeline._finish``), so it adds nothing twice."""
    keys = rows.reindex(columns=list(AUTO_ID_FIELDS)).astype(str)
    return "auto-" + pd.util.hash_pandas_object(keys, index=False).map("{:016x}".format)

"""Global Terrorism Database (GTD) -> incidents, "attributed"/"suspected" and
"claimed" events. GTD files are Latin-1 with CRLF line ends (detect.py reads them).

- ``eventid`` -> origin_event_id; ``iyear``/``imonth``/``iday`` -> date, where a
  day of 0 gives month precision and a month of 0 year precision (date on the 1st).
- ``country_txt`` -> country, ``provstate`` -> province, ``city`` -> place.
- ``specificity`` 1 -> point; 2-3 -> district; 4 -> province; 5 -> country;
  all but 1 approximate.
- ``nkill``/``nwound`` -> killed/injured (-99 and -9 mean unknown);
  ``summary``; ``attacktype1_txt`` -> attack type (suicide bombing when
  ``suicide`` is 1); ``targtype1_txt`` -> target type; URLs in ``scite1-3`` ->
  source_urls.
- ``gname``, ``gname2``, ``gname3`` -> "suspected" when ``guncertain1-3`` is 1,
  else "attributed", stated by "GTD"; "Unknown" is no group.
- ``claimed``/``claim2``/``claim3`` = 1 -> a "claimed" event for that group,
  channel ``claimmode_txt`` (…2, …3), unless the group is uncertain
  (``guncertainN`` = 1: then it stays a suspicion); ``compclaim`` = 1 noted as
  competing claims. Codes read as numbers: "1", " 1" and "1.0" are all 1.
"""

from __future__ import annotations

import pandas as pd

from .validate import none_if_blank, other_links, text

REQUIRED = ("eventid", "iyear", "imonth", "iday", "country_txt", "gname")
SIGNATURE = ("eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "specificity",
             "gname", "guncertain1", "claimed", "nkill", "nwound", "attacktype1_txt", "targtype1_txt")
LABELS = {"origin_event_id": "eventid", "date": "iyear/imonth/iday", "country": "country_txt",
          "killed": "nkill", "injured": "nwound"}
STATED_BY = "GTD"

SPECIFICITY = {"1": "point", "2": "district", "3": "district", "4": "province", "5": "country"}
ATTACK_TYPES = {
    "bombing/explosion": "bombing/IED",
    "armed assault": "armed assault",
    "assassination": "targeted killing",
    "hostage taking (kidnapping)": "kidnapping/hijacking",
    "hostage taking (barricade incident)": "kidnapping/hijacking",
    "hijacking": "kidnapping/hijacking",
}
TARGET_TYPES = {
    "military": "security forces",
    "police": "police",
    "private citizens & property": "civilians",
    "religious figures/institutions": "religious gathering/mosque",
    "government (general)": "government",
    "government (diplomatic)": "government",
    "educational institution": "education",
    "unknown": None,
}
UNKNOWN_NUMBER = ("-99", "-9", "-99.0", "-9.0")
URL = r"(https?://[^\s;|,]+)"


def _get(raw: pd.DataFrame, col: str) -> pd.Series:
    return text(raw[col]) if col in raw else pd.Series("", index=raw.index, dtype=object)


def _int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _flag(raw: pd.DataFrame, col: str) -> pd.Series:
    """A GTD yes/no code is 1: "1", " 1" and "1.0" (a CSV saved by a spreadsheet) alike."""
    return _int(_get(raw, col)).eq(1)


def _dates(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(date, precision, text as written) from iyear/imonth/iday."""
    y, m, d = _get(raw, "iyear"), _get(raw, "imonth"), _get(raw, "iday")
    yi, mi, di = _int(y), _int(m), _int(d)
    precision = pd.Series("day", index=raw.index, dtype=object)
    precision[di == 0] = "month"
    precision[mi == 0] = "year"
    mi, di = mi.where(mi != 0, 1), di.where((di != 0) & (_int(m) != 0), 1)
    ok = yi.notna() & mi.notna() & di.notna()
    parts = pd.DataFrame({"year": yi.where(ok, 2000), "month": mi.where(ok, 1), "day": di.where(ok, 1)})
    date = pd.to_datetime(parts, errors="coerce").astype("datetime64[s]").where(ok)
    written = (y + "-" + m + "-" + d).where((y != "") | (m != "") | (d != ""), "")
    return date, precision, written


def map_rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of a GTD file (text cells, index = row number) -> (incidents, events)."""
    date, precision, written = _dates(raw)
    spec = _get(raw, "specificity")
    attack = _get(raw, "attacktype1_txt")
    attack_type = attack.str.lower().map(ATTACK_TYPES).fillna(attack)
    attack_type = attack_type.where(~((attack_type == "bombing/IED") & _flag(raw, "suicide")),
                                    "suicide bombing")
    target = _get(raw, "targtype1_txt")
    target_key = target.str.lower()
    target_type = target_key.map(TARGET_TYPES).where(target_key.isin(TARGET_TYPES.keys()), target)
    urls = (_get(raw, "scite1") + " " + _get(raw, "scite2") + " " + _get(raw, "scite3"))
    inc = pd.DataFrame({
        "origin_event_id": _get(raw, "eventid"),
        "date_raw": written,
        "date": date,
        "date_precision": precision,
        "country": _get(raw, "country_txt"),
        "province": none_if_blank(_get(raw, "provstate")),
        "district": None,
        "place": none_if_blank(_get(raw, "city")),
        "latitude": _get(raw, "latitude"),
        "longitude": _get(raw, "longitude"),
        "location_precision": spec.map(SPECIFICITY),
        "location_approximate": spec.isin(["2", "3", "4", "5"]),
        "attack_type": none_if_blank(attack_type),
        "target_type": none_if_blank(target_type.fillna("")),
        "killed": _get(raw, "nkill").replace(dict.fromkeys(UNKNOWN_NUMBER, "")),
        "injured": _get(raw, "nwound").replace(dict.fromkeys(UNKNOWN_NUMBER, "")),
        "summary": none_if_blank(_get(raw, "summary")),
        "source_urls": urls.str.findall(URL).str.join(" | ").fillna(""),
        "attribution_note": None,
        "_other_links": other_links(urls.fillna("")),
    }, index=raw.index)
    return inc, group_events(raw)


def group_events(raw: pd.DataFrame) -> pd.DataFrame:
    """Perpetrator events (attributed/suspected), then claims, per row."""
    competing = _flag(raw, "compclaim")
    parts = []
    slots = (("gname", "guncertain1", "claimed", "claimmode_txt"),
             ("gname2", "guncertain2", "claim2", "claimmode2_txt"),
             ("gname3", "guncertain3", "claim3", "claimmode3_txt"))
    for order, (name_col, unc_col, claim_col, mode_col) in enumerate(slots):
        names = _get(raw, name_col)
        known = (names != "") & (names.str.lower() != "unknown")
        uncertain = _flag(raw, unc_col)
        parts.append(pd.DataFrame({
            "_row": raw.index[known], "group_as_written": names[known].to_numpy(),
            "kind": uncertain[known].map({True: "suspected", False: "attributed"}).to_numpy(),
            "stated_by": STATED_BY, "channel": None,
            "note": f"GTD {name_col}",
            "order": order,
        }))
        # An uncertain perpetrator is a suspicion, even with the claim flag set: never a claim.
        claimed = known & _flag(raw, claim_col) & ~uncertain
        note = pd.Series("claim recorded by GTD", index=raw.index).where(
            ~competing, "claim recorded by GTD; competing claims")
        parts.append(pd.DataFrame({
            "_row": raw.index[claimed], "group_as_written": names[claimed].to_numpy(), "kind": "claimed",
            "stated_by": names[claimed].to_numpy(),
            "channel": none_if_blank(_get(raw, mode_col))[claimed].to_numpy(),
            "note": note[claimed].to_numpy(), "order": 10 + order,
        }))
    ev = pd.concat(parts, ignore_index=True).sort_values(["_row", "order"], kind="stable")
    ev = ev.drop(columns="order").reset_index(drop=True)
    ev["resolve"] = True
    return ev

"""Write the importer-format test fixtures under ``tests/fixtures/``.

Usage (from the repository root)::

    python scripts/make_test_fixtures.py [--out tests/fixtures]

TEST DATA ONLY. Every row is composed from this project's own embedded dataset
(``data/default/incidents.csv`` and ``data/default/attribution_events.csv``,
group names from ``data/default/groups.csv``): the dates, places, coordinates,
killed and injured figures, summaries, source URLs and the groups named by our
attribution events are copied from it, then laid out in the column layouts of
three datasets analysts use. The rows are NOT records of ACLED, UCDP or GTD
(their licences forbid redistribution, and none were used): every event id is
made up in a test-only range (see below), and the coding choices that those
datasets would make (event types, violence types, claim modes, precision codes)
are derived mechanically from our own columns by the rules written out here.
Nothing is taken from ``../shared``.

Files written (the output is deterministic: running the script again gives
byte-identical files):

- ``acled_sample.csv``: ACLED export layout (31 columns, ISO dates, text inter
  codes), UTF-8, LF line ends. Incidents dated 2023-2024 whose leading group
  (see ``leading_group``) is TTP or ISKP, or that name no group ("Unidentified
  Armed Group"); plus R006, which our events leave between the Afghan Taliban
  and ISKP (both suspected, no claim), written as ACLED's uncertain actor
  ``Taliban and/or Islamic State Khorasan Province (ISKP)`` (must count for
  neither group); plus ONE SYNTHETIC row placed in New Delhi, India, with 0
  fatalities and a note saying it is a test row describing no event (the
  importer must skip it as outside Pakistan and Afghanistan).
- ``ucdp_ged_sample.csv``: UCDP GED layout (49 columns, dates as
  ``YYYY-MM-DD 00:00:00.000``), UTF-8, LF. Incidents dated 2022 whose leading
  group has a UCDP-style name here (``UCDP_NAMES``: ``TTP``, ``IS``, ``BLA``,
  ``BLF``).
- ``gtd_sample.csv``: GTD layout (135 columns), Latin-1 with CRLF line ends as
  GTD ships. Incidents dated 2024-2025, plus the three incidents our data dates
  only to the month (``iday`` 0). ``location`` repeats the embedded coordinates
  with a degree sign (byte 0xB0 in Latin-1), so the file is not valid UTF-8.

Made-up ids (test-only ranges; for ACLED and UCDP the last digits are the
embedded incident's number, e.g. R072 -> 0072; GTD rows name it in ``addnotes``):

- ACLED ``event_id_cnty``: ``<ISO3>99<nnnn>`` (``PAK990072``); the synthetic
  India row is ``IND990000``.
- UCDP ``id``: ``99<nnnnn>`` (``9900072``); conflict, dyad and actor ids 99xxx.
- GTD ``eventid``: ``YYYYMMDD99<nn>``, a counter per day (``202411199900``; day 00
  when the day is unknown).

Casualty figures: ``killed``/``injured`` as embedded (empty stays empty, never
made up). UCDP ``low``/``high`` differ from ``best`` only where the embedded
``killed_note`` itself gives another figure for the same victims (the table
``UCDP_LOW_HIGH`` quotes it); claims by perpetrators are never used.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "data" / "default"
DEFAULT_OUT = REPO_ROOT / "tests" / "fixtures"

# --- column layouts (header names of each dataset's public codebook) ---------------
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude",
    "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
]
GTD_COLUMNS = [
    "eventid", "iyear", "imonth", "iday", "approxdate", "extended", "resolution", "country",
    "country_txt", "region", "region_txt", "provstate", "city", "latitude", "longitude",
    "specificity", "vicinity", "location", "summary", "crit1", "crit2", "crit3", "doubtterr",
    "alternative", "alternative_txt", "multiple", "success", "suicide", "attacktype1",
    "attacktype1_txt", "attacktype2", "attacktype2_txt", "attacktype3", "attacktype3_txt",
    "targtype1", "targtype1_txt", "targsubtype1", "targsubtype1_txt", "corp1", "target1", "natlty1",
    "natlty1_txt", "targtype2", "targtype2_txt", "targsubtype2", "targsubtype2_txt", "corp2",
    "target2", "natlty2", "natlty2_txt", "targtype3", "targtype3_txt", "targsubtype3",
    "targsubtype3_txt", "corp3", "target3", "natlty3", "natlty3_txt", "gname", "gsubname", "gname2",
    "gsubname2", "gname3", "gsubname3", "motive", "guncertain1", "guncertain2", "guncertain3",
    "individual", "nperps", "nperpcap", "claimed", "claimmode", "claimmode_txt", "claim2",
    "claimmode2", "claimmode2_txt", "claim3", "claimmode3", "claimmode3_txt", "compclaim",
    "weaptype1", "weaptype1_txt", "weapsubtype1", "weapsubtype1_txt", "weaptype2", "weaptype2_txt",
    "weapsubtype2", "weapsubtype2_txt", "weaptype3", "weaptype3_txt", "weapsubtype3",
    "weapsubtype3_txt", "weaptype4", "weaptype4_txt", "weapsubtype4", "weapsubtype4_txt",
    "weapdetail", "nkill", "nkillus", "nkillter", "nwound", "nwoundus", "nwoundte", "property",
    "propextent", "propextent_txt", "propvalue", "propcomment", "ishostkid", "nhostkid",
    "nhostkidus", "nhours", "ndays", "divert", "kidhijcountry", "ransom", "ransomamt",
    "ransomamtus", "ransompaid", "ransompaidus", "ransomnote", "hostkidoutcome",
    "hostkidoutcome_txt", "nreleased", "addnotes", "scite1", "scite2", "scite3", "dbsource",
    "INT_LOG", "INT_IDEO", "INT_MISC", "INT_ANY", "related",
]
assert len(ACLED_COLUMNS) == 31 and len(UCDP_COLUMNS) == 49 and len(GTD_COLUMNS) == 135

COUNTRY = {  # name -> (ISO 3166 alpha-3, ISO numeric, Gleditsch-Ward number, GTD country code)
    "Pakistan": ("PAK", "586", "770", "153"),
    "Afghanistan": ("AFG", "4", "700", "4"),
}

# --- group names in each dataset's spelling (all are aliases in data/default/group_aliases.csv)
ACLED_NAMES = {"TTP": "TTP: Tehreek-i-Taliban Pakistan", "ISKP": "Islamic State Khorasan Province (ISKP)"}
ACLED_UNCERTAIN = {"R006": "Taliban and/or Islamic State Khorasan Province (ISKP)"}
UCDP_NAMES = {"TTP": "TTP", "ISKP": "IS", "ISPP": "IS", "IS": "IS", "BLA": "BLA", "BLF": "BLF"}
GTD_NAMES = {
    "TTP": "Tehrik-i-Taliban Pakistan (TTP)", "JuA": "Jamaat-ul-Ahrar", "TJP": "Tehreek-e-Jihad Pakistan",
    "ISKP": "Khorasan Chapter of the Islamic State", "ISPP": "Islamic State Pakistan Province (ISPP)",
    "IS": "Islamic State of Iraq and the Levant (ISIL)", "HGB": "Hafiz Gul Bahadur group",
    "JaF": "Jaish al-Fursan", "UaH": "Usud al-Harb", "BLA": "Balochistan Liberation Army (BLA)",
    "BLF": "Balochistan Liberation Front (BLF)", "LeI": "Lashkar-e-Islam", "LeK": "Lashkar-e-Khorasan",
    "TIF": "Tahafuz-e-Imarat-e-Islami Force (TIF)", "Taliban": "Taliban",
}

# UCDP low/high where the embedded killed_note gives another figure for the same
# victims (quoted); every other row has low = best = high = killed.
UCDP_LOW_HIGH = {
    "R026": (57, 63),   # "57 on the day per Dawn; 62-63 later"
    "R028": (12, 31),   # "initial Balkh health toll 12 killed/58 wounded; later reports at least 31 killed"
    "R030": (33, 60),   # "Taliban spokesman: 33 killed ...; local hospital claims up to 60 dead"
    "R035": (9, 10),    # "provincial spokesman initially said at least 9"
    "R039": (2, 8),     # "Kabul police: 2 killed ...; some outlets reported 8 killed"
    "R044": (5, 8),     # "police: 5 ...; AFP later cited 8"
    "R045": (19, 53),   # "Taliban police initially: 19 killed ...; other sources ... ~53 killed"
    "R047": (10, 35),   # "Taliban interior ministry: 10; hospital sources 16-19; Hasht-e Subh cited up to 35"
    "R054": (1, 2),     # "hospital sources cited 2 dead incl. a civilian"
}

CIVILIAN_TARGETS = {"civilians", "religious gathering/mosque", "education", "political party/gathering",
                    "foreign nationals", "other", "government", ""}


# --- reading the embedded data ---------------------------------------------------
def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(data: Path = DATA) -> tuple[list[dict], dict[str, list[dict]], dict[str, dict]]:
    incidents = read_csv(data / "incidents.csv")
    events: dict[str, list[dict]] = {}
    for ev in read_csv(data / "attribution_events.csv"):
        events.setdefault(ev["incident_id"], []).append(ev)
    for evs in events.values():
        evs.sort(key=lambda e: int(e["seq"]))
    groups = {g["group_id"]: g for g in read_csv(data / "groups.csv")}
    return incidents, events, groups


def standing(evs: list[dict]) -> list[tuple[str, bool]]:
    """Groups an incident's events name, in order: (group_id, claimed), where
    claimed means a claim the same group did not later deny or retract. Claimed
    groups first, then suspected ones; denied-only groups and events without a
    group are left out."""
    denied = {e["group_id"] for e in evs if e["kind"] == "denied" and e["group_id"]}
    claimed = [e["group_id"] for e in evs if e["kind"] == "claimed" and e["group_id"] not in denied
               and e["group_id"]]
    suspected = [e["group_id"] for e in evs if e["kind"] == "suspected" and e["group_id"]]
    out: list[tuple[str, bool]] = []
    for g in claimed:
        if g not in {x for x, _ in out}:
            out.append((g, True))
    for g in suspected:
        if g not in {x for x, _ in out}:
            out.append((g, False))
    return out


def leading_group(evs: list[dict]) -> tuple[str | None, bool]:
    """(group_id, claimed) of the first group in ``standing``; (None, False) when none."""
    s = standing(evs)
    return s[0] if s else (None, False)


def number(incident_id: str) -> int:
    return int(incident_id.lstrip("R"))


def urls(inc: dict) -> list[str]:
    return [u.strip() for u in inc["source_urls"].split("|") if u.strip()]


def domain(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def day(inc: dict) -> date:
    return date.fromisoformat(inc["date"])


# --- ACLED -----------------------------------------------------------------------
def acled_state_actor(kind: str, country: str, when: date) -> str:
    if country == "Afghanistan":
        period = "(2004-2021)" if when < date(2021, 8, 15) else "(2021-)"
    else:
        period = "(2018-2022)" if when < date(2022, 4, 11) else "(2022-)"
    return f"{kind} Forces of {country} {period}"


def acled_row(inc: dict, actor1: str, inter1: str) -> dict:
    country, when = inc["country"], day(inc)
    target = inc["target_type"]
    if target == "security forces":
        actor2, inter2 = acled_state_actor("Military", country, when), "State forces"
    elif target == "police":
        actor2, inter2 = acled_state_actor("Police", country, when), "State forces"
    else:
        actor2, inter2 = f"Civilians ({country})", "Civilians"
    civilian = inter2 == "Civilians"
    attack = inc["attack_type"]
    if attack == "suicide bombing":
        event_type, sub = "Explosions/Remote violence", "Suicide bomb"
    elif attack == "bombing/IED":
        event_type, sub = "Explosions/Remote violence", "Remote explosive/landmine/IED"
    elif civilian and attack == "kidnapping/hijacking":
        event_type, sub = "Violence against civilians", "Abduction/forced disappearance"
    elif civilian:
        event_type, sub = "Violence against civilians", "Attack"
    else:
        event_type, sub = "Battles", "Armed clash"
    has_point = bool(inc["latitude"] and inc["longitude"])
    links = urls(inc)
    return {
        "event_id_cnty": f"{COUNTRY[country][0]}99{number(inc['incident_id']):04d}",
        "event_date": inc["date"], "year": inc["date"][:4],
        "time_precision": {"day": "1", "month": "3"}[inc["date_precision"]],
        "disorder_type": "Political violence", "event_type": event_type, "sub_event_type": sub,
        "actor1": actor1, "assoc_actor_1": "", "inter1": inter1,
        "actor2": actor2, "assoc_actor_2": "", "inter2": inter2,
        "interaction": f"{inter1}-{inter2}", "civilian_targeting": "Civilian targeting" if civilian else "",
        "iso": COUNTRY[country][1], "region": "Southern Asia", "country": country,
        "admin1": inc["province"], "admin2": inc["district"], "admin3": "", "location": inc["place"],
        "latitude": inc["latitude"], "longitude": inc["longitude"],
        "geo_precision": "1" if has_point else ("2" if inc["district"] else "3"),
        "source": "; ".join(dict.fromkeys(domain(u) for u in links)), "source_scale": "National-International",
        "notes": inc["summary"], "fatalities": inc["killed"] or "0", "tags": "",
        "timestamp": str(int(datetime.combine(when + timedelta(days=7), datetime.min.time(),
                                              tzinfo=timezone.utc).timestamp())),
    }


ACLED_INDIA_ROW = {
    # SYNTHETIC: describes no event. A location in India (New Delhi), 0 fatalities,
    # and an actor name that is no real group: if the importer did not skip the row,
    # it would show up as an unknown group.
    "event_id_cnty": "IND990000", "event_date": "2023-06-15", "year": "2023", "time_precision": "1",
    "disorder_type": "Strategic developments", "event_type": "Strategic developments", "sub_event_type": "Other",
    "actor1": "Synthetic test actor (not a group)", "assoc_actor_1": "", "inter1": "Rebel group",
    "actor2": "", "assoc_actor_2": "", "inter2": "", "interaction": "Rebel group only", "civilian_targeting": "",
    "iso": "356", "region": "Southern Asia", "country": "India", "admin1": "Delhi", "admin2": "New Delhi",
    "admin3": "", "location": "New Delhi", "latitude": "28.6139", "longitude": "77.2090", "geo_precision": "1",
    "source": "", "source_scale": "",
    "notes": "SYNTHETIC TEST ROW, not an event: a location outside Pakistan and Afghanistan "
             "(New Delhi, India) that the importer must skip. Describes no incident; fatalities 0.",
    "fatalities": "0", "tags": "", "timestamp": "1687392000",
}


def acled_rows(incidents, events) -> list[dict]:
    rows = []
    for inc in incidents:
        iid = inc["incident_id"]
        if iid in ACLED_UNCERTAIN:
            rows.append(acled_row(inc, ACLED_UNCERTAIN[iid], "Political militia"))
            continue
        if inc["date"][:4] not in ("2023", "2024"):
            continue
        group, _ = leading_group(events.get(iid, []))
        if group in ACLED_NAMES:
            rows.append(acled_row(inc, ACLED_NAMES[group], "Rebel group"))
        elif group is None:
            rows.append(acled_row(inc, f"Unidentified Armed Group ({inc['country']})", "Political militia"))
    rows.append(ACLED_INDIA_ROW)
    return rows


# --- UCDP GED ----------------------------------------------------------------------
def ucdp_rows(incidents, events) -> list[dict]:
    rows, ids = [], {}

    def made_up(key: str) -> str:  # conflict, dyad and actor ids, 99xxx, in order of first use
        return ids.setdefault(key, str(99001 + len(ids)))

    for inc in incidents:
        if inc["date"][:4] != "2022":
            continue
        group, _ = leading_group(events.get(inc["incident_id"], []))
        if group not in UCDP_NAMES:
            continue
        name, country = UCDP_NAMES[group], inc["country"]
        iso, _, gw, _ = COUNTRY[country]
        one_sided = inc["target_type"] in CIVILIAN_TARGETS - {"government"}
        government = f"Government of {country}"
        side_a, side_b = (name, "Civilians") if one_sided else (government, name)
        violence = "3" if one_sided else "1"
        conflict = f"{name} - Civilians" if one_sided else f"{country}: Government"
        dyad = f"{side_a} - {side_b}"
        num = number(inc["incident_id"])
        event_id = f"99{num:05d}"
        best = int(inc["killed"])
        low, high = UCDP_LOW_HIGH.get(inc["incident_id"], (best, best))
        assert low <= best <= high, inc["incident_id"]
        has_point = bool(inc["latitude"] and inc["longitude"])
        start = day(inc)
        if inc["date_precision"] == "month":
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            date_prec = "4"
        else:
            end, date_prec = start, "1"
        links = urls(inc)
        rows.append({
            "id": event_id, "relid": f"{iso}-{start.year}-{violence}-{event_id}-1", "year": str(start.year),
            "active_year": "1", "code_status": "Clear", "type_of_violence": violence,
            "conflict_dset_id": made_up("conflict:" + conflict), "conflict_new_id": made_up("conflict:" + conflict),
            "conflict_name": conflict,
            "dyad_dset_id": made_up("dyad:" + dyad), "dyad_new_id": made_up("dyad:" + dyad), "dyad_name": dyad,
            "side_a_dset_id": made_up("actor:" + side_a), "side_a_new_id": made_up("actor:" + side_a),
            "side_a": side_a,
            "side_b_dset_id": made_up("actor:" + side_b), "side_b_new_id": made_up("actor:" + side_b),
            "side_b": side_b,
            "number_of_sources": str(len(links)), "source_article": ";".join(links), "source_office": "",
            "source_date": inc["date"], "source_headline": inc["summary"], "source_original": "",
            "where_prec": "1" if has_point else ("3" if inc["district"] else "4"),
            "where_coordinates": inc["place"], "where_description": inc["place"],
            "adm_1": f"{inc['province']} province", "adm_2": f"{inc['district']} district" if inc["district"] else "",
            "latitude": inc["latitude"], "longitude": inc["longitude"],
            "geom_wkt": f"POINT ({inc['longitude']} {inc['latitude']})" if has_point else "",
            "priogrid_gid": "", "country": country, "country_id": gw, "region": "Asia", "event_clarity": "1",
            "date_prec": date_prec, "date_start": f"{start.isoformat()} 00:00:00.000",
            "date_end": f"{end.isoformat()} 00:00:00.000",
            "deaths_a": "0", "deaths_b": "0",
            "deaths_civilians": str(best) if one_sided else "0", "deaths_unknown": "0" if one_sided else str(best),
            "best": str(best), "high": str(high), "low": str(low),
            "gwnoa": "" if one_sided else gw, "gwnob": "",
        })
    return rows


# --- GTD ---------------------------------------------------------------------------
GTD_ATTACK = {  # our attack_type -> (attacktype1, attacktype1_txt, weaptype1, weaptype1_txt)
    "suicide bombing": ("3", "Bombing/Explosion", "6", "Explosives"),
    "bombing/IED": ("3", "Bombing/Explosion", "6", "Explosives"),
    "armed assault": ("2", "Armed Assault", "5", "Firearms"),
    "ambush": ("2", "Armed Assault", "5", "Firearms"),
    "targeted killing": ("1", "Assassination", "5", "Firearms"),
    "kidnapping/hijacking": ("4", "Hijacking", "13", "Unknown"),
}
GTD_TARGET = {  # our target_type -> (targtype1, targtype1_txt)
    "security forces": ("4", "Military"), "police": ("3", "Police"),
    "civilians": ("14", "Private Citizens & Property"), "foreign nationals": ("14", "Private Citizens & Property"),
    "political party/gathering": ("14", "Private Citizens & Property"),
    "religious gathering/mosque": ("15", "Religious Figures/Institutions"),
    "government": ("2", "Government (General)"), "education": ("8", "Educational Institution"),
    "other": ("13", "Other"), "": ("20", "Unknown"),
}


def gtd_claim_mode(channel: str) -> tuple[str, str]:
    """(claimmode, claimmode_txt) read from our event's channel text."""
    text = channel.lower()
    if not text:
        return "10", "Unknown"
    if "email" in text or "e-mail" in text:
        return "4", "E-mail"
    if re.search(r"telegram|amaq|twitter|social media|online|website|channel|account|khilafat|zarb-e-momin", text):
        return "7", "Posted to website, blog, etc."
    if "video" in text:
        return "6", "Video"
    return "9", "Other"


def gtd_rows(incidents, events) -> list[dict]:
    rows, per_day = [], {}
    for inc in incidents:
        if not (inc["date"][:4] in ("2024", "2025") or inc["date_precision"] == "month"):
            continue
        iid, country = inc["incident_id"], inc["country"]
        evs = events.get(iid, [])
        when = day(inc)
        month_only = inc["date_precision"] == "month"
        iday = 0 if month_only else when.day
        stem = f"{when.year:04d}{when.month:02d}{iday:02d}"
        seq = per_day.setdefault(stem, 0)
        per_day[stem] = seq + 1
        row = dict.fromkeys(GTD_COLUMNS, "")
        code = COUNTRY[country][3]
        attack, attack_txt, weapon, weapon_txt = GTD_ATTACK[inc["attack_type"]]
        target, target_txt = GTD_TARGET[inc["target_type"]]
        has_point = bool(inc["latitude"] and inc["longitude"])
        links = urls(inc)
        written_day = "00" if month_only else f"{when.day:02d}"
        row.update({
            "eventid": f"{stem}99{seq:02d}", "iyear": str(when.year), "imonth": str(when.month), "iday": str(iday),
            "approxdate": when.strftime("%B %Y") if month_only else "", "extended": "0",
            "country": code, "country_txt": country, "region": "6", "region_txt": "South Asia",
            "provstate": inc["province"], "city": inc["place"], "latitude": inc["latitude"],
            "longitude": inc["longitude"],
            "specificity": "1" if has_point else ("3" if inc["district"] else "4"), "vicinity": "0",
            "location": (f"Coordinates {inc['latitude']}\u00b0 N, {inc['longitude']}\u00b0 E as given in the "
                         "embedded dataset") if has_point else "",
            "summary": f"{when.month:02d}/{written_day}/{when.year}: {inc['summary']}",
            "crit1": "1", "crit2": "1", "crit3": "1", "doubtterr": "0", "multiple": "0", "success": "1",
            "suicide": "1" if inc["attack_type"] == "suicide bombing" else "0",
            "attacktype1": attack, "attacktype1_txt": attack_txt, "targtype1": target, "targtype1_txt": target_txt,
            "natlty1": code, "natlty1_txt": country, "individual": "0", "nperps": "-99", "nperpcap": "-99",
            "weaptype1": weapon, "weaptype1_txt": weapon_txt,
            "nkill": inc["killed"], "nwound": inc["injured"], "property": "-9",
            "ishostkid": "1" if inc["attack_type"] == "kidnapping/hijacking" else "0",
            "nhostkid": "-99" if inc["attack_type"] == "kidnapping/hijacking" else "",
            "addnotes": f"Test fixture row composed from embedded incident {iid}; not a GTD record.",
            "scite1": links[0] if links else "", "scite2": links[1] if len(links) > 1 else "",
            "dbsource": "Test fixture (composed from the embedded dataset)",
            "INT_LOG": "-9", "INT_IDEO": "-9", "INT_MISC": "0", "INT_ANY": "-9",
        })
        named = standing(evs)[:3]
        if not named:
            row.update({"gname": "Unknown", "guncertain1": "0", "claimed": "0"})
        slots = (("gname", "guncertain1", "claimed", "claimmode", "claimmode_txt"),
                 ("gname2", "guncertain2", "claim2", "claimmode2", "claimmode2_txt"),
                 ("gname3", "guncertain3", "claim3", "claimmode3", "claimmode3_txt"))
        for (group, claimed), (g, unc, cl, mode, mode_txt) in zip(named, slots):
            row[g] = GTD_NAMES[group]
            row[unc] = "0" if claimed else "1"
            row[cl] = "1" if claimed else "0"
            if claimed:
                channel = next(e["channel"] for e in evs if e["kind"] == "claimed" and e["group_id"] == group)
                row[mode], row[mode_txt] = gtd_claim_mode(channel)
        row["compclaim"] = "1" if sum(c for _, c in named) > 1 else ("0" if named else "")
        rows.append(row)
    return rows


# --- writing ---------------------------------------------------------------------
def render(columns: list[str], rows: list[dict], line_end: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, lineterminator=line_end)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def build(data: Path = DATA) -> dict[str, bytes]:
    """File name -> bytes of every fixture."""
    incidents, events, groups = load(data)
    used = {g for evs in events.values() for g, _ in standing(evs)}
    missing = used - set(groups)
    if missing:
        raise SystemExit(f"attribution events name groups not in groups.csv: {sorted(missing)}")
    return {
        "acled_sample.csv": render(ACLED_COLUMNS, acled_rows(incidents, events), "\n").encode("utf-8"),
        "ucdp_ged_sample.csv": render(UCDP_COLUMNS, ucdp_rows(incidents, events), "\n").encode("utf-8"),
        "gtd_sample.csv": render(GTD_COLUMNS, gtd_rows(incidents, events), "\r\n").encode("latin-1"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (args.out / name).write_bytes(content)
        rows = content.count(b"\n") - 1
        print(f"wrote {args.out / name} ({rows} rows, {len(content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

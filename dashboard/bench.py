"""Benchmark: interaction latency, memory and import speed on a SYNTHETIC dataset.

``python -m dashboard bench --events N [--repeat K] [--db PATH]``

What it does, in order (each measured step runs in its own fresh Python process,
so the memory of one does not inflate the next, and the machine does one thing
at a time):

1. **import**: generates N clearly synthetic incidents (origin ``synthetic``,
   summaries starting "SYNTHETIC benchmark row", event ids ``S000000000`` ...,
   source URLs on ``example.invalid``) from a fixed seed, writes them as
   native-template CSV files (one per ``--batch-rows``) and imports each with the
   importers' pipeline (``dashboard.ingest.pipeline.ingest_info``, what
   ``python -m dashboard ingest`` runs) into a separate DuckDB file: a temporary
   file, deleted afterwards, unless ``--db`` is given; never the default store.
   Rows per second count the import only (reading, checking, placing, writing),
   not the generation of the files.
2. **app**: cold start (Python imports, open the store, vocabulary, the
   Overview page's data path), then every page's data path for a fixed list of
   filter changes: sidebar queries, every query the page calls, every figure it
   builds, serialised to JSON as ``st.plotly_chart`` does, and its tables
   serialised to Arrow as ``st.dataframe`` does. Uncached: the app's
   ``st.cache_data`` is keyed on the Filter, so a filter change is a miss.
3. **raw**: the same questions as hand-written DuckDB SQL, no app code, results
   fetched as Arrow: the lower bound.
4. **pandas**: the same questions the way typical Streamlit dashboards answer
   them: one DataFrame in memory (categorical columns), boolean masks and
   groupby, and the same figures built from the answers.
5. **downloads**: what pressing a download button on the Incidents page reads
   (``queries.export_rows``: every selected row). Measured apart and reported,
   not counted in the interaction figures.

The last line printed is
``RESULT events=N p95_ms=X pandas_p95_ms=Y duckdb_raw_p95_ms=Z rss_mb=M map_payload_kb=K import_rows_per_s=I``
where p95s are over every (page, filter, repeat) sample, ``rss_mb`` is the peak
resident memory of the app process (cold start and all interactions),
``map_payload_kb`` is the largest Map figure sent, in KiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ORIGIN = "synthetic"
SUMMARY_PREFIX = "SYNTHETIC benchmark row"
SYNTHETIC_URL = "https://example.invalid/synthetic-benchmark/"
DEFAULT_SEED = 20230730
BLOCK = 100_000  # rows per generation block: the dataset does not depend on --batch-rows
START, END = date(2016, 1, 1), date(2025, 12, 31)  # ten years

# --- the synthetic world ---------------------------------------------------------
# (country, province, district, lat, lon, weight). Coordinates are approximate
# district centres in EPSG:4326 degrees; points are scattered around them and kept
# inside the province polygon. Weights: Khyber Pakhtunkhwa heavily, then
# Balochistan and eastern Afghanistan, a thin rest.
PK, AF = "Pakistan", "Afghanistan"
KP, BAL = "Khyber Pakhtunkhwa", "Balochistan"
DISTRICTS = [
    (PK, KP, "North Waziristan", 32.98, 70.10, 9), (PK, KP, "Lower South Waziristan", 32.30, 69.57, 4),
    (PK, KP, "Upper South Waziristan", 32.45, 69.85, 4), (PK, KP, "Bajaur", 34.78, 71.50, 5),
    (PK, KP, "Khyber", 34.05, 71.10, 5), (PK, KP, "Peshawar", 34.01, 71.58, 5),
    (PK, KP, "Bannu", 32.99, 70.60, 5), (PK, KP, "Dera Ismail Khan", 31.83, 70.90, 5),
    (PK, KP, "Lakki Marwat", 32.60, 70.91, 4), (PK, KP, "Tank", 32.22, 70.38, 3),
    (PK, KP, "Kurram", 33.80, 70.15, 3), (PK, KP, "Orakzai", 33.70, 70.95, 2),
    (PK, KP, "Mohmand", 34.52, 71.35, 2), (PK, KP, "Kohat", 33.58, 71.44, 2),
    (PK, KP, "Hangu", 33.53, 71.06, 1.5), (PK, KP, "Karak", 33.12, 71.09, 1),
    (PK, KP, "Swat", 35.22, 72.43, 1.5), (PK, KP, "Lower Dir", 34.85, 71.90, 1.5),
    (PK, KP, "Upper Dir", 35.20, 71.88, 1), (PK, KP, "Charsadda", 34.15, 71.73, 1),
    (PK, KP, "Mardan", 34.20, 72.04, 0.8), (PK, KP, "Nowshera", 34.00, 71.98, 0.8),
    (PK, KP, "Lower Chitral", 35.85, 71.79, 0.5), (PK, KP, "Malakand", 34.56, 71.93, 0.5),
    (PK, KP, "Buner", 34.50, 72.50, 0.4), (PK, KP, "Shangla", 34.88, 72.75, 0.4),
    (PK, KP, "Upper Kohistan", 35.27, 73.10, 0.3), (PK, KP, "Swabi", 34.12, 72.47, 0.3),
    (PK, KP, "Mansehra", 34.33, 73.20, 0.2),
    (PK, BAL, "Quetta", 30.18, 67.00, 3), (PK, BAL, "Kech", 26.00, 63.05, 2),
    (PK, BAL, "Gwadar", 25.20, 62.40, 1.2), (PK, BAL, "Panjgur", 26.97, 64.10, 1),
    (PK, BAL, "Kachhi (Bolan)", 29.45, 67.60, 1), (PK, BAL, "Mastung", 29.80, 66.85, 1),
    (PK, BAL, "Zhob", 31.34, 69.45, 0.8), (PK, BAL, "Kalat", 29.03, 66.59, 0.6),
    (PK, BAL, "Noshki", 29.55, 66.02, 0.5), (PK, BAL, "Pishin", 30.58, 67.00, 0.5),
    (PK, BAL, "Khuzdar", 27.80, 66.61, 0.5), (PK, BAL, "Awaran", 26.45, 65.23, 0.4),
    (PK, BAL, "Dera Bugti", 29.03, 69.15, 0.4), (PK, BAL, "Qila Saifullah", 30.70, 68.35, 0.3),
    (PK, "Punjab", "Dera Ghazi Khan", 30.05, 70.63, 0.6), (PK, "Punjab", "Mianwali", 32.58, 71.54, 0.4),
    (PK, "Punjab", "Lahore", 31.55, 74.34, 0.4), (PK, "Punjab", "Rawalpindi", 33.60, 73.05, 0.3),
    (PK, "Punjab", "Khanewal", 30.30, 71.93, 0.2),
    (PK, "Sindh", "Karachi South", 24.86, 67.01, 0.6), (PK, "Sindh", "Karachi East", 24.90, 67.10, 0.4),
    (PK, "Sindh", "Hyderabad", 25.39, 68.37, 0.2), (PK, "Sindh", "Sukkur", 27.70, 68.85, 0.2),
    (PK, "Islamabad Capital Territory", "Islamabad", 33.70, 73.05, 0.4),
    (PK, "Gilgit-Baltistan", "Diamer", 35.42, 74.10, 0.2), (PK, "Gilgit-Baltistan", "Gilgit", 35.92, 74.31, 0.1),
    (PK, "Azad Jammu and Kashmir", "Muzaffarabad", 34.37, 73.47, 0.1),
    (AF, "Nangarhar", "Jalalabad", 34.43, 70.45, 3), (AF, "Nangarhar", "Achin", 34.13, 70.70, 1.5),
    (AF, "Nangarhar", "Khogyani", 34.25, 70.22, 1), (AF, "Nangarhar", "Spin Ghar", 34.20, 70.35, 0.8),
    (AF, "Kabul", "Kabul", 34.53, 69.17, 4), (AF, "Kabul", "Paghman", 34.59, 68.95, 0.4),
    (AF, "Kunar", "Asadabad", 34.87, 71.15, 1.5), (AF, "Kunar", "Chapa Dara", 34.96, 70.97, 0.6),
    (AF, "Khost", "Khost", 33.34, 69.92, 1), (AF, "Paktika", "Barmal", 32.75, 69.40, 0.6),
    (AF, "Paktika", "Sharana", 33.17, 68.73, 0.4), (AF, "Paktia", "Gardez", 33.60, 69.22, 0.5),
    (AF, "Kandahar", "Kandahar", 31.61, 65.71, 0.8), (AF, "Kandahar", "Spin Boldak", 31.01, 66.40, 0.4),
    (AF, "Helmand", "Lashkar Gah", 31.59, 64.37, 0.6), (AF, "Herat", "Herat", 34.35, 62.20, 0.5),
    (AF, "Balkh", "Mazar-i-Sharif", 36.71, 67.11, 0.6), (AF, "Kunduz", "Kunduz", 36.73, 68.86, 0.5),
    (AF, "Kunduz", "Imam Sahib", 37.18, 68.92, 0.2), (AF, "Badakhshan", "Faizabad", 37.12, 70.58, 0.3),
    (AF, "Baghlan", "Pul-i-Khumri", 35.94, 68.71, 0.3), (AF, "Baghlan", "Baghlan-e-Markazi", 36.13, 68.70, 0.2),
    (AF, "Ghazni", "Ghazni", 33.55, 68.42, 0.4), (AF, "Laghman", "Mihtarlam", 34.67, 70.21, 0.4),
    (AF, "Logar", "Pul-i-Alam", 33.99, 69.02, 0.3), (AF, "Zabul", "Qalat", 32.10, 66.90, 0.2),
    (AF, "Uruzgan", "Tarinkot", 32.63, 65.87, 0.2), (AF, "Farah", "Farah", 32.37, 62.12, 0.2),
    (AF, "Faryab", "Maymana", 35.92, 64.78, 0.2), (AF, "Takhar", "Taloqan", 36.73, 69.53, 0.2),
    (AF, "Samangan", "Aybak", 36.26, 68.02, 0.1), (AF, "Nuristan", "Parun", 35.42, 70.92, 0.2),
    (AF, "Bamyan", "Bamyan", 34.82, 67.83, 0.1), (AF, "Daykundi", "Nili", 33.72, 66.13, 0.1),
]
# Who is blamed, by region (group ids from data/default/groups.csv; factions included).
GROUP_WEIGHTS = {
    "kp": {"TTP": 40, "JuA": 8, "TJP": 4, "HGB": 8, "JaF": 3, "UaH": 2, "ISKP": 14, "LeI": 3,
           "IS": 2, "ISPP": 3, "LeK": 1, "TIF": 1, "IMP": 1},
    "bal": {"BLA": 40, "BLF": 20, "BNA": 5, "TTP": 12, "ISPP": 6, "ISKP": 5, "TJP": 3, "IS": 2,
            "BRAS": 2, "UBA": 2, "BRA": 2},
    "opk": {"TTP": 35, "ISPP": 10, "BLA": 15, "SRA": 10, "ISKP": 10, "JuA": 10, "TJP": 10},
    "af": {"ISKP": 75, "IS": 5, "Taliban": 10, "TTP": 6, "HGB": 2, "ISPP": 2},
}
ATTACKS = {"armed assault": 34, "bombing/IED": 28, "targeted killing": 14, "ambush": 8,
           "suicide bombing": 6, "kidnapping/hijacking": 4, "rocket/mortar fire": 3, "grenade attack": 3}
TARGETS = {"security forces": 36, "police": 22, "civilians": 18, "government": 6,
           "religious gathering/mosque": 5, "political party/gathering": 3, "education": 3,
           "foreign nationals": 2, "other": 5}
YEAR_WEIGHTS = {"pk": [1.0, 0.8, 0.6, 0.5, 0.6, 0.9, 1.3, 1.7, 2.0, 2.2],
                "af": [1.6, 1.7, 1.8, 1.6, 1.5, 1.2, 0.7, 0.5, 0.4, 0.3]}
# Attribution scenario per incident (most incidents are unclaimed; claimed share ~16.5%).
SCENARIOS = {
    "none": 0.61, "suspected": 0.13, "suspected_denied": 0.03, "attributed": 0.035,
    "attributed_two": 0.01, "claimed": 0.13, "claimed_two": 0.015, "claimed_retracted": 0.008,
    "suspected_then_other_claims": 0.02, "unknown_name": 0.012,
}
CLAIM_CHANNELS = ["Telegram statement", "Amaq News Agency", "spokesman statement to media",
                  "X post", "Umar Media"]
OFFICIALS_PK = ["ISPR", "police", "CTD", "provincial government"]
OFFICIALS_AF = ["Taliban spokesman", "Kabul police", "provincial officials"]
UNKNOWN_NAMES = ["unidentified militants", "inimical forces", "external elements"]


def parse_count(text: str) -> int:
    """'100k', '1M', '10m', '10_000' -> int."""
    t = str(text).strip().lower().replace("_", "").replace(",", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    if mult != 1:
        t = t[:-1]
    value = int(float(t) * mult)
    if value < 1:
        raise argparse.ArgumentTypeError("the number of events must be at least 1")
    return value


# --- generation --------------------------------------------------------------------
class World:
    """Lookup tables for generation: districts with point pools inside their province,
    group weights per region, group aliases (as written) and roots."""

    def __init__(self, seed: int):
        import pandas as pd
        import shapely

        from . import config
        from .geo.provinces import load_provinces

        rng = np.random.default_rng([seed, 0])
        d = pd.DataFrame(DISTRICTS, columns=["country", "province", "district", "lat", "lon", "w"])
        self.country = d["country"].to_numpy(object)
        self.province = d["province"].to_numpy(object)
        self.district = d["district"].to_numpy(object)
        self.weights = (d["w"] / d["w"].sum()).to_numpy()
        self.region = np.array([
            "af" if c == AF else "kp" if p == KP else "bal" if p == BAL else "opk"
            for c, p in zip(d["country"], d["province"])
        ], dtype=object)
        polys = load_provinces().set_index(["country", "province"]).geometry
        pool = 256
        self.pool_lat = np.zeros((len(d), pool))
        self.pool_lon = np.zeros((len(d), pool))
        for k, row in enumerate(d.itertuples(index=False)):
            poly = polys[(row.country, row.province)]
            got_lat, got_lon = np.empty(0), np.empty(0)
            sigma = 0.12
            for _ in range(40):
                lat = rng.normal(row.lat, sigma, 2000)
                lon = rng.normal(row.lon, sigma, 2000)
                ok = shapely.contains_xy(poly, lon, lat)
                got_lat, got_lon = np.r_[got_lat, lat[ok]], np.r_[got_lon, lon[ok]]
                if len(got_lat) >= pool:
                    break
                sigma *= 1.5  # the centre is near a border (or outside): widen
            if len(got_lat) < pool:  # fall back to anywhere in the province
                minx, miny, maxx, maxy = poly.bounds
                while len(got_lat) < pool:
                    lat, lon = rng.uniform(miny, maxy, 5000), rng.uniform(minx, maxx, 5000)
                    ok = shapely.contains_xy(poly, lon, lat)
                    got_lat, got_lon = np.r_[got_lat, lat[ok]], np.r_[got_lon, lon[ok]]
            self.pool_lat[k], self.pool_lon[k] = got_lat[:pool], got_lon[:pool]

        groups = pd.read_csv(config.DEFAULT_DATA / "groups.csv", dtype=str, keep_default_na=False)
        parents = dict(zip(groups["group_id"], groups["parent_id"]))
        self.root = {}
        for g in parents:
            r = g
            while parents.get(r):
                r = parents[r]
            self.root[g] = r
        aliases = pd.read_csv(config.DEFAULT_DATA / "group_aliases.csv", dtype=str, keep_default_na=False)
        self.aliases = {g: list(a["alias"]) for g, a in aliases.groupby("group_id")}
        for g, region in GROUP_WEIGHTS.items():
            for name in region:
                if name not in parents:
                    raise ValueError(f"bench: group {name!r} is not in data/default/groups.csv")
        # spellings as datasets write them (';' separates names in the native template)
        self.aliases = {g: [a for a in names if ";" not in a] or [g] for g, names in self.aliases.items()}

    def written(self, groups: np.ndarray, rng) -> np.ndarray:
        """A spelling of each group id, as some dataset writes it."""
        out = np.empty(len(groups), dtype=object)
        pick = rng.random(len(groups))
        for g in np.unique(groups.astype(str)):
            sel = groups == g
            spellings = np.array(self.aliases.get(g, [g]), dtype=object)
            out[sel] = spellings[(pick[sel] * len(spellings)).astype(int)]
        return out


def _choice(rng, options: dict, n: int) -> np.ndarray:
    keys = np.array(list(options), dtype=object)
    p = np.array(list(options.values()), dtype=float)
    return keys[rng.choice(len(keys), n, p=p / p.sum())]


def generate_block(world: World, block: int, size: int, seed: int):
    """One block of synthetic incidents as native-template rows (text cells).

    Deterministic in (seed, block, size). Event ids run ``S000000000``, ``S000000001`` ...
    Incidents with an approximate location have no coordinates and a
    ``location_precision`` of ``province``: the import places them in their province.
    """
    import pandas as pd

    rng = np.random.default_rng([seed, 1, block])
    n = size
    ids = np.char.add("S", np.char.zfill(np.arange(block * BLOCK, block * BLOCK + n).astype("U9"), 9))

    k = rng.choice(len(world.weights), n, p=world.weights)
    region = world.region[k]
    country = world.country[k]
    is_af = country == AF

    # dates: a year by region trend, a day within it
    years = np.arange(START.year, END.year + 1)
    yr = np.where(
        is_af,
        rng.choice(years, n, p=np.array(YEAR_WEIGHTS["af"]) / sum(YEAR_WEIGHTS["af"])),
        rng.choice(years, n, p=np.array(YEAR_WEIGHTS["pk"]) / sum(YEAR_WEIGHTS["pk"])),
    )
    jan1 = (yr - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    days_in_year = np.where((yr % 4 == 0), 366, 365)
    d = jan1 + (rng.random(n) * days_in_year).astype("timedelta64[D]")
    u = rng.random(n)
    precision = np.where(u < 0.93, "day", np.where(u < 0.95, "week", np.where(u < 0.995, "month", "year"))).astype(object)
    d = np.where(precision == "month", d.astype("datetime64[M]").astype("datetime64[D]"), d)
    d = np.where(precision == "year", d.astype("datetime64[Y]").astype("datetime64[D]"), d)

    # place
    j = rng.integers(0, world.pool_lat.shape[1], n)
    lat = world.pool_lat[k, j] + rng.normal(0, 0.004, n)
    lon = world.pool_lon[k, j] + rng.normal(0, 0.004, n)
    approx = rng.random(n) < 0.07
    lat, lon = lat.round(4), lon.round(4)
    district = world.district[k].copy()
    district[approx & (rng.random(n) < 0.5)] = None
    site = rng.integers(1, 80, n)

    attack = _choice(rng, ATTACKS, n)
    target = _choice(rng, TARGETS, n)
    # killed: skewed; a third none, a long tail; suicide bombings deadlier; some unknown
    killed = np.floor(rng.lognormal(0.7, 1.1, n)).astype(np.int64) + 1
    killed = np.where(attack == "suicide bombing", np.floor(killed * 2.5 + rng.integers(0, 5, n)), killed)
    killed = np.where(rng.random(n) < 0.35, 0, np.minimum(killed, 400)).astype(np.int64)
    injured = np.where(rng.random(n) < 0.45, 0, np.floor(rng.lognormal(1.0, 1.2, n))).astype(np.int64)
    injured = np.where(attack == "suicide bombing", injured * 3, injured)

    # attribution, in the native template's words: who was suspected (and by whom),
    # who claimed (channel, date), who denied. Names are written as datasets write them.
    names = list(SCENARIOS)
    p = np.array(list(SCENARIOS.values()))
    sc = np.array(names, dtype=object)[rng.choice(len(names), n, p=p / p.sum())]
    g1 = np.empty(n, dtype=object)
    g2 = np.empty(n, dtype=object)
    for reg, weights in GROUP_WEIGHTS.items():
        m = region == reg
        g1[m] = _choice(rng, weights, int(m.sum()))
        g2[m] = _choice(rng, weights, int(m.sum()))
    same = g1 == g2
    g2[same] = np.where(g1[same] == "LeK", "TTP", "LeK")
    root1 = np.array([world.root[g] for g in g1], dtype=object)
    other = np.where(root1 == "ISKP", "TTP", "ISKP").astype(object)  # the surprise claimant
    w1, w2, wo = world.written(g1, rng), world.written(g2, rng), world.written(other, rng)

    def pick(cond: dict) -> np.ndarray:
        out = np.full(n, "", dtype=object)
        for scenario, value in cond.items():
            m = sc == scenario
            out[m] = value[m] if isinstance(value, np.ndarray) else value
        return out

    both = np.char.add(np.char.add(w1.astype(str), "; "), w2.astype(str)).astype(object)
    unknown = np.array(UNKNOWN_NAMES, dtype=object)[rng.integers(0, len(UNKNOWN_NAMES), n)]
    suspected = pick({"suspected": w1, "suspected_denied": w1, "attributed": w1, "attributed_two": both,
                      "suspected_then_other_claims": w1, "unknown_name": unknown})
    officials = np.where(is_af, np.array(OFFICIALS_AF, dtype=object)[rng.integers(0, 3, n)],
                         np.array(OFFICIALS_PK, dtype=object)[rng.integers(0, 4, n)])
    suspected_by = np.where(np.isin(sc, ["attributed", "attributed_two"]), "dataset attribution (synthetic)",
                            np.where(suspected != "", officials, "")).astype(object)
    claimed_by = pick({"claimed": w1, "claimed_two": both, "claimed_retracted": w1,
                       "suspected_then_other_claims": wo})
    denied_by = pick({"suspected_denied": w1, "claimed_retracted": w1})
    has_claim = claimed_by != ""
    channel = np.where(has_claim, np.array(CLAIM_CHANNELS, dtype=object)[rng.integers(0, 5, n)], "")
    claim_date = d + (rng.geometric(0.45, n) - 1).astype("timedelta64[D]")
    claim_known = has_claim & (rng.random(n) >= 0.3)
    note = np.where(has_claim, "Claimed by: " + claimed_by.astype(str),
                    np.where(suspected != "", "Suspected by officials: " + suspected.astype(str), "")).astype(object)

    killed_s = killed.astype(str).astype(object)
    killed_s[rng.random(n) < 0.04] = ""  # unknown toll
    injured_s = injured.astype(str).astype(object)
    injured_s[rng.random(n) < 0.08] = ""
    where = np.where(district == None, world.province[k], district)  # noqa: E711
    return pd.DataFrame({
        "event_id": ids,
        "date": np.datetime_as_string(d, unit="D"),
        "date_precision": precision,
        "country": country,
        "province": world.province[k],
        "district": np.where(district == None, "", district),  # noqa: E711
        "place": np.char.add(np.char.add("Synthetic site ", site.astype(str)), np.char.add(", ", where.astype(str))),
        "latitude": np.where(approx, "", lat.astype(str)),
        "longitude": np.where(approx, "", lon.astype(str)),
        "location_precision": np.where(approx, "province", "point"),
        "attack_type": attack,
        "target_type": target,
        "killed": killed_s,
        "killed_low": "",
        "killed_high": "",
        "killed_note": "",
        "injured": injured_s,
        "summary": np.char.add(np.char.add(np.char.add(f"{SUMMARY_PREFIX}: ", attack.astype(str)),
                                           np.char.add(" against ", target.astype(str))),
                               np.char.add(" in ", np.char.add(where.astype(str), "."))),
        "source_url": np.char.add(SYNTHETIC_URL, ids),
        "claimed_by": claimed_by,
        "claim_channel": channel,
        "claim_date": np.where(claim_known, np.datetime_as_string(claim_date, unit="D"), ""),
        "denied_by": denied_by,
        "suspected": suspected,
        "suspected_by": suspected_by,
        "attribution_note": note,
    })


def blocks(n: int):
    """(block index, size) covering n rows."""
    for b in range((n + BLOCK - 1) // BLOCK):
        yield b, min(BLOCK, n - b * BLOCK)


def native_files(folder: Path, n: int, seed: int, rows_per_file: int):
    """Write N synthetic incidents as native-template CSV files of ``rows_per_file``
    rows each (one import batch per file), lazily: yields (path, seconds spent
    generating and writing it) one file at a time, so only one sits on disk."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    t = time.perf_counter()
    world = World(seed)
    writer, path, in_file, count = None, None, 0, 0
    for b, size in blocks(n):
        frame = generate_block(world, b, size, seed)
        table = pa.Table.from_pandas(frame, preserve_index=False).cast(
            pa.schema([(c, pa.string()) for c in frame.columns]))
        start = 0
        while start < len(frame):
            if writer is None:
                count += 1
                path = folder / f"SYNTHETIC-benchmark-{count:03d}.csv"
                writer = pacsv.CSVWriter(str(path), table.schema)
                in_file = 0
            take = min(rows_per_file - in_file, len(frame) - start)
            writer.write_table(table.slice(start, take))
            start += take
            in_file += take
            if in_file >= rows_per_file:
                writer.close()
                writer = None
                yield path, time.perf_counter() - t
                t = time.perf_counter()
    if writer is not None:
        writer.close()
        yield path, time.perf_counter() - t


# --- import ------------------------------------------------------------------------
def import_dataset(db: str, n: int, seed: int, batch_rows: int, workdir: str) -> dict:
    """Generate N synthetic incidents as native-template files and import them with the
    importers' pipeline (what ``python -m dashboard ingest`` runs), one batch per file."""
    from .ingest import pipeline
    from .ingest.detect import sniff
    from .store import open_store

    folder = Path(workdir)
    folder.mkdir(parents=True, exist_ok=True)
    gen_s = 0.0
    t0 = time.perf_counter()
    store = open_store(db)  # schema, groups, aliases, milestones and the 141 reference rows
    con = store.cursor()
    t_open = time.perf_counter() - t0

    # Instrumentation only (this process): how the import time splits between the
    # pipeline's stages and the final atomic write.
    stage = {"place_incidents": 0.0, "write_tables": 0.0}

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                stage[name] += time.perf_counter() - t
        return wrapper

    pipeline.place_incidents = timed("place_incidents", pipeline.place_incidents)
    pipeline.write_tables = timed("write_tables", pipeline.write_tables)
    batches = []
    import_s = 0.0
    for path, seconds in native_files(folder, n, seed, batch_rows):
        gen_s += seconds
        t = time.perf_counter()
        info = sniff(path, "native")
        res = pipeline.ingest_info(con, info, origin=ORIGIN, file_name=path.name,
                                   rejected_dir=folder / "rejected")
        dt = time.perf_counter() - t
        import_s += dt
        batches.append({"file": path.name, "bytes": path.stat().st_size, "read": res.read,
                        "loaded": res.loaded, "rejected": res.rejected, "skipped": res.skipped,
                        "duplicates": res.duplicates, "unknown_groups": sum(res.unknown_groups.values()),
                        "seconds": dt})
        print(f"  {path.name}: {res.summary()} in {dt:.1f} s ({res.read / dt:,.0f} rows/s)", flush=True)
        path.unlink()
    t = time.perf_counter()
    con.execute("CHECKPOINT")
    checkpoint_s = time.perf_counter() - t
    counts = con.execute(
        "SELECT (SELECT count(*) FROM incidents WHERE origin = ?), (SELECT count(*) FROM incidents), "
        "(SELECT count(*) FROM attribution_events), (SELECT count(*) FROM incident_groups), "
        "(SELECT count(*) FILTER (WHERE claim_status = 'claimed') FROM incident_claims)",
        [ORIGIN],
    ).fetchone()
    con.execute("INSERT OR REPLACE INTO meta VALUES ('bench_dataset', ?)", [f"{n}:{seed}"])
    store.close()
    return {
        "path": "native-template CSV files -> dashboard.ingest.pipeline.ingest_info "
                "(the path of `python -m dashboard ingest`), one batch per file of %d rows" % batch_rows,
        "open_s": t_open, "generate_s": gen_s, "import_s": import_s, "stages": stage,
        "checkpoint_s": checkpoint_s, "rows": n, "batches": batches,
        "rejected": sum(b["rejected"] for b in batches), "skipped": sum(b["skipped"] for b in batches),
        "synthetic_incidents": counts[0], "incidents": counts[1], "events": counts[2],
        "incident_groups": counts[3], "claimed": counts[4],
        "rows_per_s": n / import_s if import_s else None,
        "db_bytes": os.path.getsize(db),
    }


# --- the filter changes ------------------------------------------------------------
def benchmark_filters(last: date) -> list[tuple[str, object]]:
    """A fixed list of realistic filter changes (relative to the data's last date)."""
    from .filters import Filter

    year = last.year - 1
    return [
        ("all incidents", Filter()),
        ("group TTP", Filter(groups=("TTP",))),
        ("ISKP, claimed only", Filter(groups=("ISKP",), basis="claimed")),
        ("province KP", Filter(provinces=("Khyber Pakhtunkhwa",))),
        ("KP + TTP, last 12 months", Filter(provinces=("Khyber Pakhtunkhwa",), groups=("TTP",),
                                             date_from=last - timedelta(days=364), date_to=last)),
        (f"year {year}", Filter(date_from=date(year, 1, 1), date_to=date(year, 12, 31))),
        ("last 90 days", Filter(date_from=last - timedelta(days=89), date_to=last)),
        ("claimed only", Filter(basis="claimed")),
        ("Afghanistan + ISKP", Filter(countries=("Afghanistan",), groups=("ISKP",))),
        ("text 'bajaur'", Filter(q="bajaur")),
        ("Bajaur, >= 5 killed", Filter(districts=("Bajaur",), min_killed=5)),
        (f"HGB in KP, {year}", Filter(groups=("HGB",), provinces=("Khyber Pakhtunkhwa",),
                                      date_from=date(year, 1, 1), date_to=date(year, 12, 31))),
        ("suicide bombings on security forces", Filter(attack_types=("suicide bombing",),
                                                       target_types=("security forces",))),
    ]


PAGES = ("overview", "map", "timeline", "claims", "incidents", "about")


# --- the app's data path, page by page (mirrors dashboard/views/*.py) ---------------
class Clock:
    """Accumulates time spent inside queries (the rest is figures and serialisation)."""

    def __init__(self):
        self.query_s = 0.0
        self.figure_bytes: dict[str, int] = {}
        self.table_bytes = 0

    def q(self, fn, *args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.query_s += time.perf_counter() - t

    def send(self, name: str, fig) -> None:
        """Serialise as ``st.plotly_chart`` does (plotly.io.to_json, validate=False)."""
        import plotly.io as pio

        self.figure_bytes[name] = len(pio.to_json(fig, validate=False).encode("utf-8"))

    def table(self, df) -> None:
        """Serialise as ``st.dataframe`` does (Arrow IPC)."""
        from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes

        self.table_bytes += len(convert_pandas_df_to_arrow_bytes(df))


def _readable(df):
    """What ``ui.widgets.incident_list`` sends: readable labels, the shown columns only."""
    import logging

    from streamlit import logger

    # ui.state's caches warn that no Streamlit server runs: true, and expected here.
    logger.get_logger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    from .ui.widgets import INCIDENT_COLUMNS, readable

    out = readable(df)
    return out[[c for c in INCIDENT_COLUMNS if c in out.columns]]


def app_sidebar(con, f, c: Clock) -> None:
    """What ``ui.sidebar.render`` asks on every run (the vocabulary and the province
    and district lists are cached per data version: they change only on import)."""
    from . import queries

    c.q(queries.data_range, con)


def app_overview(con, f, c: Clock) -> None:
    from . import figures, queries

    h = c.q(queries.headline, con, f)
    if h["incidents"] == 0:
        return
    c.table(_readable(c.q(queries.latest, con, f, limit=12)))
    c.q(queries.district_summary, con, f)  # widgets.area_level_choice: offer "district"?
    areas = c.q(queries.by_area, con, f, level="province")
    c.send("by_area", figures.area_bars(areas, "incidents", area="province"))


def app_map(con, f, c: Clock) -> None:
    from . import figures, queries
    from .geo import shapes

    if shapes.has_districts():  # the benchmark's data folder has no district boundaries
        raise RuntimeError("bench: district boundaries found in the benchmark's data folder")
    areas = c.q(queries.by_area, con, f, level="province")
    values = shapes.province_index().merge(areas, on=["country", "province"], how="left")
    values["value"] = values["incidents"].fillna(0)
    values["name"] = values["province"] + ", " + values["country"]
    points, aggregated = c.q(queries.map_points, con, f)
    colours = c.q(queries.group_colours, con)
    c.send("map", figures.incident_map(shapes.province_geojson(), values[["id", "name", "value"]], points,
                                       metric="incidents", aggregated=aggregated, colours=colours))
    c.q(queries.district_summary, con, f)  # the captions under the map


def app_timeline(con, f, c: Clock) -> None:
    from . import figures, queries

    data = c.q(queries.timeline, con, f, freq="month", by="group", rollup=True)
    data = figures.top_series(data, "incidents", keep=["TTP", "ISKP"])
    stones = c.q(queries.milestones, con, f)
    colours = c.q(queries.group_colours, con)
    c.send("timeline", figures.timeline(data, "incidents", "month", colours=colours, milestones=stones,
                                        title="Incidents per month, by group"))
    c.q(queries.district_summary, con, f)  # widgets.area_level_choice
    by_area = c.q(queries.timeline, con, f, freq="month", by="province")
    if not by_area.empty:
        c.send("by_area", figures.stacked_area_bars(by_area, "incidents", title="Incidents per month, by province"))


def app_claims(con, f, c: Clock) -> None:
    from . import figures, queries

    status = c.q(queries.claim_status_counts, con, f)
    if status["incidents"].sum() == 0:
        return
    by_group = c.q(queries.claims_by_group, con, f, rollup=True)
    c.send("claims_by_group", figures.claims_by_group(by_group, title="Per group"))
    c.send("claim_status", figures.claim_status(status, "incidents", title="Claimed or not"))
    mismatch = c.q(queries.claim_mismatches, con, f)
    if not mismatch.empty:
        c.table(mismatch)
    claims, delays = c.q(queries.claim_delays, con, f)
    colours = c.q(queries.group_colours, con)
    c.send("claim_delays", figures.claim_delays(claims, delays, colours=colours))
    if len(delays):
        c.table(delays[["group", "claims", "median", "max"]])


def app_incidents(con, f, c: Clock) -> None:
    from . import queries

    rows, total = c.q(queries.incidents_table, con, f, limit=500)
    if total == 0:
        return
    c.table(_readable(rows))
    # Its downloads (queries.export_rows) are built only when a button is pressed:
    # measured apart ("downloads" step), see the module docstring.


# Answers about the whole store (About's coverage and group tables): the app caches
# them per data version (ui.state.ask_store), so all three variants compute them once
# per process and every later interaction reads them back, as a rerun does.
_STORE_ANSWERS: dict = {}


def _once(key: str, fn):
    if key not in _STORE_ANSWERS:
        _STORE_ANSWERS[key] = fn()
    return _STORE_ANSWERS[key]


def app_about(con, f, c: Clock) -> None:
    from . import queries
    from .filters import Filter

    c.table(_once("app coverage", lambda: c.q(queries.coverage, con)))
    c.q(queries.data_range, con)
    c.table(_once("app groups", lambda: c.q(queries.groups_table, con)))
    c.table(c.q(queries.milestones, con, Filter()))


APP_PAGES = {"overview": app_overview, "map": app_map, "timeline": app_timeline,
             "claims": app_claims, "incidents": app_incidents, "about": app_about}


def app_page(con, page: str, f) -> Clock:
    c = Clock()
    app_sidebar(con, f, c)
    APP_PAGES[page](con, f, c)
    return c


# --- raw DuckDB: the same questions, hand-written SQL, Arrow results ----------------
def _raw_where(f) -> tuple[str, list]:
    """The selection as hand-written SQL (no Filter.where): what a DuckDB user would write."""
    w, p = ["TRUE"], []
    if f.date_from:
        w.append("date >= ?"); p.append(f.date_from)  # noqa: E702
    if f.date_to:
        w.append("date <= ?"); p.append(f.date_to)  # noqa: E702
    for col, values in (("country", f.countries), ("province", f.provinces), ("district", f.districts),
                        ("attack_type", f.attack_types), ("target_type", f.target_types)):
        if values:
            w.append(f"{col} IN ({', '.join('?' * len(values))})"); p.extend(values)  # noqa: E702
    if f.min_killed:
        w.append("killed >= ?"); p.append(f.min_killed)  # noqa: E702
    if f.q and " " in f.q:
        w.append("contains(lower(concat_ws(' ', place, district, summary, attribution_note, killed_note)), ?)")
        p.append(f.q.lower())
    elif f.q:
        cols = ("place", "district", "summary", "attribution_note", "killed_note")
        w.append("coalesce(" + " OR ".join(f"contains(lower({c}), ?)" for c in cols) + ", FALSE)")
        p.extend([f.q.lower()] * len(cols))
    flag = "claimed" if f.basis == "claimed" else "responsible"
    if f.groups:
        ph = ", ".join("?" * len(f.groups))
        w.append(f"incident_key IN (SELECT incident_key FROM incident_groups WHERE {flag} "
                 f"AND (group_id IN ({ph}) OR root_id IN ({ph})))")
        p.extend(f.groups); p.extend(f.groups)  # noqa: E702
    elif f.basis == "claimed":
        w.append("incident_key IN (SELECT incident_key FROM incident_groups WHERE claimed)")
    return " AND ".join(w), p


def raw_page(con, page: str, f) -> None:
    """The page's questions as plain SQL, results fetched as Arrow (no pandas, no figures)."""
    w, p = _raw_where(f)
    sel = f"(SELECT * FROM incidents WHERE {w})"

    def arrow(sql, params=()):
        return con.sql(sql, params=list(params)).to_arrow_table()

    def one(sql, params=()):
        return con.execute(sql, list(params)).fetchall()[0]

    def rows(table, where=w, params=p):
        """FROM a derived table for the selection: its own columns answer every filter
        but a text search, which needs the incidents' text (a semi join)."""
        if not f.q:
            return f"FROM {table} WHERE {where}", params
        return f"FROM {table} WHERE incident_key IN (SELECT incident_key FROM incidents WHERE {where})", params

    lo, hi = one("SELECT min(date), max(date) FROM incidents")
    groups_ph = ", ".join("?" * len(f.groups))
    gclause = f" AND (g.group_id IN ({groups_ph}) OR g.root_id IN ({groups_ph}))" if f.groups else ""
    gparams = list(f.groups) * 2
    flag = "claimed" if f.basis == "claimed" else "responsible"
    rclause = f" AND root_id IN ({groups_ph})" if f.groups else ""
    if page in ("overview", "map", "timeline"):  # district_summary
        one(f"SELECT count(*), count(district), count(*) FILTER (WHERE location_precision = 'district' "
            f"AND location_approximate) FROM {sel}", p)
    if page == "overview":
        if f.date_from:
            start, end = f.date_from, f.date_to or hi
            days = (end - start).days + 1
            w2, p2 = _raw_where(f.with_(date_from=start - timedelta(days=days)))
            src, sp = rows("incident_claims", w2, p2)
            n = one(f"""SELECT count(*) FILTER (WHERE date >= ?), sum(killed) FILTER (WHERE date >= ?),
                               sum(injured) FILTER (WHERE date >= ?),
                               count(*) FILTER (WHERE date >= ? AND claim_status = 'claimed'),
                               count(*) FILTER (WHERE date < ?), sum(killed) FILTER (WHERE date < ?),
                               sum(injured) FILTER (WHERE date < ?),
                               count(*) FILTER (WHERE date < ? AND claim_status = 'claimed')
                        {src}""", [start] * 8 + sp)[0]
        else:
            src, sp = rows("incident_claims")
            n = one(f"SELECT count(*), sum(killed), sum(injured), count(*) FILTER (WHERE claim_status = 'claimed') "
                    f"{src}", sp)[0]
        if not n:
            return
        arrow(f"SELECT s.*, c.* FROM (SELECT * FROM {sel} ORDER BY date DESC, killed DESC NULLS LAST LIMIT 12) s "
              "LEFT JOIN incident_claims c USING (incident_key) ORDER BY s.date DESC, s.killed DESC NULLS LAST", p)
        arrow(f"SELECT country, province, count(*), sum(killed), sum(injured) FROM {sel} "
              "WHERE province IS NOT NULL GROUP BY ALL ORDER BY 3 DESC", p)
    elif page == "map":
        arrow(f"SELECT country, province, count(*), sum(killed), sum(injured) FROM {sel} "
              "WHERE province IS NOT NULL GROUP BY ALL ORDER BY 3 DESC", p)
        grid = arrow(f"SELECT round(latitude * 4) / 4, round(longitude * 4) / 4, count(*) AS n, sum(killed) "
                     f"FROM {sel} WHERE latitude IS NOT NULL GROUP BY ALL", p)
        if sum(grid.column("n").to_pylist()) <= 3000:
            arrow(f"""SELECT s.incident_id, s.date, s.place, s.district, s.province, s.country, s.latitude,
                             s.longitude, s.killed, s.injured, s.attack_type, s.location_approximate,
                             c.claim_status, coalesce(c.claimed_by, c.attributed_to) AS groups,
                             r.root_id AS main_group
                      FROM {sel} s LEFT JOIN incident_claims c USING (incident_key)
                      LEFT JOIN group_roots r ON r.group_id = split_part(coalesce(c.claimed_by, c.attributed_to), ', ', 1)
                      WHERE s.latitude IS NOT NULL ORDER BY s.date""", p)
        arrow("SELECT group_id, colour FROM groups")
    elif page == "timeline":
        src, sp = rows("incident_roots")  # the benchmark's groups are all top-level groups
        arrow(f"""SELECT date_trunc('month', date) AS period, root_id, count(*), sum(killed), sum(injured)
                  {src} AND {flag} {rclause} GROUP BY ALL ORDER BY 1, 2""", sp + list(f.groups))
        arrow("SELECT * FROM milestones WHERE (? IS NULL OR date >= ?) AND (? IS NULL OR date <= ?)",
              [f.date_from, f.date_from, f.date_to, f.date_to])
        arrow("SELECT group_id, colour FROM groups")
        arrow(f"SELECT date_trunc('month', date), coalesce(province, 'Unknown'), count(*), sum(killed), sum(injured) "
              f"FROM {sel} GROUP BY ALL ORDER BY 1, 2", p)
    elif page == "claims":
        w_s, p_s = _raw_where(f.with_(basis="attributed") if f.basis == "claimed" and not f.groups else f)
        src, sp = rows("incident_claims", w_s, p_s)
        st = arrow(f"SELECT claim_status, count(*), sum(killed) {src} GROUP BY ALL", sp)
        if st.num_rows == 0:
            return
        src, sp = rows("incident_roots")
        arrow(f"""SELECT root_id, count(*) FILTER (WHERE claimed), count(*) FILTER (WHERE denied),
                         count(*) FILTER (WHERE suspected_only), count(*)
                  {src} {rclause} GROUP BY ALL ORDER BY 5 DESC""", sp + list(f.groups))
        arrow(f"""SELECT s.incident_id, s.date, s.province, s.district, s.place, s.killed,
                         c.first_suspected, c.claimed_by, c.denied_by
                  FROM {sel} s JOIN claim_mismatches c USING (incident_key)
                  ORDER BY s.date DESC LIMIT 500""", p)
        dclause = gclause.replace("g.group_id", "group_id").replace("g.root_id", "root_id")
        src, sp = rows("claim_delays")
        summary = arrow(f"""SELECT root_id, count(*) AS n, quantile_cont(days, 0.25), median(days),
                                   quantile_cont(days, 0.75), min(days), max(days)
                            {src} {dclause} GROUP BY ALL ORDER BY 2 DESC""", sp + gparams)
        if sum(summary.column("n").to_pylist()) <= 1500:
            arrow(f"""SELECT d.incident_id, d.date, i.place, d.root_id, d.group_id, d.channel, d.statement_date,
                             d.days
                      FROM (SELECT * {src} {dclause}) d JOIN incidents i USING (incident_key)
                      ORDER BY d.date""", sp + gparams)
        arrow("SELECT group_id, colour FROM groups")
    elif page == "incidents":
        n = one(f"SELECT count(*) FROM {sel}", p)[0]
        if n:
            arrow(f"SELECT s.*, c.* FROM (SELECT * FROM {sel} ORDER BY date DESC, killed DESC NULLS LAST LIMIT 500) s "
                  "LEFT JOIN incident_claims c USING (incident_key) ORDER BY s.date DESC, s.killed DESC NULLS LAST", p)
    elif page == "about":
        _once("raw coverage", lambda: arrow(
            "SELECT origin, country, count(*), min(date), max(date), count(*) FILTER (WHERE location_approximate) "
            "FROM incidents GROUP BY ALL ORDER BY 1, 2"))
        one("SELECT min(date), max(date) FROM incidents")
        _once("raw groups", lambda: arrow(
            "SELECT g.*, n FROM groups g LEFT JOIN (SELECT group_id, count(DISTINCT incident_key) AS n "
            "FROM incident_groups GROUP BY ALL) USING (group_id) ORDER BY n DESC NULLS LAST, group_id"))
        arrow("SELECT * FROM milestones ORDER BY date")


def raw_headline(con, f) -> tuple[int, int]:
    w, p = _raw_where(f)
    n, k = con.execute(f"SELECT count(*), coalesce(sum(killed), 0) FROM incidents WHERE {w}", p).fetchone()
    return int(n), int(k)


# --- pandas baseline: a DataFrame in memory, masks and groupby ----------------------
class PandasData:
    """What a typical Streamlit dashboard keeps in ``st.cache_data``: the incidents
    with their claim summary as one DataFrame (low-cardinality text as categoricals),
    the incident-group links, and the dated claims."""

    CATEGORIES = ("origin", "date_precision", "country", "province", "district", "attack_type",
                  "target_type", "location_precision", "claim_status")

    def __init__(self, con):
        import pandas as pd

        self.inc = con.execute(
            """SELECT i.incident_id, i.origin, i.date, i.date_precision, i.country, i.province, i.district,
                      i.place, i.latitude, i.longitude, i.location_precision, i.location_approximate,
                      i.attack_type, i.target_type, i.killed, i.injured, i.summary, i.attribution_note,
                      i.killed_note, c.claim_status, c.claimed_by, c.attributed_to, c.denied_by,
                      c.first_suspected, coalesce(c.mismatch, FALSE) AS mismatch
               FROM incidents i LEFT JOIN incident_claims c USING (incident_id)"""
        ).df()
        for col in self.CATEGORIES:
            self.inc[col] = self.inc[col].astype("category")
        self.inc["date"] = pd.to_datetime(self.inc["date"])
        self.ig = con.execute("SELECT * FROM incident_groups").df()
        for col in ("group_id", "root_id"):
            self.ig[col] = self.ig[col].astype("category")
        self.claims = con.execute(
            """SELECT e.incident_id, e.group_id, coalesce(r.root_id, e.group_id) AS "group", e.channel,
                      e.statement_date
               FROM attribution_events e LEFT JOIN group_roots r USING (group_id)
               WHERE e.kind = 'claimed' AND e.statement_date IS NOT NULL AND e.group_id IS NOT NULL"""
        ).df()
        self.claims["statement_date"] = pd.to_datetime(self.claims["statement_date"])
        self.roots = dict(con.execute("SELECT group_id, root_id FROM group_roots").fetchall())
        self.groups = con.execute("SELECT group_id, name, parent_id, colour, note FROM groups").df()
        self.colours = {}
        from . import queries

        self.colours = queries.group_colours(con)
        self.milestones = con.execute("SELECT * FROM milestones ORDER BY date").df()
        self.milestones["date"] = pd.to_datetime(self.milestones["date"])


def pandas_mask(data: PandasData, f):
    """The selection as a boolean mask over ``data.inc``."""
    import pandas as pd

    df = data.inc
    m = pd.Series(True, index=df.index)
    if f.date_from:
        m &= df["date"] >= pd.Timestamp(f.date_from)
    if f.date_to:
        m &= df["date"] <= pd.Timestamp(f.date_to)
    for col, values in (("country", f.countries), ("province", f.provinces), ("district", f.districts),
                        ("attack_type", f.attack_types), ("target_type", f.target_types)):
        if values:
            m &= df[col].isin(values)
    if f.min_killed:
        m &= df["killed"] >= f.min_killed
    if f.q:
        text = (df["place"].fillna("") + " " + df["district"].astype("str").fillna("") + " "
                + df["summary"].fillna("") + " " + df["attribution_note"].fillna("") + " "
                + df["killed_note"].fillna(""))
        m &= text.str.lower().str.contains(f.q.lower(), regex=False)
    flag = "claimed" if f.basis == "claimed" else "responsible"
    if f.groups:
        ig = data.ig
        ids = ig.loc[ig[flag] & (ig["group_id"].isin(f.groups) | ig["root_id"].isin(f.groups)), "incident_id"]
        m &= df["incident_id"].isin(ids)
    elif f.basis == "claimed":
        m &= df["incident_id"].isin(data.ig.loc[data.ig["claimed"], "incident_id"])
    return m.fillna(False).astype(bool)


def _pd_group_links(data: PandasData, sel, f, flag: str | None):
    ig = data.ig
    links = ig[ig["incident_id"].isin(sel["incident_id"])]
    if flag:
        links = links[links[flag]]
    if f.groups:
        links = links[links["group_id"].isin(f.groups) | links["root_id"].isin(f.groups)]
    return links


def _pd_latest(sel, limit):
    return sel.sort_values(["date", "killed"], ascending=[False, False], na_position="last").head(limit)


def _pd_by_area(sel):
    d = sel[sel["province"].notna()]
    out = d.groupby(["country", "province"], observed=True).agg(
        incidents=("incident_id", "size"), killed=("killed", "sum"), injured=("injured", "sum")).reset_index()
    return out.sort_values("incidents", ascending=False)


def pandas_page(data: PandasData, page: str, f, c: Clock) -> None:
    """The same questions, answered with masks and groupby; the same figures built."""
    import pandas as pd

    from . import figures
    from .geo import shapes

    df = data.inc
    t = time.perf_counter()
    # sidebar (its province and district lists are cached per data version, as in the app)
    df["date"].min(), df["date"].max()
    m = pandas_mask(data, f)
    sel = df[m]
    flag = "claimed" if f.basis == "claimed" else "responsible"
    if page in ("overview", "map", "timeline"):  # district_summary
        len(sel), sel["district"].notna().sum(), ((sel["location_precision"] == "district") & sel["location_approximate"]).sum()
    c.query_s += time.perf_counter() - t

    def timed(fn):
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            c.query_s += time.perf_counter() - t0

    if page == "overview":
        def headline():
            out = [len(sel), sel["killed"].sum(), sel["injured"].sum(), (sel["claim_status"] == "claimed").sum()]
            if f.date_from:
                start, end = f.date_from, f.date_to or df["date"].max().date()
                days = (end - start).days + 1
                prev = df[pandas_mask(data, f.with_(date_from=start - timedelta(days=days),
                                                    date_to=start - timedelta(days=1)))]
                out += [len(prev), prev["killed"].sum()]
            return out
        h = timed(headline)
        if h[0] == 0:
            return
        c.table(_readable(timed(lambda: _pd_latest(sel, 12))))
        areas = timed(lambda: _pd_by_area(sel))
        c.send("by_area", figures.area_bars(areas, "incidents", area="province"))
    elif page == "map":
        areas = timed(lambda: _pd_by_area(sel))
        values = shapes.province_index().merge(areas, on=["country", "province"], how="left")
        values["value"] = values["incidents"].fillna(0)
        values["name"] = values["province"] + ", " + values["country"]

        def points():
            pts = sel[sel["latitude"].notna()]
            if len(pts) <= 3000:
                pts = pts.sort_values("date").astype({c: "str" for c in PandasData.CATEGORIES})
                pts["groups"] = pts["claimed_by"].fillna(pts["attributed_to"])
                first = pts["groups"].str.split(", ").str[0]
                pts["main_group"] = first.map(data.roots).fillna(first).fillna("Unattributed")
                pts["groups"] = pts["groups"].fillna("Unattributed")
                return pts, False
            grid = pd.DataFrame({"latitude": (pts["latitude"] * 4).round() / 4,
                                 "longitude": (pts["longitude"] * 4).round() / 4,
                                 "killed": pts["killed"].fillna(0)})
            return grid.groupby(["latitude", "longitude"], as_index=False).agg(
                incidents=("killed", "size"), killed=("killed", "sum")), True
        pts, aggregated = timed(points)
        c.send("map", figures.incident_map(shapes.province_geojson(), values[["id", "name", "value"]], pts,
                                           metric="incidents", aggregated=aggregated, colours=data.colours))
    elif page == "timeline":
        def by_group():
            links = _pd_group_links(data, sel, f, flag)
            links = links[["incident_id", "root_id"]].drop_duplicates()  # a faction and its parent: once
            j = links.merge(sel[["incident_id", "date", "killed", "injured"]], on="incident_id")
            j["period"] = j["date"].dt.to_period("M").dt.start_time
            return j.groupby(["period", "root_id"], observed=True).agg(
                incidents=("incident_id", "size"), killed=("killed", "sum"), injured=("injured", "sum")
            ).reset_index().rename(columns={"root_id": "series"})
        data_tl = timed(by_group)
        data_tl["series"] = data_tl["series"].astype(str)
        data_tl = figures.top_series(data_tl, "incidents", keep=["TTP", "ISKP"])
        ms = data.milestones
        stones = timed(lambda: ms[ms["date"].between(pd.Timestamp(f.date_from or date.min),
                                                     pd.Timestamp(f.date_to or date.max))])
        c.send("timeline", figures.timeline(data_tl, "incidents", "month", colours=data.colours,
                                            milestones=stones, title="Incidents per month, by group"))

        def by_province():
            d = sel.assign(period=sel["date"].dt.to_period("M").dt.start_time,
                           series=sel["province"].astype(str).where(sel["province"].notna(), "Unknown"))
            return d.groupby(["period", "series"], observed=True).agg(
                incidents=("incident_id", "size"), killed=("killed", "sum"), injured=("injured", "sum")).reset_index()
        by_area = timed(by_province)
        if not by_area.empty:
            c.send("by_area", figures.stacked_area_bars(by_area, "incidents", title="Incidents per month, by province"))
    elif page == "claims":
        def status():
            s = sel if not (f.basis == "claimed" and not f.groups) else df[pandas_mask(data, f.with_(basis="attributed"))]
            st = s.assign(claim_status=s["claim_status"].astype(str).where(s["claim_status"].notna(), "unclaimed"))
            return st.groupby("claim_status").agg(incidents=("incident_id", "size"), killed=("killed", "sum")
                                                  ).reset_index().sort_values("incidents", ascending=False)
        st = timed(status)
        if st["incidents"].sum() == 0:
            return

        def by_group():
            links = _pd_group_links(data, sel, f, None)
            g = links.groupby("root_id", observed=True)
            out = pd.DataFrame({
                "claimed": links[links["claimed"]].groupby("root_id", observed=True)["incident_id"].nunique(),
                "denied": links[links["denied"]].groupby("root_id", observed=True)["incident_id"].nunique(),
                "suspected_only": links[~links["claimed"] & (links["suspected"] | links["attributed"])]
                .groupby("root_id", observed=True)["incident_id"].nunique(),
                "incidents": g["incident_id"].nunique(),
            }).fillna(0).astype(int)
            return out.reset_index(names="group").sort_values("incidents", ascending=False)
        bg = timed(by_group)
        c.send("claims_by_group", figures.claims_by_group(bg, title="Per group"))
        c.send("claim_status", figures.claim_status(st, "incidents", title="Claimed or not"))

        def mismatches():
            out = sel[sel["mismatch"]]  # the store's precomputed flag, loaded with the frame
            return out.sort_values("date", ascending=False).head(500)[
                ["incident_id", "date", "province", "district", "place", "killed", "first_suspected",
                 "claimed_by", "denied_by"]]
        mm = timed(mismatches)
        if not mm.empty:
            c.table(mm)

        def delays():
            cl = data.claims
            if f.groups:
                cl = cl[cl["group_id"].isin(f.groups) | cl["group"].isin(f.groups)]
            s = sel[sel["date_precision"] == "day"][["incident_id", "date", "place"]]
            j = s.merge(cl, on="incident_id")
            j["claimant"] = j["group_id"]
            j["days"] = (j["statement_date"] - j["date"]).dt.days
            g = j.groupby("group", observed=True)["days"]
            summary = pd.DataFrame({"claims": g.size(), "q1": g.quantile(0.25), "median": g.median(),
                                    "q3": g.quantile(0.75), "min": g.min(), "max": g.max()})
            summary = summary[summary["claims"] > 0].reset_index().sort_values("claims", ascending=False)
            points = j.sort_values("date") if len(j) <= 1500 else j.iloc[0:0]
            return points, summary
        dl, dsum = timed(delays)
        c.send("claim_delays", figures.claim_delays(dl, dsum, colours=data.colours))
        if len(dsum):
            c.table(dsum[["group", "claims", "median", "max"]])
    elif page == "incidents":
        if len(sel):
            c.table(_readable(timed(lambda: _pd_latest(sel, 500))))
    elif page == "about":
        cov = _once("pandas coverage", lambda: timed(lambda: df.groupby(["origin", "country"], observed=True).agg(
            incidents=("incident_id", "size"), first_date=("date", "min"), last_date=("date", "max"),
            approximate_locations=("location_approximate", "sum")).reset_index()))
        c.table(cov)
        gt = _once("pandas groups", lambda: timed(lambda: data.groups.merge(
            data.ig.groupby("group_id", observed=True)["incident_id"].nunique().rename("incidents").reset_index()
            .astype({"group_id": str}), on="group_id", how="left").sort_values("incidents", ascending=False)))
        c.table(gt)
        c.table(data.milestones)


def pandas_headline(data: PandasData, f) -> tuple[int, int]:
    sel = data.inc[pandas_mask(data, f)]
    return int(len(sel)), int(sel["killed"].sum())


# --- phases (each in its own process) -----------------------------------------------
def _peak_rss_mb() -> float:
    """This process's peak resident set (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loop(fn, pages, flist, repeat) -> list[dict]:
    out = []
    for r in range(repeat):
        for label, f in flist:
            for page in pages:
                t = time.perf_counter()
                c = fn(page, f)
                dt = time.perf_counter() - t
                out.append({"repeat": r, "filter": label, "page": page, "ms": dt * 1000,
                            "query_ms": (c.query_s * 1000) if c is not None else dt * 1000,
                            "figure_bytes": c.figure_bytes if c is not None else {},
                            "table_bytes": c.table_bytes if c is not None else 0})
    return out


def phase_app(db: str, repeat: int) -> dict:
    start_wall = time.time()
    import psutil

    created = psutil.Process().create_time()
    t0 = time.perf_counter()
    import streamlit  # noqa: F401  (the server process has it loaded)

    from . import figures, queries  # noqa: F401
    from .geo import shapes
    from .store import open_store

    t1 = time.perf_counter()
    store = open_store(db)
    con = store.cursor()
    t2 = time.perf_counter()
    queries.vocabulary(con)
    t3 = time.perf_counter()
    from .filters import Filter

    app_page(con, "overview", Filter())
    t4 = time.perf_counter()
    cold = {
        "interpreter_ms": (start_wall - created) * 1000,
        "imports_ms": (t1 - t0) * 1000, "open_store_ms": (t2 - t1) * 1000,
        "vocabulary_ms": (t3 - t2) * 1000, "overview_ms": (t4 - t3) * 1000,
        "total_ms": (time.time() - created) * 1000,
    }
    shapes.province_geojson()
    last = queries.data_range(con)[1]
    flist = benchmark_filters(last)
    for page in PAGES:  # warm-up: every page visited once, as after the first minutes of use
        app_page(con, page, Filter())
    samples = _loop(lambda page, f: app_page(con, page, f), PAGES, flist, repeat)
    heads = {label: [int(x) for x in (lambda h: (h["incidents"], h["killed"]))(queries.headline(con, f))]
             for label, f in flist}
    # payload check: figures.figure_bytes (fig.to_json) gives the same size as what we timed
    c = Clock()
    app_map(con, Filter(), c)
    store.close()
    return {"cold": cold, "samples": samples, "headline": heads, "filters": [x for x, _ in flist],
            "rss_mb": _peak_rss_mb()}


def phase_raw(db: str, repeat: int) -> dict:
    import duckdb

    from . import queries

    con = duckdb.connect(db, read_only=True)
    last = queries.data_range(con)[1]
    flist = benchmark_filters(last)
    for page in PAGES:
        raw_page(con, page, flist[0][1])
    samples = _loop(lambda page, f: raw_page(con, page, f), PAGES, flist, repeat)
    heads = {label: list(raw_headline(con, f)) for label, f in flist}
    con.close()
    return {"samples": samples, "headline": heads, "rss_mb": _peak_rss_mb()}


def phase_pandas(db: str, repeat: int, filters: int | None = None) -> dict:
    import duckdb

    from . import queries

    t = time.perf_counter()
    con = duckdb.connect(db, read_only=True)
    data = PandasData(con)
    last = queries.data_range(con)[1]
    con.close()
    load_s = time.perf_counter() - t
    flist = benchmark_filters(last)[:filters]  # --pandas-filters K: the first K only (it is slow at 10M)
    for page in PAGES:
        pandas_page(data, page, flist[0][1], Clock())

    def one(page, f):
        c = Clock()
        pandas_page(data, page, f, c)
        return c

    samples = _loop(one, PAGES, flist, repeat)
    heads = {label: list(pandas_headline(data, f)) for label, f in flist}
    mem = int(data.inc.memory_usage(deep=True).sum() + data.ig.memory_usage(deep=True).sum()
              + data.claims.memory_usage(deep=True).sum())
    return {"samples": samples, "headline": heads, "load_s": load_s, "frame_bytes": mem,
            "rss_mb": _peak_rss_mb()}


DOWNLOAD_MEASURE_MAX = 2_000_000


def phase_downloads(db: str, repeat: int) -> dict:
    """``queries.export_rows`` for every filter: what the Incidents page builds on each run."""
    from . import queries
    from .store import open_store

    store = open_store(db)
    con = store.cursor()
    flist = benchmark_filters(queries.data_range(con)[1])
    out = []
    for label, f in flist:
        n = queries.incidents_table(con, f, limit=1)[1]
        if n > DOWNLOAD_MEASURE_MAX:  # tens of millions of rows in one DataFrame: too big to try here
            out.append({"filter": label, "rows": n, "ms": None})
            continue
        t = time.perf_counter()
        rows = queries.export_rows(con, f)
        out.append({"filter": label, "rows": len(rows), "ms": (time.perf_counter() - t) * 1000})
        del rows
    store.close()
    return {"samples": out, "rss_mb": _peak_rss_mb()}


def phase_import(db: str, n: int, seed: int, batch_rows: int, workdir: str) -> dict:
    res = import_dataset(db, n, seed, batch_rows, workdir)
    res["rss_mb"] = _peak_rss_mb()
    return res


def _child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--phase", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--events", type=int, default=0)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--batch-rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workdir", default=None)
    p.add_argument("--filters", type=int, default=0)
    a = p.parse_args(argv)
    if a.phase == "import":
        res = phase_import(a.db, a.events, a.seed, a.batch_rows, a.workdir)
    elif a.phase == "pandas":
        res = phase_pandas(a.db, a.repeat, a.filters or None)
    else:
        res = {"app": phase_app, "raw": phase_raw, "pandas": phase_pandas,
               "downloads": phase_downloads}[a.phase](a.db, a.repeat)
    Path(a.out).write_text(json.dumps(res, default=str))
    return 0


# --- orchestration -------------------------------------------------------------------
class TreeSampler(threading.Thread):
    """Peak resident memory of a process and its children (psutil, every 20 ms)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()

    def run(self):
        import psutil

        while not self.stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self.stop.wait(0.02)


_WORK = {"dir": tempfile.gettempdir(), "quiet_s": 0.0}
QUIET_SHARE = 0.10  # other processes may use at most this share of the CPUs


def _busy_cpu_s() -> float:
    """CPU-seconds the whole machine has spent busy (all processes, all cores)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def _own_cpu_s() -> float:
    """CPU-seconds used by this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def other_load(seconds: float = 2.0) -> float:
    """Share of the machine's CPUs (0-1) used by other processes over ``seconds``."""
    b0, o0 = _busy_cpu_s(), _own_cpu_s()
    time.sleep(seconds)
    return max(0.0, (_busy_cpu_s() - b0) - (_own_cpu_s() - o0)) / (seconds * (os.cpu_count() or 1))


def wait_until_quiet(limit_s: float) -> tuple[float, float]:
    """Wait (up to ``limit_s``) until other processes use < QUIET_SHARE of the CPUs.
    Returns (seconds waited, last share measured)."""
    t = time.perf_counter()
    share = other_load()
    while share >= QUIET_SHARE and time.perf_counter() - t < limit_s:
        time.sleep(3)
        share = other_load()
    return time.perf_counter() - t, share


def run_phase(phase: str, db: str, **kw) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        out = fh.name
    cmd = [sys.executable, "-m", "dashboard.bench", "--phase", phase, "--db", db, "--out", out]
    for k, v in kw.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    env = dict(os.environ)
    env.pop("DASHBOARD_DB", None)
    env["DASHBOARD_DATA_DIR"] = str(Path(_WORK["dir"]) / "local")
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")])
    waited, before = wait_until_quiet(_WORK["quiet_s"]) if _WORK["quiet_s"] else (0.0, None)
    t = time.perf_counter()
    b0, o0 = _busy_cpu_s(), _own_cpu_s()
    proc = subprocess.Popen(cmd, env=env)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    rc = proc.wait()
    sampler.stop.set()
    sampler.join()
    wall = time.perf_counter() - t
    other = max(0.0, (_busy_cpu_s() - b0) - (_own_cpu_s() - o0)) / (wall * (os.cpu_count() or 1))
    if rc != 0:
        raise RuntimeError(f"benchmark phase {phase!r} failed (exit {rc})")
    res = json.loads(Path(out).read_text())
    os.unlink(out)
    res["wall_s"] = wall
    res["other_cpu"] = other  # share of the CPUs other processes used while this phase ran
    res["waited_s"] = waited
    res["tree_peak_mb"] = max(sampler.peak / 2**20, res.get("rss_mb", 0))
    return res


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


@dataclass
class Options:
    events: int
    repeat: int = 3
    db: str | None = None
    seed: int = DEFAULT_SEED
    batch_rows: int = 1_000_000
    reuse: bool = False
    skip_pandas: bool = False
    skip_downloads: bool = False
    wait_quiet: float = 0.0
    resume: bool = False
    pandas_repeat: int | None = None
    pandas_filters: int | None = None


def _is_default_store(path: str) -> bool:
    from . import config

    try:
        return Path(path).resolve() == config.db_path().resolve()
    except OSError:
        return False


def run_benchmark(o: Options) -> int:
    keep = o.db is not None
    if keep:
        db = str(Path(o.db).resolve())
        if _is_default_store(db) or Path(db).resolve() == (Path(__file__).resolve().parent.parent / "data" / "local" / "dashboard.duckdb"):
            print("error: --db points at the dashboard's own store; give a separate file for the "
                  "synthetic benchmark data.", file=sys.stderr)
            return 2
    # Work folder: the synthetic CSV files (one at a time), the data folder the phases
    # see (DASHBOARD_DATA_DIR: rejected-row reports land here, never in data/local),
    # and the database unless --db is given. Deleted afterwards.
    tmpdir = tempfile.mkdtemp(prefix="dashboard-bench-", dir=os.path.dirname(o.db and str(Path(o.db).resolve()) or "") or None)
    _WORK["dir"] = tmpdir
    _WORK["quiet_s"] = o.wait_quiet
    if not keep:
        db = os.path.join(tmpdir, "bench.duckdb")
    try:
        return _run(o, db, keep, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _existing_dataset(db: str) -> str | None:
    import duckdb

    if not Path(db).exists():
        return None
    try:
        con = duckdb.connect(db, read_only=True)
        row = con.execute("SELECT value FROM meta WHERE key = 'bench_dataset'").fetchone()
        others = con.execute("SELECT count(*) FROM incidents WHERE origin NOT IN ('synthetic', 'reference')").fetchone()[0]
        con.close()
    except duckdb.Error:
        return "not a benchmark database"
    if others:
        return "holds non-synthetic incidents"
    return row[0] if row else None


def _run(o: Options, db: str, keep: bool, tmpdir: str | None) -> int:
    say = lambda *a: print(*a, flush=True)  # noqa: E731
    n = o.events
    say(f"SYNTHETIC benchmark: {n:,} synthetic incidents (origin '{ORIGIN}', seed {o.seed}) "
        f"+ the 141 reference rows; database {db} ({'kept' if keep else 'temporary, deleted after'})")
    say(f"machine: {os.cpu_count()} cores, {__import__('psutil').virtual_memory().total / 2**30:.0f} GiB RAM, "
        f"Python {sys.version.split()[0]}, {date.today().isoformat()}")
    existing = _existing_dataset(db)
    imp = None
    if existing in ("not a benchmark database", "holds non-synthetic incidents"):
        print(f"error: {db} exists and {existing}; refusing to touch it.", file=sys.stderr)
        return 2
    if Path(db).exists() and existing is None:
        print(f"error: {db} exists and is not a benchmark database made by this command; "
              "refusing to touch it.", file=sys.stderr)
        return 2
    # Each step's result is saved as it completes (next to a kept database), so an
    # interrupted run of a big size can be finished with --resume.
    saved_path = Path(db + ".bench.json") if keep else Path(tmpdir) / "bench.json"
    saved: dict = {}
    if o.resume and saved_path.exists():
        saved = json.loads(saved_path.read_text())
        if saved.get("dataset") != f"{n}:{o.seed}" or existing != f"{n}:{o.seed}":
            saved = {}
        elif saved.get("phases"):
            say(f"resume: {', '.join(saved['phases'])} measured earlier ({saved.get('when')}) in {saved_path}")
    phases = saved.get("phases", {})

    def step(name: str, **kw) -> dict:
        if name in phases:
            return phases[name]
        res = run_phase(name, db, **kw)
        phases[name] = res
        saved_path.write_text(json.dumps({"dataset": f"{n}:{o.seed}", "when": time.strftime("%Y-%m-%d %H:%M"),
                                          "phases": phases}, default=str))
        return res

    if "import" in phases:
        imp = phases["import"]
    elif (o.reuse or o.resume) and existing == f"{n}:{o.seed}":
        say(f"import: reusing the synthetic dataset already in {db}; import not measured")
    else:
        for stale in (db, db + ".wal", str(saved_path)):  # an earlier benchmark's synthetic file: rebuild it
            if os.path.exists(stale):
                os.unlink(stale)
        phases.clear()
        say("import: native-template CSV files, one per batch, through dashboard.ingest.pipeline "
            "(what `python -m dashboard ingest` runs) ...")
        imp = step("import", events=n, seed=o.seed, batch_rows=o.batch_rows,
                   workdir=os.path.join(tmpdir, "files"))
    if imp:
        st = imp["stages"]
        say(f"import: {imp['synthetic_incidents']:,} synthetic incidents ({imp['claimed']:,} claimed) and "
            f"{imp['events']:,} attribution events in the store; {imp['rejected']:,} rejected, "
            f"{imp['skipped']:,} skipped")
        say(f"import: {imp['import_s']:.1f} s = {imp['rows_per_s']:,.0f} rows/s (of which place_incidents "
            f"{st['place_incidents']:.1f} s, write_tables {st['write_tables']:.1f} s; generating the files "
            f"{imp['generate_s']:.1f} s and the final checkpoint {imp['checkpoint_s']:.1f} s not counted); "
            f"peak RSS {imp['tree_peak_mb']:,.0f} MB; database {imp['db_bytes'] / 2**20:,.0f} MiB")

    say("app: cold start and every page's data path ...")
    app = step("app", repeat=o.repeat)
    say("raw DuckDB: the same questions ...")
    raw = step("raw", repeat=o.repeat)
    pdr = None
    if not o.skip_pandas:
        say("pandas baseline: the same questions ...")
        pdr = step("pandas", repeat=o.pandas_repeat or o.repeat, filters=o.pandas_filters or 0)
    dl = None
    if not o.skip_downloads:
        say("downloads (Incidents page, when a button is pressed: export_rows) ...")
        dl = step("downloads", repeat=1)

    # consistency: the three answer the same question the same way
    bad = [k for k in app["headline"] if app["headline"][k] != raw["headline"][k]
           or (pdr and k in pdr["headline"] and app["headline"][k] != pdr["headline"][k])]
    pd_labels = set(pdr["headline"]) if pdr else set()
    c = app["cold"]
    say("")
    say(f"cold start to the first page ready: {c['total_ms']:,.0f} ms (interpreter {c['interpreter_ms']:,.0f}, "
        f"imports {c['imports_ms']:,.0f}, open store {c['open_store_ms']:,.0f}, vocabulary "
        f"{c['vocabulary_ms']:,.0f}, Overview data path {c['overview_ms']:,.0f})")
    nf = len(app["filters"])
    say(f"per page, ms, over {nf} filter changes x {o.repeat} repeats (uncached; sidebar queries included):")
    hdr = f"{'page':<10} {'app p50':>8} {'app p95':>8} {'query p95':>9} {'raw p95':>8} {'pandas p95':>10} " \
          f"{'pd/app':>7} {'app q/raw':>9} {'fig KB max':>10} {'table KB max':>12}"
    say(hdr)
    rows = {}
    for page in PAGES + ("overall",):
        def pick(res, key="ms"):
            if res is None:
                return []
            return [s[key] for s in res["samples"] if page == "overall" or s["page"] == page]
        a, aq, r = pick(app), pick(app, "query_ms"), pick(raw)
        pdm = pick(pdr)
        # pandas / app over the filters pandas was run on (all of them unless --pandas-filters)
        a_pd = [s["ms"] for s in app["samples"] if (page == "overall" or s["page"] == page)
                and s["filter"] in pd_labels]
        figs = [sum(s["figure_bytes"].values()) for s in app["samples"] if page == "overall" or s["page"] == page]
        tabs = [s["table_bytes"] for s in app["samples"] if page == "overall" or s["page"] == page]
        row = {"p50": pct(a, 50), "p95": pct(a, 95), "q95": pct(aq, 95), "raw95": pct(r, 95),
               "pd95": pct(pdm, 95) if pdm else float("nan"), "fig_kb": max(figs) / 1024, "tab_kb": max(tabs) / 1024,
               "pd_ratio": pct(pdm, 95) / pct(a_pd, 95) if pdm and a_pd else float("nan")}
        rows[page] = row
        say(f"{page:<10} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['q95']:>9.1f} {row['raw95']:>8.1f} "
            f"{row['pd95']:>10.1f} {row['pd_ratio']:>6.1f}x {row['q95'] / row['raw95']:>8.2f}x "
            f"{row['fig_kb']:>10.1f} {row['tab_kb']:>12.1f}")
    # the slowest filter per page
    say("slowest filter per page (app p95 over repeats):")
    for page in PAGES:
        per = {}
        for s in app["samples"]:
            if s["page"] == page:
                per.setdefault(s["filter"], []).append(s["ms"])
        worst = max(per, key=lambda k: pct(per[k], 95))
        say(f"  {page:<10} {worst!r}: {pct(per[worst], 95):.1f} ms")
    map_kb = max(s["figure_bytes"].get("map", 0) for s in app["samples"]) / 1024
    o_ = rows["overall"]
    say("")
    if pdr and len(pd_labels) < nf:
        say(f"pandas baseline run on the first {len(pd_labels)} of the {nf} filter changes (--pandas-filters); "
            "pandas / app compares the app on those same filters")
    say(f"ratios (overall p95): pandas / app = {o_['pd_ratio']:.1f}x; app / raw DuckDB = "
        f"{o_['p95'] / o_['raw95']:.2f}x (queries only: {o_['q95'] / o_['raw95']:.2f}x); "
        f"pandas / raw = {o_['pd95'] / o_['raw95']:.1f}x")
    say(f"peak RSS: app {app['tree_peak_mb']:,.0f} MB; raw DuckDB {raw['tree_peak_mb']:,.0f} MB"
        + (f"; pandas {pdr['tree_peak_mb']:,.0f} MB (frames {pdr['frame_bytes'] / 2**20:,.0f} MiB, "
           f"load {pdr['load_s']:.1f} s)" if pdr else "")
        + (f"; import {imp['tree_peak_mb']:,.0f} MB" if imp else "")
        + (f"; downloads {dl['tree_peak_mb']:,.0f} MB" if dl else ""))
    if dl:
        done = [s for s in dl["samples"] if s["ms"] is not None]
        worst = max(done, key=lambda s: s["ms"])
        skipped = [s for s in dl["samples"] if s["ms"] is None]
        say(f"downloads (read when a download button is pressed; not in the interaction figures): export_rows p50 "
            f"{pct([s['ms'] for s in done], 50):,.0f} ms, max {worst['ms']:,.0f} ms ({worst['rows']:,} rows, "
            f"{worst['filter']!r})" + (f"; not tried for {len(skipped)} filters over {DOWNLOAD_MEASURE_MAX:,} rows "
                                       f"(up to {max(s['rows'] for s in skipped):,})" if skipped else ""))
    loads = [(name, res["other_cpu"]) for name, res in (("import", imp), ("app", app), ("raw", raw),
                                                         ("pandas", pdr)) if res and res.get("other_cpu") is not None]
    say("machine: other processes used " + ", ".join(f"{x:.0%}" + f" during {name}" for name, x in loads)
        + " of the CPUs" + ("" if max(x for _, x in loads) < QUIET_SHARE else
                            f"  WARNING: above {QUIET_SHARE:.0%}, timings are inflated; rerun on a quiet "
                            "machine (--wait-quiet waits for one)"))
    say("consistency: headline counts agree across app, raw DuckDB" + (" and pandas" if pdr else "")
        + " for every filter" if not bad else f"consistency: MISMATCH for {bad}")
    summary = {"events": n, "rows": rows, "cold": c, "import": imp, "app_rss": app["tree_peak_mb"],
               "map_kb": map_kb}
    if os.environ.get("DASHBOARD_BENCH_JSON"):
        Path(os.environ["DASHBOARD_BENCH_JSON"]).write_text(json.dumps(
            {"summary": summary, "app": app, "raw": raw, "pandas": pdr, "downloads": dl}, default=str))
    ips = f"{imp['rows_per_s']:.0f}" if imp else "nan"
    say(f"RESULT events={n} p95_ms={o_['p95']:.1f} pandas_p95_ms={o_['pd95']:.1f} "
        f"duckdb_raw_p95_ms={o_['raw95']:.1f} rss_mb={app['tree_peak_mb']:.0f} map_payload_kb={map_kb:.1f} "
        f"import_rows_per_s={ips}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))

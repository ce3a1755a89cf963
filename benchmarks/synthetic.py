"""The SYNTHETIC benchmark dataset: a seeded generator and the native-template files.

Every row is clearly synthetic: origin ``synthetic``, summaries starting
"SYNTHETIC benchmark row", event ids ``S000000000`` ..., source URLs on
``example.invalid``, places named "Synthetic site N". The same seed gives the same
rows, whatever ``--batch-rows`` says (rows are drawn in blocks of ``BLOCK``).
Nothing here touches a store: ``benchmarks.ingest`` imports the files.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np

from .options import DEFAULT_SEED

__all__ = ["ORIGIN", "SUMMARY_PREFIX", "SYNTHETIC_URL", "DEFAULT_SEED", "BLOCK", "World", "generate_block",
           "blocks", "native_files"]

ORIGIN = "synthetic"
SUMMARY_PREFIX = "SYNTHETIC benchmark row"
SYNTHETIC_URL = "https://example.invalid/synthetic-benchmark/"
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

# --- generation --------------------------------------------------------------------
class World:
    """Lookup tables for generation: districts with point pools inside their province,
    group weights per region, group aliases (as written) and roots."""

    def __init__(self, seed: int):
        import pandas as pd
        import shapely

        from dashboard import config
        from dashboard.geo.provinces import load_provinces

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

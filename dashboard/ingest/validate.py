"""Row checks shared by every format, with reasons a person can act on.

An adapter (acled, ucdp, gtd, native) turns a chunk of raw rows into incident
rows in which numbers and coordinates are still the text of the file and the
date is parsed next to the text it came from (``date_raw``). ``check`` then
decides, per row, one of:

- kept;
- skipped: fine, but outside what the store covers (events outside Pakistan and
  Afghanistan), with the reason;
- rejected: cannot be loaded as written, with every reason found, e.g.
  ``date '2023-13-45' is not a date; latitude 123 out of range``.

Every check is vectorised (pandas masks); text is built only for failing rows.
Why not pandera: the reasons quote the cell as written in the file, before
parsing, and name the file's own column (``fatalities``, ``nkill``), and rows
are split three ways; a short list of masks says that more plainly than a
schema plus a translation of its failure report.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import config

COVERED = ("Pakistan", "Afghanistan")
_COUNTRIES = {
    "pakistan": "Pakistan", "pak": "Pakistan", "pk": "Pakistan", "islamic republic of pakistan": "Pakistan",
    "afghanistan": "Afghanistan", "afg": "Afghanistan", "af": "Afghanistan",
    "islamic republic of afghanistan": "Afghanistan", "islamic emirate of afghanistan": "Afghanistan",
}
# Pakistan and Afghanistan together, with a margin (degrees, EPSG:4326). A point
# outside this box cannot belong to a covered incident: usually swapped or mistyped.
BOX = {"lat": (23.0, 39.5), "lon": (60.0, 78.0)}
NUMBER_FIELDS = ("killed", "killed_low", "killed_high", "injured")
MAX_PEOPLE = 100_000  # killed or injured in one attack: above this a cell is an error (the worst known are ~3,000)
PRECISIONS = ("day", "week", "month", "year")
LOCATION_PRECISIONS = ("point", "district", "province", "country")


# --- small helpers the adapters use -----------------------------------------
def text(s: pd.Series) -> pd.Series:
    """Cells as stripped text, '' for empty or missing."""
    return s.fillna("").astype(str).str.strip()


def first_text(*cols: pd.Series) -> pd.Series:
    """The first non-empty of several text columns, row by row."""
    out = text(cols[0])
    for col in cols[1:]:
        out = out.where(out != "", text(col))
    return out


def none_if_blank(s: pd.Series) -> pd.Series:
    s = text(s)
    return s.where(s != "", None)


def parse_dates(raw: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Datetimes from text trying each strptime format in turn; NaT where none fits.
    Each distinct text is parsed once (a file repeats its dates many times)."""
    raw = text(raw)
    codes, uniques = pd.factorize(raw)
    parsed = _parse_distinct(pd.Series(uniques, dtype="str"), formats).to_numpy()
    out = pd.Series(parsed[codes], index=raw.index, dtype="datetime64[s]")
    out[codes < 0] = pd.NaT
    return out


def _parse_distinct(raw: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    # Second resolution: any year 1-9999 fits (nanoseconds stop at 2262).
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
    todo = raw != ""
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
        out[todo] = parsed.dt.floor("s").astype("datetime64[s]")
        todo = todo & out.isna()
    return out


def country_names(raw: pd.Series) -> pd.Series:
    """'PAK', 'pakistan', 'Afghanistan' -> canonical name; other names as written."""
    raw = text(raw)
    keys = raw.str.lower()
    mapped = keys.map(_COUNTRIES)
    return mapped.where(mapped.notna(), raw)


def district_key(name: str) -> str:
    text_ = unicodedata.normalize("NFKD", str(name))
    text_ = "".join(c for c in text_ if not unicodedata.combining(c)).casefold().strip()
    text_ = re.sub(r"\s+(tribal\s+)?(district|agency)$", "", text_)
    return re.sub(r"[^0-9a-z]+", "", text_)


@lru_cache(maxsize=1)
def _district_aliases() -> tuple[dict, dict]:
    """({(province, key): district}, {key: (province, district)} for unambiguous keys)."""
    by_province: dict[tuple[str, str], str] = {}
    by_key: dict[str, set] = {}
    path = config.PLACES_DIR / "district_aliases.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = district_key(row["alias"])
            by_province[(row["province"], key)] = row["district"]
            by_key.setdefault(key, set()).add((row["province"], row["district"]))
    unique = {k: next(iter(v)) for k, v in by_key.items() if len(v) == 1}
    return by_province, unique


def _clean_district(name, province) -> tuple[str | None, str | None]:
    """(district, province) for one spelling; the province is filled in when it
    was missing and the alias file knows it."""
    if not isinstance(name, str) or not name.strip():
        return None, province
    by_province, unique = _district_aliases()
    key = district_key(name)
    if isinstance(province, str) and (province, key) in by_province:
        return by_province[(province, key)], province
    if key in unique:
        alias_province, district = unique[key]
        if not isinstance(province, str) or not province or province == alias_province:
            return district, alias_province
    folded = re.sub(r"\s+", " ", name).strip()
    return re.sub(r"\s+(district|agency)$", "", folded, flags=re.I), province


def clean_districts(df: pd.DataFrame) -> pd.DataFrame:
    """District spellings and FATA agency names -> current district names
    (``data/places/district_aliases.csv``); unknown names kept, minus a trailing
    ' district'. Worked out once per distinct (district, province) pair."""
    out = df.copy()
    pairs = out[["district", "province"]].astype(object).where(out[["district", "province"]].notna(), None)
    uniq = pairs.drop_duplicates()
    cleaned = {
        (d, p): _clean_district(d, p) for d, p in zip(uniq["district"], uniq["province"])
    }
    keys = list(zip(pairs["district"], pairs["province"]))
    out["district"] = [cleaned[k][0] for k in keys] if keys else out["district"]
    out["province"] = [cleaned[k][1] for k in keys] if keys else out["province"]
    return out


# --- the checks ------------------------------------------------------------
class _Reasons:
    """Reasons collected per row: ``add(mask, messages)``; ``result()`` joins them."""

    def __init__(self, index: pd.Index):
        self.out = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, message) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        msg = message(mask) if callable(message) else message
        cur = self.out[mask]
        self.out[mask] = np.where(cur == "", msg, cur + "; " + msg)

    def result(self) -> pd.Series:
        return self.out.where(self.out != "", None)


def _numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(value, given) for a text column: NaN where blank or not a number."""
    raw = text(raw)
    return pd.to_numeric(raw.str.replace(",", "", regex=False), errors="coerce"), raw != ""


def check(inc: pd.DataFrame, labels: dict[str, str], today: date | None = None):
    """Validate a chunk of adapter output.

    ``labels`` names the file's column for each field (``{"killed": "fatalities"}``)
    so reasons speak the file's language. Returns ``(typed, rejected, skipped)``:
    ``typed`` has numbers and coordinates parsed (floats / nullable integers),
    ``rejected`` and ``skipped`` are Series of reasons (None where not).
    """
    label = lambda field: labels.get(field, field)  # noqa: E731
    today = today or date.today()
    out = inc.copy()
    rej = _Reasons(out.index)
    skip = _Reasons(out.index)

    # Coordinates first: they can stand in for a missing country.
    lat, lat_given = _numbers(out["latitude"])
    lon, lon_given = _numbers(out["longitude"])
    lat_raw, lon_raw = text(out["latitude"]), text(out["longitude"])
    zero = (lat == 0) & (lon == 0)  # a common "unknown" code, not a place
    lat, lon = lat.where(~zero), lon.where(~zero)
    lat_given, lon_given = lat_given & ~zero, lon_given & ~zero
    bad_lat = lat_given & lat.isna()
    bad_lon = lon_given & lon.isna()
    lat_range = lat.notna() & ~lat.between(-90, 90)
    lon_range = lon.notna() & ~lon.between(-180, 180)
    coords_ok = lat.notna() & lon.notna() & ~lat_range & ~lon_range

    # Country: named, or from the coordinates where the file gives none.
    country = country_names(out["country"])
    no_country = country == ""
    if (no_country & coords_ok).any():
        from ..geo.provinces import assign_provinces

        rows = out.loc[no_country & coords_ok, []].assign(latitude=lat, longitude=lon)
        found = assign_provinces(rows)["country_geo"]
        country.loc[found.index] = found.fillna("")
        no_country = country == ""
    out["country"] = country.where(~no_country, None)
    foreign = ~no_country & ~country.isin(COVERED)
    skip.add(foreign, lambda m: "outside Pakistan and Afghanistan (" + country[m] + ")")

    # Identity and date.
    rej.add(text(out["origin_event_id"]) == "", f"no {label('origin_event_id')}")
    raw_date = text(out["date_raw"])
    rej.add(raw_date == "", f"no {label('date')}")
    rej.add((raw_date != "") & out["date"].isna(),
            lambda m: label("date") + " '" + raw_date[m] + "' is not a date")
    future = out["date"].notna() & (out["date"] > pd.Timestamp(today + timedelta(days=1)))
    rej.add(future, lambda m: label("date") + " " + out["date"][m].dt.strftime("%Y-%m-%d") + " is in the future")
    bad_prec = out["date_precision"].notna() & ~out["date_precision"].isin(PRECISIONS)
    rej.add(bad_prec, lambda m: label("date_precision") + " '" + out["date_precision"][m].astype(str)
            + "' is not day, week, month or year")
    rej.add(no_country, "no country")

    # Coordinates.
    rej.add(bad_lat, lambda m: label("latitude") + " '" + lat_raw[m] + "' is not a number")
    rej.add(bad_lon, lambda m: label("longitude") + " '" + lon_raw[m] + "' is not a number")
    rej.add(lat_range, lambda m: label("latitude") + " " + lat_raw[m] + " out of range")
    rej.add(lon_range, lambda m: label("longitude") + " " + lon_raw[m] + " out of range")
    rej.add(lat_given & ~lon_given, f"{label('latitude')} given without {label('longitude')}")
    rej.add(lon_given & ~lat_given, f"{label('longitude')} given without {label('latitude')}")
    outside = coords_ok & ~foreign & ~(lat.between(*BOX["lat"]) & lon.between(*BOX["lon"]))
    rej.add(outside, lambda m: "coordinates (" + lat_raw[m] + ", " + lon_raw[m]
            + ") lie outside Pakistan and Afghanistan (latitude and longitude swapped?)")
    out["latitude"] = lat.where(coords_ok)
    out["longitude"] = lon.where(coords_ok)

    # Counts of people.
    for field in NUMBER_FIELDS:
        if field not in out:
            out[field] = pd.array([pd.NA] * len(out), dtype="Int64")
            continue
        raw = text(out[field])
        value, given = _numbers(raw)
        rej.add(given & value.isna(), lambda m, f=field, r=raw: label(f) + " '" + r[m] + "' is not a number")
        rej.add(value < 0, lambda m, f=field, r=raw: label(f) + " " + r[m] + " is negative")
        rej.add(value.notna() & (value % 1 != 0), lambda m, f=field, r=raw: label(f) + " " + r[m] + " is not a whole number")
        rej.add(value > MAX_PEOPLE, lambda m, f=field, r=raw: label(f) + " " + r[m]
                + f" is out of range (more than {MAX_PEOPLE:,} in one attack)")
        ok = value.notna() & (value >= 0) & (value % 1 == 0) & (value <= MAX_PEOPLE)
        out[field] = value.where(ok).astype("Float64").round().astype("Int64")

    lp = out.get("location_precision")
    if lp is not None:
        bad_lp = lp.notna() & ~lp.isin(LOCATION_PRECISIONS)
        rej.add(bad_lp, lambda m: label("location_precision") + " '" + lp[m].astype(str)
                + "' is not point, district, province or country")

    if "_reject" in out:  # reasons an adapter found in fields only it knows
        extra = out["_reject"]
        rej.add(extra.notna(), lambda m: extra[m].astype(str))
        out = out.drop(columns="_reject")

    skipped = skip.result()
    rejected = rej.result().where(skipped.isna(), None)
    return out, rejected, skipped


_OTHER_SCHEMES = r"(?i)(?<![\w.+-])(?:javascript|data|vbscript|file|blob|ftp|mailto|about):"


def other_links(values: pd.Series) -> pd.Series:
    """How many links per cell use a scheme other than http(s) (``javascript:``,
    ``data:``, ``file:`` …): they are never kept as source URLs, and the import
    summary says how many were left out."""
    return text(values).str.count(_OTHER_SCHEMES)

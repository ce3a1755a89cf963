"""Match district names as datasets write them to the district polygons' names.

Datasets spell districts many ways ("D.I. Khan", "Dera Ismail Khan", "Bajaur
Agency", "FR Bannu") and often name units finer or newer than the polygons an
analyst has (the geoBoundaries 2019 file for Pakistan predates Upper/Lower
South Waziristan, Upper/Lower Kohistan, Upper/Lower Chitral, Karachi's seven
districts and Duki). ``DistrictMatcher`` tries, in order, for one written name:

1. the same name once case, accents, spaces and punctuation are ignored;
2. a known spelling variant or a newer district carved out of an older one
   (``ALIASES`` and the analyst's own ``district_aliases.csv``), used only when
   the target polygon exists (a newer file that *has* "Duki" matches it at 1);
3. a looser key: the connectors of transliterated names (the "i"/"e" of
   "Pul-i-Khumri"), q/k and doubled letters ignored ("Qila" = "Killa" = "Qilla");
4. a polygon name contained in the written name as whole words ("Lower
   Chitral" -> Chitral, "South Waziristan (Lower)" -> South Waziristan,
   "Karachi East" -> Karachi), the longest wins, two different ones are
   ambiguous;
5. a close spelling (difflib ratio >= 0.82, clearly better than the runner-up);
6. when the province has a single polygon (Islamabad, Azad Kashmir in
   geoBoundaries), that polygon.

Names listing several districts ("Lakki Marwat / Bannu") match only when every
part lands in the same polygon. A written name that is a province's name is
never a district. Matching is limited to the incident's province (to its
country when the province is unknown). No Streamlit, no database: plain names in,
names out.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .provinces import normalise_province

# Words that say what kind of unit a name is, not which one.
UNIT_SUFFIXES = ("tribal district", "tribal agency", "agency", "district", "dist", "zila", "zilla")
UNIT_PREFIXES = ("frontier region", "fr", "district")
CONNECTORS = {"i", "e", "y", "ye", "al", "ul", "ud", "ad", "as", "az", "o"}
FUZZY_MIN = 0.82
FUZZY_MARGIN = 0.05

# (country, written name) -> polygon name. Spelling variants, and districts
# created after common boundary files were made, mapped to the district they
# were carved from. Used only when the written name itself has no polygon.
ALIASES: dict[tuple[str, str], str] = {
    # Khyber Pakhtunkhwa (incl. the former FATA agencies and Frontier Regions)
    ("Pakistan", "D.I. Khan"): "Dera Ismail Khan",
    ("Pakistan", "DIK"): "Dera Ismail Khan",
    ("Pakistan", "Lakki"): "Lakki Marwat",
    ("Pakistan", "Kolai Palas"): "Kohistan",
    ("Pakistan", "Kolai Pallas"): "Kohistan",
    ("Pakistan", "Kolai Palas Kohistan"): "Kohistan",
    ("Pakistan", "Torghar"): "Mansehra",
    ("Pakistan", "Tor Ghar"): "Mansehra",
    ("Pakistan", "Kala Dhaka"): "Mansehra",
    ("Pakistan", "Darazinda"): "Dera Ismail Khan",
    ("Pakistan", "Bettani"): "Lakki Marwat",
    ("Pakistan", "Wana"): "South Waziristan",
    ("Pakistan", "Miranshah"): "North Waziristan",
    ("Pakistan", "Miramshah"): "North Waziristan",
    ("Pakistan", "Parachinar"): "Kurram",
    ("Pakistan", "Landi Kotal"): "Khyber",
    ("Pakistan", "Khar"): "Bajaur",
    ("Pakistan", "Mingora"): "Swat",
    ("Pakistan", "Timergara"): "Lower Dir",
    # Balochistan
    ("Pakistan", "Noshki"): "Nushki",
    ("Pakistan", "Nushki"): "Noshki",
    ("Pakistan", "Bolan"): "Kachhi",
    ("Pakistan", "Kachhi"): "Bolan",
    ("Pakistan", "Duki"): "Loralai",
    ("Pakistan", "Harnai"): "Sibi",
    ("Pakistan", "Lehri"): "Sibi",
    ("Pakistan", "Sherani"): "Zhob",
    ("Pakistan", "Chaman"): "Qilla Abdullah",
    ("Pakistan", "Hub"): "Lasbela",
    ("Pakistan", "Washuk"): "Kharan",
    ("Pakistan", "Surab"): "Kalat",
    ("Pakistan", "Sohbatpur"): "Jafarabad",
    ("Pakistan", "Usta Muhammad"): "Jafarabad",
    ("Pakistan", "Dera Murad Jamali"): "Nasirabad",
    ("Pakistan", "Turbat"): "Kech",
    ("Pakistan", "Chaghi"): "Chagai",
    # Sindh
    ("Pakistan", "Malir"): "Karachi",
    ("Pakistan", "Korangi"): "Karachi",
    ("Pakistan", "Keamari"): "Karachi",
    ("Pakistan", "Kiamari"): "Karachi",
    ("Pakistan", "Shaheed Benazirabad"): "Nawabshah",
    ("Pakistan", "Benazirabad"): "Nawabshah",
    ("Pakistan", "Sujawal"): "Thatta",
    # Punjab
    ("Pakistan", "D.G. Khan"): "Dera Ghazi Khan",
    ("Pakistan", "Talagang"): "Chakwal",
    ("Pakistan", "Murree"): "Rawalpindi",
    ("Pakistan", "Kot Addu"): "Muzaffargarh",
    ("Pakistan", "Taunsa"): "Dera Ghazi Khan",
    ("Pakistan", "Wazirabad"): "Gujranwala",
    ("Pakistan", "Nankana Sahib"): "Sheikhupura",
    ("Pakistan", "Chiniot"): "Jhang",
    # Islamabad, Gilgit-Baltistan
    ("Pakistan", "Islamabad"): "Islamabad Capital Territory",
    ("Pakistan", "ICT"): "Islamabad Capital Territory",
    ("Pakistan", "Roundu"): "Skardu",
    ("Pakistan", "Darel"): "Diamer",
    ("Pakistan", "Tangir"): "Diamer",
    ("Pakistan", "Gupis Yasin"): "Ghizer",
    # Afghanistan: cities written where the district is meant
    ("Afghanistan", "Mazar-i-Sharif"): "Mazar-e-Sharif",
    ("Afghanistan", "Pul-i-Khumri"): "Pul-e-Khumri",
}


def fold(text: str) -> str:
    """Lower case, accents removed, '&' as 'and', every other non-alphanumeric a space."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)  # "d.i." -> "di"
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _strip_unit_words(words: list[str]) -> list[str]:
    text = " ".join(words)
    changed = True
    while changed and text:
        changed = False
        for suffix in UNIT_SUFFIXES:
            if text.endswith(" " + suffix):
                text, changed = text[: -len(suffix) - 1], True
        for prefix in UNIT_PREFIXES:
            if text.startswith(prefix + " "):
                text, changed = text[len(prefix) + 1:], True
    return text.split()


def words_of(name: str) -> list[str]:
    """The words that identify a district: folded, unit words ("Agency", "FR ...") dropped."""
    return _strip_unit_words(fold(name).split())


def key_of(name: str) -> str:
    """Exact matching key: 'D.I. Khan' -> 'dikhan', 'Bajaur Agency' -> 'bajaur'."""
    return "".join(words_of(name))


def _loose_word(word: str) -> str:
    word = word.replace("q", "k").replace("w", "v")
    return re.sub(r"(.)\1+", r"\1", word)


def loose_words(words: Iterable[str]) -> list[str]:
    return [_loose_word(w) for w in words if w not in CONNECTORS]


def loose_key(name: str) -> str:
    """Looser key: transliteration connectors, q/k, w/v and doubled letters ignored."""
    return "".join(loose_words(words_of(name)))


def alternatives(name: str) -> list[list[str]]:
    """The parts a written name may stand for: 'Panjgur / Noshki' -> two names;
    'Kachhi (Bolan)' -> 'Kachhi (Bolan)' first, then 'Kachhi' and 'Bolan'."""
    parts = [p for p in re.split(r"\s*(?:/|;|\band\b|\+)\s*", str(name)) if p.strip()]
    return [[p] + [q for q in re.split(r"[()\[\]]", p) if q.strip() and q.strip() != p.strip()]
            for p in parts] if parts else []


@dataclass(frozen=True)
class Polygon:
    district: str
    province: str | None
    words: tuple[str, ...]
    key: str
    loose: tuple[str, ...]


def read_alias_file(path: Path) -> dict[tuple[str, str], str]:
    """The analyst's own aliases: CSV with columns alias, district and optional country."""
    out: dict[tuple[str, str], str] = {}
    if not path.is_file():
        return out
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            alias, district = (row.get("alias") or "").strip(), (row.get("district") or "").strip()
            if alias and district:
                out[((row.get("country") or "").strip() or "*", alias)] = district
    return out


class DistrictMatcher:
    """Names -> polygon names for one set of district polygons.

    ``polygons`` has columns country, province, district (one row per polygon).
    ``match(country, province, name)`` returns ``(district, province)`` of the
    polygon or None. Results are memoised: call it per row freely.
    """

    def __init__(self, polygons, extra_aliases: dict[tuple[str, str], str] | None = None):
        self._pool: dict[tuple[str, str | None], list[Polygon]] = {}
        for country, province, district in zip(polygons["country"], polygons["province"], polygons["district"]):
            words = tuple(words_of(district))
            poly = Polygon(district, province, words, "".join(words), tuple(loose_words(words)))
            self._pool.setdefault((country, province), []).append(poly)
            self._pool.setdefault((country, None), []).append(poly)
        self._aliases: dict[tuple[str, str], str] = {}
        for (country, alias), target in {**ALIASES, **(extra_aliases or {})}.items():
            self._aliases[(country, key_of(alias))] = target
        self._memo: dict[tuple, tuple[str, str | None] | None] = {}

    def countries(self) -> set[str]:
        return {c for c, p in self._pool if p is None}

    def match(self, country: str | None, province: str | None, name: object) -> tuple[str, str | None] | None:
        if not isinstance(name, str) or not name.strip() or not isinstance(country, str):
            return None
        province = province if isinstance(province, str) and province.strip() else None
        memo_key = (country, province, name)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._match(country, province, name)
        return self._memo[memo_key]

    # --- internals -----------------------------------------------------------
    def _candidates(self, country: str, province: str | None) -> list[Polygon]:
        if province is not None and (country, province) in self._pool:
            return self._pool[(country, province)]
        if province is not None and (country, None) in self._pool:
            # A province with no polygon of its own: no district to give.
            known = {p for (c, p) in self._pool if c == country and p is not None}
            if province in known or normalise_province(province, country) is not None:
                return []
        return self._pool.get((country, None), [])

    def _match(self, country: str, province: str | None, name: str) -> tuple[str, str | None] | None:
        pool = self._candidates(country, province)
        if not pool:
            return None
        # A province's name ("Khyber Pakhtunkhwa", "Islamabad") matches a polygon
        # only by its own name or an alias, never by a word in it (Khyber district).
        strict = normalise_province(name, country) is not None
        found: set[Polygon] = set()
        for alts in alternatives(name):
            hit = None
            for alt in alts:
                hit = self._one(country, alt, pool, strict)
                if hit is not None:
                    break
            if hit is None:
                return None if strict else self._single(pool)
            found.add(hit)
        if len(found) != 1:
            return None
        poly = found.pop()
        return poly.district, poly.province

    @staticmethod
    def _single(pool: list[Polygon]) -> tuple[str, str | None] | None:
        """A province drawn as one polygon: any name inside it is that polygon."""
        if len({(p.district, p.province) for p in pool}) == 1 and pool[0].province is not None:
            return pool[0].district, pool[0].province
        return None

    def _one(self, country: str, name: str, pool: list[Polygon], strict: bool = False,
             aliases: bool = True) -> Polygon | None:
        words = words_of(name)
        if not words:
            return None
        key = "".join(words)
        # 1. exact key
        exact = [p for p in pool if p.key == key]
        if exact:
            return exact[0] if len({p.district for p in exact}) == 1 else None
        # 2. aliases (the analyst's "*" aliases apply to every country)
        for scope in (country, "*") if aliases else ():
            target = self._aliases.get((scope, key))
            if target and key_of(target) != key:
                hit = self._one(country, target, pool, strict=False, aliases=False)
                if hit is not None:
                    return hit
        if strict:
            return None
        # 3. loose key
        loose = loose_words(words)
        lkey = "".join(loose)
        hits = [p for p in pool if "".join(p.loose) == lkey]
        if len({p.district for p in hits}) == 1:
            return hits[0]
        # 4. a polygon's name inside the written name, as whole words
        spans = []
        for p in pool:
            n = len(p.loose)
            for i in range(len(loose) - n + 1):
                if n and tuple(loose[i:i + n]) == p.loose:
                    spans.append((i, i + n, p))
        spans = [s for s in spans if not any(t is not s and t[0] <= s[0] and s[1] <= t[1]
                                             and (t[1] - t[0]) > (s[1] - s[0]) for t in spans)]
        if len({s[2].district for s in spans}) == 1:
            return spans[0][2]
        if spans:
            return None
        # 5. a close spelling, clearly better than the next
        scored = sorted(((difflib.SequenceMatcher(None, lkey, "".join(p.loose)).ratio(), p) for p in pool),
                        key=lambda t: -t[0])
        if scored and scored[0][0] >= FUZZY_MIN and (len(scored) == 1 or scored[0][0] - scored[1][0] >= FUZZY_MARGIN):
            return scored[0][1]
        return None

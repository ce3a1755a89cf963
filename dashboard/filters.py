"""The analyst's selection, as one value, and the table that describes each of its
dimensions once.

``Filter`` round-trips through the page URL. The query string is a public,
documented contract (README, "Shareable URLs"); the README's table is made from
``DIMENSIONS`` by ``url_table()``, and a test keeps the two equal.

Each ``Dimension`` says, in one place, its URL key and how a value is checked
(``parse``), how it is written back (``query``), its SQL (``sql``: a fragment
over ``incidents`` or a derived table aliased ``alias``, with user input only
ever passed as parameters), its words in the sentence that describes the
selection (``words``), and its sidebar widget (``widget``, ``label``,
``section``, ``help``). ``Filter.from_query``, ``Filter.to_query``,
``Filter.where``, ``Filter.describe``, the sidebar and the README table all loop
over ``DIMENSIONS``, as datasette's ``filters.py`` pairs each lookup's SQL with
its English.

Unknown or invalid values fall back to the default for that key, and each one
produces a notice the page shows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Iterable, Mapping
from urllib.parse import urlencode

BASES = {
    "attributed": "claimed or attributed",
    "claimed": "claimed only",
}
DEFAULT_BASIS = "attributed"
MAX_TEXT = 200
PAGE_KEYS = ("page", "incident", "embed", "embed_options")  # URL keys that belong to pages, not the Filter
DROPPED_KEY = "_dropped"  # how many parameters a link had when it was too long to read whole (ui.links)
TEXT_COLUMNS = ("place", "district", "district_as_written", "province", "summary", "attribution_note",
                "killed_note")
DEFAULT_KM, MAX_KM = 25, 500
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def great_circle_km_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """SQL for the great-circle distance in km (haversine, ``EARTH_RADIUS_KM``) between
    two points given as SQL expressions in degrees (column names or ``?``)."""
    return (f"2 * {EARTH_RADIUS_KM} * asin(sqrt(pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
            f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2)))")


def fold(text: str) -> str:
    """A place name folded for matching spellings: "D.I. Khan", "DI Khan" and
    "d i khan" all fold to "dikhan"."""
    return re.sub(r"[\s.\-'’]+", "", str(text).casefold())


@dataclass(frozen=True)
class Vocabulary:
    """The values a filter may take, as the store knows them (canonical spelling)."""

    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    attack_types: tuple[str, ...] = ()
    target_types: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    group_names: Mapping[str, str] = field(default_factory=dict)  # group_id -> full name
    # Other spellings per list attribute: {"groups": {"tehrik-i-taliban pakistan": "TTP"}, ...}
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Every spelling of a place the store knows, by each spelling folded (``fold``):
    # {"dikhan": ("Dera Ismail Khan", "D.I. Khan", "DI Khan", ...), ...}
    place_spellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A point for "near": each district's centre where district boundaries are added,
    # by folded name: {"peshawar": ("Peshawar", 34.0, 71.5)} (degrees, EPSG:4326)
    place_points: Mapping[str, tuple[str, float, float]] = field(default_factory=dict)
    # Districts as the sources wrote them where that is not the boundary district's name
    districts_as_written: tuple[str, ...] = ()


_UNSET = object()  # what ``parse`` returns when the URL gives nothing usable


# --- the dimensions ------------------------------------------------------------------
@dataclass(frozen=True)
class Dimension:
    """One filter dimension. Subclasses say how its values parse, print and filter."""

    key: str                 # URL key
    attr: str                # Filter attribute
    doc: str                 # the README table's "value" column
    label: str = ""          # sidebar label
    widget: str = ""         # sidebar widget kind: dates, multiselect, radio, number, text ("" = drawn with another)
    section: str = "main"    # sidebar: "main", or "more" (the "More filters" expander)
    help: str = ""
    placeholder: str = ""
    repeat: bool = False     # may the key repeat in the URL

    def parse(self, values: list[str], vocab: Vocabulary | None, notices: list[str]):
        raise NotImplementedError

    def query(self, value) -> list[str]:
        """The value as URL text (empty for the default)."""
        raise NotImplementedError

    def sql(self, f: "Filter", alias: str) -> tuple[str, list] | None:
        """A parametrised WHERE clause for this dimension of ``f``, or None."""
        return None

    def words(self, f: "Filter") -> str | None:
        """This dimension's words in the sentence (see ``Filter.describe``)."""
        return None

    role: str = "clause"     # where the words go: subject, place, target, clause

    def one(self, values: list[str], notices: list[str]) -> str | None:
        if len(values) > 1:
            notices.append(f"Only one '{self.key}' is allowed; used the first.")
        return values[0] if values else None


@dataclass(frozen=True)
class DateDim(Dimension):
    """``from`` / ``to``: a day, inclusive. The sentence shows both as one range."""

    bound: str = ">="
    first: date = date(1970, 1, 1)
    last: date = date(2100, 1, 1)

    def parse(self, values, vocab, notices):
        text = self.one(values, notices)
        if text is None:
            return _UNSET
        try:
            day = date.fromisoformat(text)
        except ValueError:
            notices.append(f"Ignored '{self.key}={_short(text)}': not a date (use YYYY-MM-DD).")
            return _UNSET
        if not self.first <= day <= self.last:
            notices.append(f"Ignored '{self.key}={_short(text)}': dates run from {self.first:%Y} to {self.last:%Y}.")
            return _UNSET
        return day

    def query(self, value):
        return [value.isoformat()] if value else []

    def sql(self, f, alias):
        value = getattr(f, self.attr)
        return (f"{alias}.date {self.bound} ?", [value]) if value else None

    def words(self, f):
        if self.attr != "date_from" or not (f.date_from or f.date_to):
            return None  # the range is said once, by 'from'
        start = _day(f.date_from) if f.date_from else "the start"
        end = _day(f.date_to) if f.date_to else "the latest"
        return f"{start} – {end}"


@dataclass(frozen=True)
class ListDim(Dimension):
    """A list of known values (case-insensitive, aliases resolved) on one column."""

    column: str = ""
    role: str = "place"
    repeat: bool = True

    def parse(self, values, vocab, notices):
        known = getattr(vocab, self.attr) if vocab is not None else None
        chosen: list[str] = []
        for value in values:
            match = value
            if known is not None:
                match = _match(value, known)
                if match is None:
                    alias = vocab.aliases.get(self.attr, {}).get(" ".join(value.casefold().split()))
                    match = alias if alias in known else None
                if match is None:
                    notices.append(f"Ignored unknown {self.key} '{_short(value)}'.")
                    continue
            if match not in chosen:
                chosen.append(match)
        return tuple(chosen)

    def query(self, value):
        return list(value)

    def sql(self, f, alias):
        values = getattr(f, self.attr)
        return (f"list_contains(?, {alias}.{self.column})", [list(values)]) if values else None

    def words(self, f):
        values = getattr(f, self.attr)
        return _join(values) if values else None


@dataclass(frozen=True)
class DistrictDim(ListDim):
    """Districts: the boundary district, or the district as the source wrote it (a
    finer or newer name, e.g. Duki, that district boundaries put in an older polygon)."""

    def parse(self, values, vocab, notices):
        if vocab is not None and vocab.districts_as_written:
            vocab = replace(vocab, districts=tuple(dict.fromkeys(vocab.districts + vocab.districts_as_written)))
        return super().parse(values, vocab, notices)

    def sql(self, f, alias):
        if not f.districts:
            return None
        return (f"(list_contains(?, {alias}.district) OR list_contains(?, {alias}.district_as_written))",
                [list(f.districts), list(f.districts)])


@dataclass(frozen=True)
class GroupDim(ListDim):
    """Groups count with their factions, under the chosen attribution basis."""

    role: str = "subject"

    def sql(self, f, alias):
        if not f.groups:
            return None
        flag = "claimed" if f.basis == "claimed" else "responsible"
        return (f"{alias}.incident_key IN (SELECT incident_key FROM incident_groups "
                f"WHERE {flag} AND (list_contains(?, group_id) OR list_contains(?, root_id)))",
                [list(f.groups), list(f.groups)])


@dataclass(frozen=True)
class DatasetDim(ListDim):
    role: str = "clause"

    def words(self, f):
        return f"from {_join(f.datasets)} data" if f.datasets else None


@dataclass(frozen=True)
class ChoiceDim(Dimension):
    """One of a few words (``choices``: word -> its words in the sentence), ``default`` unsaid."""

    choices: Mapping[str, str] = field(default_factory=dict)
    default: str = ""

    def parse(self, values, vocab, notices):
        text = self.one(values, notices)
        if text is None:
            return _UNSET
        if text.lower() in self.choices:
            return text.lower()
        notices.append(f"Ignored {self.key} '{_short(text)}': use "
                       + " or ".join(f"'{c}'" for c in self.choices) + ".")
        return _UNSET

    def query(self, value):
        return [value] if value != self.default else []


@dataclass(frozen=True)
class BasisDim(ChoiceDim):
    """What counts for a group: its claims only, or claims then suspicion and datasets."""

    def sql(self, f, alias):
        if f.basis == "claimed" and not f.groups:  # with groups, GroupDim applies the basis
            return f"{alias}.incident_key IN (SELECT incident_key FROM incident_groups WHERE claimed)", []
        return None

    def words(self, f):
        return BASES[f.basis]


@dataclass(frozen=True)
class WholeNumberDim(Dimension):
    """One whole number from ``low`` to ``high``; ``rule`` says so in the notice."""

    low: int = 0
    high: int = 1_000_000
    rule: str = "a whole number of 0 or more"

    def parse(self, values, vocab, notices):
        text = self.one(values, notices)
        if text is None:
            return _UNSET
        try:
            value = int(text)
            if not self.low <= value <= self.high:
                raise ValueError
        except ValueError:
            notices.append(f"Ignored {self.key} '{_short(text)}': use {self.rule}.")
            return _UNSET
        return value


@dataclass(frozen=True)
class MinKilledDim(WholeNumberDim):

    def query(self, value):
        return [str(value)] if value else []

    def sql(self, f, alias):
        return (f"{alias}.killed >= ?", [f.min_killed]) if f.min_killed else None

    def words(self, f):
        return f"at least {f.min_killed} killed" if f.min_killed else None


@dataclass(frozen=True)
class TextDim(Dimension):
    """Free text searched in the incidents' text columns (``TEXT_COLUMNS``)."""

    def parse(self, values, vocab, notices):
        text = self.one(values, notices)
        if text is None:
            return _UNSET
        if len(text) > MAX_TEXT:
            notices.append(f"The search text was cut to {MAX_TEXT} characters.")
        return text[:MAX_TEXT]

    def query(self, value):
        return [value] if value else []

    def sql(self, f, alias):
        if not f.q:
            return None
        clauses, params = [], []
        for term in (f.q, *f.q_also):  # the text, and the other spellings of the place it names
            text = term.lower()
            if " " in text:
                clauses.append(f"contains(lower(concat_ws(' ', {', '.join(f'{alias}.{c}' for c in TEXT_COLUMNS)})), ?)")
                params.append(text)
                continue
            # The same test column by column: text without a space cannot span the ' '
            # that joins the columns above, and building the joined string for every row
            # costs about ten times more than the test itself.
            clauses.append("coalesce(" + " OR ".join(f"contains(lower({alias}.{c}), ?)" for c in TEXT_COLUMNS)
                           + ", FALSE)")
            params += [text] * len(TEXT_COLUMNS)
        return (clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"), params

    def words(self, f):
        if not f.q:
            return None
        return f'matching "{f.q}"' + (f" (also {_join(f'“{t}”' for t in f.q_also)})" if f.q_also else "")


def spellings(text: str, vocab: Vocabulary | None) -> tuple[str, ...]:
    """The other spellings of the place ``text`` names, as the store knows them
    (none when it names no place): "DI Khan" -> "Dera Ismail Khan", "D.I. Khan", …
    A spelling inside another is enough ("D.I. Khan" finds "FR D.I. Khan" too); one
    shorter than four letters ("KP") is not searched, it would match inside words."""
    if vocab is None or not text:
        return ()
    every = vocab.place_spellings.get(fold(text), ())
    lowered = text.casefold()
    # too short to search inside other words ("KP"), or already found by the text itself
    others = [s for s in every if len(fold(s)) >= 4 and s.casefold() != lowered and lowered not in s.casefold()]
    kept = [s for s in others if not any(o != s and o.casefold() in s.casefold() for o in others)]
    return tuple(dict.fromkeys(kept))


def near_point(text: str, vocab: Vocabulary | None) -> tuple[str, float, float] | None:
    """(name, latitude, longitude) for ``near``: "34.01,71.58" as given, or a district
    the store has a centre for (any spelling of it); None when neither."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            lat = lon = math.nan
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return (f"{lat:g}, {lon:g}", lat, lon)
    if vocab is None:
        return None
    for spelling in (text, *vocab.place_spellings.get(fold(text), ())):
        hit = vocab.place_points.get(fold(spelling))
        if hit:
            return hit
    return None


@dataclass(frozen=True)
class NearDim(Dimension):
    """Within ``km`` kilometres (great-circle) of a place: a district's centre, where
    district boundaries are added, or latitude,longitude. Only incidents with the
    source's own coordinates can be measured from; the sentence says so."""

    def parse(self, values, vocab, notices):
        text = self.one(values, notices)
        if text is None:
            return _UNSET
        return text[:100]

    def query(self, value):
        return [value] if value else []

    def sql(self, f, alias):
        if not f.near_point:
            return None
        _, lat, lon = f.near_point
        distance = great_circle_km_sql("?", "?", f"{alias}.latitude", f"{alias}.longitude")
        return (f"({alias}.placed_at IS NULL AND {alias}.latitude IS NOT NULL AND {distance} <= ?)",
                [lat, lat, lon, float(f.km)])

    def words(self, f):
        if not f.near_point:
            return None
        name, lat, lon = f.near_point
        where = name if name == f"{lat:g}, {lon:g}" else f"{name} (its district's centre)"
        return f"within {f.km:g} km of {where}, incidents with the source's coordinates only"


@dataclass(frozen=True)
class KmDim(WholeNumberDim):
    """The radius for ``near``, in kilometres (1–``MAX_KM``)."""

    low: int = 1
    high: int = MAX_KM
    rule: str = f"a whole number of kilometres from 1 to {MAX_KM}"

    def query(self, value):
        return [str(value)] if value != DEFAULT_KM else []


PRECISIONS = {"any": "any precision", "exact": "exact place and date"}


@dataclass(frozen=True)
class PrecisionDim(ChoiceDim):
    """``exact``: only incidents whose place is known to the town and date to the day
    (``incidents.precise``), for district maps and weekly counts."""

    def sql(self, f, alias):
        return (f"{alias}.precise", []) if f.precision == "exact" else None

    def words(self, f):
        return "exact place and date only" if f.precision == "exact" else None


GROUP_HELP = "A group includes its factions (TTP includes Jamaat-ul-Ahrar)."
BASIS_HELP = ("Claimed only: the group claimed the attack and did not retract. "
              "Claimed or attributed: a claim settles it; where nobody claimed, suspicion by "
              "officials or attribution by a dataset counts.")

# In the order of the URL, the sidebar and the README table.
DIMENSIONS: tuple[Dimension, ...] = (
    DateDim("from", "date_from", "`YYYY-MM-DD`, inclusive (1970–2100)", label="Dates", widget="dates"),
    DateDim("to", "date_to", "`YYYY-MM-DD`, inclusive (1970–2100)", bound="<="),
    ListDim("country", "countries", "`Pakistan`, `Afghanistan`", label="Country", widget="multiselect",
            placeholder="All countries", column="country"),
    ListDim("province", "provinces", "e.g. `Khyber Pakhtunkhwa`, `Kabul`", label="Province",
            widget="multiselect", placeholder="All provinces", column="province"),
    DistrictDim("district", "districts", "e.g. `Bajaur`; a district as the source wrote it (`Duki`) too",
                label="District", widget="multiselect", placeholder="All districts", column="district"),
    GroupDim("group", "groups", "short names: `TTP`, `ISKP`, `JuA`, `HGB`, `BLA` … (includes factions)",
             label="Group", widget="multiselect", placeholder="All groups", help=GROUP_HELP),
    BasisDim("basis", "basis", "`claimed` or `attributed` (default)", label="Attribution basis", widget="radio",
             help=BASIS_HELP, choices=BASES, default=DEFAULT_BASIS),
    ListDim("attack", "attack_types", "attack types as listed in the sidebar", label="Attack type",
            widget="multiselect", section="more", placeholder="All", column="attack_type", role="subject"),
    ListDim("target", "target_types", "target types as listed in the sidebar", label="Target type",
            widget="multiselect", section="more", placeholder="All", column="target_type", role="target"),
    MinKilledDim("min_killed", "min_killed", "whole number ≥ 0", label="Minimum killed", widget="number",
                 section="more"),
    TextDim("q", "q", f"free text searched in place, district, province, summary and notes (≤ {MAX_TEXT} "
            "characters); a place's other spellings are searched too (`DI Khan` finds `Dera Ismail Khan`)",
            label="Search text", widget="text", section="more", placeholder="place, summary, note…",
            help="A place name also finds its other spellings the store knows (DI Khan, D.I. Khan, "
                 "Dera Ismail Khan); the sentence above the page lists them."),
    NearDim("near", "near", "a district (its centre, where district boundaries are added) or `latitude,longitude`",
            label="Near (district or latitude,longitude)", widget="text", section="more", placeholder="e.g. Peshawar",
            help="Incidents within the distance below of a district's centre (add district boundaries on "
                 "Import & manage) or of a point. Only incidents with the source's own coordinates count."),
    KmDim("km", "km", f"kilometres for `near`, 1–{MAX_KM} (default {DEFAULT_KM})", label="Within km",
          widget="km", section="more"),
    PrecisionDim("precision", "precision", "`exact` (place known to the town, date to the day) or `any` (default)",
                 label="Place and date known to", widget="precision", section="more", choices=PRECISIONS,
                 default="any",
                 help="Exact: only incidents whose source gives the town and the day, e.g. for a district "
                      "map or a weekly count. Approximate records are left out, and the notice says how many."),
    DatasetDim("dataset", "datasets", "origin dataset: `reference`, `acled`, `ucdp`, `gtd`, `native`, `manual`",
               label="Dataset", widget="multiselect", section="more", placeholder="All datasets",
               column="origin",
               help="Where the incidents come from. The same attack reported by two datasets is "
                    "two incidents: pick one dataset to avoid counting it twice."),
)
BY_KEY = {d.key: d for d in DIMENSIONS}
BY_ATTR = {d.attr: d for d in DIMENSIONS}
MAX_PARAMS = 1000  # more URL parameters than this is no selection a person made


@dataclass(frozen=True)
class Filter:
    """What the analyst selected. Empty tuples mean "all"."""

    date_from: date | None = None
    date_to: date | None = None
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    attack_types: tuple[str, ...] = ()
    target_types: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    basis: str = DEFAULT_BASIS
    min_killed: int = 0
    q: str = ""
    near: str = ""
    km: int = DEFAULT_KM
    precision: str = "any"
    # Resolved from the vocabulary (``resolved``), never in the URL:
    q_also: tuple[str, ...] = ()                         # the other spellings of the place ``q`` names
    near_point: tuple[str, float, float] | None = None   # (name, latitude, longitude) of ``near``

    # --- URL -------------------------------------------------------------
    def to_query(self) -> dict[str, list[str]]:
        """Query-string pairs (only non-default values), ready for ``st.query_params``."""
        out: dict[str, list[str]] = {}
        for dim in DIMENSIONS:
            values = dim.query(getattr(self, dim.attr))
            if values:
                out[dim.key] = values
        return out

    def query_string(self) -> str:
        return urlencode([(k, v) for k, vs in self.to_query().items() for v in vs])

    @classmethod
    def from_query(
        cls, params: Mapping[str, str | Iterable[str]], vocab: Vocabulary | None = None
    ) -> tuple["Filter", list[str]]:
        """Parse query-string pairs. Returns the filter and a notice per value dropped.

        With ``vocab``, list values are matched case-insensitively to the known
        spelling; values the store does not know are dropped with a notice.
        """
        notices: list[str] = []
        dropped = _values(params, DROPPED_KEY)
        if dropped:  # set by ui.links when Streamlit would have ignored the whole link
            notices.append(f"The link has {_short(dropped[0], 12)} parameters, more than the {MAX_PARAMS} "
                           "the app reads: only the first were read.")
        if sum(1 if isinstance(v, str) else len(list(v)) for v in params.values()) > MAX_PARAMS:
            notices.append(f"The link has more than {MAX_PARAMS} parameters; only the first of each key was read.")
            params = {k: ([v] if isinstance(v, str) else list(v)[:1]) for k, v in list(params.items())[:MAX_PARAMS]}
        kwargs: dict = {}
        for dim in DIMENSIONS:
            value = dim.parse(_values(params, dim.key), vocab, notices)
            if value is not _UNSET:
                kwargs[dim.attr] = value
        if kwargs.get("date_from") and kwargs.get("date_to") and kwargs["date_from"] > kwargs["date_to"]:
            notices.append("'from' was after 'to'; the two were swapped.")
            kwargs["date_from"], kwargs["date_to"] = kwargs["date_to"], kwargs["date_from"]
        for key in params:
            if key not in BY_KEY and key not in PAGE_KEYS and key != DROPPED_KEY:
                notices.append(f"Ignored unknown parameter '{_short(key)}'.")
        return cls(**kwargs).resolved(vocab, notices), notices

    def resolved(self, vocab: Vocabulary | None, notices: list[str] | None = None) -> "Filter":
        """This selection with what the vocabulary settles: the other spellings of
        the searched place, and the point ``near`` names (dropped, with a notice,
        when the store knows none)."""
        point = near_point(self.near, vocab) if self.near else None
        if self.near and point is None and notices is not None:
            notices.append(f"Ignored near '{_short(self.near)}': no point known for it. Give latitude,longitude, "
                           "or add district boundaries (Import & manage) to measure from a district's centre.")
        return replace(self, q_also=spellings(self.q, vocab), near_point=point,
                       near=self.near if point else "")

    @property
    def needs_incidents(self) -> bool:
        """True when a condition reads columns only ``incidents`` has (text, coordinates)."""
        return bool(self.q or self.near_point)

    # --- SQL -------------------------------------------------------------
    def where(self, alias: str = "i") -> tuple[str, list]:
        """A parametrised WHERE body over ``incidents`` (or a derived table that
        repeats its columns), aliased ``alias``."""
        clauses: list[str] = ["TRUE"]
        params: list = []
        for dim in DIMENSIONS:
            part = dim.sql(self, alias)
            if part:
                clauses.append(part[0])
                params.extend(part[1])
        return " AND ".join(clauses), params

    # --- words -------------------------------------------------------------
    def describe(self) -> str:
        """The selection as a sentence, e.g. "ISKP and TTP incidents in Khyber
        Pakhtunkhwa, 1 Jul 2023 – 31 Aug 2023, claimed only".

        Subject (groups, attack types), then every chosen place from the district
        up to the country, then the target, then the other clauses in table order.
        """
        said = {role: [] for role in ("subject", "place", "target", "clause")}
        for dim in DIMENSIONS:
            words = dim.words(self)
            if words:
                said[dim.role].append(words)
        subject = " ".join(said["subject"] + ["incidents"])
        head = subject if said["subject"] else f"All {subject}"
        places = list(reversed(said["place"]))  # district, province, country
        if places:
            head += f" in {', '.join(places)}"
        if said["target"]:
            head += f" against {' and '.join(said['target'])}"
        return ", ".join([head[:1].upper() + head[1:]] + said["clause"])

    def with_(self, **changes) -> "Filter":
        return replace(self, **changes)

    def is_default(self) -> bool:
        return self == Filter()


def url_table() -> str:
    """The README's table of URL keys, made from ``DIMENSIONS``."""
    rows = ["| key | value | repeat |", "|---|---|---|"]
    dims = list(DIMENSIONS)
    while dims:
        dim = dims.pop(0)
        keys = f"`{dim.key}`"
        if dims and type(dims[0]) is type(dim) and dims[0].doc == dim.doc:  # from/to, attack/target
            keys += f", `{dims.pop(0).key}`"
        rows.append(f"| {keys} | {dim.doc} | {'yes' if dim.repeat else 'no'} |")
    return "\n".join(rows)


def _values(params: Mapping[str, str | Iterable[str]], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [str(v).strip() for v in items if str(v).strip()]


def _match(value: str, known: Iterable[str]) -> str | None:
    lowered = value.casefold()
    for k in known:
        if k.casefold() == lowered:
            return k
    return None


def _short(text: str, n: int = 40) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _join(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


FILTER_FIELDS = [f.name for f in fields(Filter)]
RESOLVED_FIELDS = ("q_also", "near_point")
assert set(BY_ATTR) | set(RESOLVED_FIELDS) == set(FILTER_FIELDS), "every Filter field is a dimension or resolved"

"""The analyst's selection, as one value.

``Filter`` round-trips through the page URL. The query string is a public,
documented contract (README, "Shareable URLs"):

    from, to          YYYY-MM-DD, inclusive
    country           Pakistan | Afghanistan            (may repeat)
    province          e.g. Khyber Pakhtunkhwa           (may repeat)
    district          e.g. Bajaur                       (may repeat)
    group             short names: TTP, ISKP, JuA ...   (may repeat; includes factions)
    dataset           origin dataset: reference, acled, ucdp, gtd, native, manual (may repeat)
    attack, target    attack and target types           (may repeat)
    basis             claimed | attributed              (default attributed)
    min_killed        whole number >= 0
    q                 free text searched in place, summary and notes

Unknown or invalid values fall back to the default for that key, and each one
produces a notice the page shows. ``Filter.where()`` turns the selection into a
parametrised SQL fragment over ``incidents`` aliased ``i``: user input is only
ever passed as parameters, never formatted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Iterable, Mapping

BASES = {
    "attributed": "claimed or attributed",
    "claimed": "claimed only",
}
DEFAULT_BASIS = "attributed"
MAX_TEXT = 200

LIST_KEYS = {
    "country": "countries",
    "province": "provinces",
    "district": "districts",
    "group": "groups",
    "attack": "attack_types",
    "target": "target_types",
    "dataset": "datasets",
}


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

    # --- URL -------------------------------------------------------------
    def to_query(self) -> dict[str, list[str]]:
        """Query-string pairs (only non-default values), ready for ``st.query_params``."""
        out: dict[str, list[str]] = {}
        if self.date_from:
            out["from"] = [self.date_from.isoformat()]
        if self.date_to:
            out["to"] = [self.date_to.isoformat()]
        for key, attr in LIST_KEYS.items():
            values = getattr(self, attr)
            if values:
                out[key] = list(values)
        if self.basis != DEFAULT_BASIS:
            out["basis"] = [self.basis]
        if self.min_killed:
            out["min_killed"] = [str(self.min_killed)]
        if self.q:
            out["q"] = [self.q]
        return out

    def query_string(self) -> str:
        from urllib.parse import urlencode

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

        def values(key: str) -> list[str]:
            raw = params.get(key)
            if raw is None:
                return []
            items = [raw] if isinstance(raw, str) else list(raw)
            return [str(v).strip() for v in items if str(v).strip()]

        def one(key: str) -> str | None:
            items = values(key)
            if len(items) > 1:
                notices.append(f"Only one '{key}' is allowed; used the first.")
            return items[0] if items else None

        def a_date(key: str) -> date | None:
            text = one(key)
            if text is None:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                notices.append(f"Ignored '{key}={_short(text)}': not a date (use YYYY-MM-DD).")
                return None

        kwargs: dict = {"date_from": a_date("from"), "date_to": a_date("to")}
        if kwargs["date_from"] and kwargs["date_to"] and kwargs["date_from"] > kwargs["date_to"]:
            notices.append("'from' was after 'to'; the two were swapped.")
            kwargs["date_from"], kwargs["date_to"] = kwargs["date_to"], kwargs["date_from"]

        for key, attr in LIST_KEYS.items():
            known = getattr(vocab, attr) if vocab is not None else None
            chosen: list[str] = []
            for value in values(key):
                match = value
                if known is not None:
                    match = _match(value, known)
                    if match is None:
                        alias = vocab.aliases.get(attr, {}).get(" ".join(value.casefold().split()))
                        match = alias if alias in known else None
                    if match is None:
                        notices.append(f"Ignored unknown {key} '{_short(value)}'.")
                        continue
                if match not in chosen:
                    chosen.append(match)
            kwargs[attr] = tuple(chosen)

        basis = one("basis")
        if basis is not None:
            if basis.lower() in BASES:
                kwargs["basis"] = basis.lower()
            else:
                notices.append(f"Ignored basis '{_short(basis)}': use 'claimed' or 'attributed'.")

        min_killed = one("min_killed")
        if min_killed is not None:
            try:
                kwargs["min_killed"] = int(min_killed)
                if kwargs["min_killed"] < 0:
                    raise ValueError
            except ValueError:
                kwargs.pop("min_killed", None)
                notices.append(f"Ignored min_killed '{_short(min_killed)}': use a whole number of 0 or more.")

        q = one("q")
        if q is not None:
            if len(q) > MAX_TEXT:
                notices.append(f"The search text was cut to {MAX_TEXT} characters.")
            kwargs["q"] = q[:MAX_TEXT]

        known_keys = {"from", "to", "basis", "min_killed", "q", *LIST_KEYS}
        for key in params:
            if key not in known_keys and key not in ("page", "incident", "embed", "embed_options"):
                notices.append(f"Ignored unknown parameter '{_short(key)}'.")
        return cls(**kwargs), notices

    # --- SQL -------------------------------------------------------------
    def where(self, alias: str = "i") -> tuple[str, list]:
        """A parametrised WHERE body over ``incidents`` (aliased ``alias``)."""
        a = alias
        clauses: list[str] = ["TRUE"]
        params: list = []
        if self.date_from:
            clauses.append(f"{a}.date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append(f"{a}.date <= ?")
            params.append(self.date_to)
        for column, attr in (
            ("country", "countries"),
            ("province", "provinces"),
            ("district", "districts"),
            ("attack_type", "attack_types"),
            ("target_type", "target_types"),
            ("origin", "datasets"),
        ):
            values = getattr(self, attr)
            if values:
                clauses.append(f"list_contains(?, {a}.{column})")
                params.append(list(values))
        if self.min_killed:
            clauses.append(f"{a}.killed >= ?")
            params.append(self.min_killed)
        if self.q:
            text_columns = ("place", "district", "summary", "attribution_note", "killed_note")
            if " " in self.q.lower():
                clauses.append(
                    f"contains(lower(concat_ws(' ', {', '.join(f'{a}.{c}' for c in text_columns)})), ?)"
                )
                params.append(self.q.lower())
            else:
                # The same test column by column: text without a space cannot span the
                # ' ' that joins the columns above, and building the joined string for
                # every row costs about ten times more than the test itself.
                clauses.append(
                    "coalesce("
                    + " OR ".join(f"contains(lower({a}.{c}), ?)" for c in text_columns)
                    + ", FALSE)"
                )
                params.extend([self.q.lower()] * len(text_columns))
        if self.groups:
            flag = "claimed" if self.basis == "claimed" else "responsible"
            clauses.append(
                f"{a}.incident_key IN (SELECT incident_key FROM incident_groups "
                f"WHERE {flag} AND (list_contains(?, group_id) OR list_contains(?, root_id)))"
            )
            params.extend([list(self.groups), list(self.groups)])
        elif self.basis == "claimed":
            clauses.append(f"{a}.incident_key IN (SELECT incident_key FROM incident_groups WHERE claimed)")
        return " AND ".join(clauses), params

    # --- words -------------------------------------------------------------
    def describe(self, vocab: Vocabulary | None = None) -> str:
        """The selection as a sentence, e.g. "ISKP and TTP incidents in Khyber
        Pakhtunkhwa, 1 Jul 2023 – 31 Aug 2023, claimed only"."""
        subject = "incidents"
        if self.attack_types:
            subject = f"{_join(self.attack_types)} incidents"
        if self.groups:
            subject = f"{_join(self.groups)} {subject}"
        else:
            subject = f"All {subject}"
        parts = [subject]
        places = self.districts or self.provinces or self.countries
        if places:
            parts[0] += f" in {_join(places)}"
        if self.target_types:
            parts[0] += f" against {_join(self.target_types)}"
        if self.date_from or self.date_to:
            start = _day(self.date_from) if self.date_from else "the start"
            end = _day(self.date_to) if self.date_to else "the latest"
            parts.append(f"{start} – {end}")
        parts.append(BASES[self.basis])
        if self.datasets:
            parts.append(f"from {_join(self.datasets)} data")
        if self.min_killed:
            parts.append(f"at least {self.min_killed} killed")
        if self.q:
            parts.append(f'matching "{self.q}"')
        return ", ".join(parts)

    def with_(self, **changes) -> "Filter":
        return replace(self, **changes)

    def is_default(self) -> bool:
        return self == Filter()


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

"""The sidebar shared by every page: widgets <-> one Filter <-> the page URL.

The URL is the source of truth: on a session's first run (or when the URL's
query string changes underneath us) the Filter is parsed from it; after the
widgets run, the Filter they describe is written back to the URL, so a copied
URL reproduces the view.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from .. import queries
from ..filters import BASES, Filter
from . import state

PRESETS = ("All dates", "Last 30 days", "Last 90 days", "Last 12 months", "Custom")
YEAR_PRESET = "Year {}"
PAGE_KEYS = ("incident",)  # page-level keys the sidebar leaves in the URL

KEYS = {
    "countries": "f_country",
    "provinces": "f_province",
    "districts": "f_district",
    "groups": "f_group",
    "attack_types": "f_attack",
    "target_types": "f_target",
    "datasets": "f_dataset",
}


def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def _preset_range(preset: str, last: date) -> tuple[date | None, date | None]:
    if preset.startswith("Year "):
        year = int(preset.split()[1])
        return date(year, 1, 1), date(year, 12, 31)
    days = {"Last 30 days": 30, "Last 90 days": 90, "Last 12 months": 365}.get(preset)
    if days:
        return last - timedelta(days=days - 1), last
    return None, None


def _load_into_widgets(filt: Filter, presets: list[str], last: date) -> None:
    for attr, key in KEYS.items():
        st.session_state[key] = list(getattr(filt, attr))
    st.session_state["f_basis"] = filt.basis
    st.session_state["f_min_killed"] = filt.min_killed
    st.session_state["f_q"] = filt.q
    preset = "All dates"
    if filt.date_from or filt.date_to:
        preset = next(
            (p for p in presets if p not in ("All dates", "Custom")
             and _preset_range(p, last) == (filt.date_from, filt.date_to)),
            "Custom",
        )
    st.session_state["f_preset"] = preset
    st.session_state["f_dates"] = (filt.date_from or st.session_state.get("_first"), filt.date_to or last)


def render() -> Filter:
    """Draw the sidebar; store and return the current Filter."""
    vocab = state.vocabulary()
    first, last = queries.data_range(state.cursor())
    first, last = first or date(2021, 1, 1), last or date.today()
    st.session_state["_first"] = first
    years = [YEAR_PRESET.format(y) for y in range(last.year, first.year - 1, -1)]
    presets = list(PRESETS[:-1]) + years + ["Custom"]

    query = {k: v for k, v in _url_params().items() if k not in PAGE_KEYS}
    url_text = str(sorted(query.items()))
    if "filter" not in st.session_state or (query and url_text != st.session_state.get("_url_written")):
        filt, notes = Filter.from_query(query, vocab)
        st.session_state["filter"] = filt
        st.session_state["filter_notices"] = notes
        _load_into_widgets(filt, presets, last)
    elif not query and st.session_state.get("_url_written") not in (None, "[]"):
        # The page changed and the URL lost its query: keep the Filter, rewrite the URL below.
        pass

    sb = st.sidebar
    sb.header("Filters")
    if sb.button("Reset filters", width="stretch", help="Back to every incident"):
        _load_into_widgets(Filter(), presets, last)
        st.session_state["filter_notices"] = []

    preset = sb.selectbox("Dates", presets, key="f_preset")
    if preset == "Custom":
        picked = sb.date_input(
            "From – to", key="f_dates", min_value=date(1970, 1, 1), max_value=date(2100, 1, 1),
            format="YYYY-MM-DD",
        )
        date_from, date_to = (tuple(picked) + (None, None))[:2] if isinstance(picked, (tuple, list)) else (picked, None)
    else:
        date_from, date_to = _preset_range(preset, last)
    if preset.startswith("Last"):
        sb.caption(f"Counted back from the latest incident, {last:%d %b %Y}.")

    countries = sb.multiselect("Country", vocab.countries, key="f_country", placeholder="All countries")
    provinces = sb.multiselect(
        "Province", state.ask_store("provinces_of", tuple(countries)) or vocab.provinces,
        key="f_province", placeholder="All provinces",
    )
    districts = sb.multiselect(
        "District", state.ask_store("districts_of", tuple(provinces), tuple(countries)), key="f_district",
        placeholder="All districts",
    )
    groups = sb.multiselect(
        "Group", vocab.groups, key="f_group", placeholder="All groups",
        format_func=lambda g: f"{g} — {vocab.group_names.get(g, g)}" if vocab.group_names.get(g, g) != g else g,
        help="A group includes its factions (TTP includes Jamaat-ul-Ahrar).",
    )
    basis = sb.radio(
        "Attribution basis", list(BASES), key="f_basis", format_func=lambda b: BASES[b].capitalize(),
        help=("Claimed only: the group claimed the attack and did not retract. "
              "Claimed or attributed: a claim settles it; where nobody claimed, suspicion by "
              "officials or attribution by a dataset counts."),
    )
    more = ("f_attack", "f_target", "f_min_killed", "f_q", "f_dataset")
    with sb.expander("More filters", expanded=any(st.session_state.get(k) for k in more)):
        attack = st.multiselect("Attack type", vocab.attack_types, key="f_attack", placeholder="All")
        target = st.multiselect("Target type", vocab.target_types, key="f_target", placeholder="All")
        min_killed = st.number_input("Minimum killed", min_value=0, step=1, key="f_min_killed")
        q = st.text_input("Search text", key="f_q", max_chars=200, placeholder="place, summary, note…")
        datasets = st.multiselect(
            "Dataset", vocab.datasets, key="f_dataset", placeholder="All datasets",
            help="Where the incidents come from. The same attack reported by two datasets is "
                 "two incidents: pick one dataset to avoid counting it twice.",
        )

    filt = Filter(
        date_from=date_from, date_to=date_to, countries=tuple(countries), provinces=tuple(provinces),
        districts=tuple(districts), groups=tuple(groups), attack_types=tuple(attack),
        target_types=tuple(target), datasets=tuple(datasets), basis=basis, min_killed=int(min_killed or 0), q=(q or "").strip(),
    )
    if filt != st.session_state.get("filter"):
        st.session_state["filter_notices"] = []
    st.session_state["filter"] = filt
    params = filt.to_query()
    keep = {k: st.query_params.get_all(k) for k in PAGE_KEYS if k in st.query_params}
    st.query_params.from_dict({**params, **keep})
    st.session_state["_url_written"] = str(sorted(params.items()))
    return filt


def show_selection() -> None:
    """The selection as a sentence, and notices about URL values that were dropped."""
    filt = state.current_filter()
    st.caption(filt.describe())
    datasets = state.vocabulary().datasets
    if len(datasets) > 1 and len(filt.datasets) != 1:
        st.caption(
            f":material/warning: The selection mixes datasets ({', '.join(filt.datasets or datasets)}): "
            "an attack that several datasets report is counted once per dataset. "
            "Choose one under **More filters → Dataset**."
        )
    for note in state.notices():
        st.warning(note, icon=":material/info:")

"""The sidebar shared by every page: widgets <-> one Filter <-> the page URL.

The URL is the source of truth: on a session's first run (or when the URL's
query string changes underneath us) the Filter is parsed from it; after the
widgets run, the Filter they describe is written back to the URL, so a copied
URL reproduces the view. The widgets are drawn from ``filters.DIMENSIONS``:
one widget per dimension, its key ``f_<URL key>``.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from .. import pagedata
from ..filters import BASES, DEFAULT_KM, DIMENSIONS, MAX_KM, PAGE_KEYS, PRECISIONS, Dimension, Filter
from ..safe_text import md
from . import state

PRESETS = ("All dates", "Last 30 days", "Last 90 days", "Last 12 months", "Custom")
YEAR_PRESET = "Year {}"


def widget_key(dim: Dimension) -> str:
    return f"f_{dim.key}"


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


def _load_into_widgets(filt: Filter, presets: list[str], first: date, last: date) -> None:
    for dim in DIMENSIONS:
        if dim.widget in ("multiselect", "radio", "number", "text", "precision", "km"):
            value = getattr(filt, dim.attr)
            st.session_state[widget_key(dim)] = list(value) if isinstance(value, tuple) else value
    preset = "All dates"
    if filt.date_from or filt.date_to:
        preset = next(
            (p for p in presets if p not in ("All dates", "Custom")
             and _preset_range(p, last) == (filt.date_from, filt.date_to)),
            "Custom",
        )
    st.session_state["f_preset"] = preset
    st.session_state["f_dates"] = (filt.date_from or first, filt.date_to or last)


# --- one function per widget kind: (container, dimension, options) -> value(s) ------------
def _dates(box, dim: Dimension, presets: list[str], last: date) -> dict:
    preset = box.selectbox(dim.label, presets, key="f_preset")
    if preset == "Custom":
        picked = box.date_input(
            "From – to", key="f_dates", min_value=date(1970, 1, 1), max_value=date(2100, 1, 1),
            format="YYYY-MM-DD", help="Type a date and press Enter, or pick one.",
        )
        date_from, date_to = (tuple(picked) + (None, None))[:2] if isinstance(picked, (tuple, list)) else (picked, None)
    else:
        date_from, date_to = _preset_range(preset, last)
    if preset.startswith("Last"):
        box.caption(f"Counted back from the latest incident, {last:%d %b %Y}.")
    return {"date_from": date_from, "date_to": date_to}


def _widget(box, dim: Dimension, options: list[str], names: dict[str, str]):
    key = widget_key(dim)
    if dim.widget == "multiselect":
        fmt = (lambda g: f"{g} — {names[g]}" if names.get(g, g) != g else g) if dim.attr == "groups" else str
        return tuple(box.multiselect(dim.label, options, key=key, placeholder=dim.placeholder,
                                     format_func=fmt, help=dim.help or None))
    if dim.widget == "radio":
        return box.radio(dim.label, list(BASES), key=key, format_func=lambda b: BASES[b].capitalize(),
                         help=dim.help or None)
    if dim.widget == "precision":
        return box.radio(dim.label, list(PRECISIONS), key=key, format_func=lambda p: PRECISIONS[p].capitalize(),
                         help=dim.help or None)
    if dim.widget == "number":
        return int(box.number_input(dim.label, min_value=0, step=1, key=key) or 0)
    if dim.widget == "text":
        return (box.text_input(dim.label, key=key, max_chars=200, placeholder=dim.placeholder,
                               help=dim.help or None) or "").strip()
    if dim.widget == "km":
        st.session_state.setdefault(key, DEFAULT_KM)
        return int(box.number_input(dim.label, min_value=1, max_value=MAX_KM, step=5, key=key,
                                    help=dim.help or None) or DEFAULT_KM)
    raise ValueError(f"no widget {dim.widget!r}")


def render() -> Filter:
    """Draw the sidebar; store and return the current Filter."""
    a = state.answers()
    data = pagedata.sidebar(a)
    vocab, first, last = data.vocabulary, data.first, data.last
    years = [YEAR_PRESET.format(y) for y in range(last.year, first.year - 1, -1)]
    presets = list(PRESETS[:-1]) + years + ["Custom"]

    query = {k: v for k, v in _url_params().items() if k not in PAGE_KEYS}
    url_text = str(sorted(query.items()))
    pending = st.session_state.pop("_pending_filter", None)
    if pending is not None:  # a page asked for a new selection (request_filter)
        st.session_state["filter"] = pending
        st.session_state["filter_notices"] = []
        _load_into_widgets(pending, presets, first, last)
    elif "filter" not in st.session_state or (query and url_text != st.session_state.get("_url_written")):
        filt, notes = Filter.from_query(query, vocab)
        st.session_state["filter"] = filt
        st.session_state["filter_notices"] = notes
        _load_into_widgets(filt, presets, first, last)

    sb = st.sidebar
    sb.header("Filters")
    if sb.button("Reset filters", width="stretch", help="Back to every incident"):
        _load_into_widgets(Filter(), presets, first, last)
        st.session_state["filter_notices"] = []

    more_keys = [widget_key(d) for d in DIMENSIONS if d.section == "more"]
    more = None  # the "More filters" expander, opened where its first dimension comes
    values: dict = {}
    for dim in DIMENSIONS:
        if dim.section == "more" and more is None:
            more = sb.expander("More filters", expanded=any(st.session_state.get(k) for k in more_keys))
        box = sb if dim.section == "main" else more
        if dim.widget == "dates":
            values.update(_dates(box, dim, presets, last))
        elif dim.widget:
            values[dim.attr] = _widget(box, dim, _options(a, dim, data, values), vocab.group_names)

    resolving: list[str] = []
    filt = Filter(**values).resolved(vocab, resolving)
    if filt != st.session_state.get("filter"):
        st.session_state["filter_notices"] = resolving
    st.session_state["filter"] = filt
    params = filt.to_query()
    keep = {k: st.query_params.get_all(k) for k in PAGE_KEYS if k in st.query_params}
    st.query_params.from_dict({**params, **keep})
    st.session_state["_url_written"] = str(sorted(params.items()))
    return filt


def _options(a: pagedata.Answers, dim: Dimension, data: pagedata.SidebarData, chosen: dict) -> list[str]:
    """A list widget's choices: provinces follow the chosen countries, districts the
    chosen provinces; the rest are every value the store knows."""
    if dim.attr == "provinces":
        return pagedata.sidebar(a, chosen.get("countries", ())).provinces
    if dim.attr == "districts":
        return pagedata.sidebar(a, chosen.get("countries", ()), chosen.get("provinces", ())).districts
    return list(getattr(data.vocabulary, dim.attr, ()))


def request_filter(filt: Filter) -> None:
    """Make ``filt`` the selection of every page (from a click on a page), then rerun."""
    if filt != st.session_state.get("filter"):
        st.session_state["_pending_filter"] = filt
        st.rerun()


def show_selection() -> None:
    """The selection as a sentence, and notices about URL values that were dropped."""
    filt = state.current_filter()
    st.caption(md(filt.describe()))  # names and search text from the URL or the store, shown literally
    datasets = state.vocabulary().datasets
    if len(datasets) > 1 and len(filt.datasets) != 1:
        dup = state.ask_store("possible_duplicates")
        mixed = f"The selection mixes datasets ({md(', '.join(filt.datasets or datasets))})"
        if dup and dup.get("links"):
            st.warning(
                f"{mixed}, and {dup['links']:,} records look like the same attack as a record in another dataset: "
                f"the store's {dup['records']:,} records are about {dup['incidents']:,} attacks, and these "
                "pages count every record, so those attacks count two or three times. Choose one dataset under "
                "**More filters → Dataset** to count each attack once (`python -m dashboard match` lists the "
                "pairs; docs/matching.md).", icon=":material/warning:")
        elif dup and "links" not in dup:
            st.warning(f"{mixed}: an attack that several datasets report is counted once per dataset. Choose one "
                       "under **More filters → Dataset**; `python -m dashboard match` says how many records "
                       "repeat an attack.", icon=":material/warning:")
        elif dup is not None:
            st.caption(f"{mixed}; the matcher finds no attack reported by two of them.")
    if filt.precision == "exact":
        kept = state.ask("headline", filt)["incidents"]
        every = state.ask("headline", filt.with_(precision="any"))["incidents"]
        st.caption(f"Exact places and dates only: {kept:,} of {every:,} selected incidents; "
                   f"{every - kept:,} with an approximate place or date are left out.")
    for note in state.notices():
        st.warning(md(note), icon=":material/info:")

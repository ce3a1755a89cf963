"""The app variant: each page's data function (``dashboard.pagedata``), exactly as
the page calls it, and what it sends to the browser.

One interaction is what a rerun of the app computes after a filter change:

1. the sidebar (``ui.sidebar.render``): ``pagedata.sidebar`` with no choice, with
   the chosen countries, and with the chosen countries and provinces;
2. the page's own questions before its data function (``widgets.area_level``:
   ``pagedata.offers_districts``) where the view asks them;
3. ``pagedata.<page>(answers, f, **choices)`` with the choices the page makes when
   its widgets are untouched and no district boundaries are added (``PAGES``);
4. ``.sent()`` serialised as the app sends it (``benchmarks.payload``).

This module asks no question of its own: every answer comes through a
``BenchAnswers``, the pages' ``Answers`` interface. Caching, as in the app
(``ui.state``): questions about a selection (``ask``) are uncached, because the
app's ``st.cache_data`` is keyed on the Filter and a filter change is a miss;
within one interaction a repeated question is answered once, as the app's cache
would. Questions about the whole store (``ask_store``: the vocabulary, the date
range, the province and district lists, group colours, About's coverage and group
tables) are cached per data version in the app, and the data never changes here,
so they are computed once per process and read back afterwards, as a rerun finds
them.
"""

from __future__ import annotations

import time

# Cold start: a fresh process imports this module first (benchmarks.process), so the
# imports below are the app's: Streamlit, pagedata (queries, figures, pandas, Plotly,
# DuckDB) and the workspace that opens the store.
_STARTED_WALL = time.time()
_STARTED = time.perf_counter()

from dataclasses import dataclass, field  # noqa: E402
from typing import Callable  # noqa: E402

import streamlit  # noqa: E402,F401  (the server process has it loaded)

from dashboard import pagedata  # noqa: E402
from dashboard.filters import Filter  # noqa: E402
from dashboard.geo import shapes  # noqa: E402
from dashboard.workspace import open_workspace  # noqa: E402

from .filters import APP_PAGES as PAGE_NAMES  # noqa: E402
from .filters import benchmark_filters  # noqa: E402
from .payload import Sample, loop  # noqa: E402

_IMPORTS_S = time.perf_counter() - _STARTED


@dataclass(frozen=True)
class Page:
    """How a view gets its data: its ``pagedata`` function and the choices it passes
    (what ``dashboard/views/<view>.py`` passes with its widgets at their defaults)."""

    view: str                      # dashboard/views/<view>.py
    data: Callable                 # the pagedata function the view calls
    choices: dict = field(default_factory=dict)
    filtered: bool = True          # takes the sidebar's Filter (About does not)
    offers_districts: bool = False  # the view calls widgets.area_level first
    more: tuple = ()               # further (pagedata function, choices) the view calls, in order


PAGES: dict[str, Page] = {
    "overview": Page("overview", pagedata.overview, {"level": "province", "metric": "incidents"},
                     offers_districts=True),
    "map": Page("map", pagedata.map_page, {"level": "province", "metric": "incidents", "points": True}),
    "timeline": Page("timeline", pagedata.timeline,
                     {"freq": "quarter", "metric": "incidents", "rollup": True, "others": False,
                      "milestones": True, "level": "province"}, offers_districts=True),
    "claims": Page("claims", pagedata.claims, {"rollup": True, "metric": "incidents"}),
    "incidents": Page("incidents", pagedata.incidents, {"page": 1, "incident_id": None}),
    "about": Page("about", pagedata.about, filtered=False),
    "changes": Page("changes", pagedata.changes, {"period": "week"}),
    "rivalry": Page("rivalry", pagedata.rivalry, {"side_a": "TTP", "side_b": "ISKP", "freq": "quarter"},
                    more=((pagedata.rivalry_lead_lag, {"side_a": "TTP", "side_b": "ISKP", "intervals": False}),)),
}
assert tuple(PAGES) == PAGE_NAMES


class BenchAnswers(pagedata.DirectAnswers):
    """``DirectAnswers`` that times every question and caches as the app does (see
    the module docstring): ``ask`` once per interaction, ``ask_store`` once per
    process (``store_answers``, shared by every interaction). Make one per
    interaction; ``query_s`` is the time spent inside ``ask`` and ``ask_store``."""

    def __init__(self, source, store_answers: dict):
        super().__init__(source)
        self.query_s = 0.0
        self._asked: dict = {}
        self._store_answers = store_answers

    def ask(self, name: str, f: Filter, **kwargs):
        t = time.perf_counter()
        try:
            key = (name, f, tuple(sorted(kwargs.items())))
            if key not in self._asked:
                self._asked[key] = super().ask(name, f, **kwargs)
            return self._asked[key]
        finally:
            self.query_s += time.perf_counter() - t

    def ask_store(self, name: str, *args):
        t = time.perf_counter()
        try:
            key = (name, args)
            if key not in self._store_answers:
                self._store_answers[key] = super().ask_store(name, *args)
            return self._store_answers[key]
        finally:
            self.query_s += time.perf_counter() - t


def sidebar(a: pagedata.Answers, f: Filter) -> pagedata.SidebarData:
    """What ``ui.sidebar.render`` asks on every run: the filter values and date range,
    the provinces of the chosen countries, the districts of the chosen provinces."""
    data = pagedata.sidebar(a)
    pagedata.sidebar(a, f.countries)
    pagedata.sidebar(a, f.countries, f.provinces)
    return data


def interaction(a: BenchAnswers, page: str, f: Filter) -> Sample:
    """One rerun of ``page`` under ``f``: the sidebar, the page's data function, and
    what it sends, serialised."""
    p = PAGES[page]
    sidebar(a, f)
    choices = dict(p.choices)
    if p.offers_districts:  # as widgets.area_level: districts by default when one province is chosen
        choices["level"] = pagedata.area_level(a, f)
    data = p.data(a, f, **choices) if p.filtered else p.data(a, **choices)
    s = Sample()
    figures, tables = data.sent()
    for fn, more_choices in p.more:
        more_figures, more_tables = fn(a, f, **more_choices).sent()
        figures.update({f"{fn.__name__}.{k}": v for k, v in more_figures.items()})
        tables.update({f"{fn.__name__}.{k}": v for k, v in more_tables.items()})
    for name, fig in figures.items():
        s.send(name, fig)
    for df in tables.values():
        s.table(df)
    s.query_s = a.query_s
    return s


def phase_app(db: str, repeat: int) -> dict:
    """Cold start (imports, open the store, vocabulary, the Overview), then every page
    for every filter change, ``repeat`` times."""
    import psutil

    created = psutil.Process().create_time()
    t1 = time.perf_counter()
    store = open_workspace(db)  # as the app opens it (ui.state.get_store)
    t2 = time.perf_counter()
    store_answers: dict = {}

    def answers() -> BenchAnswers:
        return BenchAnswers(store, store_answers)  # a cursor per question, as the app's

    answers().ask_store("vocabulary")
    t3 = time.perf_counter()
    interaction(answers(), "overview", Filter())
    t4 = time.perf_counter()
    cold = {
        "interpreter_ms": (_STARTED_WALL - created) * 1000,
        "imports_ms": _IMPORTS_S * 1000, "open_store_ms": (t2 - t1) * 1000,
        "vocabulary_ms": (t3 - t2) * 1000, "overview_ms": (t4 - t3) * 1000,
        "total_ms": (time.time() - created) * 1000,
    }
    if shapes.has_districts():  # PAGES' choices assume none (the Map would default to districts)
        raise RuntimeError("bench: district boundaries found in the benchmark's data folder")
    flist = benchmark_filters(answers().ask_store("data_range")[1])
    for page in PAGES:  # warm-up: every page visited once, as after the first minutes of use
        interaction(answers(), page, Filter())
    samples = loop(lambda page, f: interaction(answers(), page, f), PAGES, flist, repeat)
    heads = {label: [int(h["incidents"]), int(h["killed"])]
             for label, f in flist for h in [answers().ask("headline", f)]}
    store.close()
    return {"cold": cold, "samples": samples, "headline": heads, "filters": [x for x, _ in flist]}

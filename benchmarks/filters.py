"""What every variant answers: the pages, in order, and a fixed list of filter changes."""

from __future__ import annotations

from datetime import date, timedelta

# The pages every variant (app, raw DuckDB, pandas) answers, in the order printed.
PAGES = ("overview", "map", "timeline", "claims", "incidents", "about")
# Pages only the app variant times (no raw-DuckDB or pandas copy yet: their aggregation is
# already one DuckDB query each, see BENCHMARKS.md).
APP_PAGES = PAGES + ("changes", "rivalry")


def benchmark_filters(last: date) -> list[tuple[str, object]]:
    """A fixed list of realistic filter changes (relative to the data's last date):
    (label, ``dashboard.filters.Filter``)."""
    from dashboard.filters import Filter

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


def last_date(con) -> date:
    """The data's last incident date (a DuckDB connection or cursor)."""
    return con.execute("SELECT max(date) FROM incidents").fetchone()[0]

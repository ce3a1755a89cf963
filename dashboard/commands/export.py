"""``python -m dashboard export "<query string>"``: the app's selection as a file."""

from __future__ import annotations

import sys
from urllib.parse import parse_qs, urlsplit

from .. import queries
from ..export import FORMATS, to_bytes
from ..filters import Filter
from ..workspace import open_workspace


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export",
        help="write the incidents a dashboard query string selects (CSV, XLSX or GeoJSON)",
        description=(
            "Write the incidents that the same query string selects in the app, e.g. "
            "'group=ISKP&province=Khyber Pakhtunkhwa&from=2023-01-01'. A whole app URL works too."
        ),
    )
    p.add_argument("query", nargs="?", default="", help="query string or app URL (default: everything)")
    p.add_argument("--format", choices=FORMATS, default=None, help="default: from -o's extension, else csv")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--db", help="database file (default: DASHBOARD_DB or data/local/dashboard.duckdb)")


def parse_query_string(text: str) -> dict[str, list[str]]:
    """Accept a bare query string, one starting with '?', or a whole URL."""
    text = text.strip()
    if "://" in text:
        text = urlsplit(text).query
    return parse_qs(text.lstrip("?"), keep_blank_values=False)


def run(args) -> int:
    fmt = args.format
    if fmt is None:
        fmt = next((f for f in FORMATS if args.output and args.output.lower().endswith("." + f)), "csv")
    if fmt == "xlsx" and not args.output:
        print("error: XLSX is binary; give a file with -o.", file=sys.stderr)
        return 2
    with open_workspace(args.db) as store:
        con = store.cursor()
        filt, notices = Filter.from_query(parse_query_string(args.query), queries.vocabulary(con))
        for notice in notices:
            print(f"note: {notice}", file=sys.stderr)
        rows = queries.export_rows(con, filt)
    data = to_bytes(rows, fmt)
    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(data)
        print(f"{len(rows)} incidents ({filt.describe()}) -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0

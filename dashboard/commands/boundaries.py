"""``python -m dashboard boundaries ...``: district boundaries the analyst adds.

    boundaries add PATH --country PAK|AFG [--level 2] [--name-field FIELD] [--layer NAME]
    boundaries list
    boundaries remove PAK|AFG
    boundaries sync
    boundaries fetch PAK [AFG]          (downloads geoBoundaries ADM2; needs internet)

Files go to ``config.data_dir()/boundaries/`` (``DASHBOARD_DATA_DIR``; git-ignored),
never into the repository. Adding or removing re-assigns every incident's
district in one transaction.
"""

from __future__ import annotations

import json
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

from ..geo import district_store as S
from ..geo import boundary_files as F
from ..geo import boundary_registry as R
from ..store.db import StoreLockedError
from ..workspace import open_workspace

GEOBOUNDARIES_API = "https://www.geoboundaries.org/api/current/gbOpen/{iso3}/ADM2/"
FETCH_TIMEOUT = 15  # seconds per request


def add_parser(sub) -> None:
    p = sub.add_parser(
        "boundaries",
        help="add, list or remove district boundaries (admin level 2)",
        description=(
            "Manage district boundaries. The project ships province boundaries only; add a "
            "district file per country (GeoJSON, GeoPackage, zipped Shapefile or GeoParquet), "
            "e.g. geoBoundaries gbOpen PAK ADM2 from https://www.geoboundaries.org/. Files are "
            "kept in the data folder (DASHBOARD_DATA_DIR/boundaries), not in the repository."
        ),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    a = actions.add_parser("add", help="add (or replace) a country's district boundaries from a file")
    a.add_argument("path", help="GeoJSON, GeoPackage, zipped Shapefile or GeoParquet file")
    a.add_argument("--country", required=True, help="PAK (Pakistan) or AFG (Afghanistan)")
    a.add_argument("--level", type=int, default=F.LEVEL, help="administrative level; only 2 (districts)")
    a.add_argument("--name-field", help="attribute holding district names (default: detected, e.g. shapeName, ADM2_EN)")
    a.add_argument("--layer", help="layer to read, for a GeoPackage or archive with several")
    a.add_argument("--check", action="store_true", help="read and check the file only; change nothing")
    _db_option(a)

    ls = actions.add_parser("list", help="list the district boundaries added")
    _db_option(ls)

    r = actions.add_parser("remove", help="remove a country's district boundaries (districts go back as written)")
    r.add_argument("country", help="PAK or AFG")
    _db_option(r)

    s = actions.add_parser("sync", help="re-assign every incident's district from the files now present")
    _db_option(s)

    f = actions.add_parser("fetch", help="download geoBoundaries ADM2 for PAK and/or AFG and add it (needs internet)")
    f.add_argument("countries", nargs="+", help="PAK and/or AFG")
    f.add_argument("--simplified", action="store_true", help="take geoBoundaries' simplified file (smaller, coarser)")
    f.add_argument("--timeout", type=float, default=FETCH_TIMEOUT, help="seconds to wait for the server")
    _db_option(f)


def _db_option(parser) -> None:
    parser.add_argument("--db", help="database file (default: DASHBOARD_DB or data/local/dashboard.duckdb)")


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _db(args) -> str | None:
    return getattr(args, "db", None)


def run(args) -> int:
    action = getattr(args, "action", None)
    if not action:
        print("usage: python -m dashboard boundaries {add,list,remove,sync,fetch} ... (--help for more)")
        return 0
    try:
        return {"add": _add, "list": _list, "remove": _remove, "sync": _sync, "fetch": _fetch}[action](args)
    except F.BoundaryError as exc:
        _err(str(exc))
        return 2


def _print_change(change: S.Change) -> None:
    for note in change.notes:
        print(f"note: {note}")
    print(change.summary())


def _add(args) -> int:
    prepared = F.prepare(args.path, args.country, args.level, args.name_field, layer=args.layer)
    for note in prepared.notes:
        print(f"note: {note}")
    m = prepared.meta
    print(f"{m['source']}: {m['districts']} districts of {prepared.country} from field {m['name_field']!r} "
          f"(display copy {m['display_bytes'] / 1000:.0f} KB); provinces: "
          + ", ".join(f"{k} {v}" for k, v in m["provinces"].items()))
    if args.check:
        print("Checked only (--check): nothing was changed.")
        return 0
    with open_workspace(_db(args)) as store:
        change = S.add_boundaries(store, prepared)
    prepared.notes = []
    print(change.summary())
    print(f"Stored in {R.boundaries_dir()}")
    return 0


def _list(args) -> int:
    entries = R.registry()
    if not entries:
        print(f"No district boundaries in {R.boundaries_dir()}. Provinces only.")
        print(F.GEOBOUNDARIES_HELP)
        print("Add one with: python -m dashboard boundaries add FILE --country PAK --level 2")
    for m in entries:
        print(f"{m['country_iso3']}  {m['country']}: {m['districts']} districts from {m['source']} "
              f"(field {m['name_field']!r}, added {m['added_at']}, display {m['display_bytes'] / 1000:.0f} KB)")
    try:
        with open_workspace(_db(args)) as store:
            con = store.cursor()
            if not S.in_sync(con):
                print("warning: the database's districts were assigned from other boundary files; "
                      "run: python -m dashboard boundaries sync")
            else:
                n = con.execute("SELECT count(*) FROM admin_districts").fetchone()[0]
                if entries:
                    print(f"Database up to date ({n} districts).")
    except StoreLockedError:
        print("(the database is in use, so its state was not checked)")
    return 0


def _remove(args) -> int:
    iso3 = F.country_code(args.country)
    with open_workspace(_db(args)) as store:
        change = S.remove_boundaries(store, iso3)
    print(f"Removed the district boundaries of {F.COUNTRIES[iso3]}.")
    print(change.summary())
    return 0


def _sync(args) -> int:
    with open_workspace(_db(args)) as store:
        change = S.sync(store)
    print(change.summary())
    return 0


class OfflineError(F.BoundaryError):
    """The boundary server could not be reached."""


def _get(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https, fixed host)
            return response.read()
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OfflineError(
            f"Could not download {url}: {reason}. This machine seems to be offline. On a connected "
            "machine, download gbOpen ADM2 for the country from https://www.geoboundaries.org/ "
            "(GeoJSON), copy it here and run: python -m dashboard boundaries add FILE --country PAK --level 2"
        ) from exc


def download(iso3: str, folder: Path, *, simplified: bool = False, timeout: float = FETCH_TIMEOUT) -> Path:
    """Download geoBoundaries gbOpen ADM2 for ``iso3`` into ``folder``; returns the file."""
    meta = json.loads(_get(GEOBOUNDARIES_API.format(iso3=iso3), timeout))
    if isinstance(meta, list):
        meta = meta[0] if meta else {}
    key = "simplifiedGeometryGeoJSON" if simplified else "gjDownloadURL"
    url = meta.get(key) or meta.get("gjDownloadURL") or meta.get("simplifiedGeometryGeoJSON")
    if not url:
        raise F.BoundaryError(f"geoBoundaries gave no download address for {iso3} ADM2.")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"geoBoundaries-{iso3}-ADM2{'_simplified' if simplified else ''}.geojson"
    path.write_bytes(_get(url, timeout))
    return path


def _fetch(args) -> int:
    codes = [F.country_code(c) for c in args.countries]
    folder = R.boundaries_dir(create=True) / "downloads"
    files = []
    for iso3 in codes:
        print(f"Downloading geoBoundaries {iso3} ADM2 …")
        files.append((iso3, download(iso3, folder, simplified=args.simplified, timeout=args.timeout)))
    prepared = [F.prepare(path, iso3, F.LEVEL, source_name=path.name) for iso3, path in files]
    with open_workspace(_db(args)) as store:
        for p in prepared:
            change = S.add_boundaries(store, p)
            _print_change(change)
    return 0

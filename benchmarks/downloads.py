"""The downloads step: what pressing a download button on the Incidents page reads
(``queries.export_rows``: every selected row, uncached, as ``ui.state.read`` runs
it). Measured apart and reported, not counted in the interaction figures."""

from __future__ import annotations

import time

from .filters import benchmark_filters, last_date

DOWNLOAD_MEASURE_MAX = 2_000_000  # selections bigger than this are not tried (tens of millions of rows)


def phase_downloads(db: str, repeat: int = 1) -> dict:
    """``queries.export_rows`` for every filter change."""
    from dashboard import queries
    from dashboard.workspace import open_workspace

    store = open_workspace(db)
    con = store.cursor()
    flist = benchmark_filters(last_date(con))
    out = []
    for label, f in flist:
        n = queries.incidents_table(con, f, limit=1)[1]
        if n > DOWNLOAD_MEASURE_MAX:
            out.append({"filter": label, "rows": n, "ms": None})
            continue
        t = time.perf_counter()
        rows = queries.export_rows(con, f)
        out.append({"filter": label, "rows": len(rows), "ms": (time.perf_counter() - t) * 1000})
        del rows
    con.close()
    store.close()
    return {"samples": out}

"""The report: per-page tables, ratios, memory, downloads, machine load, the
consistency check, and the last line,
``RESULT events=N p95_ms=X pandas_p95_ms=Y duckdb_raw_p95_ms=Z rss_mb=M map_payload_kb=K import_rows_per_s=I``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .downloads import DOWNLOAD_MEASURE_MAX
from .filters import APP_PAGES, PAGES
from .process import QUIET_SHARE


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def report(say, n: int, repeat: int, imp: dict | None, app: dict, raw: dict, pdr: dict | None,
           dl: dict | None) -> int:
    """Print the results of the steps; 0, or 1 when the variants disagree on a headline."""
    # consistency: the three answer the same question the same way
    bad = [k for k in app["headline"] if app["headline"][k] != raw["headline"][k]
           or (pdr and k in pdr["headline"] and app["headline"][k] != pdr["headline"][k])]
    pd_labels = set(pdr["headline"]) if pdr else set()
    c = app["cold"]
    say("")
    say(f"cold start to the first page ready: {c['total_ms']:,.0f} ms (interpreter {c['interpreter_ms']:,.0f}, "
        f"imports {c['imports_ms']:,.0f}, open store {c['open_store_ms']:,.0f}, vocabulary "
        f"{c['vocabulary_ms']:,.0f}, Overview data path {c['overview_ms']:,.0f})")
    nf = len(app["filters"])
    say(f"per page, ms, over {nf} filter changes x {repeat} repeats (uncached; sidebar included):")
    hdr = f"{'page':<10} {'app p50':>8} {'app p95':>8} {'query p95':>9} {'raw p95':>8} {'pandas p95':>10} " \
          f"{'pd/app':>7} {'app q/raw':>9} {'fig KB max':>10} {'table KB max':>12}"
    say(hdr)
    rows = {}
    def counted(page: str, sample_page: str) -> bool:
        """``overall``: every page the app times; ``common``: the pages every variant answers."""
        return (page == "overall" or (page == "common" and sample_page in PAGES) or sample_page == page)

    for page in APP_PAGES + ("common", "overall"):
        def pick(res, key="ms"):
            if res is None:
                return []
            return [s[key] for s in res["samples"] if counted(page, s["page"])]
        a, aq, r = pick(app), pick(app, "query_ms"), pick(raw)
        pdm = pick(pdr)
        # pandas / app over the filters pandas was run on (all of them unless --pandas-filters)
        a_pd = [s["ms"] for s in app["samples"] if counted(page, s["page"]) and s["filter"] in pd_labels]
        figs = [sum(s["figure_bytes"].values()) for s in app["samples"] if counted(page, s["page"])]
        tabs = [s["table_bytes"] for s in app["samples"] if counted(page, s["page"])]
        row = {"p50": pct(a, 50), "p95": pct(a, 95), "q95": pct(aq, 95), "raw95": pct(r, 95),
               "pd95": pct(pdm, 95) if pdm else float("nan"), "fig_kb": max(figs) / 1024, "tab_kb": max(tabs) / 1024,
               "pd_ratio": pct(pdm, 95) / pct(a_pd, 95) if pdm and a_pd else float("nan")}
        rows[page] = row
        say(f"{page:<10} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['q95']:>9.1f} {row['raw95']:>8.1f} "
            f"{row['pd95']:>10.1f} {row['pd_ratio']:>6.1f}x {row['q95'] / row['raw95']:>8.2f}x "
            f"{row['fig_kb']:>10.1f} {row['tab_kb']:>12.1f}")
    # the slowest filter per page
    say("slowest filter per page (app p95 over repeats):")
    for page in APP_PAGES:
        per = {}
        for s in app["samples"]:
            if s["page"] == page:
                per.setdefault(s["filter"], []).append(s["ms"])
        worst = max(per, key=lambda k: pct(per[k], 95))
        say(f"  {page:<10} {worst!r}: {pct(per[worst], 95):.1f} ms")
    map_kb = max(sum(s["figure_bytes"].values()) for s in app["samples"] if s["page"] == "map") / 1024
    o_, common = rows["overall"], rows["common"]
    say("(overall: every page the app times; common: the pages raw DuckDB and pandas answer too, "
        f"{', '.join(PAGES)}; the ratios compare those)")
    say("")
    if pdr and len(pd_labels) < nf:
        say(f"pandas baseline run on the first {len(pd_labels)} of the {nf} filter changes (--pandas-filters); "
            "pandas / app compares the app on those same filters")
    say(f"ratios (p95 over the common pages): pandas / app = {common['pd_ratio']:.1f}x; app / raw DuckDB = "
        f"{common['p95'] / common['raw95']:.2f}x (queries only: {common['q95'] / common['raw95']:.2f}x); "
        f"pandas / raw = {common['pd95'] / common['raw95']:.1f}x")
    say(f"peak RSS: app {app['tree_peak_mb']:,.0f} MB; raw DuckDB {raw['tree_peak_mb']:,.0f} MB"
        + (f"; pandas {pdr['tree_peak_mb']:,.0f} MB (frames {pdr['frame_bytes'] / 2**20:,.0f} MiB, "
           f"load {pdr['load_s']:.1f} s)" if pdr else "")
        + (f"; import {imp['tree_peak_mb']:,.0f} MB" if imp else "")
        + (f"; downloads {dl['tree_peak_mb']:,.0f} MB" if dl else ""))
    if dl:
        done = [s for s in dl["samples"] if s["ms"] is not None]
        worst = max(done, key=lambda s: s["ms"])
        skipped = [s for s in dl["samples"] if s["ms"] is None]
        say(f"downloads (read when a download button is pressed; not in the interaction figures): export_rows p50 "
            f"{pct([s['ms'] for s in done], 50):,.0f} ms, max {worst['ms']:,.0f} ms ({worst['rows']:,} rows, "
            f"{worst['filter']!r})" + (f"; not tried for {len(skipped)} filters over {DOWNLOAD_MEASURE_MAX:,} rows "
                                       f"(up to {max(s['rows'] for s in skipped):,})" if skipped else ""))
    loads = [(name, res["other_cpu"]) for name, res in (("import", imp), ("app", app), ("raw", raw),
                                                         ("pandas", pdr)) if res and res.get("other_cpu") is not None]
    say("machine: other processes used " + ", ".join(f"{x:.0%}" + f" during {name}" for name, x in loads)
        + " of the CPUs" + ("" if max(x for _, x in loads) < QUIET_SHARE else
                            f"  WARNING: above {QUIET_SHARE:.0%}, timings are inflated; rerun on a quiet "
                            "machine (--wait-quiet waits for one)"))
    say("consistency: headline counts agree across app, raw DuckDB" + (" and pandas" if pdr else "")
        + " for every filter" if not bad else f"consistency: MISMATCH for {bad}")
    summary = {"events": n, "rows": rows, "cold": c, "import": imp, "app_rss": app["tree_peak_mb"],
               "map_kb": map_kb}
    if os.environ.get("DASHBOARD_BENCH_JSON"):
        Path(os.environ["DASHBOARD_BENCH_JSON"]).write_text(json.dumps(
            {"summary": summary, "app": app, "raw": raw, "pandas": pdr, "downloads": dl}, default=str))
    ips = f"{imp['rows_per_s']:.0f}" if imp else "nan"
    say(f"RESULT events={n} p95_ms={o_['p95']:.1f} pandas_p95_ms={o_['pd95']:.1f} "
        f"duckdb_raw_p95_ms={o_['raw95']:.1f} rss_mb={app['tree_peak_mb']:.0f} map_payload_kb={map_kb:.1f} "
        f"import_rows_per_s={ips}")
    return 1 if bad else 0

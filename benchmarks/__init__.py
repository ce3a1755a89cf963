"""Benchmark: interaction latency, memory and import speed on a SYNTHETIC dataset.

``python -m benchmarks --events N [--repeat K] [--db PATH] ...`` (the same as
``python -m dashboard bench``; options in ``benchmarks.options``; results in
BENCHMARKS.md).

What it does, in order (each measured step runs in its own fresh Python process,
``benchmarks.process``, so the memory of one does not inflate the next, and the
machine does one thing at a time):

1. **import** (``benchmarks.ingest``): generates N clearly synthetic incidents
   (``benchmarks.synthetic``: origin ``synthetic``, summaries starting "SYNTHETIC
   benchmark row", event ids ``S000000000`` ..., source URLs on ``example.invalid``)
   from a fixed seed, writes them as native-template CSV files (one per
   ``--batch-rows``) and imports each with the importers' pipeline
   (``dashboard.ingest.pipeline.ingest_info``, what ``python -m dashboard ingest``
   runs) into a separate DuckDB file: a temporary file, deleted afterwards, unless
   ``--db`` is given; never the default store. Rows per second count the import
   only, not the generation of the files.
2. **app** (``benchmarks.app``): cold start (Python imports, open the store as the
   app does, vocabulary, the Overview), then, for a fixed list of filter changes
   (``benchmarks.filters``), every page's data function from ``dashboard.pagedata``
   called as the page calls it, with the sidebar's, and what it returns for the
   browser serialised as the app sends it (``benchmarks.payload``: figures as
   ``st.plotly_chart`` does, tables as ``st.dataframe`` does). Questions about the
   selection are uncached (the app's cache is keyed on the Filter, so a filter
   change is a miss); answers about the whole store are computed once per process,
   as the app caches them per data version.
3. **raw** (``benchmarks.raw_duckdb``): the same questions as hand-written DuckDB
   SQL, no app code, results fetched as Arrow: the lower bound.
4. **pandas** (``benchmarks.pandas_baseline``): the same questions the way typical
   Streamlit dashboards answer them: one DataFrame in memory, boolean masks and
   groupby, and the same figures built from the answers.
5. **downloads** (``benchmarks.downloads``): what pressing a download button on the
   Incidents page reads (``queries.export_rows``: every selected row). Measured
   apart and reported, not counted in the interaction figures.

``benchmarks.run`` runs the steps; ``benchmarks.report`` prints the tables. The
last line printed is
``RESULT events=N p95_ms=X pandas_p95_ms=Y duckdb_raw_p95_ms=Z rss_mb=M map_payload_kb=K import_rows_per_s=I``
where p95s are over every (page, filter, repeat) sample, ``rss_mb`` is the peak
resident memory of the app process (cold start and all interactions),
``map_payload_kb`` is the largest Map figure sent, in KiB.

This package sits next to ``dashboard/`` and imports it; nothing in ``dashboard/``
imports it but the ``bench`` command.
"""

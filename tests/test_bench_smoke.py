"""The benchmark (``python -m benchmarks``, also ``python -m dashboard bench``): a quick
run at 10,000 synthetic incidents, the synthetic data's labels, and that its app
variant calls the page data functions the pages call, with the pages' choices.

Marked ``bench``; fast enough for the default run. The 100k / 1M / 10M runs are
by hand (BENCHMARKS.md).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.config import REPO_ROOT

pytestmark = pytest.mark.bench

RESULT = re.compile(
    r"^RESULT events=(?P<events>\d+) p95_ms=(?P<p95>[\d.]+) pandas_p95_ms=(?P<pandas>[\d.]+) "
    r"duckdb_raw_p95_ms=(?P<raw>[\d.]+) rss_mb=(?P<rss>\d+) map_payload_kb=(?P<map>[\d.]+) "
    r"import_rows_per_s=(?P<import>\d+)$"
)
VIEWS = REPO_ROOT / "dashboard" / "views"


def test_bench_at_10k_events_prints_a_sane_result_line(tmp_path):
    default_store = tmp_path / "default-store.duckdb"
    env = dict(os.environ, DASHBOARD_DB=str(default_store), DASHBOARD_DATA_DIR=str(tmp_path / "local"))
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--events", "10000", "--repeat", "1"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    match = RESULT.match(lines[-1])
    assert match, f"last line is not the RESULT line: {lines[-1]!r}"
    r = {k: float(v) for k, v in match.groupdict().items()}
    assert r["events"] == 10_000
    assert 0 < r["raw"] and 0 < r["p95"] < 60_000 and 0 < r["pandas"] < 600_000
    assert 50 < r["rss"] < 8_000
    assert 10 < r["map"] < 20_000          # the map always carries the province shapes
    assert r["import"] > 100
    out = run.stdout
    assert "SYNTHETIC" in out and "dashboard.ingest.pipeline" in out and "dashboard.pagedata" in out
    assert "consistency: headline counts agree" in out
    for page in ("overview", "map", "timeline", "claims", "incidents", "about", "overall"):
        assert re.search(rf"^{page}\s+\d", out, re.M), f"no row for {page}"
    # The synthetic rows went to a temporary database, deleted afterwards; the
    # default store was never opened.
    temp_db = re.search(r"database (\S+\.duckdb) \(temporary", out).group(1)
    assert not os.path.exists(temp_db)
    assert not default_store.exists()


def test_dashboard_bench_is_the_same_command(monkeypatch, capsys):
    """``python -m dashboard bench`` parses the same options into the same run."""
    from benchmarks import __main__ as bench_main
    from benchmarks import run as bench_run
    from dashboard import __main__ as dashboard_main

    runs = []
    monkeypatch.setattr(bench_run, "run_benchmark", lambda o: runs.append(o) or 0)
    argv = ["--events", "1M", "--repeat", "2", "--db", "/tmp/b.duckdb", "--resume", "--pandas-repeat", "1",
            "--pandas-filters", "5", "--seed", "7", "--batch-rows", "250k", "--wait-quiet", "30",
            "--skip-downloads"]
    assert bench_main.main(argv) == 0
    assert dashboard_main.main(["bench", *argv]) == 0
    assert runs[0] == runs[1]
    o = runs[0]
    assert (o.events, o.batch_rows, o.repeat, o.seed, o.resume, o.reuse) == (1_000_000, 250_000, 2, 7, True, False)
    assert (o.pandas_repeat, o.pandas_filters, o.wait_quiet, o.skip_downloads, o.skip_pandas) == (1, 5, 30, True, False)
    for bad in (["--events", "10k", "--repeat", "0"], ["--events", "10k", "--reuse"]):
        assert bench_main.main(bad) == 2
        assert dashboard_main.main(["bench", *bad]) == 2
    assert len(runs) == 2
    capsys.readouterr()


def test_synthetic_rows_are_seeded_labelled_and_mostly_unclaimed():
    from benchmarks import synthetic

    world = synthetic.World(synthetic.DEFAULT_SEED)
    a = synthetic.generate_block(world, 0, 5000, synthetic.DEFAULT_SEED)
    b = synthetic.generate_block(world, 0, 5000, synthetic.DEFAULT_SEED)
    assert a.equals(b)                                           # seeded: the same rows every run
    assert a["summary"].str.startswith("SYNTHETIC benchmark row").all()
    assert a["source_url"].str.contains("example.invalid").all()
    assert a["event_id"].is_unique
    kp = (a["province"] == "Khyber Pakhtunkhwa").mean()
    assert 0.4 < kp < 0.65                                       # KP weighted heavily
    assert set(a["country"]) == {"Pakistan", "Afghanistan"}
    claimed = (a["claimed_by"] != "").mean()
    assert 0.1 < claimed < 0.25                                  # most incidents go unclaimed
    assert (a["denied_by"] != "").any() and (a["suspected"] != "").any()
    assert a["date"].str[:4].nunique() == 10                     # ten years
    killed = a["killed"][a["killed"] != ""].astype(int)
    assert (killed == 0).mean() > 0.25 and killed.max() > 30     # skewed


# --- the app variant times what the pages run ------------------------------------------
def _calls(tree: ast.AST, owner: str) -> list[ast.Call]:
    """Calls of ``owner.<something>(...)`` in a module."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name) and n.func.value.id == owner]


def _literal_defaults(tree: ast.AST, name: str) -> list:
    """The literals a view falls back on for the variable ``name``: ``name = LIT``,
    ``... or LIT``, a widget's ``default=LIT`` / ``value=LIT``, ``widgets.chosen(key, LIT)``."""
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)):
            continue
        if isinstance(node.value, ast.Constant):
            out.append(node.value.value)
        for sub in ast.walk(node.value):
            if isinstance(sub, ast.BoolOp) and isinstance(sub.op, ast.Or) and isinstance(sub.values[-1], ast.Constant):
                out.append(sub.values[-1].value)
            if isinstance(sub, ast.Call):
                out += [k.value.value for k in sub.keywords
                        if k.arg in ("default", "value") and isinstance(k.value, ast.Constant)]
                if (isinstance(sub.func, ast.Attribute) and sub.func.attr == "chosen" and len(sub.args) > 1
                        and isinstance(sub.args[1], ast.Constant)):
                    out.append(sub.args[1].value)
    return out


def test_the_app_variant_calls_the_data_function_each_view_calls():
    """Each page of ``benchmarks.app.PAGES`` is what its view does: the view calls
    exactly that ``pagedata`` function, with the same choices (keyword names), whose
    untouched-widget defaults are the benchmark's, and asks ``widgets.area_level``
    (``pagedata.offers_districts``) exactly when the benchmark does. A page that starts
    calling another data function, or gains a choice, fails here."""
    from benchmarks import app
    from benchmarks.filters import APP_PAGES
    from dashboard import pagedata

    assert tuple(app.PAGES) == APP_PAGES
    page_functions = {fn.__name__ for fn in pagedata.PAGES.values()} | {"about"}
    timed = set()
    for path in sorted(VIEWS.glob("*.py")):
        tree = ast.parse(path.read_text())
        called = [c.func.attr for c in _calls(tree, "pagedata") if c.func.attr in page_functions]
        if called:
            page = next((k for k, p in app.PAGES.items() if p.view == path.stem), None)
            assert page, f"views/{path.name} calls pagedata.{called[0]}, which the benchmark does not time"
            timed.add(page)
    assert timed == set(app.PAGES)

    for page, p in app.PAGES.items():
        tree = ast.parse((VIEWS / f"{p.view}.py").read_text())
        calls = _calls(tree, "pagedata")
        wanted = [(p.data, p.choices), *p.more]
        assert [c.func.attr for c in calls] == [fn.__name__ for fn, _ in wanted], \
            f"{page}: the view calls {[c.func.attr for c in calls]}"
        for call, (fn, choices) in zip(calls, wanted):
            assert len(call.args) == (2 if p.filtered else 1), f"{page}: (answers, filter) or (answers,)"
            assert {k.arg for k in call.keywords} == set(choices), \
                f"{page}: the view's choices for {fn.__name__} are not the benchmark's"
            for k in call.keywords:
                if isinstance(k.value, ast.Name):
                    defaults = _literal_defaults(tree, k.value.id)
                    if defaults:
                        mine = choices[k.arg]
                        assert any(d == mine and type(d) is type(mine) for d in defaults), \
                            f"{page}: {k.arg}={mine!r} but the view defaults to {defaults}"
        asks_level = any(c.func.attr == "area_level" for c in _calls(tree, "widgets"))
        assert asks_level == p.offers_districts, page
        if p.offers_districts:  # replaced at run time by pagedata.area_level, as widgets.area_level does
            assert p.choices["level"] == "province"

    # the sidebar: ui.sidebar.render and its option lists ask pagedata.sidebar three ways
    ui = ast.parse((REPO_ROOT / "dashboard" / "ui" / "sidebar.py").read_text())
    bench = ast.parse(Path(app.__file__).read_text())
    sidebar_calls = lambda tree: sorted(len(c.args) for c in _calls(tree, "pagedata") if c.func.attr == "sidebar")  # noqa: E731
    assert sidebar_calls(ui) == sidebar_calls(bench) == [1, 2, 3]


def test_the_app_variant_asks_no_question_of_its_own():
    """``benchmarks.app`` has no query of its own: no ``queries`` import, no SQL, no
    cursor; every answer goes through the pages' ``Answers``."""
    from benchmarks import app

    tree = ast.parse(Path(app.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = {a.name for a in node.names}
            assert node.module not in ("dashboard.queries", "duckdb") and "queries" not in names, ast.dump(node)
        elif isinstance(node, ast.Import):
            assert not any(a.name in ("dashboard.queries", "duckdb") for a in node.names)
        elif isinstance(node, ast.Attribute):
            assert node.attr not in ("execute", "sql", "cursor", "fetchall", "fetchone"), node.attr
        elif isinstance(node, ast.Name):
            assert node.id != "queries"


def test_the_app_variant_runs_every_page_on_the_default_store(store):
    """One interaction per page on the default data, in this process: something is sent,
    question time is counted, and answers about the whole store are asked once."""
    from benchmarks import app
    from dashboard.filters import Filter

    asked: list = []

    class Counting(app.BenchAnswers):
        def ask_store(self, name, *args):
            if (name, args) not in self._store_answers:
                asked.append((name, args))
            return super().ask_store(name, *args)

    memo: dict = {}
    for _ in range(2):
        for page in app.PAGES:
            s = app.interaction(Counting(store, memo), page, Filter(groups=("TTP",)))
            assert s.query_s > 0
            assert s.table_bytes if page in ("incidents", "about") else s.figure_bytes, page
    assert len(asked) == len(set(asked)) and ("vocabulary", ()) in asked
    s = app.interaction(Counting(store, memo), "map", Filter())
    assert s.figure_bytes["figure"] > 10_000                     # the province shapes at least


def test_the_benchmark_stays_outside_the_app():
    """Under dashboard/ only the bench command imports ``benchmarks``."""
    for path in (REPO_ROOT / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(m == "benchmarks" or m.startswith("benchmarks.") for m in mods):
                assert path.relative_to(REPO_ROOT).as_posix() == "dashboard/commands/bench.py", path

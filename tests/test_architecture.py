"""The shape of the code: one direction of flow, no import cycles (function-level
imports included), Streamlit only in the UI layer, SQL transactions only in the store."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dashboard.config import REPO_ROOT

PACKAGE = REPO_ROOT / "dashboard"
UI = ("dashboard.ui", "dashboard.views", "dashboard.app")


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every dashboard module ``name`` imports, at any depth of the file (functions too)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def room(module: str) -> str:
    """dashboard.ingest.write -> dashboard.ingest; top-level modules are rooms of their own."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_no_module_imports_itself_back_even_through_a_function_level_import():
    assert cycles(graph()) == []


def test_no_two_rooms_of_the_package_import_each_other():
    rooms: dict[str, set[str]] = {}
    for mod, deps in graph().items():
        rooms.setdefault(room(mod), set()).update(room(d) for d in deps if room(d) != room(mod) and d != "dashboard")
    assert cycles(rooms) == []


def test_the_cycle_finder_finds_a_cycle():
    """The two tests above can fail: a made-up graph with a loop is caught."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert room("dashboard.ingest.write") == "dashboard.ingest"


def test_streamlit_is_imported_only_by_the_ui_layer():
    offenders = [name for name, path in modules().items()
                 if not name.startswith(UI) and re.search(r"^\s*(import|from) streamlit\b",
                                                          path.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_transactions_are_opened_only_by_the_store():
    """Every write goes through ``Store.transaction``: nobody else says BEGIN, COMMIT or ROLLBACK."""
    pattern = re.compile(r"""["'](BEGIN|COMMIT|ROLLBACK)\b""")
    offenders = [name for name, path in modules().items()
                 if name != "dashboard.store.db" and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("layer, forbidden", [
    ("dashboard.store", ("dashboard.ingest", "dashboard.geo", "dashboard.queries", "dashboard.ui",
                         "dashboard.workspace", "dashboard.pagedata")),
    ("dashboard.geo", ("dashboard.ingest", "dashboard.ui", "dashboard.views", "dashboard.workspace")),
    ("dashboard.ingest", ("dashboard.ui", "dashboard.views", "dashboard.queries", "dashboard.workspace")),
    ("dashboard.figures", ("dashboard.queries", "dashboard.store", "dashboard.ui")),
    ("dashboard.pagedata", ("dashboard.ui", "dashboard.views", "dashboard.ingest")),
])
def test_layers_import_only_downwards(layer, forbidden):
    bad = {m: sorted(d for d in deps if d.startswith(forbidden))
           for m, deps in graph().items() if m == layer or m.startswith(layer + ".")}
    assert {m: d for m, d in bad.items() if d} == {}


def test_pages_hold_layout_only():
    """No SQL and no query module in a page: pages call dashboard.pagedata (or ui.state)."""
    for path in sorted((PACKAGE / "views").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\s", text), path.name
        assert "import queries" not in text and "state.cursor" not in text, path.name


def test_every_table_shows_a_dash_not_none_where_a_value_is_missing():
    """Tables go through ``ui.widgets.table`` (a placeholder for missing cells): a bare
    ``st.dataframe`` would print "None" in an Injured column the source left empty."""
    from dashboard.ui import widgets

    bare = [path.name for path in sorted((PACKAGE / "views").glob("*.py"))
            if "st.dataframe(" in path.read_text(encoding="utf-8")]
    assert bare == []
    assert widgets.MISSING not in ("", "None", "nan")

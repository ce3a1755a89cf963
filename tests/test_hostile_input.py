"""Hostile input: nothing from a link or an imported file renders as markup, every
export is formula-safe, no input gives a traceback, a batch owns its rows, and
malformed files are counted honestly. (The same corpus in a real browser:
tests/browser/test_browser_hostile.py.)"""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pandas as pd
import pytest

from dashboard import export, queries
from dashboard.config import REPO_ROOT
from dashboard.filters import Filter
from dashboard.ingest.detect import FileRejected
from dashboard.ingest.pipeline import ingest_file
from dashboard.ingest.write import remove_batch
from dashboard.safe_text import md, safe_url
from tests.helpers import apptest
from tests.hostile import FORMULAS, MARKUP, PAYLOADS, URL_CASES, hostile_native_file

PAGES = ["views/overview.py", "views/map.py", "views/timeline.py", "views/claims.py",
         "views/incidents.py", "views/about.py", "views/data.py"]
# Markup that must never survive unescaped in a Markdown text the app shows.
LIVE_MARKDOWN = re.compile(r"(?<!\\)(!\[|\]\(|:red\[|:material/(bolt|home)|<img|<a\s|<span|<script|\*\*bold)")


def open_page(page: str | None = None, **params):
    return apptest.open_page(page, check=False, **params)


def markdown_texts(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "subheader", "header", "title"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


# --- the escaping rule ----------------------------------------------------------------
@pytest.mark.parametrize("text", MARKUP)
def test_markdown_escaping_leaves_no_live_markup(text):
    out = md(text)
    assert not LIVE_MARKDOWN.search(out), out
    assert re.sub(r"\\(.)", r"\1", out).replace("\u2060", "") == text.replace("\n", " ")  # loses no character


def test_only_web_addresses_become_link_targets():
    assert safe_url("https://dawn.com/news/1") == "https://dawn.com/news/1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "http://x y", 'https://a"onmouseover=1', None, ""):
        assert safe_url(bad) is None


# --- links ------------------------------------------------------------------------------
@pytest.mark.parametrize("params", URL_CASES, ids=[str(i) for i in range(len(URL_CASES))])
def test_a_hostile_link_renders_no_markup_and_no_exception(store, params):
    at = open_page(**params)
    assert not at.exception, [e.value for e in at.exception]
    for text in markdown_texts(at):
        assert not LIVE_MARKDOWN.search(text), text
    assert at.title and at.title[0].value == "Overview"


def test_a_link_that_asks_for_an_impossible_date_keeps_the_page_and_says_why(store):
    at = open_page(**{"from": "1800-01-01", "group": "TTP"})
    assert not at.exception
    assert any("dates run from 1970 to 2100" in w.value.replace("\\", "") for w in at.warning)
    assert "TTP" in at.caption[0].value  # the rest of the selection is kept


# --- stored text ----------------------------------------------------------------------------
@pytest.fixture
def hostile(store, tmp_path):
    result = ingest_file(store, hostile_native_file(tmp_path / "hostile.csv"))
    assert result.loaded == len(PAYLOADS), result.summary()
    return result


@pytest.mark.parametrize("page", PAGES)
def test_stored_markup_renders_as_text_on_every_page(store, hostile, page):
    at = open_page(page, province="Khyber Pakhtunkhwa", **{"from": "2024-06-01", "to": "2024-06-30"})
    assert not at.exception, [e.value for e in at.exception]
    for text in markdown_texts(at):
        assert not LIVE_MARKDOWN.search(text), text
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec.get("data", []):
            for value in (trace.get("name"), trace.get("text"), trace.get("x"), trace.get("y")):
                flat = json.dumps(value)
                assert "<a " not in flat and "<span" not in flat and "<img" not in flat, flat[:200]
            assert "evil.example" not in str(trace.get("hovertemplate")), trace.get("hovertemplate")


def test_the_incident_heading_shows_a_stored_place_literally(store, hostile):
    at = open_page("views/incidents.py", incident="native:H0")
    assert not at.exception
    heading = at.subheader[0].value
    assert not LIVE_MARKDOWN.search(heading) and "beacon" in heading


def test_non_web_source_links_are_left_out_and_the_import_says_so(hostile, con):
    assert any("not http(s) web addresses" in n for n in hostile.notes), hostile.notes
    urls = con.execute("SELECT list(u) FROM (SELECT unnest(source_urls) AS u FROM incidents "
                       "WHERE origin = 'native')").fetchone()[0]
    assert urls and all(u.startswith("https://example.org/synthetic/") for u in urls)


# --- exports ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", FORMULAS)
def test_every_formula_start_is_neutralised(text):
    assert export.neutralise(text) == "'" + text


def test_every_export_of_stored_formulas_is_safe(hostile, con):
    rows = queries.export_rows(con, Filter(datasets=("native",)))
    csv_text = export.to_csv_bytes(rows).decode("utf-8")
    for text in FORMULAS:
        assert f",{text}," not in csv_text and f'"{text}"' not in csv_text
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(rows)))
    cells = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.lstrip(" \u00a0\t").startswith(("=", "+", "-", "@", "\uff1d"))]
    features = json.loads(export.to_geojson_bytes(rows))["features"]
    places = [f["properties"]["place"] for f in features]
    assert all(p.startswith("'") for p in places if p.lstrip(" \u00a0\t").startswith(("=", "+", "-", "@", "\uff1d")))
    assert "'=HYPERLINK(\"https://evil.example\",\"click\")" in places


def test_tables_have_no_export_of_their_own_and_errors_no_details():
    import tomllib

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"]
    assert config["disableDataExport"] is True  # the app's download buttons are formula-safe; the toolbar's was not
    assert config["showErrorDetails"] == "none" and config["showErrorLinks"] is False


# --- a batch owns its rows -------------------------------------------------------------------
def test_removing_one_of_two_overlapping_imports_keeps_every_statement_of_the_other(store, con, tmp_path):
    raw = pd.read_csv(REPO_ROOT / "tests" / "fixtures" / "acled_sample.csv", dtype=str, keep_default_na=False)
    first, second = tmp_path / "jan.csv", tmp_path / "jan-feb.csv"
    raw.iloc[:30].to_csv(first, index=False)
    raw.iloc[15:].to_csv(second, index=False)
    a = ingest_file(store, first)
    b = ingest_file(store, second)
    mine = "SELECT count(*) FROM attribution_events WHERE batch_id = ?"
    before = con.execute(mine, [b.batch_id]).fetchone()[0]
    assert before > 0
    remove_batch(store, a.batch_id)
    assert con.execute(mine, [b.batch_id]).fetchone()[0] == before
    assert con.execute("SELECT count(*) FROM incidents WHERE batch_id = ?", [b.batch_id]).fetchone()[0] == b.loaded


# --- malformed files, counted as the file has them ----------------------------------------------
HEADER = "event_id,date,country,province,district,place,killed,claimed_by,summary\n"


def test_an_unterminated_quote_is_reported_with_its_line_and_every_line_counted(store, tmp_path):
    lines = [f"Q{i},2024-02-01,Pakistan,,,p{i},1,,s\n" for i in range(60)]
    lines[5] = 'Q5,2024-02-01,Pakistan,,,"unterminated,1,,s\n'
    path = tmp_path / "quote.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    r = ingest_file(store, path)
    assert (r.read, r.loaded, r.rejected) == (60, 5, 55)
    assert r.read == r.loaded + r.duplicates + r.skipped + r.rejected
    assert "an unterminated quote at line 7" in r.rejected_preview["reason"].iloc[0]


def test_a_nul_byte_anywhere_refuses_the_file(store, tmp_path, con):
    path = tmp_path / "nul.csv"
    path.write_bytes((HEADER + "N1,2024-02-01,Pakistan,,,p,1,,s\n").encode() + b"x" * 70_000 + b"\x00\n")
    before = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    with pytest.raises(FileRejected, match=r"NUL byte at byte 70,"):
        ingest_file(store, path)
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == before


def test_xlsx_data_on_the_second_sheet_is_found_and_named(store, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    data = book.create_sheet("Log")
    data.append(HEADER.strip().split(","))
    data.append(["X1", "2024-02-01", "Pakistan", "", "", "p", 1, "", "s"])
    data.append(["X2", "2024-02-02", "Pakistan", "", "", "p", "=1+1", "", "s"])  # no cached value
    path = tmp_path / "log.xlsx"
    book.save(path)
    r = ingest_file(store, path)
    assert r.loaded == 2
    assert any("read sheet 'Log' (the first sheet with a recognised header" in n for n in r.notes), r.notes
    assert any("1 formula cell(s) have no saved value" in n for n in r.notes), r.notes


def test_a_repeated_header_column_is_named(store, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("event_id,date,country,summary,summary\nD1,2024-02-01,Pakistan,a,b\n", encoding="utf-8")
    r = ingest_file(store, path)
    assert r.loaded == 1 and any("repeats column(s) 'summary'" in n for n in r.notes), r.notes

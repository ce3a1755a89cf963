"""`python -m dashboard export` agrees with the app and writes files that are safe to open."""

import csv
import io
import json
import subprocess
import sys

import openpyxl
import pandas as pd

from dashboard import queries
from dashboard.__main__ import main
from dashboard.config import REPO_ROOT
from dashboard.export import to_csv_bytes, to_xlsx_bytes
from dashboard.filters import Filter

QUERY = "group=ISKP&province=Khyber+Pakhtunkhwa"


def test_export_selects_what_the_app_selects(store, tmp_path, con):
    out = tmp_path / "iskp.csv"
    assert main(["export", QUERY, "--db", store.path, "-o", str(out)]) == 0
    exported = pd.read_csv(out)
    app, _ = Filter.from_query({"group": "ISKP", "province": "Khyber Pakhtunkhwa"}, queries.vocabulary(con))
    assert sorted(exported["incident_id"]) == sorted(queries.export_rows(con, app)["incident_id"])
    assert "reference:R072" in set(exported["incident_id"])
    assert exported["source_urls"].notna().all()


def test_export_accepts_a_whole_app_url(store, tmp_path):
    out = tmp_path / "url.csv"
    main(["export", f"http://localhost:8501/incidents?{QUERY}", "--db", store.path, "-o", str(out)])
    assert len(pd.read_csv(out)) == 10


def test_export_geojson_and_xlsx(store, tmp_path):
    gj = tmp_path / "x.geojson"
    main(["export", QUERY, "--db", store.path, "-o", str(gj)])
    features = json.loads(gj.read_text())["features"]
    assert len(features) == 10
    lon, lat = next(f for f in features if f["properties"]["incident_id"] == "reference:R072")["geometry"]["coordinates"]
    assert (round(lat, 2), round(lon, 2)) == (34.73, 71.52)
    xl = tmp_path / "x.xlsx"
    main(["export", QUERY, "--db", store.path, "-o", str(xl)])
    assert openpyxl.load_workbook(xl).active.max_row == 11  # header + 10


def test_export_to_stdout_with_a_bad_value_warns_and_still_exports(store):
    store.close()  # DuckDB lets one process at a time open the file
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard", "export", "group=ISKP&group=Nobody&province=Khyber Pakhtunkhwa",
         "--db", store.path],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "unknown group 'Nobody'" in proc.stderr
    assert len(list(csv.DictReader(io.StringIO(proc.stdout)))) == 10


def test_help_lists_the_commands():
    proc = subprocess.run([sys.executable, "-m", "dashboard", "--help"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "export" in proc.stdout


def test_cells_that_look_like_formulas_are_neutralised():
    df = pd.DataFrame({"summary": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "plain"], "n": [1, 2, 3, 4, 5]})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(df).decode())))[1:]
    assert [r[0] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "plain"]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df))).active
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"

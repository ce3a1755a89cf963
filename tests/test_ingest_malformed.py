"""Bad input: whole files that cannot be taken (one-line reason, nothing written)
and single rows that are rejected (counted, written out safely with a reason)."""

from __future__ import annotations

import csv
import subprocess
import sys

import pandas as pd
import pytest

from dashboard import queries
from dashboard.config import REPO_ROOT
from dashboard.export import to_csv_bytes
from dashboard.filters import Filter
from dashboard.ingest.detect import FileRejected, sniff
from dashboard.ingest.native import TEMPLATE_COLUMNS
from dashboard.ingest.pipeline import ingest_file
from tests.conftest import fixture_path

NATIVE_HEADER = "event_id,date,country,province,district,place,latitude,longitude,killed,summary,claimed_by\n"


def write(path, text: str, encoding: str = "utf-8"):
    path.write_text(text, encoding=encoding, newline="")
    return path


def counts(con) -> tuple[int, int, int]:
    return tuple(con.execute(
        "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM attribution_events), "
        "(SELECT count(*) FROM import_batches)").fetchone())


def rejected_rows(result) -> list[dict]:
    with open(result.rejected_path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


# --- files that cannot be taken -------------------------------------------------
@pytest.mark.parametrize("name, content, reason", [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\r\n  \n", "empty"),
    ("junk.csv", bytes(range(256)) * 40, "binary"),
    ("utf16.csv", "event_id,date,country\nA,2024-01-01,Pakistan\n".encode("utf-16-le"), "binary"),
    ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    ("archive.xlsx", b"PK\x03\x04" + b"\x00" * 100, "XLSX"),
    ("other.csv", b"name,colour\napple,red\n", "unknown format"),
    ("control.csv", ("a,b\n" + "\x01\x02\x03\x04\x05\x06\x07x" * 500).encode("latin-1") + b"\x81\x8d", "decoded"),
])
def test_unreadable_files_are_refused_with_a_reason_and_nothing_written(store, con, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    before = counts(con)
    with pytest.raises(FileRejected) as err:
        ingest_file(store, path)
    assert reason.lower() in str(err.value).lower()
    assert "\n" not in str(err.value)
    assert counts(con) == before


def test_missing_required_columns_are_named(store, con, tmp_path):
    path = write(tmp_path / "acled_cut.csv", "event_id_cnty,actor1,inter1,admin1,fatalities,notes\nPAK1,TTP,2,KP,1,x\n")
    with pytest.raises(FileRejected, match=r"ACLED file is missing required column\(s\): event_date, country"):
        ingest_file(store, path)
    path = write(tmp_path / "forced.csv", NATIVE_HEADER + "A,2024-01-01,Pakistan,,,,,,,,\n")
    with pytest.raises(FileRejected, match="GTD file is missing required column"):
        ingest_file(store, path, "gtd")


def test_header_only_is_refused(store, con, tmp_path):
    path = write(tmp_path / "template.csv", ",".join(TEMPLATE_COLUMNS) + "\n")
    with pytest.raises(FileRejected, match="no data rows"):
        ingest_file(store, path)


def test_utf16_with_bom_and_windows_1252_text_are_read(store, con, tmp_path):
    text = NATIVE_HEADER + "U1,2024-01-01,Pakistan,KP,Peshawar,Qissa Khwānī,,,1,note,\n"
    (tmp_path / "u16.csv").write_bytes(text.encode("utf-16"))
    assert ingest_file(store, tmp_path / "u16.csv").loaded == 1
    assert con.execute("SELECT place FROM incidents WHERE origin_event_id = 'U1'").fetchone() == ("Qissa Khwānī",)
    (tmp_path / "w.csv").write_bytes((NATIVE_HEADER + "W1,2024-01-02,Pakistan,KP,Peshawar,Café “Kissa”,,,1,,\n").encode("cp1252"))
    r = ingest_file(store, tmp_path / "w.csv")
    assert r.loaded == 1 and any("cp1252" in n for n in r.notes)
    assert con.execute("SELECT place FROM incidents WHERE origin_event_id = 'W1'").fetchone() == ("Café “Kissa”",)


def test_detection_reads_semicolons_and_a_bom(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_bytes(b"\xef\xbb\xbf" + NATIVE_HEADER.replace(",", ";").encode())
    info = sniff(path)
    assert (info.format, info.delimiter, info.encoding) == ("native", ";", "utf-8-sig")


# --- rows that are rejected -----------------------------------------------------
def test_bad_rows_are_rejected_with_reasons_and_the_rest_loads(store, con, tmp_path):
    rows = [
        "OK1,2024-01-05,Pakistan,Khyber Pakhtunkhwa,Peshawar,Saddar,34.0,71.5,3,fine,TTP",
        "BAD1,2023-13-45,Pakistan,,,,,,,bad date,",
        "BAD2,2024-01-05,Pakistan,,,,123,71.5,,latitude,",
        "BAD3,2024-01-05,,,,,,,,no country,",
        "BAD4,2024-01-05,Pakistan,,,,,,many,words for a number,",
        "BAD5,2024-01-05,Pakistan,,,,,,-3,negative,",
        "BAD6,,Pakistan,,,,,,,no date,",
        "BAD7,2024-01-05,Pakistan,,,,71.5,34.0,,swapped,",
        "SKIP1,2024-01-05,India,,,,,,,elsewhere,",
        "OK1,2024-01-05,Pakistan,Khyber Pakhtunkhwa,Peshawar,Saddar,34.0,71.5,3,repeated in the file,TTP",
        "SHORT,2024-01-05,Pakistan,KP,extra,field,,,,,,,",
    ]
    path = write(tmp_path / "log.csv", NATIVE_HEADER + "\n".join(rows) + "\n")
    r = ingest_file(store, path)
    assert (r.read, r.loaded, r.duplicates, r.skipped, r.rejected) == (11, 1, 1, 1, 8)
    assert r.read == r.loaded + r.duplicates + r.skipped + r.rejected
    reasons = {row["event_id"]: row["reason"] for row in rejected_rows(r) if row["event_id"]}
    assert reasons["BAD1"] == "date '2023-13-45' is not a date"
    assert reasons["BAD2"] == "latitude 123 out of range"
    assert reasons["BAD3"] == "no country"
    assert reasons["BAD4"] == "killed 'many' is not a number"
    assert reasons["BAD5"] == "killed -3 is negative"
    assert reasons["BAD6"] == "no date"
    assert "outside Pakistan and Afghanistan" in reasons["BAD7"]
    assert any("fields, expected" in row["reason"] for row in rejected_rows(r) if not row["event_id"])
    assert r.rejected_path.parent.name == "rejected"
    assert dict(r.skip_reasons) == {"outside Pakistan and Afghanistan (India)": 1}


def test_out_of_range_counts_are_rejected_rows_not_a_failed_file(store, con, tmp_path):
    """One absurd cell (3,000,000,000 killed overflows the column; 1e20) used to abort the
    whole file; now the row is rejected with its reason and the rest loads."""
    raw = pd.read_csv(fixture_path("acled_sample.csv"), dtype=str, keep_default_na=False).head(4)
    raw.loc[0, "fatalities"], raw.loc[1, "fatalities"], raw.loc[2, "fatalities"] = "3000000000", "1e20", "-4"
    path = tmp_path / "acled_range.csv"
    raw.to_csv(path, index=False)
    r = ingest_file(store, path)
    assert (r.loaded, r.rejected) == (1, 3)
    reasons = sorted(row["reason"] for row in rejected_rows(r))
    assert reasons == ["fatalities -4 is negative",
                       "fatalities 1e20 is out of range (more than 100,000 in one attack)",
                       "fatalities 3000000000 is out of range (more than 100,000 in one attack)"]


@pytest.mark.parametrize("where", ["inside a quoted field", "between fields"])
def test_a_file_cut_off_mid_row_is_refused_whole(store, con, tmp_path, where):
    text = fixture_path("acled_sample.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    row = lines[4]
    cut = row.index('"') + 5 if where == "inside a quoted field" else row.index(",", 40)
    path = write(tmp_path / "cut.csv", "".join(lines[:4]) + row[:cut])
    before = counts(con)
    with pytest.raises(FileRejected) as err:
        ingest_file(store, path)
    assert "looks truncated" in str(err.value) and "nothing was imported" in str(err.value)
    assert counts(con) == before


def test_a_complete_file_without_a_final_line_break_loads(store, con, tmp_path):
    text = fixture_path("acled_sample.csv").read_text(encoding="utf-8")
    path = write(tmp_path / "whole.csv", text.rstrip("\r\n"))
    r = ingest_file(store, path, dry_run=True)
    assert r.read == len(text.strip().splitlines()) - 1 and r.rejected == 0


def test_acled_rows_speak_acled_column_names(store, con, tmp_path):
    raw = pd.read_csv(fixture_path("acled_sample.csv"), dtype=str, keep_default_na=False).head(2)
    raw.loc[0, "event_date"] = "31/02/2023"
    raw.loc[1, "fatalities"] = "a few"
    path = tmp_path / "acled_bad.csv"
    raw.to_csv(path, index=False)
    r = ingest_file(store, path)
    assert r.rejected == 2 and r.loaded == 0
    assert {row["reason"] for row in rejected_rows(r)} == {
        "event_date '31/02/2023' is not a date", "fatalities 'a few' is not a number"}


def test_formula_cells_never_come_back_out_unescaped(store, con, tmp_path):
    rows = [
        'F1,2024-02-01,Pakistan,Khyber Pakhtunkhwa,Bannu,"=HYPERLINK(""http://x"")",,,2,+cmd|calc,@SUM(A1)',
        "F2,2024-02-01,Pakistan,,,-2+3,,,lots,=1+1,",
    ]
    path = write(tmp_path / "formulas.csv", NATIVE_HEADER + "\n".join(rows) + "\n")
    r = ingest_file(store, path)
    assert (r.loaded, r.rejected) == (1, 1)
    # The rejected-rows file neutralises every cell that a spreadsheet would run.
    text = r.rejected_path.read_text(encoding="utf-8-sig")
    bad = next(row for row in rejected_rows(r) if row["event_id"] == "F2")
    assert bad["place"] == "'-2+3" and bad["summary"] == "'=1+1"
    assert "\n=1+1" not in text and ",=1+1" not in text
    # The loaded text is stored as written and neutralised on export.
    stored = con.execute("SELECT place, summary FROM incidents WHERE origin_event_id = 'F1'").fetchone()
    assert stored == ('=HYPERLINK("http://x")', "+cmd|calc")
    exported = to_csv_bytes(queries.export_rows(con, Filter(q="cmd"))).decode()
    assert "'=HYPERLINK" in exported and "'+cmd|calc" in exported
    # The unknown group name '@SUM(A1)' is kept as written, for review.
    names = queries.unknown_group_names(con)["name"].tolist()
    assert "@SUM(A1)" in names


# --- the command line -------------------------------------------------------------
def run_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "dashboard", "ingest", *map(str, args)], cwd=REPO_ROOT,
                          capture_output=True, text=True, env=env, timeout=300)


def test_cli_summary_line_exit_status_and_dry_run(tmp_path, monkeypatch):
    import os

    env = {**os.environ, "DASHBOARD_DATA_DIR": str(tmp_path / "local"), "DASHBOARD_DB": str(tmp_path / "cli.duckdb")}
    good = write(tmp_path / "log.csv", NATIVE_HEADER + "C1,2024-03-01,Pakistan,KP,Bannu,,,,1,,TTP\n"
                 "C2,2024-13-01,Pakistan,KP,Bannu,,,,1,,\n")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 10)

    dry = run_cli(good, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip() == "read=2 loaded=1 duplicates=0 skipped=0 rejected=1"
    assert "rejected (dry run, no file written): row 2: " in dry.stderr
    assert not (tmp_path / "local" / "rejected").exists()  # a dry run writes nothing anywhere

    done = run_cli(good, env=env)
    assert done.returncode == 0 and done.stdout.strip() == "read=2 loaded=1 duplicates=0 skipped=0 rejected=1"
    again = run_cli(good, env=env)
    assert again.stdout.strip() == "read=2 loaded=0 duplicates=1 skipped=0 rejected=1"

    bad = run_cli(junk, env=env)
    assert bad.returncode != 0 and bad.stdout == ""
    assert bad.stderr.strip().splitlines()[-1].startswith(f"error: {junk}: binary data")


def test_the_apps_own_export_reads_back_as_the_native_template(store, con, tmp_path):
    from dashboard.export import to_csv_bytes

    rows = queries.export_rows(con, Filter(provinces=("Khyber Pakhtunkhwa",)))
    path = tmp_path / "export.csv"
    path.write_bytes(to_csv_bytes(rows))
    r = ingest_file(store, path)
    assert r.format == "native" and r.rejected == 0 and r.loaded == len(rows)
    claimed = con.execute(
        """SELECT c.claimed_by FROM incidents i JOIN incident_claims c USING (incident_id)
           WHERE i.origin = 'native' AND i.origin_event_id = 'reference:R003'""").fetchone()
    original = rows.set_index("incident_id").loc["reference:R003", "claimed_by"]
    assert claimed == (original,)

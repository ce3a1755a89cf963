"""One file into the store: sniff -> read in chunks -> map -> check -> place ->
stage -> one atomic write.

Rows are read ``CHUNK_ROWS`` at a time (pyarrow's CSV reader), mapped and checked with
vectorised code, placed on the map (``places.place_incidents``) and appended
to two DuckDB temporary tables. Nothing touches the store's tables until the
whole file has been read; then ``write.write_tables`` moves the staged rows in
one transaction. A failure or a killed process before the commit leaves the
store as it was (temporary tables die with the connection).

Every row read is counted once: loaded, duplicate (already in the store, or
repeated in the file), skipped (outside Pakistan and Afghanistan) or rejected
(written to ``<data dir>/rejected/<file>-<time>-rejected.csv`` with a
``reason`` column, formula-safe).
"""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .. import config
from ..export import safe_frame
from ..store.db import Store
from .detect import ADAPTERS, LABELS, FileInfo, FileRejected, column_key, sniff
from .groups import actor_rules, apply_actor_rules
from .normalise import resolver
from ..geo.places import place_incidents
from .validate import check, clean_districts
from .write import write_tables

CHUNK_ROWS = 50_000          # rows mapped, checked and placed at a time
STAGE_ROWS = 250_000         # mapped rows appended to the staging tables at a time
BLOCK_BYTES = 4 << 20        # CSV bytes pyarrow parses at a time
PREVIEW_REJECTED = 1000
Progress = Callable[[float, int, str], None]  # (fraction 0-1, rows read, stage)

_STAGE_INC = """CREATE OR REPLACE TEMP TABLE _stage_inc (
    _row BIGINT, origin_event_id VARCHAR, date DATE, date_precision VARCHAR, country VARCHAR,
    province VARCHAR, district VARCHAR, place VARCHAR, latitude DOUBLE, longitude DOUBLE,
    location_precision VARCHAR, location_approximate BOOLEAN, attack_type VARCHAR,
    target_type VARCHAR, killed INTEGER, killed_low INTEGER, killed_high INTEGER,
    killed_note VARCHAR, injured INTEGER, summary VARCHAR, source_urls VARCHAR[],
    attribution_note VARCHAR, district_as_written VARCHAR, placed_at VARCHAR, legacy_id VARCHAR)"""
_STAGE_EV = """CREATE OR REPLACE TEMP TABLE _stage_ev (
    _row BIGINT, origin_event_id VARCHAR, seq INTEGER, group_id VARCHAR, group_as_written VARCHAR,
    kind VARCHAR, stated_by VARCHAR, channel VARCHAR, statement_date DATE, source_url VARCHAR,
    note VARCHAR)"""
_INC_TEXT = ("origin_event_id", "date_precision", "country", "province", "district", "place",
             "location_precision", "attack_type", "target_type", "killed_note", "summary",
             "attribution_note", "district_as_written", "placed_at", "legacy_id")
_EV_TEXT = ("origin_event_id", "group_id", "group_as_written", "kind", "stated_by", "channel",
            "source_url", "note")


@dataclass
class IngestResult:
    """What happened to one file. ``read == loaded + duplicates + skipped + rejected``."""

    file_name: str
    format: str | None = None
    sha256: str | None = None
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    skipped: int = 0
    rejected: int = 0
    batch_id: str | None = None
    dry_run: bool = False
    rejected_path: Path | None = None
    rejected_preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    skip_reasons: Counter = field(default_factory=Counter)
    unknown_groups: Counter = field(default_factory=Counter)  # names kept as written, no group
    uncertain: int = 0                                         # statements naming "X and/or Y"
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return LABELS.get(self.format or "", "unknown")

    def summary(self) -> str:
        return (f"read={self.read} loaded={self.loaded} duplicates={self.duplicates} "
                f"skipped={self.skipped} rejected={self.rejected}")


# --- reading ---------------------------------------------------------------
def _csv_chunks(info: FileInfo, rows: int, bad: list) -> Iterator[tuple[pd.DataFrame, float]]:
    """Chunks of about ``rows`` rows from pyarrow's streaming CSV reader (parallel
    parsing of ``BLOCK_BYTES`` blocks; small blocks keep its read-ahead small),
    every cell as text. Rows with the wrong number of fields are set aside in
    ``bad`` as (expected, actual, text)."""

    def on_bad_row(row) -> str:
        bad.append((row.expected_columns, row.actual_columns, row.text))
        return "skip"

    try:
        reader = pacsv.open_csv(
            info.path,
            read_options=pacsv.ReadOptions(encoding=info.encoding or "utf8", block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=info.delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_bad_row),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in info.raw_columns}, strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        done, pending, pending_rows = 0, [], 0
        for batch in itertools.chain(reader, [None]):  # None: flush the last rows
            if batch is not None:
                done += batch.nbytes
                pending.append(batch)
                pending_rows += batch.num_rows
                if pending_rows < rows:
                    continue
            if not pending_rows:
                continue
            frame = pa.Table.from_batches(pending).to_pandas()
            pending, pending_rows = [], 0
            for col in frame.columns[(frame.dtypes != "str").to_numpy()]:  # a header we did not see
                frame[col] = frame[col].astype("str").fillna("")
            yield frame, (min(done / info.size, 1.0) if info.size else 1.0)
    except pa.ArrowInvalid as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileRejected(f"the CSV cannot be parsed: {message}") from None


def _xlsx_chunks(info: FileInfo, rows: int) -> Iterator[tuple[pd.DataFrame, float]]:
    frame = pd.read_excel(info.path, sheet_name=info.sheet or 0, dtype=str, header=0).fillna("")
    frame = frame.loc[:, [not str(c).startswith("Unnamed:") or frame[c].ne("").any() for c in frame.columns]]
    frame = frame[frame.ne("").any(axis=1)]
    for start in range(0, len(frame), rows):
        yield frame.iloc[start:start + rows], min(1.0, (start + rows) / max(len(frame), 1))


def _chunks(info: FileInfo, rows: int, bad: list) -> Iterator[tuple[pd.DataFrame, float]]:
    """Raw chunks (text cells) with the header as written; index = data row number (1-based)."""
    source = _xlsx_chunks(info, rows) if info.kind == "xlsx" else _csv_chunks(info, rows, bad)
    done = 0
    for chunk, fraction in source:
        chunk = chunk.astype(str) if info.kind == "xlsx" else chunk
        chunk.index = pd.RangeIndex(done + 1, done + 1 + len(chunk))
        done += len(chunk)
        yield chunk, fraction


def preview(info: FileInfo, rows: int = 20) -> pd.DataFrame:
    """The first rows of a file as written (text cells), for a look before importing."""
    for chunk, _ in _chunks(info, rows, []):
        return chunk.head(rows)
    return pd.DataFrame(columns=info.raw_columns)


# --- groups ----------------------------------------------------------------
def _events(ev: pd.DataFrame, good: pd.DataFrame, resolve, unknown: Counter, dataset: str = "",
            rules: pd.DataFrame | None = None, tally: Counter | None = None) -> pd.DataFrame:
    """Adapter events of kept rows, with origin_event_id, seq and group_id: by the
    dataset's actor rules for the incident's place first (``groups.actor_rules``:
    UCDP's "IS" in Afghanistan is ISKP), then by name and alias."""
    ev = ev[ev["_row"].isin(good.index)].copy()
    if ev.empty:
        return ev
    ev["origin_event_id"] = good.loc[ev["_row"], "origin_event_id"].to_numpy()
    ev["seq"] = ev.groupby("_row").cumcount() + 1
    names = ev["group_as_written"].astype(str)
    wanted = ev["resolve"].astype(bool)
    mapping = {n: resolve(n) for n in names[wanted].unique()}
    ev["group_id"] = names.map(mapping).where(wanted, None)
    if rules is not None and len(rules):
        place = good.loc[ev["_row"], ["country", "province"]].set_axis(ev.index)
        ruled, used = apply_actor_rules(dataset, names.where(wanted, ""), place["country"], place["province"], rules)
        ev["group_id"] = ruled.where(ruled.notna(), ev["group_id"])
        if tally is not None:
            tally.update({f"rule:{k}": v for k, v in used.items()})
    unknown.update(names[wanted & ev["group_id"].isna()].tolist())
    return ev


def prepare(raw: pd.DataFrame, adapter, resolve, unknown: Counter, tally: Counter | None = None,
            dataset: str = "", rules: pd.DataFrame | None = None):
    """One chunk of raw rows (text cells, index = row number) -> ``(incidents,
    events, rejected, skipped)``: the rows to keep, mapped, checked, placed and
    with districts cleaned; their events with groups resolved; and the reasons
    (Series, None where not) for the rest. ``tally`` counts what the import
    summary reports (``other_links``: non-http(s) links left out of sources)."""
    keyed = raw.rename(columns=column_key)
    keyed = keyed.loc[:, ~keyed.columns.duplicated()]
    inc, ev = adapter.map_rows(keyed)
    if tally is not None and "_other_links" in inc:
        tally["other_links"] += int(inc.pop("_other_links").sum())
    inc, rej_reason, skip_reason = check(inc, adapter.LABELS)
    good = inc[rej_reason.isna() & skip_reason.isna()]
    if good.empty:
        return good, ev.iloc[0:0], rej_reason, skip_reason
    # Spellings first (FATA agencies, "D.I. Khan"), so that district polygons, where
    # the analyst has added them, are matched from the current name; the text as the
    # source wrote it is kept in district_as_written.
    written = good["district"]
    good = place_incidents(clean_districts(good))
    good["district_as_written"] = written
    return good, _events(ev, good, resolve, unknown, dataset, rules, tally), rej_reason, skip_reason


# --- staging ---------------------------------------------------------------
def _stage(con: duckdb.DuckDBPyConnection, inc: pd.DataFrame, ev: pd.DataFrame) -> None:
    inc = inc.assign(_row=inc.index.to_numpy())
    inc["legacy_id"] = inc.pop("_legacy_id") if "_legacy_id" in inc else None
    for col in _INC_TEXT:
        if col not in inc or inc[col].isna().all():  # an all-None column has no type
            inc[col] = pd.Series(pd.NA, index=inc.index, dtype="str")
    con.register("_chunk_inc", pa.Table.from_pandas(inc, preserve_index=False))  # Arrow: ~5x faster to scan
    try:
        con.execute(
            """INSERT INTO _stage_inc SELECT _row, origin_event_id, date::DATE, date_precision, country,
                   province, district, place, latitude::DOUBLE, longitude::DOUBLE, location_precision,
                   coalesce(location_approximate::BOOLEAN, FALSE), attack_type, target_type,
                   killed::INTEGER, killed_low::INTEGER, killed_high::INTEGER, killed_note,
                   injured::INTEGER, summary,
                   CASE WHEN coalesce(source_urls::VARCHAR, '') = '' THEN []::VARCHAR[]
                        ELSE string_split(source_urls::VARCHAR, ' | ') END,
                   attribution_note, district_as_written, placed_at, legacy_id
               FROM _chunk_inc"""
        )
    finally:
        con.unregister("_chunk_inc")
    if ev.empty:
        return
    ev = ev.copy()
    for col in _EV_TEXT:
        if col not in ev or ev[col].isna().all():
            ev[col] = pd.Series(pd.NA, index=ev.index, dtype="str")
    if "statement_date" not in ev:
        ev["statement_date"] = pd.NaT
    ev["statement_date"] = pd.to_datetime(ev["statement_date"], errors="coerce")
    con.register("_chunk_ev", pa.Table.from_pandas(ev.drop(columns=["resolve"], errors="ignore"), preserve_index=False))
    try:
        con.execute(
            """INSERT INTO _stage_ev SELECT _row, origin_event_id, seq, group_id, group_as_written, kind,
                   stated_by, channel, statement_date::DATE, source_url, note FROM _chunk_ev"""
        )
    finally:
        con.unregister("_chunk_ev")


def _drop_stage(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("_stage_inc", "_stage_ev", "_stage_dup"):
        try:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        except duckdb.Error:
            pass


# --- rejected rows ---------------------------------------------------------
class _RejectedFile:
    """Rejected rows, appended chunk by chunk to a formula-safe CSV (with ``write``;
    otherwise only the preview of the first ``PREVIEW_REJECTED`` is kept)."""

    def __init__(self, source_name: str, folder: Path | None, write: bool = True):
        self.write = write
        self.folder = folder or (config.data_dir() / "rejected")
        stem = re.sub(r"[^\w.-]+", "_", Path(source_name).stem)[:80] or "file"
        self.path = self.folder / f"{stem}-{datetime.now():%Y%m%d-%H%M%S}-rejected.csv"
        self.written = 0
        self.preview: list[pd.DataFrame] = []
        self.kept = 0

    def add(self, rows: pd.DataFrame) -> None:
        if rows.empty:
            return
        if self.write:
            if self.written == 0:
                self.folder.mkdir(parents=True, exist_ok=True)
            safe_frame(rows).to_csv(self.path, mode="a" if self.written else "w", header=not self.written,
                                    index=False, encoding="utf-8" if self.written else "utf-8-sig")
        self.written += len(rows)
        if self.kept < PREVIEW_REJECTED:
            self.preview.append(rows.head(PREVIEW_REJECTED - self.kept))
            self.kept += len(self.preview[-1])


def _rejected_rows(raw: pd.DataFrame, reasons: pd.Series) -> pd.DataFrame:
    mask = reasons.notna()
    out = raw.loc[mask].copy()
    out.insert(0, "reason", reasons[mask].to_numpy())
    out.insert(0, "row", out.index.to_numpy())
    return out


# --- the whole file --------------------------------------------------------
def ingest_file(
    store: Store,
    path: str | Path,
    fmt: str | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    file_name: str | None = None,
    rejected_dir: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestResult:
    """Import one CSV/XLSX file into the store (or, with ``dry_run``, only count).

    Raises ``FileRejected`` (one-line reason) when the file as a whole cannot be
    read; nothing is written then. With ``dry_run`` nothing is written anywhere,
    not even the rejected-rows file (the preview of rejected rows is kept).
    """
    info = sniff(path, fmt)
    return ingest_info(store, info, dry_run=dry_run, progress=progress, file_name=file_name,
                       rejected_dir=rejected_dir, chunk_rows=chunk_rows)


def ingest_info(
    store: Store,
    info: FileInfo,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    file_name: str | None = None,
    rejected_dir: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    origin: str | None = None,
) -> IngestResult:
    """``ingest_file`` for a file already sniffed (the app shows the format first)."""
    started = time.perf_counter()
    name = file_name or info.path.name
    result = IngestResult(name, info.format, info.sha256, dry_run=dry_run, notes=list(info.notes))
    rejected = _RejectedFile(name, rejected_dir, write=not dry_run)
    bad_lines: list = []
    con = store.cursor()  # staging tables belong to this cursor
    try:
        _read_and_stage(con, info, result, rejected, bad_lines, progress, chunk_rows)
        if bad_lines:
            reasons, lines = zip(*(_bad_row_reason(info, exp, saw, text) for exp, saw, text in bad_lines))
            rows = pd.DataFrame({"row": None, "reason": list(reasons)})
            rejected.add(rows.reindex(columns=["row", "reason"] + list(info.raw_columns)))
            # Counted as the file has them: an unterminated quote that swallowed 47
            # lines is 47 data lines read and rejected, not one.
            result.read += sum(lines)
            result.rejected += sum(lines)
        if result.read == 0:
            raise FileRejected("no data rows under the header")
        if progress:
            progress(1.0, result.read, "writing")
        _finish(store, con, result, origin or info.format, dry_run)
    finally:
        _drop_stage(con)
        con.close()
    if rejected.written and not dry_run:
        result.rejected_path = rejected.path
    if rejected.kept:
        result.rejected_preview = pd.concat(rejected.preview, ignore_index=True)
    result.seconds = time.perf_counter() - started
    return result


def _bad_row_reason(info: FileInfo, expected: int, saw: int, text: str) -> tuple[str, int]:
    """(reason, data lines it spans) for a row the CSV parser could not split."""
    lines = text.count("\n") + 1
    if lines > 1 and text.count('"') % 2 == 1:
        where = _line_of(info, text)
        at = f" at line {where:,}" if where else ""
        return (f"an unterminated quote{at}: the {lines:,} lines from there were read as one row "
                f"({saw} fields, expected {expected}); close the quote and import again: {text[:120]!r}", lines)
    return f"a row has {saw} fields, expected {expected}: {text[:200]!r}", lines


def _line_of(info: FileInfo, text: str, limit: int = 256 << 20) -> int | None:
    """The file line (1 = the header) on which ``text`` starts; None for files over ``limit`` bytes."""
    if info.size > limit:
        return None
    content = info.path.read_bytes().decode(info.encoding or "utf-8", errors="replace").replace("\r\n", "\n")
    at = content.find(text.replace("\r\n", "\n"))
    return content.count("\n", 0, at) + 1 if at >= 0 else None


def _read_and_stage(con, info, result, rejected, bad_lines, progress, chunk_rows) -> None:
    adapter = ADAPTERS[info.format]
    resolve = resolver(con)
    rules = actor_rules()
    tally: Counter = Counter()
    con.execute(_STAGE_INC)
    con.execute(_STAGE_EV)
    # Mapped chunks are appended to the staging tables a few at a time: one INSERT
    # per 250,000 rows costs a fifth of what five of 50,000 do (BENCHMARKS.md).
    pending: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    pending_rows = 0
    for raw, fraction in _chunks(info, chunk_rows, bad_lines):
        result.read += len(raw)
        good, events, rej_reason, skip_reason = prepare(raw, adapter, resolve, result.unknown_groups, tally,
                                                        info.format, rules)
        result.rejected += int(rej_reason.notna().sum())
        result.skipped += int(skip_reason.notna().sum())
        result.skip_reasons.update(skip_reason.dropna().tolist())
        rejected.add(_rejected_rows(raw, rej_reason))
        if not good.empty:
            if "resolve" in events:
                result.uncertain += int((~events["resolve"].astype(bool)).sum())
            pending.append((good, events))
            pending_rows += len(good)
            if pending_rows >= STAGE_ROWS:
                _stage_pending(con, pending)
                pending, pending_rows = [], 0
        if progress:
            progress(min(fraction, 0.99), result.read, "reading")
    _stage_pending(con, pending)
    if tally["other_links"]:
        result.notes.append(f"{tally['other_links']:,} source link(s) that are not http(s) web addresses "
                            "(javascript:, data:, file: …) were left out")
    for key, n in sorted(tally.items()):
        if key.startswith("rule:"):
            result.notes.append(f"actor rule: {key[5:]} ({n:,} statement(s); rules in actor_rules.csv)")


def _stage_pending(con: duckdb.DuckDBPyConnection, pending: list[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
    if not pending:
        return
    good = pd.concat([g for g, _ in pending]) if len(pending) > 1 else pending[0][0]
    events = [e for _, e in pending if not e.empty]
    events = pd.concat(events, ignore_index=True) if len(events) > 1 else (events[0] if events else pending[0][1])
    _stage(con, good, events)


def _finish(store: Store, con: duckdb.DuckDBPyConnection, result: IngestResult, origin: str, dry_run: bool) -> None:
    """Drop rows repeated within the file, then write (or count what would be written)."""
    # Rows stored under the id an earlier version gave them keep that id (native auto ids).
    for table, key in (("_stage_ev", "e"), ("_stage_inc", "s")):
        con.execute(
            f"""UPDATE {table} SET origin_event_id = x.legacy_id
                FROM (SELECT s._row, s.legacy_id FROM _stage_inc s WHERE s.legacy_id IS NOT NULL AND EXISTS
                      (SELECT 1 FROM incidents i WHERE i.origin = ? AND i.origin_event_id = s.legacy_id)) x
                WHERE {table}._row = x._row""",
            [origin],
        )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _stage_dup AS SELECT _row FROM _stage_inc
           QUALIFY row_number() OVER (PARTITION BY origin_event_id ORDER BY _row) > 1"""
    )
    in_file = con.execute("SELECT count(*) FROM _stage_dup").fetchone()[0]
    if in_file:
        con.execute("DELETE FROM _stage_inc WHERE _row IN (SELECT _row FROM _stage_dup)")
        con.execute("DELETE FROM _stage_ev WHERE _row IN (SELECT _row FROM _stage_dup)")
    staged = con.execute("SELECT count(*) FROM _stage_inc").fetchone()[0]
    if dry_run:
        new = con.execute(
            """SELECT count(*) FROM _stage_inc s WHERE NOT EXISTS
               (SELECT 1 FROM incidents i WHERE i.origin = ? AND i.origin_event_id = s.origin_event_id)""",
            [origin],
        ).fetchone()[0]
        result.loaded, result.duplicates = int(new), int(staged - new + in_file)
        return
    counts = {"read": result.read, "skipped": result.skipped, "rejected": result.rejected,
              "duplicates_extra": int(in_file)}
    written = write_tables(store, con, origin, "_stage_inc", "_stage_ev", file_name=result.file_name,
                           sha256=result.sha256, counts=counts)
    result.batch_id = written.batch_id
    result.loaded = written.loaded
    result.duplicates = written.duplicates + int(in_file)

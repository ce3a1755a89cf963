"""What a file is before any row is read: CSV or XLSX, its text encoding, its
columns, and which dataset layout (ACLED, UCDP GED, GTD, native template).

``sniff(path)`` returns a ``FileInfo`` or raises ``FileRejected`` with a one-line
reason when the file as a whole cannot be taken: empty, binary, an old .xls,
undecodable text, an unknown layout, or required columns missing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import acled, gtd, native, ucdp

ADAPTERS = {"acled": acled, "ucdp": ucdp, "gtd": gtd, "native": native}
FORMATS = tuple(ADAPTERS)
LABELS = {"acled": "ACLED", "ucdp": "UCDP GED", "gtd": "GTD", "native": "native template"}
HEAD = 1 << 16
BLOCK = 1 << 22


class FileRejected(Exception):
    """The file as a whole cannot be read; ``str(exc)`` is the one-line reason."""


@dataclass
class FileInfo:
    path: Path
    kind: str                      # csv or xlsx
    format: str                    # acled, ucdp, gtd, native
    columns: list[str]             # as written in the header
    encoding: str | None = None    # csv only
    raw_columns: list[str] = field(default_factory=list)  # header cells exactly as parsed
    delimiter: str = ","
    sheet: str | None = None       # xlsx only: the sheet read
    sha256: str = ""
    size: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.format]


def column_key(name: object) -> str:
    """Header cell -> the name adapters use: stripped, lower-case, BOM removed."""
    return str(name).replace("\ufeff", "").strip().lower()


def _scan(path: Path) -> tuple[str, int, bool, int | None, int]:
    """(sha256, size, whole file is valid UTF-8, offset of the first NUL byte or None,
    number of '"' bytes), in one pass of 4 MB blocks."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, size, nul, quotes = True, 0, None, 0
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
            quotes += block.count(b'"')
            if nul is None and (at := block.find(b"\x00")) >= 0:
                nul = size + at
            size += len(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest(), size, utf8, nul, quotes


def _truncated(path: Path, encoding: str, delimiter: str, columns: int, quotes: int) -> str | None:
    """Why a CSV looks cut off (a download that stopped mid-row), or None: its last line
    has no line break and either a quoted field never closes or it has fewer fields
    than the header. (A complete file may lack the final line break; it is then whole.)"""
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - HEAD))
        tail = fh.read()
    if tail.endswith((b"\n", b"\r")):
        return None
    if quotes % 2:
        return "it ends inside a quoted field"
    last = tail.rsplit(b"\n", 1)[-1].decode(encoding, errors="replace")
    fields = next(csv.reader([last], delimiter=delimiter), [])
    if len(fields) < columns:
        return f"its last line ends without a line break after {len(fields)} of {columns} fields"
    return None


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(text: str) -> bool:
    """More than 1% control characters (other than tab, CR, LF) in the first 64 KB."""
    sample = text[:HEAD]
    if not sample:
        return False
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\r\n") or 0x7F <= ord(c) < 0xA0)
    return bad / len(sample) > 0.01


def _encoding(path: Path, head: bytes, utf8: bool) -> str:
    if head.startswith(codecs.BOM_UTF8):
        if not utf8:
            raise FileRejected("the file says it is UTF-8 but is not: save it again as UTF-8 CSV")
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not _decodes(path, "utf-16"):
            raise FileRejected("the file is not valid UTF-16 text: save it again as UTF-8 CSV")
        return "utf-16"
    if b"\x00" in head:
        raise FileRejected("binary data (NUL bytes), not a CSV or XLSX file")
    if utf8:
        return "utf-8"
    # Windows-1252, then Latin-1 (GTD ships Latin-1): both read any Western text.
    for encoding in ("cp1252", "latin-1"):
        if _decodes(path, encoding):
            if _looks_binary(head.decode(encoding, errors="replace")):
                break
            return encoding
    raise FileRejected("the text cannot be decoded (not UTF-8, UTF-16, Windows-1252 or Latin-1): "
                       "save it again as UTF-8 CSV")


def _csv_header(head: bytes, encoding: str) -> tuple[list[str], str]:
    """(header cells as written, delimiter) from the first non-blank line."""
    text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    if _looks_binary(text):
        raise FileRejected("binary data, not a CSV or XLSX file")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise FileRejected("the file is empty")
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    return next(csv.reader(io.StringIO(first), delimiter=delimiter)), delimiter


def _open_book(path: Path, data_only: bool = True):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise FileRejected(f"the XLSX workbook cannot be opened ({type(exc).__name__})") from None


def _first_row(sheet) -> list[str]:
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v).strip() for v in row]
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return cells
    return []


def _xlsx_header(path: Path) -> tuple[str, list[str], list[str]]:
    """(sheet name, header cells, notes): the first sheet whose header is a known
    layout, else the first sheet with anything on it."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise FileRejected("a ZIP archive, not an XLSX workbook")
    except zipfile.BadZipFile:
        raise FileRejected("a damaged XLSX workbook (not a readable ZIP archive)") from None
    book = _open_book(path)
    try:
        headers = [(sheet.title, _first_row(sheet)) for sheet in book.worksheets]
    finally:
        book.close()
    filled = [(name, cells) for name, cells in headers if cells]
    if not filled:
        raise FileRejected("the file is empty (no sheet holds any cell)")
    name, cells = next(((n, c) for n, c in filled if detect_format(c)), filled[0])
    notes = [f"read sheet {name!r}" + ("" if name == headers[0][0] else
                                       f" (the first sheet with a recognised header, of {len(headers)})")]
    unvalued = _formulas_without_values(path, name)
    if unvalued:
        notes.append(f"{unvalued:,} formula cell(s) have no saved value and were read as empty: "
                     "open the workbook in a spreadsheet, save it, and import again")
    return name, cells, notes


def _formulas_without_values(path: Path, sheet_name: str) -> int:
    """Formula cells whose value the workbook did not save (read as empty otherwise)."""
    formulas, values = _open_book(path, data_only=False), _open_book(path)
    try:
        n = 0
        for f_row, v_row in zip(formulas[sheet_name].iter_rows(values_only=True),
                                values[sheet_name].iter_rows(values_only=True)):
            for f, v in zip(f_row, v_row):
                if v is None and isinstance(f, str) and f.startswith("="):
                    n += 1
        return n
    finally:
        formulas.close()
        values.close()


def detect_format(columns: list[str]) -> str | None:
    """The layout whose signature columns the header holds most of (None if none fits)."""
    keys = {column_key(c) for c in columns}
    keys |= {native.SYNONYMS[k] for k in keys if k in native.SYNONYMS}
    best, best_score = None, 0.0
    for name, adapter in ADAPTERS.items():
        signature = set(adapter.SIGNATURE)
        hits = len(keys & signature)
        score = hits / len(signature)
        if hits >= 3 and score > best_score:
            best, best_score = name, score
    return best


def missing_columns(columns: list[str], fmt: str) -> list[str]:
    keys = {column_key(c) for c in columns}
    keys |= {native.SYNONYMS[k] for k in keys if k in native.SYNONYMS}
    return [c for c in ADAPTERS[fmt].REQUIRED if c not in keys]


def sniff(path: str | Path, fmt: str | None = None) -> FileInfo:
    """Look at a file and say what it is; raise ``FileRejected`` if it cannot be taken."""
    path = Path(path)
    if not path.is_file():
        raise FileRejected(f"no such file: {path}")
    if fmt is not None and fmt not in ADAPTERS:
        raise FileRejected(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    digest, size, utf8, nul, quotes = _scan(path)
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileRejected("the file is empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected("an old Excel .xls workbook: save it as .xlsx or CSV")
    notes: list[str] = []
    sheet = None
    if head.startswith(b"PK\x03\x04"):
        kind, encoding, delimiter = "xlsx", None, ","
        sheet, raw_columns, notes = _xlsx_header(path)
        columns = raw_columns
    else:
        kind = "csv"
        encoding = _encoding(path, head, utf8)
        if nul is not None and encoding != "utf-16":
            raise FileRejected(f"binary data: a NUL byte at byte {nul:,} (a damaged file, or not a CSV); "
                               "nothing was imported")
        raw_columns, delimiter = _csv_header(head, encoding)
        columns = [c.strip() for c in raw_columns]
        cut = _truncated(path, encoding, delimiter, len(raw_columns), quotes) if encoding != "utf-16" else None
        if cut:
            raise FileRejected(f"the file looks truncated ({cut}), like a download that was cut off; "
                               "nothing was imported. Download it again.")
    detected = detect_format(columns)
    chosen = fmt or detected
    if chosen is None:
        shown = ", ".join(columns[:6]) + (", …" if len(columns) > 6 else "")
        raise FileRejected(
            f"unknown format: the header ({shown}) matches none of ACLED, UCDP GED, GTD or the "
            "native template; give --format or start from the native template"
        )
    missing = missing_columns(columns, chosen)
    if missing:
        raise FileRejected(f"{LABELS[chosen]} file is missing required column(s): {', '.join(missing)}")
    info = FileInfo(path, kind, chosen, columns, encoding, raw_columns, delimiter, sheet=sheet, sha256=digest,
                    size=size, notes=notes)
    keys = [column_key(c) for c in columns if str(c).strip()]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        info.notes.append("the header repeats column(s) " + ", ".join(repr(k) for k in repeated)
                          + ": only the first of each is read")
    if fmt and detected and detected != fmt:
        info.notes.append(f"the header looks like {LABELS[detected]}, read as {LABELS[fmt]} as asked")
    if encoding in ("cp1252", "latin-1"):
        info.notes.append(f"read as {encoding} text (not UTF-8)")
    return info

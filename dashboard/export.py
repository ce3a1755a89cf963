"""Write selected incidents as CSV, XLSX or GeoJSON, safely.

Spreadsheet programs run cells that begin with ``=``, ``+``, ``-``, ``@`` (or a
tab / carriage return) as formulas, and some skip leading spaces, non-breaking
spaces or read full-width ``＝ ＋ － ＠`` the same way. Every text cell whose first
character after any such blanks is a formula start is written with a leading
apostrophe, so an exported file (CSV, XLSX, GeoJSON properties) can be opened
without risk. The app's tables have no download of their own
(``client.disableDataExport``): its download buttons go through here.
"""

from __future__ import annotations

import io
import json
import math
import re
from datetime import date, datetime

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BLANKS = " \u00a0\u2007\u202f\u3000\ufeff"  # spaces a spreadsheet may skip before a formula
FORMATS = ("csv", "xlsx", "geojson")


def neutralise(value):
    """Prefix text that a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and (value.startswith(FORMULA_START)
                                   or value.lstrip(BLANKS).startswith(FORMULA_START)):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell neutralised."""
    out = df.copy()
    for i in range(out.shape[1]):  # by position: a file's header may repeat a name
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out.isetitem(i, col.map(neutralise))
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return safe_frame(df).to_csv(index=False).encode("utf-8")


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "incidents") -> bytes:
    buf = io.BytesIO()
    out = safe_frame(df)
    for col in out.columns:  # Excel has no time zones and no lists
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        out.to_excel(writer, index=False, sheet_name=sheet)
    return buf.getvalue()


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()[:10] if isinstance(value, date) and not isinstance(value, datetime) else str(value)
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA:
        return None
    return value


def to_geojson_bytes(df: pd.DataFrame) -> bytes:
    """Point features (EPSG:4326 lon/lat degrees); rows without coordinates get null geometry."""
    features = []
    for row in df.to_dict(orient="records"):
        lat, lon = row.get("latitude"), row.get("longitude")
        geometry = None
        if lat is not None and lon is not None and not pd.isna(lat) and not pd.isna(lon):
            geometry = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        props = {k: neutralise(_json_value(v)) for k, v in row.items() if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def file_stem(f) -> str:
    """A file name for a download of the selection ``f`` (a ``filters.Filter``):
    incidents-ISKP-TTP-Khyber_Pakhtunkhwa-2023-01-01_2024-12-31."""
    parts = ["incidents", *f.groups, *(f.districts or f.provinces or f.countries)]
    if f.date_from or f.date_to:
        parts.append(f"{f.date_from or 'start'}_{f.date_to or 'latest'}")
    if f.basis == "claimed":
        parts.append("claimed")
    stem = "-".join(re.sub(r"[^\w.-]+", "_", str(p)).strip("_") for p in parts if str(p).strip())
    return stem[:120] or "incidents"


def to_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv_bytes(df)
    if fmt == "xlsx":
        return to_xlsx_bytes(df)
    if fmt == "geojson":
        return to_geojson_bytes(df)
    raise ValueError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")

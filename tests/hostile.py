"""The corpus of hostile inputs (tests only): link parameters and stored text that
try to make the app fetch, link to or style something, run a formula in a
spreadsheet, or break a Plotly template. Every row here is SYNTHETIC test data."""

from __future__ import annotations

import csv
from pathlib import Path

BEACON = "http://127.0.0.1:9/beacon.png"  # nothing listens there; a request to it is the failure
EVIL = "https://evil.example/login"

MARKUP = [
    f"![x]({BEACON})",
    f"[Click to re-login]({EVIL})",
    ":red[ALERT] :material/bolt: :smile:",
    f"<img src={BEACON}>",
    f'<a href="{EVIL}">link</a>',
    '<span style="font-size:60px;color:red">BIG</span>',
    "<script>alert(1)</script>",
    "**bold** _it_ `code` # heading",
    "www.evil.example and https://evil.example/x",
    "%{y} %{customdata[0]} %{fullData.name}",
    "$x^2$ \\\\ \\[ \\]",
]
FORMULAS = [
    '=HYPERLINK("https://evil.example","click")',
    "-2+3",
    "+1",
    "@SUM(1,2)",
    "\u00a0=1+1",      # a non-breaking space first
    "  =1+1",          # spaces first
    "\uff1d1+1",       # full-width equals
    "\t=1",
]
PAYLOADS = MARKUP + FORMULAS

# Link parameters (key -> values) that must neither render nor break anything.
URL_CASES = [
    {"group": [f"![x]({BEACON})"]},
    {"country": [f"[Click to re-login]({EVIL})"]},
    {"province": [":red[Kabul] :material/home:"]},
    {"district": ['<span style="font-size:60px">B</span>']},
    {"q": [f"![x]({BEACON}) [a]({EVIL})"]},
    {"from": ["1800-01-01"]},
    {"to": ["2200-12-31"]},
    {"from": ["2023-02-30"]},
    {"from": ["2024-01-01"], "to": ["2023-01-01"]},
    {"basis": ["<img src=x>"]},
    {"min_killed": ["1e99"]},
    {"min_killed": ["-1"]},
    {"dataset": ["javascript:alert(1)"]},
    {f"![k]({BEACON})": ["1"]},
    {"incident": [f"![x]({BEACON})"]},
    {"group": ["TTP"] * 1200},
    {"q": ["x" * 5000]},
]

NATIVE_HEADER = ["event_id", "date", "country", "province", "district", "place", "latitude", "longitude",
                 "attack_type", "target_type", "killed", "killed_note", "injured", "summary", "source_url",
                 "claimed_by", "claim_channel", "denied_by", "suspected", "suspected_by"]


def hostile_native_file(path: Path) -> Path:
    """A SYNTHETIC native-template file whose every text field holds a payload
    (one row per payload), placed in Khyber Pakhtunkhwa so every page shows it."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(NATIVE_HEADER)
        for i, text in enumerate(PAYLOADS):
            writer.writerow([
                f"H{i}", f"2024-06-{1 + i % 28:02d}", "Pakistan", "Khyber Pakhtunkhwa", text, text,
                f"{34.0 + i / 100:.2f}", f"{71.5 + i / 100:.2f}", text, text, 3 + i, text, 1, text,
                f"javascript:alert({i}) https://example.org/synthetic/{i}", text, text, text, text, text,
            ])
    return path

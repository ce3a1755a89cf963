"""Render the map's label glyphs (MapLibre SDF glyph PBFs) so that province and
district names draw offline: MapLibre asks its style's ``glyphs`` URL for each
range of 256 code points, and the "white-bg" style points at a font CDN.

Run once, by a developer, on a machine that has the font:

    python scripts/make_glyphs.py [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]

It writes ``dashboard/static/glyphs/<FONTSTACK>/0-255.pbf`` (Basic Latin and
Latin-1, the letters of every province and district name the app draws), which
Streamlit serves at ``app/static/glyphs/…`` (``server.enableStaticServing``).
The glyphs are rendered from DejaVu Sans (Bitstream Vera licence with public
domain changes; README, "Data and licences").

Format (MapLibre's, as fontnik writes it): a protobuf ``glyphs { fontstack stacks = 1 }``,
``fontstack { name = 1; range = 2; glyph glyphs = 3 }``, ``glyph { id = 1; bitmap = 2;
width = 3; height = 4; left = 5 (sint32); top = 6 (sint32); advance = 7 }``. Each
bitmap is a signed distance field of the glyph at 24 px with a 3 px border:
255 − 255·(d/8 + 0.25), d the distance in px to the outline, positive outside.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy.ndimage import distance_transform_edt

FONTSTACK = "DashboardSans"           # the name figures.LABEL_FONT asks for
SIZE, BUFFER, RADIUS, CUTOFF = 24, 3, 8.0, 0.25
ASCENDER = 26                         # px at SIZE, see ``sdf``
SCALE = 4                             # rendered this much larger, then the field is sampled down
OUT = Path(__file__).resolve().parents[1] / "dashboard" / "static" / "glyphs" / FONTSTACK / "0-255.pbf"


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number: int, value) -> bytes:
    """One protobuf field: bytes/str as length-delimited, ints as varints."""
    if isinstance(value, (bytes, str)):
        data = value.encode() if isinstance(value, str) else value
        return varint(number << 3 | 2) + varint(len(data)) + data
    return varint(number << 3) + varint(value)


def zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def sdf(font: ImageFont.FreeTypeFont, char: str) -> tuple[bytes, int, int, int, int]:
    """(bitmap, width, height, left, top) of one glyph at SIZE px."""
    left, top, right, bottom = font.getbbox(char, anchor="ls")  # at SIZE*SCALE px, y down, baseline 0
    if right <= left or bottom <= top:
        return b"", 0, 0, 0, 0
    x0, y0 = int(np.floor(left / SCALE)), int(np.floor(top / SCALE))
    x1, y1 = int(np.ceil(right / SCALE)), int(np.ceil(bottom / SCALE))
    w, h = x1 - x0, y1 - y0
    pad = BUFFER * SCALE
    img = Image.new("L", (w * SCALE + 2 * pad, h * SCALE + 2 * pad), 0)
    ImageDraw.Draw(img).text((pad - x0 * SCALE, pad - y0 * SCALE), char, font=font, fill=255, anchor="ls")
    inside = np.asarray(img) > 127
    d = (distance_transform_edt(~inside) - distance_transform_edt(inside)) / SCALE  # px at SIZE, + outside
    d = d[SCALE // 2::SCALE, SCALE // 2::SCALE][: h + 2 * BUFFER, : w + 2 * BUFFER]
    value = np.clip(np.round(255 - 255 * (d / RADIUS + CUTOFF)), 0, 255).astype(np.uint8)
    # ``top`` as fontnik writes it: the glyph's top above the baseline less the font's
    # ascender, which MapLibre's shaping assumes is about 26 px at 24 px (as its local
    # glyphs' "top − 27" adjustment matches), so labels sit centred on their point.
    return value.tobytes(), w, h, x0, -y0 - ASCENDER


def main(font_path: str) -> None:
    font = ImageFont.truetype(font_path, SIZE * SCALE)
    glyphs = b""
    for code in range(32, 256):
        char = chr(code)
        if code in range(127, 160):
            continue
        bitmap, w, h, left, top = sdf(font, char)
        advance = int(round(font.getlength(char) / SCALE))
        glyph = (field(1, code) + (field(2, bitmap) if bitmap else b"") + field(3, w) + field(4, h)
                 + field(5, zigzag(left)) + field(6, zigzag(top)) + field(7, advance))
        glyphs += field(3, glyph)
    stack = field(1, FONTSTACK) + field(2, "0-255") + glyphs
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(field(1, stack))
    print(f"{OUT}: {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

"""Rewrite the README's generated parts: the URL table (``dashboard.filters.url_table``).

    python scripts/update_readme.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.filters import url_table  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- url-table: made by dashboard.filters.url_table() -->", "<!-- /url-table -->"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README.md has no {START} ... {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{url_table()}\n{END}{tail}", encoding="utf-8")
    print("README.md: URL table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m benchmarks --events N``: see ``benchmarks/__init__.py`` and BENCHMARKS.md.
``python -m dashboard bench`` is the same command."""

from __future__ import annotations

import argparse
import sys

from .options import DESCRIPTION, add_arguments, run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=DESCRIPTION)
    add_arguments(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

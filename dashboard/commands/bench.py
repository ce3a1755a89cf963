"""``python -m dashboard bench --events N``: an alias of ``python -m benchmarks``
(latency, memory and import speed on synthetic data; BENCHMARKS.md).

The benchmark lives outside the app, in ``benchmarks/``; this command is the only
place under ``dashboard/`` that imports it.
"""

from __future__ import annotations

from benchmarks.options import DESCRIPTION, add_arguments


def add_parser(sub) -> None:
    p = sub.add_parser(
        "bench",
        help="benchmark interaction latency, memory and import speed on a SYNTHETIC dataset "
             "(the same as python -m benchmarks)",
        description=DESCRIPTION,
    )
    add_arguments(p)


def run(args) -> int:
    from benchmarks.options import run as run_benchmark

    return run_benchmark(args)

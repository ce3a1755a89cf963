"""Each measured step in its own fresh Python process, so the memory of one does
not inflate the next and the machine does one thing at a time: starting a step,
sampling the resident memory of its process tree, waiting for a quiet machine,
and the child's entry point (``python -m benchmarks.process --phase ...``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .options import DEFAULT_SEED

REPO_ROOT = Path(__file__).resolve().parent.parent
QUIET_SHARE = 0.10  # other processes may use at most this share of the CPUs


class TreeSampler(threading.Thread):
    """Peak resident memory of a process and its children (psutil, every 20 ms)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()

    def run(self):
        import psutil

        while not self.stop.is_set():
            try:
                procs = [self.proc] + self.proc.children(recursive=True)
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self.stop.wait(0.02)


def _busy_cpu_s() -> float:
    """CPU-seconds the whole machine has spent busy (all processes, all cores)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def _own_cpu_s() -> float:
    """CPU-seconds used by this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def other_load(seconds: float = 2.0) -> float:
    """Share of the machine's CPUs (0-1) used by other processes over ``seconds``."""
    b0, o0 = _busy_cpu_s(), _own_cpu_s()
    time.sleep(seconds)
    return max(0.0, (_busy_cpu_s() - b0) - (_own_cpu_s() - o0)) / (seconds * (os.cpu_count() or 1))


def wait_until_quiet(limit_s: float) -> tuple[float, float]:
    """Wait (up to ``limit_s``) until other processes use < QUIET_SHARE of the CPUs.
    Returns (seconds waited, last share measured)."""
    t = time.perf_counter()
    share = other_load()
    while share >= QUIET_SHARE and time.perf_counter() - t < limit_s:
        time.sleep(3)
        share = other_load()
    return time.perf_counter() - t, share



def run_phase(phase: str, db: str, *, work: str, quiet_s: float = 0.0, **kw) -> dict:
    """Run one step in a child process and return its result, with the wall time,
    the share of the CPUs other processes used meanwhile, the time spent waiting for
    a quiet machine and the peak resident memory of the child's process tree.

    The child never sees the dashboard's own store: ``DASHBOARD_DB`` is removed and
    its data folder (rejected-row reports, uploads) is ``work/local``.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        out = fh.name
    cmd = [sys.executable, "-m", "benchmarks.process", "--phase", phase, "--db", db, "--out", out]
    for k, v in kw.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    env = dict(os.environ)
    env.pop("DASHBOARD_DB", None)
    env["DASHBOARD_DATA_DIR"] = str(Path(work) / "local")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")])
    waited, _ = wait_until_quiet(quiet_s) if quiet_s else (0.0, None)
    t = time.perf_counter()
    b0, o0 = _busy_cpu_s(), _own_cpu_s()
    proc = subprocess.Popen(cmd, env=env)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    rc = proc.wait()
    sampler.stop.set()
    sampler.join()
    wall = time.perf_counter() - t
    other = max(0.0, (_busy_cpu_s() - b0) - (_own_cpu_s() - o0)) / (wall * (os.cpu_count() or 1))
    if rc != 0:
        raise RuntimeError(f"benchmark phase {phase!r} failed (exit {rc})")
    res = json.loads(Path(out).read_text())
    os.unlink(out)
    res["wall_s"] = wall
    res["other_cpu"] = other  # share of the CPUs other processes used while this phase ran
    res["waited_s"] = waited
    res["tree_peak_mb"] = max(sampler.peak / 2**20, res.get("rss_mb", 0))
    return res


def peak_rss_mb() -> float:
    """This process's peak resident set (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(phase: str, a: argparse.Namespace) -> dict:
    """One step, in this (fresh) process. The step's module is imported here, first:
    the app step counts its imports as part of the cold start."""
    if phase == "app":
        from .app import phase_app

        return phase_app(a.db, a.repeat)
    if phase == "raw":
        from .raw_duckdb import phase_raw

        return phase_raw(a.db, a.repeat)
    if phase == "pandas":
        from .pandas_baseline import phase_pandas

        return phase_pandas(a.db, a.repeat, a.filters or None)
    if phase == "downloads":
        from .downloads import phase_downloads

        return phase_downloads(a.db, a.repeat)
    if phase == "import":
        from .ingest import import_dataset

        return import_dataset(a.db, a.events, a.seed, a.batch_rows, a.workdir)
    raise ValueError(f"no benchmark phase {phase!r}")


def child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.process")
    p.add_argument("--phase", required=True, choices=("import", "app", "raw", "pandas", "downloads"))
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--events", type=int, default=0)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--batch-rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workdir", default=None)
    p.add_argument("--filters", type=int, default=0)
    a = p.parse_args(argv)
    res = run_child(a.phase, a)
    res["rss_mb"] = peak_rss_mb()
    Path(a.out).write_text(json.dumps(res, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))

"""Shared helpers for the benchmarks: run a command as a whole process and measure wall time and peak memory.

Peak memory is the largest resident set of the process tree's processes (RUSAGE_CHILDREN of a fresh wrapper),
so an import's sandboxed reader child and its parent are each counted, and the larger one reported.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"  # generated workbooks and databases: git-ignored

_WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": wall, "peak_mib": peak_kib / 1024, "code": done.returncode, "stderr": done.stderr[-500:]}))
"""


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run `cmd` once in a fresh wrapper process: {"wall_s", "peak_mib", "code", "stderr"}."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, cwd=ROOT, env=env)
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {result['stderr']}")
    return result


def median_of(runs: int, cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall time and median peak memory over `runs` runs."""
    results = [measure(cmd, env) for _ in range(runs)]
    return {
        "wall_s": statistics.median(r["wall_s"] for r in results),
        "peak_mib": statistics.median(r["peak_mib"] for r in results),
        "runs": runs,
    }


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"

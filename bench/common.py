"""Shared helpers for the benchmarks: run a command as a whole process and measure wall time and peak memory.

Peak memory is the largest resident set of the process tree's processes (RUSAGE_CHILDREN of a fresh wrapper),
so an import's sandboxed reader child and its parent are each counted, and the larger one reported.

The targets of issue 5 are ratios measured side by side: every round runs each contender once, in turn, so a
burst of load from another user of the machine hits all of them alike; the figures are medians over the rounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"  # generated workbooks and databases: git-ignored

_WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
result = {"wall_s": wall, "cpu_s": cpu, "peak_mib": usage.ru_maxrss / 1024, "code": done.returncode}
print(json.dumps({**result, "stderr": done.stderr[-500:]}))
"""

# fastexcel's bare read of every sheet, in its own process: the yardstick of the import targets.
BARE_READ = (
    "import sys, fastexcel; r = fastexcel.read_excel(sys.argv[1]); [r.load_sheet(n).to_arrow() for n in r.sheet_names]"
)
PANDAS_OPENPYXL = "import sys, pandas as pd; pd.read_excel(sys.argv[1], sheet_name=None, engine='openpyxl')"
BARE = "fastexcel bare read (all sheets)"
IMPORT = "pmo_analytics import (whole process)"
OPENPYXL = "pandas.read_excel (openpyxl)"


class Command(list):
    """A command line that runs in another folder (another checkout of the project): ``Command(argv, cwd=...)``."""

    def __init__(self, argv: list[str], cwd: Path):
        super().__init__(argv)
        self.cwd = cwd


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run `cmd` once in a fresh wrapper process: {"wall_s", "cpu_s", "peak_mib", "code", "stderr"}.

    cpu_s is user + system time of the whole process tree: less sensitive than wall time to other users' load.
    """
    cwd = getattr(cmd, "cwd", ROOT)
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, cwd=cwd, env=env)
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


def bare_read_command(path: Path) -> list[str]:
    return [sys.executable, "-c", BARE_READ, str(path)]


def pandas_openpyxl_command(path: Path) -> list[str]:
    return [sys.executable, "-c", PANDAS_OPENPYXL, str(path)]


def import_command(path: Path, db: Path, as_of: str = "2026-03-31", tree: Path = ROOT) -> list[str]:
    """The whole import as a user runs it; the database is deleted first, so every run is a first import.

    ``tree``: the checkout whose pmo_analytics runs (another one gives the "before" figures side by side:
    ``git archive <commit> | tar -x -C /tmp/before``).
    """
    db.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "pmo_analytics", "import", str(path.resolve()), "--db", str(db.resolve())]
    return Command([*argv, "--as-of", as_of], cwd=tree.resolve())


# The import as the app runs it: pandas, pyarrow and DuckDB are loaded before the clock starts (a Streamlit server
# has them loaded); the process prints the seconds of read + map + validate + save, which replace its wall time.
WARM_IMPORT = """
import datetime, sys, time
from pathlib import Path
from pmo_analytics.ingest.pipeline import import_files
from pmo_analytics.store import Store
start = time.perf_counter()
import_files([Path(sys.argv[1])], datetime.date(2026, 3, 31), Store(sys.argv[2]))
sys.stderr.write(f"IN_PROCESS_SECONDS={time.perf_counter() - start}\\n")
"""
WARM = "import in a running app (libraries loaded)"


def warm_import_command(path: Path, db: Path) -> list[str]:
    db.unlink(missing_ok=True)
    return [sys.executable, "-c", WARM_IMPORT, str(path.resolve()), str(db.resolve())]


def add_compare_tree(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compare-tree",
        type=Path,
        help="also import with the pmo_analytics of this checkout, in the same rounds (before/after figures)",
    )


def import_contenders(path: Path, stem: str, compare_tree: Path | None) -> dict[str, Callable[[int], list[str]]]:
    """The import of this checkout, and of ``compare_tree`` if given, each into its own fresh database."""
    contenders = {
        IMPORT: lambda r: import_command(path, OUT / f"bench_{stem}.duckdb"),
        WARM: lambda r: warm_import_command(path, OUT / f"bench_{stem}_warm.duckdb"),
    }
    if compare_tree is not None:
        contenders[f"import, {compare_tree}"] = lambda r: import_command(
            path, OUT / f"bench_{stem}_compared.duckdb", tree=compare_tree
        )
    return contenders


def side_by_side(contenders: dict[str, Callable[[int], list[str]]], runs: dict[str, int]) -> dict[str, dict]:
    """Round r runs every contender with runs[name] > r once, in turn; medians of wall time and peak per contender.

    ``contenders[name](round)`` builds the command of that round (an import gets a fresh database).
    """
    samples: dict[str, list[dict]] = {name: [] for name in contenders}
    for round_number in range(max(runs.values())):
        for name, build in contenders.items():
            if round_number < runs[name]:
                result = measure(build(round_number))
                if "IN_PROCESS_SECONDS=" in result["stderr"]:  # the process timed its own part (WARM_IMPORT)
                    result["wall_s"] = float(result["stderr"].rsplit("IN_PROCESS_SECONDS=", 1)[1].split()[0])
                samples[name].append(result)
    return {
        name: {
            "wall_s": statistics.median(r["wall_s"] for r in results),
            "cpu_s": statistics.median(r["cpu_s"] for r in results),
            "peak_mib": statistics.median(r["peak_mib"] for r in results),
            "walls": [round(r["wall_s"], 2) for r in results],
            "runs": len(results),
        }
        for name, results in samples.items()
        if results
    }


def print_results(results: dict[str, dict]) -> None:
    print(f"{'what':<44} {'median wall (s)':>16} {'CPU (s)':>8} {'peak RSS (MiB)':>15}  wall of each run (s)")
    for name, r in results.items():
        print(f"{name:<44} {r['wall_s']:>16.2f} {r['cpu_s']:>8.2f} {r['peak_mib']:>15.0f}  {r['walls']}")


def verdict(label: str, ratio: float, limit: float, *, at_most: bool = True) -> bool:
    """Print one target line: "import / bare read, wall time   1.31x  target <= 1.5x   PASS"."""
    passed = ratio <= limit if at_most else ratio >= limit
    bound = f"<= {limit:g}x" if at_most else f">= {limit:g}x"
    print(f"  {label:<44} {ratio:>7.2f}x  target {bound:<8} {'PASS' if passed else 'FAIL'}")
    return passed


def import_targets(results: dict[str, dict]) -> bool:
    """Issue 5's import targets from side-by-side results; True when every one measured is met."""
    print("targets (ratios of the medians above):")
    ok = True
    warm = results.get(WARM)
    if warm:
        ratio = warm["wall_s"] / results[BARE]["wall_s"]
        print(f"  for information: {WARM}: {ratio:.2f}x the bare read's wall time (its CPU and peak: whole process)")
    cpu = results[IMPORT]["cpu_s"] / results[BARE]["cpu_s"]
    print(f"  for information: import / bare read, CPU time (user + system, whole tree): {cpu:.2f}x")
    for name in [IMPORT] + [n for n in results if n.startswith("import, ")]:
        label = "import" if name == IMPORT else name
        ok &= verdict(f"{label} / bare read, wall time", results[name]["wall_s"] / results[BARE]["wall_s"], 1.5)
        ok &= verdict(f"{label} / bare read, peak memory", results[name]["peak_mib"] / results[BARE]["peak_mib"], 1.5)
        if OPENPYXL in results:
            speedup = results[OPENPYXL]["wall_s"] / results[name]["wall_s"]
            ok &= verdict(f"pandas openpyxl / {label}, wall time", speedup, 10, at_most=False)
    return ok


def add_import_race_arguments(parser: argparse.ArgumentParser) -> None:
    """--runs, --openpyxl-runs and --compare-tree of the import benchmarks."""
    parser.add_argument("--runs", type=int, default=5, help="rounds of import and bare read (default 5)")
    parser.add_argument(
        "--openpyxl-runs", type=int, default=1, help="runs of pandas.read_excel with openpyxl (slow; 0 skips it)"
    )
    add_compare_tree(parser)


def race_import(path: Path, stem: str, args: argparse.Namespace) -> dict[str, dict]:
    """The bare read, the import (this checkout, in a running app, and --compare-tree's) and pandas with openpyxl
    of one workbook, side by side over the rounds of ``args`` (add_import_race_arguments)."""
    contenders = {
        BARE: lambda r: bare_read_command(path),
        **import_contenders(path, stem, args.compare_tree),
        OPENPYXL: lambda r: pandas_openpyxl_command(path),
    }
    runs = {name: args.runs for name in contenders} | {OPENPYXL: args.openpyxl_runs}
    return side_by_side(contenders, runs)


def report_import(results: dict[str, dict]) -> None:
    """Print the figures, the targets and the machine; exit 0 when every target is met, else 1."""
    print_results(results)
    passed = import_targets(results)
    print(f"machine: {machine()}")
    sys.exit(0 if passed else 1)


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    try:
        load = "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        load = "load average unknown"
    versions = ", ".join(
        f"{name} {_version(name)}" for name in ("fastexcel", "pandas", "pyarrow", "duckdb", "openpyxl")
    )
    return (
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, "
        f"Python {platform.python_version()} ({versions}), {load} at the end of the run, {dt.date.today().isoformat()}"
    )


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def describe_workbook(path: Path) -> str:
    return f"{path.relative_to(ROOT)} ({path.stat().st_size / 1024**2:.1f} MiB)"

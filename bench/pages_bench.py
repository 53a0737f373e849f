"""Warm rerun time of every page (app_pages/*.py through app.py, with Streamlit's AppTest) over the demo portfolio
at 40 and at 2,000 projects, and the target of issue 5: warm rerun at 2,000 projects <= 2 x warm rerun at 40.

    python bench/pages_bench.py [--pages overview budget] [--warm-runs 5] [--projects 40 2000]
    python bench/pages_bench.py --compare-tree /tmp/before  # also another checkout's pages, in the same rounds
    python bench/pages_bench.py --profile resources      # cProfile of the warm reruns at 2,000 projects
    python bench/pages_bench.py --density standard       # the 2,000-project portfolio at the app demo's density

The portfolios are bench/portfolio_db.py's, at the density it chooses for each size unless --density is given
(for the larger one).

For each page, one process per portfolio (PMO_DB set to its database, built by bench/portfolio_db.py) opens the
page as a user would: ``AppTest.from_file("app.py")``, ``at.run()`` (app start: the router and the default page,
Overview), ``at.switch_page(page)``, ``at.run()`` (the page's cold run). The processes are set up one after the
other, then driven in rounds: each round reruns the page once in every process, in turn (the order rotates), so a
burst of load from another user of the machine hits every size alike; the median of the 5 rounds is the warm
rerun, what a user waits for after clicking a widget. Peak memory is each process's largest resident set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # common, portfolio_db
from common import ROOT, machine  # noqa: E402

TARGET_RATIO = 2.0
PROJECT = "1010"  # the Project page is opened as a link does: ?project=1010 (present at 40 and at 2,000)


def page_names() -> list[str]:
    return sorted(path.stem for path in (ROOT / "app_pages").glob("*.py"))


# -- worker: one page over one database, in its own process, driven through stdin/stdout ----------------------


def _profiled_script_thread(profiler):  # noqa: ANN001, ANN202
    """AppTest runs the script in a thread of its own: profile that thread, not the caller's."""
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner  # noqa: TID251 (a benchmark drives the app)

    original = LocalScriptRunner._run_script_thread

    def run(self):  # noqa: ANN001, ANN202
        profiler.enable()
        try:
            return original(self)
        finally:
            profiler.disable()

    LocalScriptRunner._run_script_thread = run


def _say(message: dict) -> None:
    print(json.dumps(message), flush=True)


def worker(page: str, tree: Path, profile: Path | None) -> None:
    """Open the page of the checkout ``tree`` (PMO_DB is set by the caller) and report start and cold run; then
    rerun it for every "run" line on stdin (reporting the time), and report peak memory and errors on "done".
    Nothing of pmo_analytics is imported before the app runs, so the app imports the tree's."""
    import resource

    sys.path.insert(0, str(tree))
    from streamlit.testing.v1 import AppTest  # noqa: TID251 (a benchmark drives the app)

    at = AppTest.from_file(str(tree / "app.py"), default_timeout=600)
    if page == "project":
        at.query_params["project"] = PROJECT
    start = time.perf_counter()
    at.run()
    app_start = time.perf_counter() - start
    at.switch_page(f"app_pages/{page}.py")
    start = time.perf_counter()
    at.run()
    errors = [str(e.value) + " " + " / ".join(e.stack_trace[-3:]) for e in at.exception]
    _say({"app_start_s": app_start, "cold_s": time.perf_counter() - start})
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        _profiled_script_thread(profiler)
    for line in sys.stdin:
        if line.strip() != "run":
            break
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        errors += [str(e.value) + " " + " / ".join(e.stack_trace[-3:]) for e in at.exception]
        _say({"rerun_s": elapsed})
    if profiler is not None:
        profiler.dump_stats(str(profile))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _say({"peak_mib": peak, "errors": errors[:3], "titles": [title.value for title in at.title][:2]})


class PageProcess:
    """A worker process holding one page open over one database."""

    def __init__(self, page: str, db: Path, tree: Path = ROOT, profile: Path | None = None):
        argv = [sys.executable, str(Path(__file__).resolve()), "--worker", page, "--tree", str(tree.resolve())]
        if profile is not None:
            argv += ["--profile-out", str(profile)]
        self.name = f"{page} over {db.name} ({tree})"
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in finish) not a pipe: never full
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=tree,
            env={**os.environ, "PMO_DB": str(db)},
        )
        self.result: dict[str, object] = {**self._read(), "warm_runs_s": []}

    def _read(self) -> dict:
        """The worker's next message (a JSON line; anything else a library prints is skipped)."""
        for line in self.process.stdout:
            if line.startswith("{"):
                return json.loads(line)
        self.log.seek(0)
        raise SystemExit(f"{self.name} failed:\n{self.log.read()[-3000:]}")

    def rerun(self) -> float:
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        elapsed = self._read()["rerun_s"]
        self.result["warm_runs_s"].append(elapsed)
        return elapsed

    def finish(self) -> dict[str, object]:
        self.process.stdin.write("done\n")
        self.process.stdin.flush()
        self.result.update(self._read())
        self.process.wait()
        self.log.close()
        self.result["warm_s"] = statistics.median(self.result["warm_runs_s"])
        return self.result


def measure_page(page: str, contenders: dict[tuple[str, int], tuple[Path, Path]], rounds: int) -> dict:
    """{(tree label, projects): result} for one page: processes set up one by one, then reruns in rotating rounds."""
    processes = {key: PageProcess(page, db, tree) for key, (db, tree) in contenders.items()}
    keys = list(processes)
    for round_number in range(rounds):
        shift = round_number % len(keys)
        for key in keys[shift:] + keys[:shift]:
            processes[key].rerun()
    return {key: process.finish() for key, process in processes.items()}


# -- the benchmark ----------------------------------------------------------------------------------------------


def print_table(results: dict[int, dict], pages: list[str], sizes: list[int]) -> bool:
    """The table of one checkout ({(page, projects): result}); True when every page meets the target."""
    small, large = sizes
    print(
        f"{'page':<12} {f'warm@{small} (s)':>12} {f'warm@{large} (s)':>14} {'ratio':>7} {'target':>7} "
        f"{f'cold@{small} (s)':>12} {f'cold@{large} (s)':>14} {f'start@{small}':>9} {f'start@{large}':>11} "
        f"{f'peak@{small} (MiB)':>16} {f'peak@{large} (MiB)':>17}"
    )
    passed = True
    for page in pages:
        a, b = results[(page, small)], results[(page, large)]
        ratio = b["warm_s"] / a["warm_s"]
        passed &= ratio <= TARGET_RATIO
        print(
            f"{page:<12} {a['warm_s']:>12.3f} {b['warm_s']:>14.3f} {ratio:>6.2f}x "
            f"{'PASS' if ratio <= TARGET_RATIO else 'FAIL':>7} {a['cold_s']:>12.2f} {b['cold_s']:>14.2f} "
            f"{a['app_start_s']:>9.1f} {b['app_start_s']:>11.1f} {a['peak_mib']:>16.0f} {b['peak_mib']:>17.0f}"
        )
    return passed


def profile_page(page: str, db: Path, rounds: int, top: int) -> None:
    """cProfile of the page's warm reruns over ``db``: the functions by cumulative and by own time."""
    import pstats

    out = ROOT / "bench" / "out" / f"profile_{page}_{db.stem}.prof"
    process = PageProcess(page, db, profile=out)
    for _ in range(rounds):
        process.rerun()
    result = process.finish()
    print(f"{page} over {db.name}: reruns {[round(s, 3) for s in result['warm_runs_s']]} s (profiled); {out}")
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=page_names(), help="page names (default: every page)")
    parser.add_argument("--projects", type=int, nargs=2, default=[40, 2000], help="the two sizes (default 40 2000)")
    parser.add_argument("--warm-runs", type=int, default=5, help="rounds of warm reruns; the median is quoted")
    parser.add_argument(
        "--compare-tree",
        type=Path,
        help="also run the pages of this checkout, in the same rounds (before/after figures; make it with "
        "`git archive <commit> | tar -x -C DIR`)",
    )
    parser.add_argument(
        "--density",
        help="the demo density of the larger portfolio (bench/portfolio_db.py: standard or large; default: its "
        "choice for that size)",
    )
    parser.add_argument("--profile", metavar="PAGE", help="profile this page's warm reruns at the larger size")
    parser.add_argument("--top", type=int, default=30, help="lines of the profile to print")
    parser.add_argument("--worker", metavar="PAGE", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.tree, args.profile_out)
        return 0
    sys.path.insert(1, str(ROOT))
    from portfolio_db import build  # imports pmo_analytics: never in a worker, which runs a tree's own

    large = max(args.projects)
    databases = {
        n: build(n, verbose=False, **({"density": args.density} if args.density and n == large else {}))
        for n in args.projects
    }
    if args.profile:
        profile_page(args.profile, databases[args.projects[-1]], args.warm_runs, args.top)
        return 0
    trees = {"this checkout": ROOT} | ({str(args.compare_tree): args.compare_tree} if args.compare_tree else {})
    results: dict[str, dict] = {label: {} for label in trees}
    for page in args.pages:
        contenders = {(label, n): (db, tree) for label, tree in trees.items() for n, db in databases.items()}
        for (label, n), r in measure_page(page, contenders, args.warm_runs).items():
            results[label][(page, n)] = r
            if r["errors"]:
                print(f"  {page}@{n} ({label}): the page raised: {r['errors']}", file=sys.stderr)
            print(
                f"  {page}@{n} ({label}): start {r['app_start_s']:.2f} s, cold {r['cold_s']:.2f} s, "
                f"warm {[round(s, 3) for s in r['warm_runs_s']]} s, peak {r['peak_mib']:.0f} MiB, {r['titles']}",
                flush=True,
            )
    print(
        f"warm = median of {args.warm_runs} rounds (each reruns every process once, in turn); cold = the page's "
        "first run; start = app.py's first run (Overview), all in seconds"
    )
    passed = True
    for label in trees:
        if len(trees) > 1:
            print(f"{label}:")
        met = print_table(results[label], args.pages, args.projects)
        passed = met if label == "this checkout" else passed  # the exit code is this checkout's verdict
    print(
        f"target: warm rerun at {args.projects[1]} <= {TARGET_RATIO:g} x at {args.projects[0]}: "
        f"{'all PASS' if passed else 'some FAIL'}"
    )
    print("command: " + " ".join(["python", "bench/pages_bench.py", *(argv if argv is not None else sys.argv[1:])]))
    for n, db in databases.items():
        print(f"  {n} projects: PMO_DB={db.relative_to(ROOT)}")
    print(machine())
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Warm rerun time of every page (app_pages/*.py through app.py, with Streamlit's AppTest) over the demo portfolio
at 40 and at 2,000 projects, and the target of issue 5: warm rerun at 2,000 projects <= 2 x warm rerun at 40.

    python bench/pages_bench.py [--pages overview budget] [--warm-runs 5] [--projects 40 2000]
    python bench/pages_bench.py --profile resources      # cProfile of the warm reruns at 2,000 projects
    python bench/pages_bench.py --compare-tree /tmp/before  # also another checkout's pages, in the same rounds

Each (page, portfolio) runs in a fresh process (PMO_DB set to the portfolio's database, built by
bench/portfolio_db.py): ``AppTest.from_file("app.py")``, ``at.run()`` (app start: the router and the default
page, Overview), ``at.switch_page(page)``, ``at.run()`` (the page's cold run), then 5 more ``at.run()``: their
median is the warm rerun, what a user waits for after clicking a widget. The sizes of one page run one after the
other (and, with --compare-tree, the other checkout's right after), so ratios are measured side by side. Peak
memory is the process's largest resident set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # common, portfolio_db
from common import ROOT, machine  # noqa: E402

TARGET_RATIO = 2.0
PROJECT = "1010"  # the Project page is opened as a link does: ?project=1010 (present at 40 and at 2,000)


def page_names() -> list[str]:
    return sorted(path.stem for path in (ROOT / "app_pages").glob("*.py"))


# -- worker: one page over one database, in its own process ---------------------------------------------------


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


def worker(page: str, warm_runs: int, profile: Path | None, tree: Path) -> dict[str, object]:
    """Run the page of the checkout ``tree`` in AppTest (PMO_DB is set by the caller): the timings, the peak
    memory, the errors. Nothing of pmo_analytics is imported before, so the app imports the tree's."""
    import resource

    sys.path.insert(0, str(tree))
    from streamlit.testing.v1 import AppTest  # noqa: TID251 (a benchmark drives the app)

    at = AppTest.from_file(str(tree / "app.py"), default_timeout=600)
    if page == "project":
        at.query_params["project"] = PROJECT
    timings: dict[str, object] = {}
    start = time.perf_counter()
    at.run()
    timings["app_start_s"] = time.perf_counter() - start
    at.switch_page(f"app_pages/{page}.py")
    start = time.perf_counter()
    at.run()
    timings["cold_s"] = time.perf_counter() - start
    errors = [str(e.value) for e in at.exception]
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        _profiled_script_thread(profiler)
    warm = []
    for _ in range(warm_runs):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
        errors += [str(e.value) for e in at.exception]
    if profiler is not None:
        profiler.dump_stats(str(profile))
    shown = [title.value for title in at.title]
    return {
        **timings,
        "warm_runs_s": warm,
        "warm_s": statistics.median(warm),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "errors": errors[:3],
        "titles": shown[:2],
    }


def run_worker(
    page: str, db: Path, warm_runs: int, profile: Path | None = None, tree: Path = ROOT
) -> dict[str, object]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--worker", page, "--warm-runs", str(warm_runs)]
    argv += ["--tree", str(tree.resolve())]
    if profile is not None:
        argv += ["--profile-out", str(profile)]
    env = {**os.environ, "PMO_DB": str(db)}
    done = subprocess.run(argv, capture_output=True, text=True, cwd=tree, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{page} over {db.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the benchmark ----------------------------------------------------------------------------------------------


def print_table(results: dict[tuple[str, int], dict], pages: list[str], sizes: list[int]) -> bool:
    """The table of one checkout; True when every page meets the target."""
    small, large = sizes[0], sizes[-1]
    print(
        f"{'page':<12} {f'warm@{small} (s)':>12} {f'warm@{large} (s)':>14} {'ratio':>7} {'target':>9} "
        f"{f'cold@{small} (s)':>12} {f'cold@{large} (s)':>14} {f'start@{small}':>10} {f'start@{large}':>11} "
        f"{f'peak@{small} (MiB)':>16} {f'peak@{large} (MiB)':>17}"
    )
    passed = True
    for page in pages:
        a, b = results[(page, small)], results[(page, large)]
        ratio = b["warm_s"] / a["warm_s"]
        ok = ratio <= TARGET_RATIO
        passed &= ok
        print(
            f"{page:<12} {a['warm_s']:>12.3f} {b['warm_s']:>14.3f} {ratio:>6.2f}x {'PASS' if ok else 'FAIL':>9} "
            f"{a['cold_s']:>12.2f} {b['cold_s']:>14.2f} {a['app_start_s']:>10.2f} {b['app_start_s']:>11.2f} "
            f"{a['peak_mib']:>16.0f} {b['peak_mib']:>17.0f}"
        )
    return passed


def profile_page(page: str, db: Path, warm_runs: int, top: int) -> None:
    """cProfile of the page's warm reruns over ``db``: the functions of the project (and the rest) by time."""
    import pstats

    out = ROOT / "bench" / "out" / f"profile_{page}_{db.stem}.prof"
    result = run_worker(page, db, warm_runs, profile=out)
    print(f"{page} over {db.name}: warm reruns {[round(s, 3) for s in result['warm_runs_s']]} s; profile in {out}")
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=page_names(), help="page names (default: every page)")
    parser.add_argument("--projects", type=int, nargs=2, default=[40, 2000], help="the two sizes (default 40 2000)")
    parser.add_argument("--warm-runs", type=int, default=5, help="warm reruns per page; the median is quoted")
    parser.add_argument("--profile", metavar="PAGE", help="profile this page's warm reruns at the larger size")
    parser.add_argument("--top", type=int, default=30, help="lines of the profile to print")
    parser.add_argument(
        "--compare-tree",
        type=Path,
        help="also run the pages of this checkout, in the same rounds (before/after figures; make it with "
        "`git archive <commit> | tar -x -C DIR`)",
    )
    parser.add_argument("--worker", metavar="PAGE", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.warm_runs, args.profile_out, args.tree)))
        return 0
    sys.path.insert(1, str(ROOT))
    from portfolio_db import build  # imports pmo_analytics: not in a worker, which runs a tree's own

    databases = {n: build(n, verbose=False) for n in args.projects}
    if args.profile:
        profile_page(args.profile, databases[args.projects[-1]], args.warm_runs, args.top)
        return 0
    trees = {"this checkout": ROOT} | ({str(args.compare_tree): args.compare_tree} if args.compare_tree else {})
    results: dict[str, dict] = {label: {} for label in trees}
    for page in args.pages:
        for n, db in databases.items():
            for label, tree in trees.items():
                r = results[label][(page, n)] = run_worker(page, db, args.warm_runs, tree=tree)
                if r["errors"]:
                    print(f"  {page}@{n}: the page raised: {r['errors']}", file=sys.stderr)
                print(
                    f"  {page}@{n} ({label}): start {r['app_start_s']:.2f} s, cold {r['cold_s']:.2f} s, "
                    f"warm {[round(s, 3) for s in r['warm_runs_s']]} s, peak {r['peak_mib']:.0f} MiB, {r['titles']}",
                    flush=True,
                )
    print(f"warm = median of {args.warm_runs} reruns after the cold run; start = app.py's first run (Overview)")
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

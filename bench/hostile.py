"""Time and peak memory of govscan on every case of the hostile-input corpus
(``tests/hostile``), each in its own process, without the tests' limits.

    python bench/hostile.py [--match repo-] [--markdown]

The tests bound each case with an address-space limit and a timeout; this
prints what each case actually costs, so a regression shows as a number.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _launch import run_measured
from tests.hostile.harness import World
from tests.hostile.test_corpus import CASES


def measure(case_name: str) -> tuple[int, float, float]:
    case = next(c for c in CASES if c.name == case_name)
    root = Path(tempfile.mkdtemp(prefix="govscan-hostile-"))
    try:
        world = World(root)
        for d in (world.repo, world.outside, world.inputs):
            d.mkdir()
        world.write("outside/secret.txt", "token=bench\n")
        args = case.build(world)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVSCAN_"))}
        start = time.perf_counter()
        code, rss = run_measured(
            ["/usr/bin/env", "-C", str(root), sys.executable, "-m", "govscan", *args], env
        )
        return code, time.perf_counter() - start, rss
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--match", default="", help="only cases whose name contains this")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = ap.parse_args()
    rows = [(*measure(c.name), c.name) for c in CASES if args.match in c.name]
    if args.markdown:
        print("| case | exit | seconds | peak RSS MB |\n| --- | --- | --- | --- |")
    for code, seconds, rss, name in rows:
        if args.markdown:
            print(f"| {name} | {code} | {seconds:.2f} | {rss:.0f} |")
        else:
            print(f"{name:40} exit {code}  {seconds:6.2f} s  {rss:6.0f} MB")
    worst_t = max(rows, key=lambda r: r[1])
    worst_m = max(rows, key=lambda r: r[2])
    print(
        f"\n{len(rows)} cases; slowest {worst_t[3]} {worst_t[1]:.2f} s; "
        f"largest {worst_m[3]} {worst_m[2]:.0f} MB"
    )


if __name__ == "__main__":
    main()

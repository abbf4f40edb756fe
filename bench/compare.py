"""Run one benchmark against two source trees, interleaved, and report medians.

    python bench/compare.py --old /path/to/old/src --runs 3 iac_scan.py --resources 5000
    python bench/compare.py --old /path/to/old/src engine.py --resources 100000 --mode stream

Runs alternate (old, new, old, new, ...), so that a machine shared with other
work slows both sides alike.  Each run is the benchmark script of this folder
with ``PYTHONPATH`` set to the tree under test (``--new`` defaults to this
checkout's ``src``); the benchmark's subprocesses inherit it.  For every JSON
line a benchmark prints, the numeric fields are reported as the median of the
old runs, the median of the new runs and their ratio, one JSON line each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def run_once(src: Path, script: str, args: list[str]) -> list[dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(
        [sys.executable, str(HERE / script), *args], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        sys.exit(f"{script} failed with {src}:\n{proc.stderr[-3000:]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def median_lines(runs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per output line: numeric fields as medians, the rest as in the first run."""
    out = []
    for i, first in enumerate(runs[0]):
        line: dict[str, Any] = {}
        for key, value in first.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                line[key] = statistics.median(r[i][key] for r in runs)
            else:
                line[key] = value
        out.append(line)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, required=True, help="the old tree's src folder")
    ap.add_argument("--new", type=Path, default=HERE.parent / "src")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("script", help="a benchmark of this folder, e.g. iac_scan.py")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    ns = ap.parse_args()
    old_runs: list[list[dict[str, Any]]] = []
    new_runs: list[list[dict[str, Any]]] = []
    for i in range(ns.runs):
        old_runs.append(run_once(ns.old, ns.script, ns.args))
        new_runs.append(run_once(ns.new, ns.script, ns.args))
        print(f"run {i + 1}/{ns.runs}: old {old_runs[-1]} new {new_runs[-1]}", file=sys.stderr)
    for old, new in zip(median_lines(old_runs), median_lines(new_runs), strict=True):
        row: dict[str, Any] = {"runs": ns.runs}
        for key, value in new.items():
            before = old.get(key)
            if isinstance(value, int | float) and isinstance(before, int | float):
                ratio = round(value / before, 3) if before else None
                row[key] = {"old": before, "new": value, "ratio": ratio}
            else:
                row[key] = value
        print(json.dumps(row))


if __name__ == "__main__":
    main()

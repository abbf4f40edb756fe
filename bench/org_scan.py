"""Organisation scale benchmark: one process against N shards plus the merge.

    python bench/org_scan.py                          # 50, 200 and 500 accounts, 4 shards
    python bench/org_scan.py --accounts 50,200 --shards 4
    python bench/org_scan.py --quick                  # a smoke run, under a minute

For every size a fresh moto server (``bench/_org.py``) holds a management
account with Organizations and the member accounts. govscan then runs as it
would in CI, every step in its own process: ``govscan plan`` once, one
single-process ``govscan scan --aws --aws-organizations``, the N shards of the
plan side by side (what an engine does) and one after the other (figures a
shared 2-core machine does not blur), and ``govscan merge``. Each process's CPU
time and peak RSS come from ``wait4`` (``bench/_launch.py``), so the emulator,
which answers from this process, is not counted; its work is in the wall times,
and its CPU time is this process's own (``emulator_cpu_*``).

The merged results.json must equal the single process's (``results``,
``summary``, ``errors``). A second part merges synthetic shard bundles (100 of
1,000 results each by default) written by govscan's own bundle writer.
Prints JSON lines, a table, and one PASS/FAIL line per target of issue 16.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _launch import Measured, run_timed
from _org import POLICY, REGIONS, moto_endpoint, scan_env, seed, synthetic_shards

MEMORY_NOISE = 0.25
"""The largest shard's peak RSS may differ by this share between the smallest and
the largest organisation and still count as not growing. One shard's peak varies
by up to 40 % with thread timing, the maximum over 4 shards by about 5 % between
sizes and runs; growth with the estate would be several times."""
SLOPE_SPREAD = 1.5
"""Linear CPU: the CPU seconds per added account between consecutive sizes may
differ by this factor (a quadratic cost would raise it with every size)."""
MERGE_TARGET_SECONDS = 10.0


@dataclass(frozen=True)
class Step:
    """One govscan process: wall time and its own CPU time and peak RSS."""

    wall: float
    cpu: float
    rss_mb: float
    code: int


def govscan(args: Sequence[str], env: dict[str, str], cwd: Path) -> Step:
    """Run ``govscan ARGS`` in its own process, in ``cwd`` (an empty folder: a
    govscan.yaml in the caller's folder would add a repository scan)."""
    t0 = time.perf_counter()
    m: Measured = run_timed([sys.executable, "-m", "govscan", *args], env, cwd=str(cwd))
    return Step(
        round(time.perf_counter() - t0, 2), round(m.cpu_seconds, 2), round(m.rss_mb, 1), m.code
    )


def emulator_cpu() -> float:
    """CPU seconds of this process so far: while govscan runs, that is the moto
    server answering it (the benchmark's own threads only wait)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _check(step: Step, what: str, ok: Sequence[int] = (0, 3)) -> Step:
    # 3 is an incomplete scan (a collection error): still a bundle to compare.
    if step.code not in ok:
        raise SystemExit(f"bench: {what} ended with exit code {step.code}")
    return step


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON values first differ, as a readable path; None when equal."""
    if type(a) is not type(b):
        return f"{path or '.'}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'merged' if key in a else 'single'}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None if len(a) == len(b) else f"{path}: {len(a)} vs {len(b)} items"
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def compare(merged: Path, single: Path) -> str:
    """``equal``, or the first difference of results, summary and errors."""
    one = json.loads((merged / "results.json").read_text())
    two = json.loads((single / "results.json").read_text())
    for key in ("summary", "errors", "results"):
        found = first_difference(one[key], two[key], key)
        if found:
            return found
    return "equal"


def run_shards(
    scan: list[str], plan: Path, count: int, work: Path, env: dict[str, str], together: bool
) -> tuple[float, list[Step], list[Path]]:
    """The plan's ``count`` shards, side by side or one after the other."""
    out = [work / f"shard-{i}-{'p' if together else 's'}" for i in range(1, count + 1)]

    def one(i: int) -> Step:
        args = [*scan, "--plan", str(plan), "--shard", f"{i}/{count}"]
        return _check(govscan([*args, "--output-dir", str(out[i - 1])], env, work), f"shard {i}")

    t0 = time.perf_counter()
    if together:
        with ThreadPoolExecutor(max_workers=count) as pool:
            steps = list(pool.map(one, range(1, count + 1)))
    else:
        steps = [one(i) for i in range(1, count + 1)]
    return round(time.perf_counter() - t0, 2), steps, out


def measure(members: int, count: int, sequential: bool) -> dict[str, Any]:
    """Seed an organisation of ``members`` accounts and run every step on it."""
    with moto_endpoint() as endpoint, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        seed(endpoint, members)
        seeded = round(time.perf_counter() - t0, 1)
        (work / "policy.yaml").write_text(POLICY)
        env = scan_env(endpoint, work)
        target = ["--aws", "--aws-organizations", "--aws-regions", ",".join(REGIONS)]
        target += ["--policy", str(work / "policy.yaml")]
        scan = ["scan", *target, "--format", "json", "--fail-on", "none"]
        load = os.getloadavg()[0]
        plan = _check(govscan(["plan", *target, "-o", str(work / "units.json")], env, work), "plan")
        units = len(json.loads((work / "units.json").read_text())["units"])
        before = emulator_cpu()
        single = _check(govscan([*scan, "--output-dir", str(work / "single")], env, work), "scan")
        emulated = emulator_cpu() - before
        doc = json.loads((work / "single" / "results.json").read_text())
        before = emulator_cpu()
        wall, steps, bundles = run_shards(scan, work / "units.json", count, work, env, True)
        emulated_shards = emulator_cpu() - before
        merge_args = ["merge", *map(str, bundles), "--format", "json", "--fail-on", "none"]
        merged = _check(
            govscan([*merge_args, "--output-dir", str(work / "merged")], env, work), "merge"
        )
        row: dict[str, Any] = {
            "accounts": members + 1,
            "units": units,
            "results": len(doc["results"]),
            "collection_errors": len(doc["errors"]),
            "seed_seconds": seeded,
            "load_1min": round(load, 2),
            "plan": asdict(plan),
            "single": asdict(single),
            "emulator_cpu_single": round(emulated, 2),
            "emulator_cpu_shards": round(emulated_shards, 2),
            "shards_parallel_wall": wall,
            "shards_parallel": [asdict(s) for s in steps],
            "merge": asdict(merged),
            "sharded_wall": round(plan.wall + wall + merged.wall, 2),
            "sharded_cpu": round(plan.cpu + sum(s.cpu for s in steps) + merged.cpu, 2),
            "shard_peak_rss_mb": max(s.rss_mb for s in steps),
            "merged_equals_single": compare(work / "merged", work / "single"),
        }
        if sequential:
            wall, steps, _ = run_shards(scan, work / "units.json", count, work, env, False)
            row["shards_sequential_wall"] = wall
            row["shards_sequential"] = [asdict(s) for s in steps]
            row["shard_peak_rss_mb"] = max(row["shard_peak_rss_mb"], *(s.rss_mb for s in steps))
            row["shard_max_wall_sequential"] = max(s.wall for s in steps)
        row["load_1min_after"] = round(os.getloadavg()[0], 2)
        return row


def merge_scaling(count: int, per_shard: int) -> dict[str, Any]:
    """Merge ``count`` synthetic shard bundles of ``per_shard`` results each."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        bundles = synthetic_shards(work / "in", count, per_shard)
        written = round(time.perf_counter() - t0, 1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSCAN_")}
        load = os.getloadavg()[0]
        args = ["merge", *map(str, bundles), "--format", "json", "--fail-on", "none"]
        step = _check(govscan([*args, "--output-dir", str(work / "merged")], env, work), "merge")
        n = len(json.loads((work / "merged" / "results.json").read_text())["results"])
    return {
        "merge_shards": count,
        "results_per_shard": per_shard,
        "merged_results": n,
        "write_seconds": written,
        "load_1min": round(load, 2),
        "merge": asdict(step),
    }


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least squares ``y = a + b x``: returns (a, b, R²)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss = sum((y - my) ** 2 for y in ys)
    res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, 1 - res / ss if ss else 1.0


def verdicts(
    rows: list[dict[str, Any]], merge: dict[str, Any] | None, scaling: bool = True
) -> list[str]:
    """One PASS/FAIL line per target (and the figures it rests on). ``scaling``
    False leaves out memory and CPU growth: a few accounts are too few to judge it."""
    out = []
    for r in rows:
        same = r["merged_equals_single"]
        verdict = "PASS" if same == "equal" else "FAIL"
        out.append(f"{verdict} merged = single at {r['accounts']} accounts: {same}")
    if scaling and len(rows) >= 2:
        small, large = rows[0], rows[-1]
        ratio = large["shard_peak_rss_mb"] / small["shard_peak_rss_mb"]
        ok = ratio <= 1 + MEMORY_NOISE
        out.append(
            f"{'PASS' if ok else 'FAIL'} peak memory per shard does not grow: "
            f"{small['shard_peak_rss_mb']} MB at {small['accounts']} accounts, "
            f"{large['shard_peak_rss_mb']} MB at {large['accounts']} (x{ratio:.2f}, "
            f"allowed x{1 + MEMORY_NOISE:.2f})"
        )
        for label, key in (("single process", "single"), ("plan+shards+merge", None)):
            xs = [float(r["accounts"]) for r in rows]
            ys = [float(r[key]["cpu"]) if key else float(r["sharded_cpu"]) for r in rows]
            a, b, r2 = linear_fit(xs, ys)
            slopes = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]
            spread = max(slopes) / min(slopes) if min(slopes) > 0 else float("inf")
            ok = len(slopes) < 2 or spread <= SLOPE_SPREAD
            per = ", ".join(f"{y / x * 1000:.0f}" for x, y in zip(xs, ys, strict=True))
            out.append(
                f"{'PASS' if ok else 'FAIL'} CPU linear in accounts ({label}): "
                f"{a:.1f} s + {b * 1000:.1f} ms x accounts (R² {r2:.3f}); ms per added "
                f"account {', '.join(f'{s * 1000:.0f}' for s in slopes)} "
                f"(spread x{spread:.2f}, allowed x{SLOPE_SPREAD}); ms per account {per}"
            )
    if merge is not None:
        wall = merge["merge"]["wall"]
        out.append(
            f"{'PASS' if wall <= MERGE_TARGET_SECONDS else 'FAIL'} merging "
            f"{merge['merge_shards']} x {merge['results_per_shard']:,} results: {wall} s "
            f"(target <= {MERGE_TARGET_SECONDS:.0f} s), CPU {merge['merge']['cpu']} s, "
            f"peak RSS {merge['merge']['rss_mb']} MB"
        )
    return out


def table(rows: list[dict[str, Any]], count: int) -> str:
    head = (
        "| accounts | units | results | single wall | single CPU | single RSS "
        f"| {count} shards wall (side by side / one by one) | plan+shards+merge CPU "
        "| max shard RSS | merge wall |"
    )
    lines = [head, "|" + " --- |" * 10]
    for r in rows:
        seq = r.get("shards_sequential_wall")
        lines.append(
            f"| {r['accounts']} | {r['units']} | {r['results']:,} | {r['single']['wall']} s "
            f"| {r['single']['cpu']} s | {r['single']['rss_mb']} MB "
            f"| {r['shards_parallel_wall']} s / {seq if seq is not None else '-'} s "
            f"| {r['sharded_cpu']} s | {r['shard_peak_rss_mb']} MB | {r['merge']['wall']} s |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--accounts", default="50,200,500", help="member accounts per run, e.g. 50,200")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--no-sequential", action="store_true", help="run the shards only side by side")
    ap.add_argument("--merge-shards", type=int, default=100)
    ap.add_argument("--merge-results", type=int, default=1000, help="results per synthetic shard")
    ap.add_argument("--no-merge-scaling", action="store_true")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 3 and 6 accounts, 2 shards")
    args = ap.parse_args()
    sizes = [int(s) for s in args.accounts.split(",") if s]
    shards, merge_count, merge_results = args.shards, args.merge_shards, args.merge_results
    if args.quick:
        sizes, shards, merge_count, merge_results = [3, 6], 2, 10, 100
    print(
        json.dumps({"cpus": os.cpu_count(), "load_1min": os.getloadavg()[0], "argv": sys.argv[1:]}),
        flush=True,
    )
    rows = []
    for members in sizes:
        rows.append(measure(members, shards, not args.no_sequential))
        print(json.dumps(rows[-1]), flush=True)
    merge = None
    if not args.no_merge_scaling:
        merge = merge_scaling(merge_count, merge_results)
        print(json.dumps(merge), flush=True)
    print(table(rows, shards))
    failed = False
    for line in verdicts(rows, merge, scaling=not args.quick):
        print(line)
        failed = failed or line.startswith("FAIL")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""What the Azure and GCP scan benchmarks share: the scan subprocess and its figures.

Both benchmarks serve an estate from one of the local test servers of the test
suite (``tests/azure/armserver.py``, ``tests/gcp/gcpserver.py``), so the real
SDK clients page, retry and deserialise as they do against the cloud. The test
estates are small and hand-written; ``clone_text`` multiplies them.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _launch import run_timed

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    # The test servers and estates live in tests/: importable from the checkout root.
    sys.path.insert(0, str(ROOT))

# Runs the CLI with one collector's request rate unlimited (the server is local).
_UNLIMITED = """
import dataclasses, importlib, sys
module = importlib.import_module(sys.argv.pop(1))
module.POLICY = dataclasses.replace(module.POLICY, rate=float("inf"))
from govscan.cli import main
sys.argv[0] = "govscan"
main(sys.argv[1:])
"""


def scan(
    args: list[str], env: dict[str, str], policy_module: str, rate_limit: bool
) -> dict[str, Any]:
    """Run ``govscan scan ARGS --policy baseline --format json`` in its own process.

    ``policy_module`` names the module whose ``POLICY`` is lifted without a rate limit.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out, work = str(Path(tmp) / "out"), Path(tmp) / "work"
        work.mkdir()
        launch = ["-m", "govscan"] if rate_limit else ["-c", _UNLIMITED, policy_module]
        cmd = [sys.executable, *launch, "scan", *args]
        cmd += ["--policy", "baseline", "--format", "json", "--output-dir", out]
        cmd += ["--fail-on", "none"]
        t0 = time.perf_counter()
        # Run in the empty output folder: a govscan.yaml in the caller's folder
        # (the checkout's own) would add a repository scan.
        m = run_timed(cmd, env, cwd=str(work))
        wall = time.perf_counter() - t0
        calls_file, results_file = Path(out) / "api-calls.json", Path(out) / "results.json"
        if not results_file.exists():
            raise SystemExit(f"bench: the scan wrote no results.json (exit code {m.code})")
        calls = json.loads(calls_file.read_text())
        doc = json.loads(results_file.read_text())
    resources = {r["resource"]["id"]: r["resource"]["type"] for r in doc["results"]}
    types: dict[str, int] = {}
    for kind in resources.values():
        types[kind] = types.get(kind, 0) + 1
    n_calls = sum(int(c["count"]) for c in calls)
    by_op: dict[str, int] = {}
    for c in calls:
        by_op[c["operation"]] = by_op.get(c["operation"], 0) + int(c["count"])
    return {
        "scan_wall_seconds": round(wall, 2),
        "scan_cpu_seconds": round(m.cpu_seconds, 2),
        "exit_code": m.code,
        "resources_judged": len(resources),
        "api_calls": n_calls,
        "api_calls_per_resource": round(n_calls / max(len(resources), 1), 2),
        "results": len(doc["results"]),
        "collection_errors": len(doc["errors"]),
        "peak_rss_mb": round(m.rss_mb, 1),
        "top_operations": dict(sorted(by_op.items(), key=lambda kv: -kv[1])[:5]),
        "resources_by_type": dict(sorted(types.items(), key=lambda kv: -kv[1])),
    }


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs' medians for the timed figures; the counts of the first run."""
    out = dict(runs[0])
    for key in ("scan_wall_seconds", "scan_cpu_seconds", "peak_rss_mb"):
        out[key] = round(statistics.median(float(r[key]) for r in runs), 2)
        out[key.replace("seconds", "all").replace("_mb", "_all")] = [r[key] for r in runs]
    out["runs"] = len(runs)
    return out


def clone_text(text: str, pattern: re.Pattern[str], suffix: str) -> str:
    """``text`` with every name ``pattern`` captures (group 2) given ``suffix``."""
    if not suffix:
        return text
    return pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{suffix}", text)


def clone(value: Any, pattern: re.Pattern[str], suffix: str) -> Any:
    """A deep copy of a JSON value, renamed by ``clone_text``."""
    return json.loads(clone_text(json.dumps(value), pattern, suffix))

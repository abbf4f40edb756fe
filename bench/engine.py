"""Engine benchmark: 100 controls over synthetic resources of 10 types.

    python bench/engine.py                 # 100,000 and 200,000 resources, every mode
    python bench/engine.py --resources 200000 --mode spool

Each run happens in a fresh subprocess so that peak RSS belongs to that run
alone. ``stream`` counts results as they are produced (what the engine itself
holds); ``spool`` writes every result to the on-disk result spool, as a scan
does, and reads them all back once in order; ``retain`` keeps every Result in
memory (what scans did before the spool).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

TYPES = 10
CONTROLS_PER_TYPE = 10


def _controls() -> list[Any]:
    from govscan.model import Control, Severity

    out = []
    for t in range(TYPES):
        rtype = f"bench.type{t}"
        checks: list[dict[str, Any]] = [
            {"path": "encrypted", "op": "eq", "value": True},
            {
                "all": [
                    {"path": "size", "op": "lte", "value": 500},
                    {"path": "tags.owner", "op": "present"},
                ]
            },
            {"path": "kms_key_id", "op": "regex", "value": "arn:aws:kms:.*"},
            {
                "any": [
                    {"path": "public", "op": "eq", "value": False},
                    {"path": "acl", "op": "in", "value": ["private", "bucket-owner"]},
                ]
            },
            {"not": {"path": "ingress", "op": "internet-open"}},
            {"every": "rules", "check": {"path": "port", "op": "not-in", "value": [22, 3389]}},
            {"path": "created", "op": "newer-than-days", "value": 365},
            {
                "path": "region",
                "op": "in",
                "value": {"param": "allowed", "default": ["eu-central-1"]},
            },
            {"path": "versioning.enabled", "op": "eq", "value": True},
            {"path": "logging", "op": "not-empty"},
        ]
        for i, check in enumerate(checks[:CONTROLS_PER_TYPE]):
            out.append(
                Control(
                    id=f"bench.type{t}.c{i}",
                    title=f"control {i}",
                    severity=Severity.MEDIUM,
                    resource=rtype,
                    check=check,
                    frameworks={"nist-800-53-r5": ("SC-28",)},
                    message="{name} fails control " + str(i),
                )
            )
    return out


def _resources(n: int) -> Iterator[Any]:
    from govscan.model import Resource, ResourceRef

    for i in range(n):
        t = i % TYPES
        rid = f"arn:aws:bench:eu-central-1:123456789012:type{t}/r{i}"
        yield Resource(
            ref=ResourceRef(
                type=f"bench.type{t}",
                id=rid,
                name=f"r{i}",
                provider="aws",
                account="123456789012",
                region="eu-central-1",
            ),
            data={
                "encrypted": i % 3 != 0,
                "size": i % 1000,
                "tags": {"owner": "team"} if i % 4 else {},
                "kms_key_id": "arn:aws:kms:eu-central-1:123456789012:key/x" if i % 2 else None,
                "public": i % 5 == 0,
                "acl": "private",
                "ingress": ["10.0.0.0/8", "0.0.0.0/0"] if i % 7 == 0 else ["10.0.0.0/8"],
                "rules": [{"port": 443}, {"port": 22 if i % 11 == 0 else 80}],
                "created": "2026-06-01T00:00:00Z",
                "region": "eu-central-1" if i % 9 else "us-east-1",
                "versioning": {"enabled": i % 2 == 0},
                "logging": {"bucket": "logs"} if i % 6 else {},
            },
        )


def run_once(n: int, mode: str) -> dict[str, Any]:
    from govscan.engine.scan import Evaluator
    from govscan.model import Policy
    from govscan.results.spool import ResultSpool

    controls = _controls()
    evaluator = Evaluator(controls, Policy(name="bench"), datetime(2026, 11, 24, tzinfo=UTC))
    kept: list[Any] = []
    count = 0

    def counting(_: Any) -> None:
        nonlocal count
        count += 1

    spool = ResultSpool()
    emit = {"retain": kept.append, "spool": spool.add}.get(mode, counting)
    t0, c0 = time.perf_counter(), time.process_time()
    for r in _resources(n):
        evaluator.evaluate(r, emit)
    if mode == "spool":
        count = sum(1 for _ in spool.seal())
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    evaluations = len(kept) if mode == "retain" else count
    return {
        "resources": n,
        "controls": len(controls),
        "mode": mode,
        "evaluations": evaluations,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "evaluations_per_second": round(evaluations / elapsed),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=int)
    ap.add_argument("--mode", choices=["stream", "spool", "retain"])
    ap.add_argument("--child", action="store_true")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_once(args.resources, args.mode)))
        return
    sizes = [args.resources] if args.resources else [100_000, 200_000]
    modes = [args.mode] if args.mode else ["stream", "spool", "retain"]
    for mode in modes:
        for n in sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--resources", str(n), "--mode", mode],
                check=True,
                capture_output=True,
                text=True,
            )
            print(out.stdout.strip())


if __name__ == "__main__":
    main()

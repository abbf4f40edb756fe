"""The organisation benchmark's own logic (bench/org_scan.py, bench/_org.py): the
comparison of merged and single results, the targets' verdicts, and the synthetic
shard bundles, which govscan's merge must accept. The benchmark itself is not run
here (a minute even at its smallest)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from govscan.reporters.interface import ReportOptions
from govscan.shard.merge import merge_bundles

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench() -> tuple[ModuleType, ModuleType]:
    """bench/org_scan.py and bench/_org.py, imported as the benchmark runs them
    (from its own folder)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module("org_scan"), importlib.import_module("_org")


def row(accounts: int, shard_rss: float, single_cpu: float, sharded_cpu: float) -> dict[str, Any]:
    return {
        "accounts": accounts,
        "merged_equals_single": "equal",
        "shard_peak_rss_mb": shard_rss,
        "single": {"cpu": single_cpu},
        "sharded_cpu": sharded_cpu,
    }


def test_first_difference_names_the_path(bench: tuple[ModuleType, ModuleType]) -> None:
    org_scan, _ = bench
    a = {"results": [{"id": "x", "status": "pass"}], "errors": []}
    assert org_scan.first_difference(a, json.loads(json.dumps(a))) is None
    b = {"results": [{"id": "x", "status": "fail"}], "errors": []}
    assert org_scan.first_difference(a, b) == ".results[0].status: 'pass' vs 'fail'"
    c = {"results": [{"id": "x", "status": "pass"}, {"id": "y"}], "errors": []}
    assert org_scan.first_difference(a, c) == ".results: 1 vs 2 items"
    assert org_scan.first_difference({"a": 1}, {"b": 1}) == ".a: only in merged"


def test_linear_fit_recovers_a_line(bench: tuple[ModuleType, ModuleType]) -> None:
    org_scan, _ = bench
    a, b, r2 = org_scan.linear_fit([50, 200, 500], [3 + 0.2 * x for x in (50, 200, 500)])
    assert (round(a, 6), round(b, 6), round(r2, 6)) == (3.0, 0.2, 1.0)


def test_verdicts_pass_flat_memory_and_linear_cpu(bench: tuple[ModuleType, ModuleType]) -> None:
    org_scan, _ = bench
    rows = [row(51, 150, 10, 20), row(201, 160, 40, 52), row(501, 170, 100, 115)]
    merge = {
        "merge_shards": 100,
        "results_per_shard": 1000,
        "merge": {"wall": 6.9, "cpu": 4.5, "rss_mb": 155},
    }
    lines = org_scan.verdicts(rows, merge)
    assert [ln.split()[0] for ln in lines] == ["PASS"] * 7, lines


def test_verdicts_fail_growing_memory_quadratic_cpu_slow_merge(
    bench: tuple[ModuleType, ModuleType],
) -> None:
    org_scan, _ = bench
    quadratic = [row(n, 150 * n / 50, n * n / 1000, n * n / 1000) for n in (50, 200, 500)]
    quadratic[1]["merged_equals_single"] = ".results[3].status: 'pass' vs 'error'"
    merge = {
        "merge_shards": 100,
        "results_per_shard": 1000,
        "merge": {"wall": 12.0, "cpu": 9, "rss_mb": 155},
    }
    failed = [ln for ln in org_scan.verdicts(quadratic, merge) if ln.startswith("FAIL")]
    assert len(failed) == 5, failed
    assert "merged = single at 200 accounts: .results[3].status" in failed[0]


def test_synthetic_shards_merge_into_their_union(
    bench: tuple[ModuleType, ModuleType], tmp_path: Path
) -> None:
    _, org = bench
    shards = org.synthetic_shards(tmp_path / "in", 3, 8)
    scan = merge_bundles(shards, tmp_path / "merged", ("json",), ReportOptions())
    assert scan.run.shard is not None and scan.run.shard.count == 3
    assert len(scan.run.shard.units) == 9
    doc = json.loads((tmp_path / "merged" / "results.json").read_text())
    ids = [r["resource"]["id"] for r in doc["results"]]
    assert len(ids) == 24 and len(set(ids)) == 24
    assert {r["status"] for r in doc["results"]} == {"pass", "fail", "error"}


def test_a_quick_run_judges_only_equality_and_the_merge(
    bench: tuple[ModuleType, ModuleType],
) -> None:
    org_scan, _ = bench
    tiny = [row(4, 90, 1.5, 3.8), row(7, 130, 1.8, 4.5)]
    lines = org_scan.verdicts(tiny, None, scaling=False)
    assert lines == [
        "PASS merged = single at 4 accounts: equal",
        "PASS merged = single at 7 accounts: equal",
    ]

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from govscan.cli import cli

FP_KEY = "00112233445566778899aabbccddeeff"
PS_KEY = "ffeeddccbbaa99887766554433221100"


@pytest.fixture
def shared_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """What every shard of one scan is given (an engine's secret)."""
    monkeypatch.setenv("GOVSCAN_FINGERPRINT_KEY", FP_KEY)
    monkeypatch.setenv("GOVSCAN_PSEUDONYM_KEY", PS_KEY)


def govscan(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def results(bundle: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((bundle / "results.json").read_text())
    return doc


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """results.json without what differs between runs: ids, times, the shard record."""
    run = {
        k: v for k, v in doc["run"].items() if k not in ("id", "started_at", "finished_at", "shard")
    }
    return {
        "run": run,
        "summary": doc["summary"],
        "results": doc["results"],
        "errors": doc["errors"],
    }


def sharded(tmp: Path, count: int, scan_args: Sequence[str | Path]) -> list[Path]:
    """Plan once, run ``count`` shards; returns the shard bundles."""
    plan = tmp / "units.json"
    if not plan.exists():
        made = govscan("plan", *scan_args, "-o", plan)
        assert made.exit_code == 0, made.output
    out = []
    for i in range(1, count + 1):
        bundle = tmp / f"shard-{count}-{i}"
        ran = govscan(
            "scan",
            *scan_args,
            "--plan",
            plan,
            "--shard",
            f"{i}/{count}",
            "--output-dir",
            bundle,
            "--format",
            "json",
            "--fail-on",
            "none",
        )
        assert ran.exit_code in (0, 3), ran.output
        out.append(bundle)
    return out

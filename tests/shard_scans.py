"""Scans of one estate split into shards, run through the runner, for the collectors'
unit tests: the union of the shards' results against one single-process scan."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from govscan import runner
from govscan.evidence.pseudonymise import PSEUDONYM_KEY_ENV
from govscan.fingerprint import ENV_KEY
from govscan.model import Target
from govscan.runner import ScanConfig
from govscan.shard.planfile import ScanPlan, write_plan

_CATALOGS: dict[tuple[str, ...], Any] = {}


def shared_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys every shard of a plan shares, and the catalog read once per session
    (a dozen scans of the same folders here)."""
    import govscan.catalog.controls as catalog

    monkeypatch.setenv(ENV_KEY, "shard-test-fingerprint-key")
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "shard-test-pseudonym-key")
    real = catalog.load_control_dirs

    def load(dirs: Any, **kw: Any) -> Any:
        key = (*(str(d) for d in dirs), repr(sorted(kw.items())))
        if key not in _CATALOGS:
            _CATALOGS[key] = real(dirs, **kw)
        return _CATALOGS[key]

    monkeypatch.setattr(catalog, "load_control_dirs", load)


@dataclass
class Bundle:
    results: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    run: dict[str, Any]


def scan(config: ScanConfig, out: Path, **changes: Any) -> Bundle:
    outcome = runner.run(replace(config, output_dir=out, formats=("json",), **changes))
    doc = json.loads((outcome.output_dir / "results.json").read_text())
    return Bundle(doc["results"], doc["errors"], doc["run"])


def make_plan(config: ScanConfig, path: Path) -> ScanPlan:
    planned = runner.plan_scan(config)
    write_plan(planned.plan, path)
    return planned.plan


def shards(config: ScanConfig, plan_file: Path, count: int, out: Path) -> list[Bundle]:
    return [
        scan(config, out / f"shard-{count}-{i}", plan_file=plan_file, shard=f"{i}/{count}")
        for i in range(1, count + 1)
    ]


def _key(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True)


def found_results(bundles: list[Bundle]) -> list[str]:
    """Every result of the bundles but the "none found" ones (``:none`` resources,
    which a merge recomputes), as sorted JSON: a result two shards both report
    counts twice."""
    return sorted(
        _key(r) for b in bundles for r in b.results if not r["resource"]["id"].endswith(":none")
    )


def all_errors(bundles: list[Bundle]) -> list[str]:
    return sorted(_key(e) for b in bundles for e in b.errors)


def target_dict(t: Target) -> dict[str, Any]:
    """A target as a bundle's run records it."""
    return {"collector": t.collector, "identity": t.identity, "details": dict(t.details)}

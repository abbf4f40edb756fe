"""Third-party plugins through entry points: a working one is used, a broken one skipped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from govscan import plugins
from govscan.collectors.declared import declared
from govscan.collectors.interface import CollectionPlan, Collector, CollectorOption, Item

PLUGIN = """
from typing import ClassVar
from govscan.model import FieldSpec, ResourceTypeSpec
from govscan.collectors.interface import Collector
from govscan.model import Resource, ResourceRef
from govscan.reporters.interface import Reporter


class ToyCollector(Collector):
    name: ClassVar[str] = "toy"

    @classmethod
    def from_options(cls, options):
        return cls()

    @classmethod
    def resource_type_specs(cls):
        return {"toy.box": ResourceTypeSpec("toy.box", "toy", "A box", False,
                                            {"locked": FieldSpec("locked", "boolean")})}

    def collect(self, plan):
        for i, locked in enumerate([True, False]):
            yield Resource(ResourceRef("toy.box", f"toy:box/{i}", f"box{i}", "toy"),
                           {"locked": locked})


class ToyReporter(Reporter):
    format: ClassVar[str] = "toy"
    filename: ClassVar[str] = "toy.txt"

    def render(self, scan, options):
        return "".join(f"{r.control_id} {r.resource.id} {r.status.value}\\n"
                       for r in scan.results).encode()
"""

CONTROL = """
id: toy.box.locked
title: Boxes are locked
severity: medium
resource: toy.box
check: {path: locked, op: eq, value: true}
frameworks: {iso27001-2022: [A.7.2]}
"""


def _install(site: Path) -> None:
    (site / "toy_govscan_plugin.py").write_text(PLUGIN)
    dist = site / "toy_govscan_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: toy-govscan-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(
        textwrap.dedent("""
        [govscan.collectors]
        toy = toy_govscan_plugin:ToyCollector
        broken = toy_govscan_plugin:DoesNotExist

        [govscan.reporters]
        toy = toy_govscan_plugin:ToyReporter
    """)
    )


def test_third_party_collector_and_reporter(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site)
    controls = tmp_path / "controls"
    controls.mkdir()
    (controls / "toy.box.locked.yaml").write_text(CONTROL)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(site)}
    policy = tmp_path / "toy.yaml"
    policy.write_text("name: toy\nextends: baseline\nselect: [{ids: ['toy.*']}]\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "govscan",
            "scan",
            "--controls",
            str(controls),
            "--policy",
            str(policy),
            "--format",
            "json,toy",
            "--output-dir",
            str(out),
            "--fail-on",
            "none",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "skipping plugin broken" in proc.stderr
    doc = json.loads((out / "results.json").read_text())
    statuses = {r["resource"]["id"]: r["status"] for r in doc["results"]}
    assert statuses == {"toy:box/0": "pass", "toy:box/1": "fail"}
    assert (out / "toy.txt").read_text().splitlines() == [
        "toy.box.locked toy:box/0 pass",
        "toy.box.locked toy:box/1 fail",
    ]


def _declaring(name: str, *options: CollectorOption) -> type[Collector]:
    class Declaring(Collector):
        @classmethod
        def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
            return None

        def collect(self, plan: CollectionPlan) -> Iterator[Item]:
            return iter(())

    Declaring.name = name
    Declaring.options = options
    return Declaring


@pytest.fixture
def registered() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        plugins.unregister(plugins.COLLECTORS_GROUP, name)
        plugins.broken.pop(f"{plugins.COLLECTORS_GROUP}:{name}", None)


def _register(names: list[str], cls: type[Collector]) -> None:
    names.append(cls.name)
    plugins.register(plugins.COLLECTORS_GROUP, cls.name, cls)


def test_an_installed_collector_replaces_the_placeholder_of_its_name(
    registered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import govscan.collectors.declared as declared_module
    from govscan.collectors.placeholders import _Placeholder

    class LedgerPlaceholder(_Placeholder):
        name: ClassVar[str] = "ledger"
        options: ClassVar[tuple[CollectorOption, ...]] = (
            CollectorOption("ledger", "--ledger", kind="switch", target=True),
        )

    monkeypatch.setattr(declared_module, "PLACEHOLDERS", (LedgerPlaceholder,))
    assert declared()["ledger"].placeholder
    real = _declaring("ledger", CollectorOption("ledger", "--ledger", kind="switch", target=True))
    _register(registered, real)
    assert declared()["ledger"] is real
    names = list(declared())
    assert names[:2] == ["aws", "azure"]  # clouds by name, then code
    assert names.index("ledger") < names.index("repo")


def test_a_collector_taking_anothers_flag_or_block_is_skipped(
    registered: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    _register(registered, _declaring("rogue", CollectorOption("rogue_p", "--aws-profile")))
    _register(registered, _declaring("blocky", CollectorOption("b", "--b", setting="x")))
    _register(registered, _declaring("repo2", CollectorOption("r", "--r", "x", block="repo")))
    _register(registered, _declaring("shouty", CollectorOption("s", "-S")))
    found = declared()
    assert "blocky" in found and "aws" in found
    assert not {"rogue", "repo2", "shouty"} & set(found)
    broken = plugins.broken
    assert broken["govscan.collectors:rogue"] == (
        "its flag --aws-profile is already declared by collector 'aws'"
    )
    assert broken["govscan.collectors:repo2"].startswith("its targets.repo is already declared")
    assert "is not of the form --lower-case-words" in broken["govscan.collectors:shouty"]
    assert "skipping collector rogue" in caplog.text

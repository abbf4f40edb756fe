"""A collector from another package, installed through a real entry point: its flags
appear in ``govscan scan --help``, its ``targets`` block is read and checked, its
resource type is judged end to end and its permissions document is printed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent / "widgets" / "govscan_widgets"

CONTROL = """
id: widgets.widget.sealed
title: Widgets are sealed
severity: medium
resource: widgets.widget
check: {path: sealed, op: eq, value: true}
frameworks: {iso27001-2022: [A.7.2]}
"""

INVENTORY = [
    {"id": "w1", "color": "red", "size": 3, "sealed": True},
    {"id": "w2", "color": "blue", "size": 5, "sealed": False},
    {"id": "w3", "color": "green", "size": 1, "sealed": False},
]


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A site directory holding the package and its ``*.dist-info`` (what pip installs),
    plus a control, a policy selecting it, and an inventory."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "govscan_widgets")
    dist = site / "govscan_widgets-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: govscan-widgets\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[govscan.collectors]\nwidgets = govscan_widgets:WidgetCollector\n"
    )
    (tmp_path / "controls").mkdir()
    (tmp_path / "controls" / "sealed.yaml").write_text(CONTROL)
    (tmp_path / "policy.yaml").write_text(
        "name: widgets\nextends: baseline\nselect: [{ids: ['widgets.*']}]\n"
    )
    (tmp_path / "inv.json").write_text(json.dumps(INVENTORY))
    return tmp_path


def _govscan(world: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(world / "site")}
    proc = subprocess.run(
        [sys.executable, "-m", "govscan", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=world,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _scan(world: Path, *args: str) -> dict[str, str]:
    base = ("scan", "--controls", "controls", "--policy", "policy.yaml", "--format", "json")
    proc = _govscan(world, *base, "--output-dir", "out", "--fail-on", "none", *args)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((world / "out" / "results.json").read_text())
    assert [t["identity"] for t in doc["run"]["targets"]] == ["inv.json"]
    return {r["resource"]["id"]: r["status"] for r in doc["results"]}


def test_help_shows_the_plugin_options_in_their_own_section(world: Path) -> None:
    proc = _govscan(world, "scan", "--help")
    assert proc.returncode == 0, proc.stderr
    headings = [ln for ln in proc.stdout.splitlines() if ln.endswith(":") and " " in ln]
    assert headings.index("Widget inventory options:") > headings.index("AWS options:")
    section = proc.stdout.split("Widget inventory options:")[1]
    assert "--widgets FILE" in section and "--widgets-colors" in section


def test_plugin_flags_scan_its_resource_type_end_to_end(world: Path) -> None:
    statuses = _scan(world, "--widgets", "inv.json", "--widgets-colors", "red, blue")
    assert statuses == {"widget/w1": "pass", "widget/w2": "fail"}
    assert _scan(world, "--widgets", "inv.json", "--widgets-min-size", "4") == {"widget/w2": "fail"}


def test_plugin_targets_block_is_read_and_the_flag_wins(world: Path) -> None:
    sub = world / "conf"
    sub.mkdir()
    (sub / "govscan.yaml").write_text(
        "targets:\n  widgets:\n    file: ../inv.json\n    colors: [green]\n"
    )
    assert _scan(world, "--config", "conf/govscan.yaml") == {"widget/w3": "fail"}
    flagged = _scan(world, "--config", "conf/govscan.yaml", "--widgets-colors", "red")
    assert flagged == {"widget/w1": "pass"}
    (sub / "govscan.yaml").write_text("targets:\n  widgets: ../inv.json\n")
    assert len(_scan(world, "--config", "conf/govscan.yaml")) == 3


def test_bad_plugin_targets_block_is_file_line_problems(world: Path) -> None:
    (world / "govscan.yaml").write_text(
        "targets:\n  widgets:\n    file: inv.json\n    min_size: 0\n    colr: red\n"
    )
    proc = _govscan(world, "scan", "--output-dir", "out")
    assert proc.returncode == 2
    assert "govscan.yaml:4:15: 'min_size' must be a whole number above 0" in proc.stderr
    assert "govscan.yaml:5:5: unknown widgets option 'colr' (valid: colors, file, min_size)" in (
        proc.stderr
    )
    assert not (world / "out").exists()


def test_nothing_to_scan_names_the_plugin_flag(world: Path) -> None:
    # Clouds first, then code, then what runs after the others; a plugin is a cloud.
    proc = _govscan(world, "scan", "--output-dir", "out")
    assert proc.returncode == 2
    assert "(--aws, --azure, --gcp, --widgets FILE, --repo PATH, --registry FILE)" in proc.stderr


def test_permissions_of_the_plugin_and_a_choice_between_two(world: Path) -> None:
    args = ("permissions", "--controls", "controls", "--policy", "policy.yaml")
    proc = _govscan(world, *args, "--collector", "widgets")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"role": "widget-reader", "grants": ["widgets.read.sealed"]}
    both = _govscan(world, *args)
    assert both.returncode == 2
    assert "say which collector's grant to print: --collector (aws, azure" in both.stderr
    assert "widgets)" in both.stderr

"""Plan files are read like any input: bounded, checked, one line per problem."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govscan.collectors.units import Unit
from govscan.errors import UsageError
from govscan.shard.planfile import ScanPlan, read_plan, write_plan


def plan(tmp: Path, units: tuple[Unit, ...] = (Unit("repo", ".", "other"),)) -> Path:
    from datetime import date

    made = ScanPlan("0", "baseline", "c", "p", "o", date(2026, 11, 30), units)
    path = tmp / "units.json"
    write_plan(made, path)
    return path


def test_a_written_plan_reads_back(tmp_path: Path) -> None:
    units = (Unit("aws", "111122223333", "global", {"role_arn": "arn:aws:iam::1:role/r"}),)
    read = read_plan(plan(tmp_path, units))
    assert read.units == units and read.units[0].attrs == units[0].attrs


def test_a_fifo_or_a_device_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "units.json"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        read_plan(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        read_plan(Path("/dev/zero"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000, "invalid JSON"),
        ('{"schema": "govscan/plan/v1"', "invalid JSON"),
        ("[]", "expected a JSON object"),
        ('{"schema": "govscan/plan/v2"}', "required property"),
    ],
)
def test_malformed_plans_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "units.json"
    path.write_text(text)
    with pytest.raises(UsageError, match=message) as caught:
        read_plan(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_a_unit_listed_twice_is_refused_even_with_a_matching_digest(tmp_path: Path) -> None:
    path = plan(tmp_path)
    doc = json.loads(path.read_text())
    doc["units"].append(dict(doc["units"][0]))
    from govscan.shard.planfile import plan_from_document

    doc["digest"] = plan_from_document(doc).digest  # a forger recomputes the digest
    path.write_text(json.dumps(doc))
    with pytest.raises(UsageError, match="listed twice"):
        read_plan(path)


def test_writing_a_plan_replaces_a_link_and_never_writes_through_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    (tmp_path / "units.json").symlink_to(victim)
    plan(tmp_path)
    assert victim.read_text() == "mine"
    assert not (tmp_path / "units.json").is_symlink()

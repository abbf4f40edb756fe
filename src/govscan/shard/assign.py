"""Which units a shard scans, and which shard a process is."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govscan.collectors.units import Unit
from govscan.errors import UsageError

INDEX_VARIABLES: tuple[tuple[str, int], ...] = (
    ("GOVSCAN_SHARD_INDEX", 1),
    ("JOB_COMPLETION_INDEX", 0),
    ("AWS_BATCH_JOB_ARRAY_INDEX", 0),
    ("CLOUD_RUN_TASK_INDEX", 0),
)
"""Where ``--shard auto/N`` reads the index, with the number the engine starts at:
``GOVSCAN_SHARD_INDEX`` (1-based, for a CI matrix), Kubernetes Indexed Jobs,
AWS Batch array jobs and Cloud Run jobs (0-based)."""

_SPEC = re.compile(r"^(?P<index>auto|[0-9]{1,6})/(?P<count>[0-9]{1,6})$")


@dataclass(frozen=True)
class ShardSpec:
    index: int
    """1-based."""
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str, environ: Mapping[str, str] | None = None) -> ShardSpec:
    """``I/N`` (1 ≤ I ≤ N) or ``auto/N``, the index then read from the engine's environment."""
    m = _SPEC.match(text.strip())
    if m is None:
        raise UsageError(f"--shard expects I/N or auto/N (e.g. 2/8), got {text!r}")
    count = int(m["count"])
    if count < 1:
        raise UsageError(f"--shard {text}: the number of shards must be at least 1")
    if m["index"] == "auto":
        index = _index_from(os.environ if environ is None else environ, text)
    else:
        index = int(m["index"])
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text}: the index must lie between 1 and {count}, got {index}")
    return ShardSpec(index, count)


def _index_from(environ: Mapping[str, str], text: str) -> int:
    for name, start in INDEX_VARIABLES:
        raw = environ.get(name, "").strip()
        if not raw:
            continue
        if not raw.isdigit():
            raise UsageError(f"--shard {text}: {name} is {raw!r}, not a whole number")
        return int(raw) - start + 1
    names = ", ".join(n for n, _ in INDEX_VARIABLES)
    raise UsageError(f"--shard {text}: no shard index in the environment (looked at {names})")


def share(units: Sequence[Unit], spec: ShardSpec) -> list[Unit]:
    """The units shard ``spec.index`` of ``spec.count`` scans.

    The units in their canonical order are cut into ``count`` consecutive runs
    whose sizes differ by at most one: every unit goes to exactly one shard
    whatever order the shards run in, and an account's regions mostly stay in
    one shard (one role assumed, one session) instead of being dealt to all."""
    ordered = sorted(units, key=lambda u: u.sort_key)
    n = len(ordered)
    start = (spec.index - 1) * n // spec.count
    end = spec.index * n // spec.count
    return ordered[start:end]

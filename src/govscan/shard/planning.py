"""Making a plan from a scan's collectors, and a shard's share of one."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from govscan import __version__
from govscan.collectors.interface import Collector
from govscan.collectors.units import Unit
from govscan.engine.plan import plan_collectors
from govscan.errors import UsageError
from govscan.model import CollectionError, Control, Policy, Target
from govscan.runinfo import ShardInfo
from govscan.shard.assign import ShardSpec, share
from govscan.shard.planfile import ScanPlan, duplicate_units, options_hash, read_plan


@dataclass(frozen=True)
class Planned:
    plan: ScanPlan
    deterministic: bool
    undetermined: tuple[str, ...] = ()
    """Collectors whose units depend on the moment of discovery."""


def make_plan(
    collectors: Sequence[Collector],
    controls: Sequence[Control],
    policy: Policy,
    options: Mapping[str, Any],
    hashes: tuple[str, str],
    as_of: date | None,
) -> Planned:
    """Discover the units of every collector the selected controls need."""
    units: list[Unit] = []
    targets: list[Target] = []
    errors: list[CollectionError] = []
    undetermined: list[str] = []
    plans = plan_collectors(collectors, controls, policy.values)
    judged = any(p.collector.after_others for p in plans)
    for p in plans:
        found = p.collector.discover_units(replace(p.plan, scope_details=judged))
        units.extend(found.units)
        targets.extend(found.targets)
        # An error naming no type stands for every type of its collector: spelt out,
        # so the shard that reports it needs no collector of its own for that.
        own = tuple(sorted(p.plan.fields))
        errors.extend(replace(e, resource_types=e.resource_types or own) for e in found.errors)
        if not found.deterministic:
            undetermined.append(p.collector.name)
    dupes = duplicate_units(units)
    if dupes:
        raise UsageError(f"the scan's units are not unique: {', '.join(dupes[:3])}")
    controls_hash, policy_hash = hashes
    plan = ScanPlan(
        govscan_version=__version__,
        policy=policy.name,
        controls_hash=controls_hash,
        policy_hash=policy_hash,
        options_hash=options_hash(options),
        as_of=as_of or datetime.now(UTC).date(),
        units=tuple(sorted(units, key=lambda u: u.sort_key)),
        targets=tuple(targets),
        errors=tuple(errors),
        created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    )
    return Planned(plan, not undetermined, tuple(undetermined))


@dataclass(frozen=True)
class ShardRun:
    """What one shard scans: its collectors narrowed to its units, and the plan."""

    plan: ScanPlan
    spec: ShardSpec
    collectors: tuple[Collector, ...]
    info: ShardInfo
    planned_errors: tuple[CollectionError, ...]


def prepare_shard(
    plan_file: Path | None,
    spec: ShardSpec,
    collectors: Sequence[Collector],
    controls: Sequence[Control],
    policy: Policy,
    options: Mapping[str, Any],
    hashes: tuple[str, str],
    as_of: date | None,
) -> ShardRun:
    """Read (or make) the plan, check it fits this run, and narrow the collectors."""
    if plan_file is not None:
        plan = read_plan(plan_file)
        _check_fits(plan, plan_file, options, hashes, as_of)
    else:
        planned = make_plan(collectors, controls, policy, options, hashes, as_of)
        # One shard covers every unit whatever the moment: only more must agree.
        if not planned.deterministic and spec.count > 1:
            raise UsageError(
                "--shard without --plan: the units of "
                + ", ".join(planned.undetermined)
                + " are discovered at run time (organisation members, enabled regions),"
                " so shards could disagree; run 'govscan plan ... -o units.json' once and"
                " give every shard --plan units.json"
            )
        plan = planned.plan
    mine = share(plan.units, spec)
    by_collector: dict[str, list[Unit]] = {}
    for u in mine:
        by_collector.setdefault(u.collector, []).append(u)
    narrowed = []
    for col in collectors:
        units = by_collector.get(col.name)
        if units:
            col.restrict(units)
            narrowed.append(col)
    info = ShardInfo(plan.digest, spec.index, spec.count, tuple(u.key for u in mine))
    errors = plan.errors if spec.index == 1 else ()
    return ShardRun(plan, spec, tuple(narrowed), info, errors)


def _check_fits(
    plan: ScanPlan,
    name: Path,
    options: Mapping[str, Any],
    hashes: tuple[str, str],
    as_of: date | None,
) -> None:
    controls_hash, policy_hash = hashes
    checks = (
        (plan.govscan_version == __version__, f"govscan {plan.govscan_version}"),
        (plan.controls_hash == controls_hash, "other controls"),
        (plan.policy_hash == policy_hash, f"another policy (or policy '{plan.policy}' changed)"),
        (plan.options_hash == options_hash(options), "other scan targets or options"),
        (as_of is None or as_of == plan.as_of, f"--as-of {plan.as_of.isoformat()}"),
    )
    for ok, what in checks:
        if not ok:
            raise UsageError(
                f"{name}: the plan was made with {what}; run every shard with the plan's "
                "controls, policy, targets and govscan version, or make a new plan"
            )


def require_shared_keys(redact: bool, environ: Mapping[str, str] | None = None) -> None:
    """Shards' fingerprints and pseudonyms agree only when every shard has the same keys."""
    from govscan.evidence.pseudonymise import PSEUDONYM_KEY_ENV
    from govscan.fingerprint import ENV_KEY

    env = os.environ if environ is None else environ
    missing = [ENV_KEY] if not env.get(ENV_KEY, "").strip() else []
    if redact and not env.get(PSEUDONYM_KEY_ENV, "").strip():
        missing.append(PSEUDONYM_KEY_ENV)
    if missing:
        raise UsageError(
            "a sharded scan needs the same "
            + " and ".join(missing)
            + " in every shard, so that fingerprints and pseudonyms agree when the shards"
            " are merged (see docs/scale.md)"
        )

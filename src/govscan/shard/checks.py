"""What ``govscan merge`` checks before it joins shard bundles.

Every input may be forged or mixed up: each must verify (manifest, and
signature when a key is given), carry a shard record, and belong to the same
plan; the indices must be exactly 1..N and no unit may be scanned twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govscan.errors import EvidenceError, UsageError
from govscan.model import RunInfo
from govscan.runinfo import ShardInfo


@dataclass(frozen=True)
class ShardBundle:
    """A verified shard bundle: its run record only. Its results are read when the
    merge joins it, one shard at a time, so a merge holds one shard in memory."""

    path: Path
    run: RunInfo
    info: ShardInfo
    manifest_digest: str
    """``sha256:`` of the bundle's manifest.json: what the merged bundle cites."""


def verify_input(path: Path, public_key: bytes | None) -> str:
    """Verify one shard bundle; returns its manifest's digest."""
    from govscan.canonical import HASH_PREFIX
    from govscan.evidence.manifest import MANIFEST, sha256_file
    from govscan.evidence.verify import verify_bundle

    report = verify_bundle(path, public_key)
    if not report.ok:
        problems = [ln for ln in report.lines()[:-1] if not ln.startswith("note:")]
        bad = [
            p for p in problems if not p.startswith("signature:") or report.signature_ok is False
        ]
        raise EvidenceError(f"{path}: shard bundle does not verify ({bad[0] if bad else 'FAILED'})")
    return HASH_PREFIX + sha256_file(path / MANIFEST)


def read_run(path: Path) -> RunInfo:
    """The run record of a bundle's results.json, read without its results (the
    record comes first in the file)."""
    import ijson  # type: ignore[import-untyped]

    from govscan.evidence.files import RESULTS
    from govscan.evidence.safeio import open_regular
    from govscan.serialize import run_from_dict

    try:
        with open_regular(path / RESULTS) as fh:
            for doc in ijson.items(fh, "run", use_float=True):
                return run_from_dict(doc)
    except (OSError, ValueError, KeyError, TypeError, ijson.JSONError) as exc:
        why = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
        raise EvidenceError(f"{path}: unreadable results.json ({why})") from None
    raise EvidenceError(f"{path}: results.json has no run record")


def check_shards(bundles: Sequence[ShardBundle]) -> tuple[str, int]:
    """One plan, indices 1..N exactly once, disjoint units. Returns (plan digest, N)."""
    first = bundles[0]
    for b in bundles[1:]:
        if b.info.plan_digest != first.info.plan_digest:
            raise UsageError(
                f"{b.path} belongs to another plan than {first.path} "
                f"({b.info.plan_digest[:19]}… vs {first.info.plan_digest[:19]}…); "
                "merge only the shards of one plan"
            )
        if b.info.count != first.info.count:
            raise UsageError(
                f"{b.path} is shard {b.info.index}/{b.info.count} but {first.path} is "
                f"{first.info.index}/{first.info.count}: one plan, one number of shards"
            )
    count = first.info.count
    by_index: dict[int, Path] = {}
    for b in bundles:
        if not 1 <= b.info.index <= count:
            raise UsageError(f"{b.path}: shard index {b.info.index} outside 1..{count}")
        if b.info.index in by_index:
            raise UsageError(
                f"{by_index[b.info.index]} and {b.path} are both shard {b.info.index}/{count}"
            )
        by_index[b.info.index] = b.path
    missing = [str(i) for i in range(1, count + 1) if i not in by_index]
    if missing:
        raise UsageError(
            f"shard(s) {', '.join(missing)} of {count} missing: the merged bundle would "
            "not cover the plan"
        )
    owner: dict[str, int] = {}
    for b in bundles:
        for unit in b.info.units:
            if unit in owner:
                raise UsageError(
                    f"unit {unit} was scanned by shard {owner[unit]} and shard {b.info.index}: "
                    "the shards overlap"
                )
            owner[unit] = b.info.index
    return first.info.plan_digest, count


def check_alike(bundles: Sequence[ShardBundle]) -> None:
    """The same controls, policy, date and keys' mode in every shard."""
    first = bundles[0].run
    for b in bundles[1:]:
        run = b.run
        for what, mine, theirs in (
            ("controls", run.controls_hash, first.controls_hash),
            ("policy", run.policy_hash, first.policy_hash),
            ("as-of date", run.as_of, first.as_of),
            ("govscan version", run.govscan_version, first.govscan_version),
            ("personal data handling", run.personal_data, first.personal_data),
            ("fingerprint mode", run.fingerprints, first.fingerprints),
        ):
            if mine != theirs:
                raise UsageError(
                    f"{b.path} differs from {bundles[0].path} in its {what} "
                    f"({theirs} vs {mine}); these are not shards of one scan"
                )
    if first.fingerprints == "per-run" and len(bundles) > 1:
        raise UsageError(
            f"{bundles[0].path} was scanned with per-run fingerprints: shards need the same "
            "GOVSCAN_FINGERPRINT_KEY, or their findings cannot be joined"
        )

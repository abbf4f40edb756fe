"""``govscan merge``: the shard bundles of one plan joined into one signed bundle.

The merged results equal a single-process scan's: the union of the shards'
results (a result two shards both made, such as an attestation, once), with
the "no resource of this type found" results recomputed after the union,
since a type one shard did not find another may have.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from govscan.engine.scan import none_found_collectors, none_found_message
from govscan.errors import EvidenceError, UsageError
from govscan.evidence.bundle import load_scan
from govscan.evidence.files import ATTESTATIONS, RESOURCES
from govscan.model import ApiCall, CollectionError, Control, Result, RunInfo, ScanResult
from govscan.reporters.interface import ReportOptions
from govscan.results.spool import ResultSpool
from govscan.runinfo import ShardInfo, error_order, merge_targets
from govscan.serialize import ResultEncoder, encode_compact, error_to_dict
from govscan.shard.checks import ShardBundle, check_alike, check_shards, read_run, verify_input

_COPY_CHUNK = 1 << 20


def load_shards(paths: Sequence[Path], public_key: bytes | None) -> list[ShardBundle]:
    """Verify every shard bundle and read its run record."""
    if not paths:
        raise UsageError("govscan merge needs the shard bundles to merge")
    out = []
    for path in paths:
        digest = verify_input(path, public_key)
        run = read_run(path)
        if run.shard is None or run.shard.index < 1:
            raise UsageError(
                f"{path} is not a shard bundle (no shard record): only the bundles of "
                "'govscan scan --plan ... --shard I/N' can be merged"
            )
        out.append(ShardBundle(path, run, run.shard, digest))
    return sorted(out, key=lambda b: b.info.index)


def merge_bundles(
    paths: Sequence[Path],
    output_dir: Path,
    formats: Sequence[str],
    options: ReportOptions,
    *,
    sign_key_pem: bytes | None = None,
    public_key: bytes | None = None,
) -> ScanResult:
    """Check, join and write the merged bundle into ``output_dir``."""
    from govscan.evidence.outdir import claim_output_dir
    from govscan.render import write_scan_bundle

    _refuse_output_among_inputs(output_dir, paths)
    bundles = load_shards(paths, public_key)
    plan_digest, count = check_shards(bundles)
    check_alike(bundles)
    with claim_output_dir(output_dir) as out:
        scan = join(bundles, plan_digest, count)
        _concatenate(bundles, RESOURCES, out.staging / RESOURCES)
        _copy_first(bundles, ATTESTATIONS, out.staging / ATTESTATIONS)
        write_scan_bundle(scan, out.staging, formats, options, sign_key_pem=sign_key_pem)
        out.commit()
    return scan


def join(bundles: Sequence[ShardBundle], plan_digest: str, count: int) -> ScanResult:
    """The merged ScanResult of verified, checked shards."""
    spool = ResultSpool()
    seen: set[bytes] = set()
    judged: set[str] = set()
    """Controls with any result other than "none found": some shard saw, failed to
    read or explained their type, so no "none found" result may stand."""
    none_found: dict[str, tuple[Result, set[str]]] = {}
    encode = ResultEncoder()
    errors: list[CollectionError] = []
    calls: list[ApiCall] = []
    controls: tuple[Control, ...] = ()
    for b in bundles:
        # One shard in memory at a time; its results go to the spool on disk.
        scan = load_scan(b.path)
        controls = controls or scan.controls
        errors.extend(scan.errors)
        calls.extend(scan.api_calls)
        for r in scan.results:
            names = none_found_collectors(r)
            if names is not None:
                none_found.setdefault(r.control_id, (r, set()))[1].update(names)
                continue
            judged.add(r.control_id)
            key = hashlib.sha256(encode(r).encode("utf-8")).digest()
            if key not in seen:
                seen.add(key)
                spool.add(r)
        del scan
    for control_id, (template, by) in sorted(none_found.items()):
        if control_id not in judged:
            message = none_found_message(template.resource.type, by)
            spool.add(replace(template, message=message))
    first = bundles[0].run
    info = ShardInfo(
        plan_digest=plan_digest,
        index=0,
        count=count,
        units=tuple(sorted({u for b in bundles for u in b.info.units})),
        collectors=tuple(sorted({c for b in bundles for c in b.info.collectors})),
        merged=tuple(b.manifest_digest for b in bundles),
    )
    run = RunInfo(
        id=str(uuid.uuid4()),
        started_at=min(b.run.started_at for b in bundles),
        finished_at=max(b.run.finished_at for b in bundles),
        govscan_version=first.govscan_version,
        policy=first.policy,
        targets=merge_targets(t for b in bundles for t in b.run.targets),
        controls_hash=first.controls_hash,
        policy_hash=first.policy_hash,
        parameters=first.parameters,
        as_of=first.as_of,
        fingerprints=first.fingerprints,
        personal_data=first.personal_data,
        not_applicable=first.not_applicable,
        shard=info,
    )
    return ScanResult(
        run=run,
        results=spool.seal(),
        errors=_errors(errors),
        controls=controls,
        api_calls=_calls(calls),
    )


def _errors(errors: Iterable[CollectionError]) -> tuple[CollectionError, ...]:
    unique = {encode_compact(error_to_dict(e)): e for e in errors}
    return tuple(sorted(unique.values(), key=error_order))


def _calls(calls: Iterable[ApiCall]) -> tuple[ApiCall, ...]:
    """Calls of one operation in one scope made by several shards, added up."""
    joined: dict[tuple[str, str, str, str, str], ApiCall] = {}
    for c in calls:
        key = (c.account, c.region, c.service, c.operation, c.collector)
        had = joined.get(key)
        joined[key] = (
            c
            if had is None
            else replace(
                had,
                count=had.count + c.count,
                errors=had.errors + c.errors,
                duration_ms=had.duration_ms + c.duration_ms,
                retries=had.retries + c.retries,
            )
        )
    return tuple(joined[k] for k in sorted(joined))


def _concatenate(bundles: Sequence[ShardBundle], name: str, target: Path) -> None:
    """resources.jsonl.gz of every shard, one after the other: a gzip stream of
    several members is one gzip file to every reader."""
    from govscan.evidence.safeio import open_new, open_regular

    present = [b for b in bundles if (b.path / name).is_file()]
    if not present:
        return
    with open_new(target) as out:
        for b in present:
            with open_regular(b.path / name) as src:
                while chunk := src.read(_COPY_CHUNK):
                    out.write(chunk)


def _copy_first(bundles: Sequence[ShardBundle], name: str, target: Path) -> None:
    """A file every shard wrote alike (attestations.json): the first shard's copy,
    after checking the others hold the same bytes."""
    from govscan.evidence.manifest import sha256_file
    from govscan.evidence.safeio import open_new, read_regular

    present = [b for b in bundles if (b.path / name).is_file()]
    if not present:
        return
    digests = {sha256_file(b.path / name) for b in present}
    if len(digests) > 1:
        raise EvidenceError(f"the shards' {name} differ: they were scanned with other inputs")
    data = read_regular(present[0].path / name, 256 * 1024 * 1024)
    with open_new(target) as out:
        out.write(data)


def _refuse_output_among_inputs(output_dir: Path, paths: Sequence[Path]) -> None:
    out = output_dir.resolve()
    for p in paths:
        src = p.resolve()
        if out == src or src in out.parents or out in src.parents:
            raise UsageError(
                f"--output-dir {output_dir} overlaps the shard bundle {p}: merge into "
                "another directory (the shards stay as they are)"
            )

"""What a run adds to the history, taken from its ScanResult and bundle."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from govscan.canonical import content_hash
from govscan.model import Result, ScanResult, Status, Target
from govscan.serialize import run_to_dict

_STATUS_RANK = {Status.ERROR: 0, Status.FAIL: 1, Status.WAIVED: 2, Status.PASS: 3}


@dataclass(frozen=True, slots=True)
class FindingState:
    fingerprint: str
    control_id: str
    resource_type: str
    resource_id: str
    status: str
    severity: str


@dataclass(frozen=True, slots=True)
class FrameworkRow:
    framework: str
    assessed: int
    passed: int
    failed: int
    errors: int
    covered: int
    total: int

    @property
    def ratio(self) -> float:
        return self.passed / self.assessed if self.assessed else 0.0


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    series_key: str
    series_label: str
    started_at: str
    finished_at: str
    as_of: str | None
    govscan_version: str
    policy: str
    policy_hash: str
    controls_hash: str
    fingerprints: str
    bundle_digest: str | None
    key_id: str | None
    exit_code: int
    counts: Mapping[str, Mapping[str, int]]
    targets: str
    scores: tuple[FrameworkRow, ...]


def series_of(targets: tuple[Target, ...]) -> tuple[str, str]:
    """The series key (a hash of what was scanned) and a readable label."""
    scopes = sorted({(t.collector, t.identity) for t in targets})
    key = content_hash([list(s) for s in scopes]).removeprefix("sha256:")[:32]
    label = ", ".join(f"{c}:{i}" for c, i in scopes) or "(no targets)"
    return key, label


def run_record(scan: ScanResult, exit_code: int, bundle: Path | None) -> RunRecord:
    run = run_to_dict(scan.run)
    key, label = series_of(scan.run.targets)
    digest, key_id = _bundle_identity(bundle) if bundle is not None else (None, None)
    by_status: Counter[str] = Counter()
    failing: Counter[str] = Counter()
    for r in scan.results:
        by_status[r.status.value] += 1
        if r.status is Status.FAIL:
            failing[r.severity.value] += 1
    return RunRecord(
        run_id=scan.run.id,
        series_key=key,
        series_label=label,
        started_at=str(run["started_at"]),
        finished_at=str(run["finished_at"]),
        as_of=scan.run.as_of.isoformat() if scan.run.as_of else None,
        govscan_version=scan.run.govscan_version,
        policy=scan.run.policy,
        policy_hash=scan.run.policy_hash,
        controls_hash=scan.run.controls_hash,
        fingerprints=scan.run.fingerprints or "per-run",
        bundle_digest=digest,
        key_id=key_id,
        exit_code=exit_code,
        counts={"status": dict(sorted(by_status.items())), "failing": dict(failing)},
        targets=json.dumps(run.get("targets", []), sort_keys=True, separators=(",", ":")),
        scores=_scores(scan),
    )


def finding_states(scan: ScanResult) -> Iterator[FindingState]:
    """One state per fingerprint: when several results share one, the most urgent."""
    chosen: dict[str, Result] = {}
    for r in scan.results:
        if not r.fingerprint:
            continue
        old = chosen.get(r.fingerprint)
        if old is None or _rank(r) < _rank(old):
            chosen[r.fingerprint] = r
    for fp, r in chosen.items():
        yield FindingState(
            fp, r.control_id, r.resource.type, r.resource.id, r.status.value, r.severity.value
        )


def _rank(r: Result) -> int:
    return _STATUS_RANK.get(r.status, 4)


def _scores(scan: ScanResult) -> tuple[FrameworkRow, ...]:
    from govscan.catalog.frameworks import load_frameworks
    from govscan.results.scoring import scan_frameworks

    rows = []
    # The same status as the reports: attested requirements count, declared ones do not.
    for fw in scan_frameworks(scan, load_frameworks()):
        t = fw.tally()
        rows.append(
            FrameworkRow(
                fw.key,
                fw.assessed,
                t["pass"],
                t["fail"],
                t["error"],
                fw.covered,
                len(fw.requirements),
            )
        )
    return tuple(rows)


def _bundle_identity(bundle: Path) -> tuple[str | None, str | None]:
    """SHA-256 of the bundle's manifest (which lists every file's hash) and the id of
    the key that signed it, when signed."""
    from govscan.evidence.manifest import MANIFEST, SIGNATURE

    try:
        manifest = (bundle / MANIFEST).read_bytes()
    except OSError:
        return None, None
    key_id = None
    try:
        sig = json.loads((bundle / SIGNATURE).read_text("utf-8"))
        sigs = sig.get("signatures") if isinstance(sig, dict) else None
        if isinstance(sigs, list) and sigs and isinstance(sigs[0], dict):
            key_id = str(sigs[0].get("keyid") or "") or None
    except (OSError, ValueError):
        pass
    return "sha256:" + hashlib.sha256(manifest).hexdigest(), key_id

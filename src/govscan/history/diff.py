"""``govscan diff OLD NEW``: what changed between two runs, finding by finding.

Each side is a bundle directory (read with the bundle reader: hostile input) or
a run of a history (``run:ID``, ``run:latest``). Findings are matched by their
fingerprint; a fingerprint several results share counts once, in its most
urgent status (as the history stores it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govscan.errors import UsageError
from govscan.fingerprint import code_fingerprint
from govscan.model import Result

FAILING = frozenset({"fail", "error"})
_RANK = {"error": 0, "fail": 1, "waived": 2, "pass": 3}
CATEGORIES = ("new", "regressed", "fixed", "still_failing", "changed_severity")


@dataclass(frozen=True)
class Finding:
    fingerprint: str
    control_id: str
    resource_type: str
    resource_id: str
    status: str
    severity: str
    frameworks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Side:
    label: str
    """The bundle directory or ``run N`` of the history."""
    run_id: str
    started_at: str
    fingerprints: str
    findings: Mapping[str, Finding]
    unfingerprinted: int = 0
    """Results without a fingerprint (bundles written before fingerprints): not compared."""
    cloud: int = 0
    """Findings with a keyed (cloud) fingerprint; -1 when the side cannot tell (history)."""


@dataclass(frozen=True)
class Change:
    fingerprint: str
    control_id: str
    resource_type: str
    resource_id: str
    old: tuple[str, str] | None
    """(status, severity) in the old run; None when the finding was not in it."""
    new: tuple[str, str] | None
    frameworks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        def state(s: tuple[str, str] | None) -> dict[str, str] | None:
            return {"status": s[0], "severity": s[1]} if s else None

        return {
            "fingerprint": self.fingerprint,
            "control_id": self.control_id,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "old": state(self.old),
            "new": state(self.new),
            "frameworks": list(self.frameworks),
        }


@dataclass(frozen=True)
class Diff:
    old: Side
    new: Side
    changes: Mapping[str, tuple[Change, ...]]
    """Category (:data:`CATEGORIES`) -> its changes, by control and resource."""
    frameworks: Mapping[str, Mapping[str, int]]
    """Framework -> category -> number of changes."""
    notes: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        return {c: len(self.changes[c]) for c in CATEGORIES}


def findings_of_results(results: Iterable[Result]) -> tuple[dict[str, Finding], int]:
    """One finding per fingerprint, in its most urgent status; and how many results
    had no fingerprint."""
    out: dict[str, Finding] = {}
    missing = 0
    for r in results:
        if not r.fingerprint:
            missing += 1
            continue
        old = out.get(r.fingerprint)
        if old is None or _RANK.get(r.status.value, 4) < _RANK.get(old.status, 4):
            fws = tuple(sorted(r.frameworks))
            ref = r.resource
            out[r.fingerprint] = Finding(
                r.fingerprint, r.control_id, ref.type, ref.id, r.status.value, r.severity.value, fws
            )
    return out, missing


def bundle_side(path: Path) -> Side:
    from govscan.evidence.bundle import load_scan

    scan = load_scan(path)
    findings, missing = findings_of_results(scan.results)
    cloud = 0
    for r in scan.results:
        path_of = r.resource.location.path if r.resource.location is not None else ""
        if r.fingerprint and r.fingerprint != code_fingerprint(
            r.control_id, path_of, r.resource.id
        ):
            cloud += 1
    started = scan.run.started_at.isoformat()
    return Side(str(path), scan.run.id, started, scan.run.fingerprints, findings, missing, cloud)


def history_side(history: Any, ref: str) -> Side:
    """A run of an open history (``run:N``, ``run:RUN-ID``, ``run:latest``)."""
    from sqlalchemy import select

    from govscan.history import tables as t
    from govscan.history.query import find_run, findings_of

    with history.transaction() as conn:
        pk = find_run(conn, ref)
        run_id, started, mode = conn.execute(
            select(t.runs.c.run_id, t.runs.c.started_at, t.runs.c.fingerprints).where(
                t.runs.c.id == pk
            )
        ).one()
        rows = findings_of(conn, pk)
    findings = {
        f.fingerprint: Finding(
            f.fingerprint, f.control_id, f.resource_type, f.resource_id, f.status, f.severity
        )
        for f in rows
    }
    return Side(f"run {pk}", str(run_id), str(started), str(mode), findings, cloud=-1)


def is_run_ref(text: str) -> bool:
    return text.startswith("run:")


def compare(old: Side, new: Side, frameworks: Mapping[str, tuple[str, ...]] | None = None) -> Diff:
    """The changes from ``old`` to ``new``. ``frameworks`` (control id -> frameworks)
    fills in what a history side does not keep."""
    lookup = dict(frameworks or {})
    buckets: dict[str, list[Change]] = {c: [] for c in CATEGORIES}
    for fp in old.findings.keys() | new.findings.keys():
        o, n = old.findings.get(fp), new.findings.get(fp)
        which = _categories(o, n)
        if not which:
            continue
        base = n or o
        assert base is not None  # one of the two holds the fingerprint
        fws = base.frameworks or (o.frameworks if o else ()) or lookup.get(base.control_id, ())
        change = Change(
            fp,
            base.control_id,
            base.resource_type,
            base.resource_id,
            (o.status, o.severity) if o else None,
            (n.status, n.severity) if n else None,
            tuple(sorted(fws)),
        )
        for c in which:
            buckets[c].append(change)
    per_fw: dict[str, dict[str, int]] = {}
    for c in CATEGORIES:
        buckets[c].sort(key=lambda ch: (ch.control_id, ch.resource_id, ch.fingerprint))
        for ch in buckets[c]:
            for fw in ch.frameworks:
                per_fw.setdefault(fw, dict.fromkeys(CATEGORIES, 0))[c] += 1
    return Diff(
        old,
        new,
        {c: tuple(v) for c, v in buckets.items()},
        {k: per_fw[k] for k in sorted(per_fw)},
        _notes(old, new),
    )


def _categories(o: Finding | None, n: Finding | None) -> list[str]:
    was = o is not None and o.status in FAILING
    now = n is not None and n.status in FAILING
    if now and o is None:
        return ["new"]
    if now and not was:
        return ["regressed"]  # judged before and passed (or was waived): failing again
    if was and not now:
        return ["fixed"]
    if was and now:
        assert o is not None and n is not None
        return ["still_failing"] + (["changed_severity"] if o.severity != n.severity else [])
    return []


def _notes(old: Side, new: Side) -> tuple[str, ...]:
    notes = []
    for side in (old, new):
        if side.fingerprints != "persistent" and side.cloud:
            notes.append(
                f"{side.label}: cloud fingerprints are per-run; its cloud findings match no "
                "other run and show as new or fixed"
            )
        if side.unfingerprinted:
            notes.append(
                f"{side.label}: {side.unfingerprinted} results have no fingerprint (written "
                "before fingerprints existed) and are not compared"
            )
    return tuple(notes)


def load_side(ref: str, history: Any) -> Side:
    if is_run_ref(ref):
        if history is None:
            raise UsageError(f"{ref}: a run of a history needs --history")
        return history_side(history, ref)
    return bundle_side(Path(ref))

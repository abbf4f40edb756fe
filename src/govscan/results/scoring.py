"""Framework scoring: how the results of the controls mapped to a requirement judge it.

Two readers ask different questions of the same counts.  The HTML report
scores a framework for people: a waived failure is an accepted risk, so a
requirement whose controls only passed or were waived counts as ``pass``.
OSCAL states whether a requirement is *satisfied*: a waived deviation still
leaves it unmet.  Both answers come from :func:`score`, so they cannot drift
apart on anything else (what a failure, an error or a lone ``not_applicable``
means).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from govscan.model import Control, ScanResult, Status, is_attestation
from govscan.results.coverage import Coverage, coverage_state, declared_not_applicable

MANUAL = "manual"
"""A requirement nothing answers (a coverage gap): it needs a person's review."""
NOT_ASSESSED = "not_assessed"
"""Controls map to the requirement, but none of them judged a resource."""
NOT_APPLICABLE = "not_applicable"
"""The policy declares the requirement not applicable, with a justification."""


@dataclass(frozen=True, slots=True)
class Score:
    """The verdict on a requirement (or a control) from its results' statuses."""

    status: str
    """``fail``, ``error``, ``pass`` (passes and waivers) or ``not_assessed``."""
    satisfied: bool
    """Every judged result passed: nothing failed, errored or was waived."""
    reason: str
    """Why (un)satisfied, in OSCAL's words: ``pass``, ``fail`` or ``other``."""


def score(counts: Mapping[Status, int]) -> Score:
    """Judge from the number of results per status (zero counts are ignored)."""
    found = {s for s, n in counts.items() if n}
    if Status.FAIL in found:
        status = "fail"
    elif Status.ERROR in found:
        status = "error"
    elif found <= {Status.NOT_APPLICABLE}:
        status = NOT_ASSESSED
    else:
        status = "pass"
    satisfied = status == "pass" and Status.WAIVED not in found
    reason = "pass" if satisfied else ("fail" if status == "fail" else "other")
    return Score(status, satisfied, reason)


def combined(
    by_control: Mapping[str, Mapping[Status, int]], control_ids: Iterable[str]
) -> Counter[Status]:
    """The results of several controls counted together, per status."""
    out: Counter[Status] = Counter()
    for cid in control_ids:
        for status, n in by_control.get(cid, {}).items():
            if n:
                out[status] += n
    return out


class CatalogRequirement(Protocol):
    """What scoring reads of a framework catalog's requirement."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def group(self) -> str: ...


class CatalogFramework(Protocol):
    """What scoring reads of a framework catalog."""

    @property
    def title(self) -> str: ...
    @property
    def requirements(self) -> Sequence[CatalogRequirement]: ...


@dataclass(frozen=True, slots=True)
class RequirementScore:
    """One requirement of a framework catalog and the verdict of its controls."""

    id: str
    title: str
    group: str
    controls: tuple[str, ...]
    """The selected (automated) controls that map to it, sorted."""
    status: str
    """A :class:`Score` status from its controls and attestations together,
    :data:`NOT_APPLICABLE` when the policy declares so, or :data:`MANUAL`
    when nothing answers it."""
    counts: Mapping[Status, int]
    """The results of its controls and attestations, per status."""
    coverage: Coverage = Coverage.GAP
    """What answers it (:mod:`govscan.results.coverage`)."""
    attestations: tuple[str, ...] = ()
    """The attestations (``attestation.<id>``) that answer it, sorted."""
    justification: str = ""
    """Why the policy declares it not applicable (only then non-empty)."""


@dataclass(frozen=True, slots=True)
class FrameworkScore:
    key: str
    title: str
    requirements: tuple[RequirementScore, ...]
    """In the catalog's order."""

    def tally(self) -> Counter[str]:
        """Number of requirements per status."""
        return Counter(r.status for r in self.requirements)

    @property
    def assessed(self) -> int:
        """Requirements with a verdict: passed, failed or in error, whether
        automated controls or attestations gave it (see docs/frameworks.md)."""
        t = self.tally()
        return t["pass"] + t["fail"] + t["error"]

    @property
    def passed(self) -> int:
        return self.tally()["pass"]

    @property
    def attested(self) -> int:
        """Assessed requirements only attestations answer, counted in
        :attr:`assessed` and shown separately."""
        return sum(
            1
            for r in self.requirements
            if r.coverage is Coverage.ATTESTED and r.status in ("pass", "fail", "error")
        )

    @property
    def not_applicable(self) -> int:
        return self.tally()[NOT_APPLICABLE]

    @property
    def ratio(self) -> float:
        """Passed among assessed requirements; 0.0 when none was assessed."""
        return self.passed / self.assessed if self.assessed else 0.0

    @property
    def covered(self) -> int:
        """Requirements something answers: a control, an attestation or a
        not-applicable declaration (everything but a gap)."""
        return sum(1 for r in self.requirements if r.status != MANUAL)

    @property
    def gaps(self) -> int:
        return self.tally()[MANUAL]


def score_frameworks(
    controls: Iterable[Control],
    by_control: Mapping[str, Mapping[Status, int]],
    catalogs: Mapping[str, CatalogFramework],
    *,
    attested: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    not_applicable: object = None,
) -> list[FrameworkScore]:
    """Every requirement of every catalog judged by what answers it.

    ``by_control``: the number of results per control and status
    (``ResultSet.counts_by_control``), attestation results included.
    ``attested``: attestation control id -> its frameworks (see
    :func:`attestation_mappings`); attestations reach a scan as results only.
    ``not_applicable``: the run's (or policy's) declarations,
    ``{framework: {requirement: justification}}``; a declared requirement is
    :data:`NOT_APPLICABLE` whatever its controls found, never passed.
    """
    controls_for: dict[tuple[str, str], list[str]] = {}
    for c in controls:
        for key, ids in c.frameworks.items():
            for rid in ids:
                controls_for.setdefault((key, rid), []).append(c.id)
    attestations_for: dict[tuple[str, str], list[str]] = {}
    for aid, frameworks in (attested or {}).items():
        for key, rids in frameworks.items():
            for rid in rids:
                attestations_for.setdefault((key, rid), []).append(aid)
    out = []
    for key, fw in catalogs.items():
        declared = declared_not_applicable(not_applicable, key)
        reqs = []
        for req in fw.requirements:
            cids = tuple(sorted(controls_for.get((key, req.id), ())))
            aids = tuple(sorted(set(attestations_for.get((key, req.id), ()))))
            counts = combined(by_control, cids + aids)
            state = coverage_state(cids, aids, req.id in declared)
            if state is Coverage.NOT_APPLICABLE:
                status = NOT_APPLICABLE
            elif state is Coverage.GAP:
                status = MANUAL
            else:
                status = score(counts).status
            reqs.append(
                RequirementScore(
                    req.id,
                    req.title,
                    req.group,
                    cids,
                    status,
                    counts,
                    state,
                    aids,
                    declared.get(req.id, "") if state is Coverage.NOT_APPLICABLE else "",
                )
            )
        out.append(FrameworkScore(key, fw.title, tuple(reqs)))
    return out


def attestation_mappings(
    mappings: Iterable[tuple[str, Mapping[str, Sequence[str]]]],
) -> dict[str, Mapping[str, Sequence[str]]]:
    """Attestation control id -> the frameworks it answers, from ``(control id,
    frameworks)`` pairs of results (other controls are skipped)."""
    out: dict[str, Mapping[str, Sequence[str]]] = {}
    for cid, frameworks in mappings:
        if is_attestation(cid):
            out.setdefault(cid, frameworks)
    return out


def scan_frameworks(
    scan: ScanResult,
    catalogs: Mapping[str, CatalogFramework],
    by_control: Mapping[str, Mapping[Status, int]] | None = None,
) -> list[FrameworkScore]:
    """:func:`score_frameworks` for a scan: its controls, its attestation
    results and its run's not-applicable declarations.  Every report reads
    requirement status from here, so none can call an attested or declared
    requirement "manual".  ``by_control``: the scan's counts if already known."""
    counts = scan.results.counts_by_control() if by_control is None else by_control
    first = scan.results.first_per_control()
    return score_frameworks(
        scan.controls,
        counts,
        catalogs,
        attested=attestation_mappings((cid, r.frameworks) for cid, r in first.items()),
        not_applicable=getattr(scan.run, "not_applicable", None),
    )

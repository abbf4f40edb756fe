"""Framework coverage: which of four states each requirement is in.

Scoring (:mod:`govscan.results.scoring`) answers how a requirement fared;
coverage answers what answers it at all, independent of pass or fail.  Every
framework view (``govscan frameworks show``, the HTML report, OSCAL, the
Statement of Applicability) reads :func:`framework_coverage`, so they count
the same requirements the same way.  docs/frameworks.md documents the states.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from govscan.model import is_attestation


class Coverage(StrEnum):
    """What answers a requirement.  The order of precedence is the order here."""

    NOT_APPLICABLE = "not_applicable"
    """The policy declares it not applicable, with a justification.  Wins over
    everything else: a requirement out of scope is never reported as met."""
    AUTOMATED = "automated"
    """Some selected control judges it from collected data."""
    ATTESTED = "attested"
    """Only attestations (controls ``attestation.*``) answer it."""
    GAP = "gap"
    """Nothing answers it: neither a control, nor an attestation, nor a declaration."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


COVERAGE_ORDER = (Coverage.AUTOMATED, Coverage.ATTESTED, Coverage.NOT_APPLICABLE, Coverage.GAP)
"""The order summaries name the states in."""


class CoveredRequirement(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...


class CoveredFramework(Protocol):
    @property
    def requirements(self) -> Sequence[CoveredRequirement]: ...


@dataclass(frozen=True, slots=True)
class RequirementCoverage:
    id: str
    title: str
    state: Coverage
    automated: tuple[str, ...]
    """Ids of the non-attestation controls that map to it, sorted."""
    attested: tuple[str, ...]
    """Ids of the attestation controls that map to it, sorted."""
    justification: str = ""
    """Why the policy declares it not applicable (only then non-empty)."""


@dataclass(frozen=True, slots=True)
class FrameworkCoverage:
    key: str
    requirements: tuple[RequirementCoverage, ...]
    """In the catalog's order."""

    def count(self, state: Coverage) -> int:
        return sum(1 for r in self.requirements if r.state is state)

    def summary(self) -> str:
        """``automated N, attested N, not applicable N, gap N of M``."""
        parts = ", ".join(f"{s.label} {self.count(s)}" for s in COVERAGE_ORDER)
        return f"{parts} of {len(self.requirements)}"


def coverage_state(
    automated: Sequence[str], attested: Sequence[str], not_applicable: bool
) -> Coverage:
    """The one rule that decides a requirement's state."""
    if not_applicable:
        return Coverage.NOT_APPLICABLE
    if automated:
        return Coverage.AUTOMATED
    if attested:
        return Coverage.ATTESTED
    return Coverage.GAP


def framework_coverage(
    key: str,
    catalog: CoveredFramework,
    mappings: Iterable[tuple[str, Mapping[str, Sequence[str]]]],
    not_applicable: Mapping[str, str] | None = None,
) -> FrameworkCoverage:
    """Every requirement of one catalog with its coverage state.

    ``mappings``: ``(control id, frameworks)`` pairs, from the selected
    controls and from attestation results alike; attestations are told apart
    by their id.  ``not_applicable``: requirement id -> justification, as the
    policy declares them for this framework.
    """
    na = not_applicable or {}
    by_req: dict[str, set[str]] = {}
    for control_id, frameworks in mappings:
        for rid in frameworks.get(key, ()):
            by_req.setdefault(rid, set()).add(control_id)
    out = []
    for req in catalog.requirements:
        ids = by_req.get(req.id, set())
        auto = tuple(sorted(i for i in ids if not is_attestation(i)))
        att = tuple(sorted(i for i in ids if is_attestation(i)))
        state = coverage_state(auto, att, req.id in na)
        out.append(
            RequirementCoverage(
                req.id,
                req.title,
                state,
                auto,
                att,
                na.get(req.id, "") if state is Coverage.NOT_APPLICABLE else "",
            )
        )
    return FrameworkCoverage(key, tuple(out))


def declared_not_applicable(declared: object, key: str) -> dict[str, str]:
    """The requirements of framework ``key`` a policy (or a run) declares not
    applicable, as requirement id -> justification.

    ``declared`` is the ``not_applicable`` value of a policy or run
    (``{framework: {requirement: justification}}``), or None where the
    policy declares nothing; anything else is treated as declaring nothing.
    """
    if not isinstance(declared, Mapping):
        return {}
    per_req = declared.get(key)
    if not isinstance(per_req, Mapping):
        return {}
    return {str(rid): str(why) for rid, why in per_req.items()}

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

from govscan.model import Control, Status

MANUAL = "manual"
"""A requirement no selected control maps to: it needs a person's review."""
NOT_ASSESSED = "not_assessed"
"""Controls map to the requirement, but none of them judged a resource."""


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
    """The selected controls that map to it, sorted."""
    status: str
    """A :class:`Score` status, or :data:`MANUAL` when no control maps to it."""
    counts: Mapping[Status, int]
    """The results of its controls, per status."""


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
        """Requirements with a verdict: passed, failed or in error."""
        t = self.tally()
        return t["pass"] + t["fail"] + t["error"]

    @property
    def passed(self) -> int:
        return self.tally()["pass"]

    @property
    def ratio(self) -> float:
        """Passed among assessed requirements; 0.0 when none was assessed."""
        return self.passed / self.assessed if self.assessed else 0.0

    @property
    def covered(self) -> int:
        """Requirements some selected control maps to."""
        return sum(1 for r in self.requirements if r.status != MANUAL)


def score_frameworks(
    controls: Iterable[Control],
    by_control: Mapping[str, Mapping[Status, int]],
    catalogs: Mapping[str, CatalogFramework],
) -> list[FrameworkScore]:
    """Every requirement of every catalog judged by the controls that map to it.

    ``by_control``: the number of results per control and status
    (``ResultSet.counts_by_control``).
    """
    controls_for: dict[tuple[str, str], list[str]] = {}
    for c in controls:
        for key, ids in c.frameworks.items():
            for rid in ids:
                controls_for.setdefault((key, rid), []).append(c.id)
    out = []
    for key, fw in catalogs.items():
        reqs = []
        for req in fw.requirements:
            cids = tuple(sorted(controls_for.get((key, req.id), ())))
            counts = combined(by_control, cids)
            status = score(counts).status if cids else MANUAL
            reqs.append(RequirementScore(req.id, req.title, req.group, cids, status, counts))
        out.append(FrameworkScore(key, fw.title, tuple(reqs)))
    return out

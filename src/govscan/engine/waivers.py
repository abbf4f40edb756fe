"""Policy waivers and inline suppressions.

Only a ``fail`` can be waived: a pass needs no waiver and an ``error`` means
nothing was judged, so waiving it would hide a gap.  A waiver past its expiry
no longer matches; the failure stays a failure and says which waiver expired.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from govscan.model import Waiver, WaiverInfo


@dataclass(frozen=True)
class _CompiledWaiver:
    waiver: Waiver
    globs: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...]

    def matches_resource(self, resource_id: str, name: str) -> bool:
        for candidate in (resource_id, name):
            if not candidate:
                continue
            if any(fnmatch.fnmatchcase(candidate, g) for g in self.globs):
                return True
            if any(r.fullmatch(candidate) for r in self.regexes):
                return True
        return False


class WaiverIndex:
    """Waivers by control, compiled once per scan."""

    def __init__(self, waivers: Sequence[Waiver], as_of: date) -> None:
        self._as_of = as_of
        self._waivers = [
            _CompiledWaiver(
                w,
                tuple(r for r in w.resources if not r.startswith("re:")),
                tuple(re.compile(r[3:]) for r in w.resources if r.startswith("re:")),
            )
            for w in waivers
        ]
        self._by_control: dict[str, list[_CompiledWaiver]] = {}

    def _for_control(self, control_id: str) -> list[_CompiledWaiver]:
        found = self._by_control.get(control_id)
        if found is None:
            found = [w for w in self._waivers if fnmatch.fnmatchcase(control_id, w.waiver.control)]
            self._by_control[control_id] = found
        return found

    def lookup(self, control_id: str, resource_id: str, name: str) -> WaiverInfo | None:
        """The active waiver for a failure, else an expired one (``expired=True``), else None."""
        expired: WaiverInfo | None = None
        for cw in self._for_control(control_id):
            if not cw.matches_resource(resource_id, name):
                continue
            w = cw.waiver
            if w.expires is not None and w.expires < self._as_of:
                expired = expired or WaiverInfo(w.reason, w.owner, w.expires, expired=True)
                continue
            return WaiverInfo(w.reason, w.owner, w.expires)
        return expired


def inline_suppression(suppressions: Mapping[str, str], control_id: str) -> WaiverInfo | None:
    """An inline ``# govscan:ignore=<id> <reason>`` at the resource's definition."""
    for pattern, reason in suppressions.items():
        if fnmatch.fnmatchcase(control_id, pattern):
            return WaiverInfo(reason=reason, owner="inline", expires=None, inline=True)
    return None

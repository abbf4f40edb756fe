"""Policy waivers and inline suppressions.

Only a ``fail`` can be waived: a pass needs no waiver and an ``error`` means
nothing was judged, so waiving it would hide a gap.  A waiver past its expiry
no longer matches; the failure stays a failure and says which waiver expired.

A waiver or suppression that names an id a control ``replaces`` (its id
before a rename) applies to that control as if it named the current id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from govscan.language.patterns import Pattern, PatternError, glob_matches, resource_pattern
from govscan.model import Control, Waiver, WaiverInfo


@dataclass(frozen=True)
class _CompiledWaiver:
    waiver: Waiver
    patterns: tuple[Pattern, ...]

    def matches_resource(self, resource_id: str, name: str) -> bool:
        return any(
            p.matches(candidate)
            for candidate in (resource_id, name)
            if candidate
            for p in self.patterns
        )


def _patterns(entries: Sequence[str]) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    for entry in entries:
        try:
            out.append(resource_pattern(entry))
        except PatternError:
            # Validation refuses such a waiver; one built in code matches nothing.
            continue
    return tuple(out)


class WaiverIndex:
    """Waivers by control, compiled once per scan.

    ``controls``: the controls judged, for the old ids they ``replace``."""

    def __init__(
        self, waivers: Sequence[Waiver], as_of: date, controls: Iterable[Control] = ()
    ) -> None:
        self._as_of = as_of
        self._waivers = [_CompiledWaiver(w, _patterns(w.resources)) for w in waivers]
        self._by_control: dict[str, list[_CompiledWaiver]] = {}
        self._old_ids = {c.id: c.replaces for c in controls if c.replaces}

    def _for_control(self, control_id: str) -> list[_CompiledWaiver]:
        found = self._by_control.get(control_id)
        if found is None:
            ids = (control_id, *self._old_ids.get(control_id, ()))
            found = [
                w for w in self._waivers if any(glob_matches(i, w.waiver.control) for i in ids)
            ]
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


def inline_suppression(
    suppressions: Mapping[str, str], control_id: str, old_ids: Sequence[str] = ()
) -> WaiverInfo | None:
    """An inline ``# govscan:ignore=<id> <reason>`` at the resource's definition;
    ``<id>`` may be the control's id or one it replaced (``old_ids``)."""
    for pattern, reason in suppressions.items():
        # The pattern comes from a comment in the code under review: matched by RE2.
        if any(glob_matches(i, pattern) for i in (control_id, *old_ids)):
            return WaiverInfo(reason=reason, owner="inline", expires=None, inline=True)
    return None

"""Inline suppressions: ``# govscan:ignore=<control-id> <reason>``; the reason is mandatory."""

from __future__ import annotations

import re
from collections.abc import Iterable

_PATTERN = re.compile(r"govscan:ignore=([A-Za-z0-9_.*?\[\]-]+)(?:[ \t]+(.*\S))?")


def parse_suppressions(lines: Iterable[tuple[int, str]]) -> tuple[dict[str, str], list[int]]:
    """(control id or glob -> reason, lines of suppressions without a reason)."""
    found: dict[str, str] = {}
    missing: list[int] = []
    for line, text in lines:
        for m in _PATTERN.finditer(text):
            reason = (m.group(2) or "").strip()
            if reason:
                found[m.group(1)] = reason
            else:
                missing.append(line)
    return found, missing

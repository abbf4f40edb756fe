"""The interface every report format implements.

A reporter reads a finished, immutable ``ScanResult`` and returns bytes; it
never sees the engine or a collector.  The same inputs give the same bytes,
which is what lets ``govscan report`` re-render a bundle byte for byte.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar

from govscan.model import ScanResult


@dataclass(frozen=True)
class ReportOptions:
    lang: str = "en"
    """``en`` or ``de``."""
    sarif_include_passes: bool = False
    manifest_hash: str = ""
    """SHA-256 of the bundle's manifest when known (shown in HTML run metadata)."""


class Reporter(abc.ABC):
    format: ClassVar[str]
    """Name used with ``--format``."""
    filename: ClassVar[str]
    """File name inside the output directory."""

    @abc.abstractmethod
    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        """Render the whole report. Pure: no clock, no randomness, no I/O."""

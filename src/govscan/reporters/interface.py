"""The interface every report format implements.

A reporter reads a finished, immutable ``ScanResult`` and produces bytes; it
never sees the engine or a collector.  The same inputs give the same bytes,
which is what lets ``govscan report`` re-render a bundle byte for byte.

A reporter implements ``render`` (the whole report as bytes) or ``write`` (the
report streamed into a file); the built-in formats stream, so a report of a
million results never exists in memory at once.
"""

from __future__ import annotations

import abc
import io
from dataclasses import dataclass
from typing import IO, Any, ClassVar

from govscan.model import ScanResult
from govscan.results.soa_rows import AttestationRecord
from govscan.results.trend import TrendData


@dataclass(frozen=True)
class ReportOptions:
    lang: str = "en"
    """``en`` or ``de``."""
    sarif_include_passes: bool = False
    manifest_hash: str = ""
    """SHA-256 of the bundle's manifest when known (shown in HTML run metadata)."""
    results_sha256: str = ""
    """SHA-256 of the results.json written beside the report, when known (cited by
    OSCAL); otherwise the reporter serialises the results to compute it."""
    trend: TrendData | None = None
    """The history's trend for the HTML report (trend.json in the bundle), if any."""
    attestations: tuple[AttestationRecord, ...] = ()
    """The bundle's attestations.json as read back, for the owner, review date and
    evidence files of the PDF report's Statement of Applicability."""


class Reporter(abc.ABC):
    format: ClassVar[str]
    """Name used with ``--format``."""
    filename: ClassVar[str]
    """File name inside the output directory."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.render is Reporter.render and cls.write is Reporter.write:
            raise TypeError(f"reporter {cls.__name__} must implement render() or write()")

    @classmethod
    def unavailable(cls) -> str | None:
        """Why this format cannot be rendered here (a missing optional package), or None.
        Asked when formats are chosen, so a scan stops before it starts."""
        return None

    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        """Render the whole report. Pure: no clock, no randomness, no I/O."""
        buf = io.BytesIO()
        self.write(scan, options, buf)
        return buf.getvalue()

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        """Write the report to ``fp``; the same bytes as :meth:`render`."""
        fp.write(self.render(scan, options))

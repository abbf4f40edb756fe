"""results.json: the contract document every scan writes."""

from __future__ import annotations

from typing import ClassVar

from govscan.model import ScanResult
from govscan.reporters.interface import Reporter, ReportOptions


class JsonReporter(Reporter):
    format: ClassVar[str] = "json"
    filename: ClassVar[str] = "results.json"

    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        from govscan.evidence.files import results_bytes

        return results_bytes(scan)

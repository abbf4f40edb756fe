"""results.json: the contract document every scan writes."""

from __future__ import annotations

from typing import IO, ClassVar

from govscan.evidence.files import write_results
from govscan.model import ScanResult
from govscan.reporters.interface import Reporter, ReportOptions


class JsonReporter(Reporter):
    format: ClassVar[str] = "json"
    filename: ClassVar[str] = "results.json"

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        write_results(scan, fp)

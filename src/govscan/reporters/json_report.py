"""results.json: the contract document every scan writes."""

from __future__ import annotations

from typing import ClassVar

from govscan.model import ScanResult
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.serialize import dumps, scan_to_dict


class JsonReporter(Reporter):
    format: ClassVar[str] = "json"
    filename: ClassVar[str] = "results.json"

    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        return dumps(scan_to_dict(scan)).encode("utf-8")

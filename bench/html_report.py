"""HTML report benchmark: render 50,000 results, print time and size.

python bench/html_report.py [--results N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reporters.sample_scan import sample_scan

from govscan.model import ResourceRef, Result, Severity, Status
from govscan.reporters.html import HtmlReporter
from govscan.reporters.interface import ReportOptions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", type=int, default=50_000)
    n = ap.parse_args().results
    statuses = [Status.PASS, Status.FAIL, Status.PASS, Status.NOT_APPLICABLE, Status.ERROR]
    results = tuple(
        Result(
            "aws.ebs.volume-encrypted",
            "EBS volumes are encrypted at rest",
            Severity.HIGH,
            statuses[i % 5],
            ResourceRef(
                "aws.ec2.volume",
                f"arn:aws:ec2:eu-central-1:123456789012:volume/v{i}",
                f"v{i}",
                "aws",
                "123456789012",
                "eu-central-1",
            ),
            {"nist-800-53-r5": ("SC-28",), "dsgvo": ("Art. 32(1)(a)",)},
            message=f"Volume v{i} is not encrypted",
        )
        for i in range(n)
    )
    scan = replace(sample_scan(), results=results)
    t0 = time.perf_counter()
    body = HtmlReporter().render(scan, ReportOptions())
    elapsed = time.perf_counter() - t0
    print(
        json.dumps(
            {"results": n, "seconds": round(elapsed, 2), "size_mb": round(len(body) / 1e6, 1)}
        )
    )


if __name__ == "__main__":
    main()

"""GitLab Code Quality report (``gl-code-quality-report.json``) for merge requests.

GitLab reads a JSON array of issues, each with a description, a check name, a
fingerprint, a severity and a location in a file, and shows in a merge request
the issues whose fingerprints the target branch's report did not have.

- Only ``fail`` and ``error`` results are issues: a pass is no issue, and a
  waived result is an accepted risk, not a change to review.
- The fingerprint is govscan's finding fingerprint, so GitLab recognises a
  finding across pipelines exactly as a baseline or the history does.
- GitLab needs a file for every issue. Results without one (cloud resources,
  scopes that could not be collected) are left out rather than attached to an
  invented path: a merge request view of a file that does not exist helps
  nobody, and those results are in the bundle and the other reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, ClassVar

from govscan.model import Result, ScanResult, Severity, Status
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.reporters.sarif import fingerprint
from govscan.serialize import Encoded, encode_compact, write_json

SEVERITY = {
    Severity.INFO: "info",
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}
"""govscan's five severities onto GitLab's five, in order."""

_ISSUE_STATUSES = frozenset({Status.FAIL, Status.ERROR})


def issue(r: Result) -> dict[str, object] | None:
    """One Code Quality issue for ``r``; ``None`` when it has no file to point at."""
    loc = r.resource.location
    if r.status not in _ISSUE_STATUSES or loc is None or not loc.path:
        return None
    text = r.message or r.title
    if r.status is Status.ERROR:
        text = f"Could not be evaluated: {text}"
    lines: dict[str, int] = {"begin": max(loc.line, 1)}
    if loc.end_line is not None and loc.end_line >= lines["begin"]:
        lines["end"] = loc.end_line
    return {
        "type": "issue",
        "description": text,
        "check_name": r.control_id,
        "categories": ["Security"],
        "fingerprint": fingerprint(r),
        "severity": SEVERITY[r.severity],
        # GitLab resolves the path against the repository root and wants no "./".
        "location": {"path": loc.path.removeprefix("./"), "lines": lines},
    }


def _issues(scan: ScanResult) -> Iterator[str]:
    # GitLab shows only the first issue of a fingerprint; a second one would vanish.
    seen: set[str] = set()
    for r in scan.results.select(_ISSUE_STATUSES):
        found = issue(r)
        if found is None or found["fingerprint"] in seen:
            continue
        seen.add(str(found["fingerprint"]))
        yield encode_compact(found)


class GitlabReporter(Reporter):
    format: ClassVar[str] = "gitlab"
    filename: ClassVar[str] = "gl-code-quality-report.json"

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        write_json(fp, Encoded(_issues(scan)))

"""The framework table of the Markdown summary: per framework its score and
how many requirements are automated, attested, not applicable or a gap.

Read from :func:`govscan.results.scoring.scan_frameworks`, like every other
view, so an attested or declared requirement is never counted as a gap here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from govscan.model import ScanResult
from govscan.results.coverage import COVERAGE_ORDER, Coverage
from govscan.results.scoring import CatalogFramework, FrameworkScore, scan_frameworks

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "frameworks": "Frameworks",
        "framework": "Framework",
        "score": "Score",
        "attested_in_score": "attested",
        Coverage.AUTOMATED: "automated",
        Coverage.ATTESTED: "attested",
        Coverage.NOT_APPLICABLE: "not applicable",
        Coverage.GAP: "gap",
    },
    "de": {
        "frameworks": "Regelwerke",
        "framework": "Regelwerk",
        "score": "Erfüllungsgrad",
        "attested_in_score": "attestiert",
        Coverage.AUTOMATED: "automatisiert",
        Coverage.ATTESTED: "attestiert",
        Coverage.NOT_APPLICABLE: "nicht anwendbar",
        Coverage.GAP: "Lücke",
    },
}


def _score(fw: FrameworkScore, t: Mapping[str, str]) -> str:
    if not fw.assessed:
        return "—"
    attested = f", {t['attested_in_score']} {fw.attested}" if fw.attested else ""
    return f"{round(100 * fw.ratio)} % ({fw.passed}/{fw.assessed}{attested})"


def framework_lines(
    scan: ScanResult, lang: str, catalogs: Mapping[str, CatalogFramework] | None = None
) -> list[str]:
    """The section's lines; none when nothing in the run answers any framework."""
    if catalogs is None:
        from govscan.catalog.frameworks import load_frameworks

        catalogs = load_frameworks()
    t = _LABELS.get(lang, _LABELS["en"])
    scored = [fw for fw in scan_frameworks(scan, catalogs) if fw.covered]
    if not scored:
        return []
    header = [t["framework"], t["score"], *(t[s] for s in COVERAGE_ORDER)]
    out = [f"### {t['frameworks']}", "", "| " + " | ".join(header) + " |"]
    out.append("|---|---:|" + "---:|" * len(COVERAGE_ORDER))
    for fw in scored:
        counts = Counter(r.coverage for r in fw.requirements)
        cells = [f"`{fw.key}`", _score(fw, t), *(str(counts[s]) for s in COVERAGE_ORDER)]
        out.append("| " + " | ".join(cells) + " |")
    return [*out, ""]

"""What a scan does with ``--attestations``: results into the spool, attestations.json
into the bundle's directory (before the manifest, which then covers it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from govscan.attest.evaluate import attestations_bytes, judge_all, to_result
from govscan.attest.load import load_attestations
from govscan.evidence.files import ATTESTATIONS
from govscan.evidence.safeio import write_new


def add_attestations(root: Path | None, as_of: date, results: Any, out_dir: Path) -> None:
    """Judge the attestations in ``root`` (none: nothing) and add one result each to
    ``results`` (anything with ``add(result)``)."""
    if root is None:
        return
    judged = judge_all(load_attestations(root), as_of)
    for j in judged:
        results.add(to_result(j))
    write_new(out_dir / ATTESTATIONS, attestations_bytes(judged))

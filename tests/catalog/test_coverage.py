"""Framework mappings of the packaged controls: how far they reach, that every id
exists, and that docs/frameworks.md gives the reason for every new mapping."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from govscan.catalog.frameworks import load_frameworks
from govscan.paths import content_dir

DOCS = Path(__file__).resolve().parents[2] / "docs" / "frameworks.md"
ISO = "iso27001-2022"
CSF = "nist-csf-2.0"


def _ids(text: str) -> set[str]:
    return set(text.split())


ESTABLISHED = {
    ISO: _ids(
        "A.5.3 A.5.9 A.5.14 A.5.15 A.5.16 A.5.17 A.5.18 A.5.19 A.5.20 A.5.21 A.5.22 A.5.23 "
        "A.5.24 A.5.25 A.5.30 A.5.33 A.5.34 A.6.8 A.8.2 A.8.3 A.8.5 A.8.7 A.8.8 A.8.9 A.8.10 "
        "A.8.11 A.8.12 A.8.13 A.8.14 A.8.15 A.8.16 A.8.20 A.8.21 A.8.22 A.8.24 A.8.25 A.8.28 "
        "A.8.32"
    ),
    CSF: _ids(
        "DE.AE-06 DE.CM-01 DE.CM-09 ID.AM-08 ID.RA-01 ID.RA-08 ID.RA-09 PR.AA-01 PR.AA-03 "
        "PR.AA-05 PR.DS-01 PR.DS-02 PR.DS-10 PR.DS-11 PR.IR-01 PR.IR-03 PR.PS-01 PR.PS-02 "
        "PR.PS-04 PR.PS-06 RS.CO-02"
    ),
}
"""Requirements mapped before docs/frameworks.md gave a reason per mapping; any
other requirement a control maps to needs a row in its table."""


def _mappings() -> dict[tuple[str, str], set[str]]:
    """(framework, requirement) -> ids of the packaged controls mapping to it."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(content_dir("controls").rglob("*.yaml")):
        if path.name.endswith(".test.yaml"):
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "id" not in doc:
            continue
        for key, ids in (doc.get("frameworks") or {}).items():
            for rid in ids:
                out[(key, str(rid))].add(doc["id"])
    return out


def _doc_rows() -> dict[tuple[str, str], tuple[set[str], str]]:
    rows: dict[tuple[str, str], tuple[set[str], str]] = {}
    section = DOCS.read_text(encoding="utf-8").split("## Why each mapping", 1)[1]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("framework", "---"):
            continue
        key, rid, controls, why = cells
        assert (key, rid) not in rows, f"two rows for {key} {rid}"
        rows[(key, rid)] = ({c.strip() for c in controls.split(",") if c.strip()}, why)
    return rows


MAPPINGS = _mappings()


def _automated(key: str, prefix: str = "") -> tuple[int, int]:
    reqs = [r.id for r in load_frameworks()[key].requirements if r.id.startswith(prefix)]
    return sum(1 for rid in reqs if MAPPINGS.get((key, rid))), len(reqs)


def test_iso_annex_a_reaches_45_of_93() -> None:
    covered, total = _automated(ISO, "A.")
    assert total == 93
    assert covered >= 45, f"{covered} of {total} Annex A controls have an automated control"


def test_csf_reaches_50_of_106() -> None:
    covered, total = _automated(CSF)
    assert total == 106
    assert covered >= 50, f"{covered} of {total} CSF subcategories have an automated control"


def test_every_mapped_id_exists_in_its_catalog() -> None:
    catalogs = {k: {r.id for r in fw.requirements} for k, fw in load_frameworks().items()}
    unknown = sorted(
        f"{key} {rid}" for key, rid in MAPPINGS if key not in catalogs or rid not in catalogs[key]
    )
    assert not unknown, unknown


def test_every_new_mapping_has_a_reason_naming_all_its_controls() -> None:
    rows = _doc_rows()
    missing = []
    for (key, rid), controls in sorted(MAPPINGS.items()):
        if key not in ESTABLISHED or rid in ESTABLISHED[key]:
            continue
        named = rows.get((key, rid), (set(), ""))[0]
        if controls - named:
            missing.append(f"{key} {rid}: {', '.join(sorted(controls - named))}")
    assert not missing, "docs/frameworks.md gives no reason for: " + "; ".join(missing)


def test_reason_rows_describe_real_mappings() -> None:
    rows = _doc_rows()
    assert len(rows) >= 30
    for (key, rid), (controls, why) in rows.items():
        assert controls, f"{key} {rid}: no controls"
        assert len(why) > 20 and why.endswith("."), f"{key} {rid}: no reasoning sentence"
        assert controls <= MAPPINGS.get((key, rid), set()), (
            f"{key} {rid}: row names controls that do not map to it: "
            f"{sorted(controls - MAPPINGS.get((key, rid), set()))}"
        )


def test_the_table_is_read() -> None:
    # A row the parser skipped would make the reason checks vacuous.
    controls, why = _doc_rows()[(CSF, "ID.AM-01")]
    assert controls == {"aws.config.recorder-enabled"}
    assert "inventory" in why

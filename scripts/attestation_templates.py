"""Write the attestation templates in examples/attestations/: one per ISO 27001:2022
Annex A control and BSI C5:2020 requirement that no packaged control automates.

    .venv/bin/python scripts/attestation_templates.py [OUT_DIR]

Ids and titles come from govscan's packaged framework catalogs only. Each
template's placeholders (``<owner role>``) make ``govscan validate`` fail with
file:line until they are filled in. Rerun after controls gain mappings: the
folders per framework are rewritten, anything else in OUT_DIR is left alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.frameworks import load_frameworks
from govscan.collectors.declared import resource_types

FRAMEWORKS = {"iso27001-2022": "A.", "bsi-c5-2020": ""}
"""Framework key -> prefix of the requirement ids that get templates (Annex A only)."""
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "examples" / "attestations"

TEMPLATE = """\
# Attestation template: {key} {rid} ({title}).
# No packaged govscan control judges this requirement from collected data, so it
# is answered by people. Replace every <placeholder>, keep the evidence entries
# that apply, and put the file into your attestations folder
# (govscan scan --attestations DIR). Evidence files lie inside that folder.
id: {aid}
title: {title}
requirements:
  {key}: ["{rid}"]
statement: <what is in place, in your own words>
owner: <owner role>
evidence:
  - link: <URL where the evidence is kept>
  - file: <path of an evidence file, relative to the attestations folder>
    sha256: <SHA-256 of that file (sha256sum FILE)>
reviewed: <YYYY-MM-DD of the last review>
valid_until: <YYYY-MM-DD after which it must be reviewed again>
method: examine
"""


def template_id(key: str, rid: str) -> str:
    return f"{key}-{rid}".lower().replace(" ", "-")


def automated(key: str) -> set[str]:
    controls, _ = load_control_dirs([], resource_types=resource_types())
    return {rid for c in controls.controls.values() for rid in c.frameworks.get(key, ())}


def write_templates(out: Path) -> dict[str, int]:
    catalogs = load_frameworks()
    written: dict[str, int] = {}
    for key, prefix in FRAMEWORKS.items():
        folder = out / key
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.yaml"):
            old.unlink()
        covered = automated(key)
        n = 0
        for req in catalogs[key].requirements:
            if req.id in covered or not req.id.startswith(prefix):
                continue
            aid = template_id(key, req.id)
            text = TEMPLATE.format(key=key, rid=req.id, title=req.title, aid=aid)
            (folder / f"{aid}.yaml").write_text(text, encoding="utf-8")
            n += 1
        written[key] = n
    return written


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    for key, n in write_templates(out).items():
        print(f"{key}: {n} templates in {out / key}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Read an attestations directory: every ``*.yaml`` in it, validated, as attestations.

Only the directory's own YAML files are attestations; subdirectories hold their
evidence. Every problem in every file is reported at once.
"""

from __future__ import annotations

from pathlib import Path

from govscan.attest.model import Attestation, EvidenceFile
from govscan.attest.validate import parse_date, validate_attestation_document
from govscan.catalog.yamlsource import YamlDocument, YamlSyntaxError, load_yaml
from govscan.errors import Problem, UsageError, ValidationError

MAX_ATTESTATION_FILES = 5000
"""Far above any organisation's requirement count; bounds what a hostile tree costs."""


def attestation_files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise UsageError(f"attestations: '{root}' is not a directory")
    files = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))
    if len(files) > MAX_ATTESTATION_FILES:
        raise UsageError(f"attestations: '{root}' holds more than {MAX_ATTESTATION_FILES} files")
    return files


def validate_attestation_file(path: Path, root: Path) -> tuple[YamlDocument | None, list[Problem]]:
    try:
        doc = load_yaml(path, str(path), root=root)
    except YamlSyntaxError as exc:
        return None, [exc.problem]
    return doc, validate_attestation_document(doc, root)


def load_attestations(root: Path) -> list[Attestation]:
    """The attestations in ``root``; raises ``ValidationError`` with every problem."""
    problems: list[Problem] = []
    out: list[Attestation] = []
    seen: dict[str, str] = {}
    for path in attestation_files(root):
        doc, found = validate_attestation_file(path, root)
        problems.extend(found)
        if doc is None or found:
            continue
        att = _attestation(doc, root)
        if att.id in seen:
            problems.append(doc.problem(("id",), f"id '{att.id}' is also used by {seen[att.id]}"))
            continue
        seen[att.id] = doc.path
        out.append(att)
    if problems:
        raise ValidationError(problems)
    return out


def _attestation(doc: YamlDocument, root: Path) -> Attestation:
    # Only called on a document that validated: every field has its shape.
    data = doc.data
    evidence = data["evidence"]
    reviewed, until = parse_date(data["reviewed"]), parse_date(data["valid_until"])
    assert reviewed is not None and until is not None
    return Attestation(
        id=data["id"],
        title=data["title"].strip(),
        requirements={k: tuple(v.strip() for v in ids) for k, ids in data["requirements"].items()},
        statement=data["statement"].strip(),
        owner=data["owner"].strip(),
        links=tuple(e["link"] for e in evidence if "link" in e),
        files=tuple(EvidenceFile(e["file"], e["sha256"]) for e in evidence if "file" in e),
        reviewed=reviewed,
        valid_until=until,
        method=data.get("method", "examine"),
        source=doc.path,
        root=root,
    )

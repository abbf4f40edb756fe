"""``govscan validate``: every problem in every given file, at once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from govscan.catalog.controls import is_control_test
from govscan.catalog.yamlsource import YamlDocument, YamlSyntaxError, load_yaml
from govscan.errors import GovscanError, Problem, ValidationError
from govscan.paths import content_dir

_POLICY_HINTS = {"select", "extends", "waivers", "parameters", "exclude", "severity"}


def _kind(doc: YamlDocument, path: Path) -> str:
    data = doc.data
    parts = set(path.parts)
    if isinstance(data, dict):
        if "processors" in data:
            return "registry"
        if "activities" in data:
            return "records"
        if "statement" in data and "valid_until" in data:
            return "attestation"
        if "check" in data or "resource" in data:
            return "control"
        if _POLICY_HINTS & set(data) or "policies" in parts:
            return "policy"
    if "policies" in parts:
        return "policy"
    return "control"


def _files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    out: list[Path] = []
    missing: list[Problem] = []
    for p in paths:
        if p.is_dir():
            # Control tests (*.test.yaml) are checked by `govscan test`, not here.
            out.extend(
                sorted(
                    x
                    for x in p.rglob("*")
                    if x.suffix in (".yaml", ".yml") and not x.is_dir() and not is_control_test(x)
                )
            )
        elif p.is_file():
            out.append(p)
        else:
            missing.append(Problem(str(p), 1, 1, "no such file or folder"))
    return out, missing


def validate_paths(paths: Sequence[Path]) -> tuple[list[Problem], dict[str, int]]:
    from govscan.catalog.controls import display_path as _display
    from govscan.catalog.controls import load_control_dirs, validate_control_documents
    from govscan.catalog.policies import load_policy, validate_policy_document
    from govscan.collectors.declared import resource_types

    if not paths:
        paths = [content_dir("controls"), content_dir("policies")]
    files, problems = _files(paths)
    counts = {"controls": 0, "policies": 0, "registries": 0, "records": 0, "attestations": 0}
    docs: dict[str, list[tuple[Path, YamlDocument]]] = {
        "control": [],
        "policy": [],
        "registry": [],
        "records": [],
        "attestation": [],
    }
    for f in files:
        try:
            doc = load_yaml(f, _display(f))
        except YamlSyntaxError as exc:
            problems.append(exc.problem)
            counts["controls" if "policies" not in f.parts else "policies"] += 1
            continue
        docs[_kind(doc, f)].append((f, doc))

    types = resource_types()
    controls, found = validate_control_documents((d for _, d in docs["control"]), types)
    problems.extend(found)
    counts["controls"] += len(docs["control"])
    builtin, _ = load_control_dirs([], resource_types=types)
    # Old ids (``replaces``) stay valid names for waivers and selections.
    known = builtin.known_ids() | {i for c in controls for i in (c.id, *c.replaces)}
    for path, doc in docs["policy"]:
        counts["policies"] += 1
        found = validate_policy_document(doc, known)
        if found:
            problems.extend(found)
            continue
        try:
            load_policy(str(path), known_controls=known)
        except ValidationError as exc:
            problems.extend(exc.problems)
        except GovscanError as exc:
            problems.append(Problem(doc.path, 1, 1, exc.message))
    for kind, label in (("registry", "registries"), ("records", "records")):
        for _, doc in docs[kind]:
            counts[label] += 1
            problems.extend(_validate_registry_like(kind, doc))
    problems.extend(_validate_attestations(docs["attestation"], counts))
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.message))
    return list(dict.fromkeys(problems)), counts


def _validate_attestations(
    docs: Sequence[tuple[Path, YamlDocument]], counts: dict[str, int]
) -> list[Problem]:
    from govscan.attest.validate import validate_attestation_document

    found: list[Problem] = []
    for path, doc in docs:
        counts["attestations"] += 1
        # Evidence files are relative to the attestation's own directory.
        found.extend(validate_attestation_document(doc, path.parent))
    return found


def _validate_registry_like(kind: str, doc: YamlDocument) -> list[Problem]:
    import importlib

    try:
        module = importlib.import_module("govscan.collectors.registry.validate")
    except ImportError:
        return [doc.problem((), f"{kind} files cannot be validated by this installation")]
    found: list[Problem] = module.validate_document(kind, doc)
    return found

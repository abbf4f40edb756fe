"""Validate one attestation file: its JSON Schema, then what a schema cannot say.

Like policies (``catalog.policy_validate``), every problem is reported at once
with its position: requirement ids that are not in the packaged catalogs,
dates that are not calendar dates, evidence that is neither a link nor a
hashed file, file paths that could leave the attestations directory, and
template placeholders (``<owner role>``) still waiting to be filled in.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from govscan.catalog.schema_problems import Wording, json_view, non_string_keys, schema_problems
from govscan.catalog.yamlsource import Pointer, YamlDocument
from govscan.errors import Problem
from govscan.fileread import inside
from govscan.paths import data_dir

if TYPE_CHECKING:
    import jsonschema

PLACEHOLDER = re.compile(r"<[^<>\n]{1,80}>")
"""How templates mark what a user must fill in: ``<owner role>``, ``<YYYY-MM-DD>``."""

_DATES = ("reviewed", "valid_until")


def _noun(ptr: Pointer) -> str | None:
    if not ptr:
        return "attestation"
    if len(ptr) == 2 and ptr[0] == "evidence":
        return "evidence entry"
    return None


WORDING = Wording(
    noun=_noun,
    enums={
        ("examine", "interview", "test"): "bad method '{value}'; expected one of {options}",
    },
    patterns={
        r"\S": "{name} must not be empty",
        "^[0-9a-f]{64}$": "{name} must be the file's lower-case hex SHA-256, got {value}",
        "^https?://\\S+$": "{name} must be an http or https URL, got {value}",
        "^[a-z0-9][a-z0-9._-]*$": "{name} must be lower-case letters, digits, '.', '_' "
        "or '-', got {value}",
    },
)


@cache
def attestation_schema() -> dict[str, Any]:
    path = data_dir() / "schemas" / "attestation.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    validator: jsonschema.protocols.Validator = jsonschema.Draft202012Validator(
        attestation_schema()
    )
    return validator


def parse_date(value: Any) -> date | None:
    """A YAML date or a quoted ``YYYY-MM-DD``; None for anything else (timestamps too)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _date_view(ptr: Pointer, value: Any) -> Any:
    if len(ptr) == 1 and ptr[0] in _DATES and isinstance(value, date):
        return value.isoformat()
    return None


def validate_attestation_document(doc: YamlDocument, root: Path) -> list[Problem]:
    """Every problem in one attestation file; ``root`` is its attestations directory."""
    problems = list(doc.duplicates)
    data = doc.data
    if not isinstance(data, dict):
        return [*problems, doc.problem((), "an attestation file must be a YAML mapping")]
    problems.extend(non_string_keys(doc))
    placeholders = list(_placeholders(doc, data, ()))
    problems.extend(placeholders)
    unfilled = {doc.where(ptr) for ptr in _placeholder_ptrs(data, ())}
    errors = _validator().iter_errors(json_view(data, _date_view))
    problems.extend(
        p for p in schema_problems(doc, errors, WORDING) if (p.line, p.col) not in unfilled
    )
    problems.extend(_semantic(doc, data, root, unfilled))
    return sorted(dict.fromkeys(problems), key=lambda p: (p.line, p.col, p.message))


def _placeholder_ptrs(node: Any, ptr: Pointer) -> Iterator[Pointer]:
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(k, str):
                yield from _placeholder_ptrs(v, (*ptr, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _placeholder_ptrs(v, (*ptr, i))
    elif isinstance(node, str) and PLACEHOLDER.search(node):
        yield ptr


def _placeholders(doc: YamlDocument, data: Any, ptr: Pointer) -> Iterator[Problem]:
    for at in _placeholder_ptrs(data, ptr):
        value = doc_value(data, at)
        found = PLACEHOLDER.search(value)
        assert found is not None
        yield doc.problem(at, f"placeholder '{found.group(0)}' is not filled in")


def doc_value(data: Any, ptr: Pointer) -> Any:
    for part in ptr:
        data = data[part]
    return data


def _semantic(
    doc: YamlDocument, data: dict[Any, Any], root: Path, unfilled: set[tuple[int, int]]
) -> Iterator[Problem]:
    def fresh(ptr: Pointer) -> bool:
        return doc.where(ptr) not in unfilled

    for key in _DATES:
        value = data.get(key)
        if isinstance(value, str | date) and parse_date(value) is None and fresh((key,)):
            yield doc.problem((key,), f"'{key}' must be a date (YYYY-MM-DD), got {value}")
    reviewed, until = parse_date(data.get("reviewed")), parse_date(data.get("valid_until"))
    if reviewed and until and until < reviewed:
        yield doc.problem(("valid_until",), "'valid_until' is before 'reviewed'")
    yield from _requirements(doc, data.get("requirements"), fresh)
    evidence = data.get("evidence")
    if isinstance(evidence, list):
        for i, item in enumerate(evidence):
            if isinstance(item, dict):
                yield from _evidence(doc, ("evidence", i), item, root, fresh)


def _requirements(doc: YamlDocument, value: Any, fresh: Any) -> Iterator[Problem]:
    from govscan.catalog.frameworks import load_frameworks

    if not isinstance(value, dict):
        return
    fws = load_frameworks()
    for key, ids in value.items():
        if not isinstance(key, str):
            continue
        if key not in fws:
            yield doc.problem(("requirements", key), f"unknown framework key '{key}'", key=True)
            continue
        for i, req in enumerate(ids if isinstance(ids, list) else ()):
            at = ("requirements", key, i)
            if isinstance(req, str) and req.strip() and fresh(at) and not fws[key].has(req.strip()):
                close = fws[key].closest(req.strip(), 1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yield doc.problem(at, f"requirement '{req}' is not in the {key} catalog{hint}")


def _evidence(
    doc: YamlDocument, ptr: Pointer, item: dict[Any, Any], root: Path, fresh: Any
) -> Iterator[Problem]:
    has_link, has_file = "link" in item, "file" in item
    if has_link and has_file:
        yield doc.problem(ptr, "an evidence entry is either a 'link' or a 'file', not both")
    elif has_file and "sha256" not in item:
        yield doc.problem(ptr, "an evidence 'file' needs its 'sha256'")
    elif has_link and "sha256" in item:
        yield doc.problem((*ptr, "sha256"), "'sha256' belongs to a 'file', not a 'link'")
    elif not has_link and not has_file:
        yield doc.problem(ptr, "an evidence entry needs a 'link' or a 'file'")
    name = item.get("file")
    if isinstance(name, str) and name.strip() and fresh((*ptr, "file")):
        reason = unsafe_path(root, name)
        if reason:
            yield doc.problem((*ptr, "file"), f"evidence file '{name}' {reason}")


def unsafe_path(root: Path, name: str) -> str:
    """Why an evidence path may not be used (empty when it may): it must stay inside
    the attestations directory by its words and, where it exists, by its real path."""
    if "\\" in name or "\x00" in name:
        return "must use '/' separators"
    rel = PurePosixPath(name)
    if rel.is_absolute() or name.startswith("~"):
        return "must be relative to the attestations directory"
    if ".." in rel.parts:
        return "must not leave the attestations directory ('..')"
    path = root / rel
    if os.path.lexists(path) and not inside(Path(os.path.realpath(root)), path):
        return "is a symbolic link that leads outside the attestations directory"
    return ""

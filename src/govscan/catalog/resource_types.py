"""The catalog of resource types and their documented fields.

Each provider's types live in ``data/resource_types/<provider>.yaml``; a
collector plugin may add more through ``Collector.resource_types``.  The
validator uses it to reject unknown types and paths into fields no collector
produces; the docs are generated from it.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

from govscan.datafile import load_data_yaml
from govscan.model import FieldSpec, ResourceTypeSpec
from govscan.paths import data_dir

log = logging.getLogger(__name__)


FIELD_TYPES: Mapping[str, str] = {
    "string": "a string",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
    "object": "a mapping",
    "list": "a list",
    "timestamp": "an ISO 8601 date-time string",
    "date": "an ISO 8601 date string (YYYY-MM-DD)",
    "any": "any JSON value",
}
"""The JSON types a field may be documented with.  Every field may also be null:
the collector could not tell, or the setting does not exist for this resource,
and the engine reads null as absent."""


def value_matches(field_type: str, value: Any) -> bool:
    """Whether ``value`` (JSON data: no Python dates) has the documented type."""
    if value is None or field_type == "any":
        return True
    if field_type in ("string", "timestamp", "date"):
        return isinstance(value, str)
    if field_type == "boolean":
        return isinstance(value, bool)
    if field_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if field_type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field_type == "object":
        return isinstance(value, dict)
    if field_type == "list":
        return isinstance(value, list)
    return True


def shape_problems(
    spec: ResourceTypeSpec, data: Mapping[str, Any], placeholders: Collection[str] = ()
) -> list[tuple[str, str]]:
    """(field, problem) for each top-level field of ``data`` the type does not document,
    or whose value is not of the documented JSON type.

    ``placeholders`` are fields whose value is unknown before apply: code may hold a
    stand-in of any type there (``Resource.unknown``), so only their names are checked."""
    out: list[tuple[str, str]] = []
    for name, value in data.items():
        fspec = spec.fields.get(str(name))
        if fspec is None:
            close = difflib.get_close_matches(str(name), list(spec.fields), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            out.append((str(name), f"{spec.name} has no field '{name}'{hint}"))
        elif name not in placeholders and not value_matches(fspec.type, value):
            want = FIELD_TYPES.get(fspec.type, fspec.type)
            out.append((str(name), f"{spec.name} field '{name}' is {want}, not {type_name(value)}"))
    return out


def type_name(value: Any) -> str:
    """The JSON type of a value, as the documentation names it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null" if value is None else type(value).__name__


def _fields(raw: Mapping[str, Any] | None) -> dict[str, FieldSpec]:
    return {
        str(fname): FieldSpec(str(fname), str(f.get("type", "any")), str(f.get("description", "")))
        for fname, f in (raw or {}).items()
    }


def _parse(doc: Mapping[str, Any]) -> dict[str, ResourceTypeSpec]:
    provider = str(doc.get("provider", ""))
    # Fields every type of the provider carries (region, account, name, tags), documented once.
    common = _fields(doc.get("common_fields"))
    out: dict[str, ResourceTypeSpec] = {}
    for name, spec in (doc.get("types") or {}).items():
        fields = {**common, **_fields(spec.get("fields"))}
        out[str(name)] = ResourceTypeSpec(
            name=str(name),
            provider=provider,
            description=str(spec.get("description", "")),
            regional=bool(spec.get("regional", True)),
            fields=fields,
        )
    return out


@cache
def builtin_resource_types() -> Mapping[str, ResourceTypeSpec]:
    types: dict[str, ResourceTypeSpec] = {}
    for path in sorted((data_dir() / "resource_types").glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            types.update(_parse(load_data_yaml(fh) or {}))
    return types

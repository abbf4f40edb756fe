"""JSON Schema (2020-12) of a control file, generated from the fields table, the
framework catalogs, the resource types and the condition language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govscan.catalog.case_schema import case_json_schema
from govscan.catalog.controls import FIELDS, ID_PATTERN, ORIGINS
from govscan.catalog.frameworks import load_frameworks
from govscan.catalog.resource_types import builtin_resource_types
from govscan.language.check import check_json_schema
from govscan.model import ResourceTypeSpec, Severity


def control_schema(resource_types: Mapping[str, ResourceTypeSpec] | None = None) -> dict[str, Any]:
    """JSON Schema (2020-12) of a control file, for editors and ``govscan schema control``."""

    check_schema = check_json_schema()
    check = {"$ref": "#/$defs/condition"}
    fw_props = {
        key: {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string"},
            "description": framework.title,
        }
        for key, framework in load_frameworks().items()
    }
    props: dict[str, Any] = {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "title": {"type": "string"},
        "severity": {"enum": [s.value for s in Severity]},
        "resource": {
            "enum": sorted(builtin_resource_types() if resource_types is None else resource_types)
        },
        "check": check,
        "applies_when": check,
        "frameworks": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": fw_props,
        },
        "description": {"type": "string"},
        "remediation": {"type": "string"},
        "message": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "references": {"type": "array", "items": {"type": "string"}},
        "origins": {"type": "array", "items": {"enum": list(ORIGINS)}},
        "replaces": {
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "pattern": ID_PATTERN},
        },
        "tests": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/test_case"}},
    }
    for name, (_, _, desc) in FIELDS.items():
        props[name] = {**props[name], "description": desc}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govscan.dev/schemas/control.schema.json",
        "title": "govscan control",
        "$defs": {**check_schema["$defs"], "test_case": case_json_schema()},
        "type": "object",
        "additionalProperties": False,
        "required": [n for n, (req, _, _) in FIELDS.items() if req],
        "properties": props,
    }

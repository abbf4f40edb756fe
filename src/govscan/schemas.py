"""The JSON Schemas govscan ships: controls, policies, results.json, AVV registries."""

from __future__ import annotations

import json
from typing import Any

from govscan.errors import UsageError
from govscan.paths import data_dir


def policy_schema() -> dict[str, Any]:
    from govscan.catalog.policies import PARAM_TYPES

    sev = {"enum": ["info", "low", "medium", "high", "critical"]}
    strings = {"type": "array", "items": {"type": "string"}}
    selection = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "ids": strings,
            "frameworks": strings,
            "resource_types": strings,
            "tags": strings,
            "severities": {"type": "array", "items": sev},
            "min_severity": sev,
        },
    }
    one_or_many = {"oneOf": [selection, {"type": "array", "items": selection}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govscan.dev/schemas/policy.schema.json",
        "title": "govscan policy",
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "extends": {"oneOf": [{"type": "string"}, strings]},
            "select": one_or_many,
            "exclude": one_or_many,
            "parameters": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "type": {"enum": list(PARAM_TYPES)},
                        "default": {},
                        "description": {"type": "string"},
                    },
                },
            },
            "waivers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["control", "reason", "owner"],
                    "properties": {
                        "control": {"type": "string"},
                        "resources": strings,
                        "reason": {"type": "string", "minLength": 1},
                        "owner": {"type": "string", "minLength": 1},
                        "expires": {"type": "string", "format": "date"},
                    },
                },
            },
            "severity": {"type": "object", "additionalProperties": sev},
        },
    }


def schema(kind: str) -> dict[str, Any]:
    if kind == "control":
        from govscan.catalog.controls import control_schema

        return control_schema()
    if kind == "policy":
        return policy_schema()
    path = data_dir() / "schemas" / f"{kind}.schema.json"
    if not path.is_file():
        raise UsageError(f"no schema for '{kind}'")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def schema_text(kind: str) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"

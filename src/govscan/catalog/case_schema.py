"""JSON Schema of a test case, for a control's ``tests:`` and for ``*.test.yaml`` files.

The schema gives editors the keys; whether ``data`` fits the resource type's
documented shape depends on the control and is checked by ``govscan test``.
"""

from __future__ import annotations

from typing import Any

from govscan.model import Status

STATUSES = tuple(s.value for s in Status)
"""What a case may `expect`: every result status."""

_TEXT_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
_AS_OF = {"type": "string", "description": "Judging date or date-time (a date: its end, UTC)"}


def case_json_schema() -> dict[str, Any]:
    resource = {
        "type": "object",
        "additionalProperties": False,
        "required": ["data"],
        "properties": {
            "type": {"type": "string", "description": "Defaults to the control's resource type"},
            "id": {"type": "string"},
            "name": {"type": "string"},
            "provider": {"type": "string"},
            "account": {"type": "string"},
            "region": {"type": "string"},
            "origin": {"enum": ["cloud", "code"]},
            "data": {
                "type": "object",
                "description": "Fields in the type's documented shape (data/resource_types)",
            },
            "unknown": {**_TEXT_MAP, "description": "Path -> why it is unknown before apply"},
            "unavailable": {**_TEXT_MAP, "description": "Field -> why it could not be read"},
            "suppressions": {**_TEXT_MAP, "description": "Control id or glob -> reason"},
            "tags": _TEXT_MAP,
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "resource", "expect"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "resource": resource,
            "expect": {"enum": list(STATUSES)},
            "message": {"type": "string", "description": "Substring of the result's message"},
            "undetermined": {"type": "boolean"},
            "params": {"type": "object", "description": "Policy parameter values"},
            "as_of": _AS_OF,
        },
    }


def file_json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govscan.dev/schemas/control-test.schema.json",
        "title": "govscan control test",
        "type": "object",
        "additionalProperties": False,
        "required": ["cases"],
        "properties": {
            "control": {"type": "string", "description": "Defaults to the file name"},
            "as_of": _AS_OF,
            "params": {"type": "object"},
            "cases": {"type": "array", "minItems": 1, "items": case_json_schema()},
        },
    }

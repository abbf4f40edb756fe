"""The JSON Schema of a policy file: what ``govscan schema policy`` prints and what
``govscan validate`` checks policies against.

One schema serves editors and validation, so the two cannot disagree.  What a
schema cannot say (framework keys and requirements, control ids that exist,
defaults that fit their parameter's type, expiry dates that are dates, patterns
RE2 can run) is checked in :mod:`govscan.catalog.policy_validate`.
"""

from __future__ import annotations

from typing import Any

from govscan.catalog.parameters import PARAM_TYPES
from govscan.model import Severity

NOT_BLANK = r"\S"
"""Pattern of a string with at least one non-space character."""

SEVERITIES = tuple(s.value for s in Severity)

_FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    "name": ("Policy name, as --policy and 'extends' name it", {"$ref": "#/$defs/text"}),
    "title": ("One-line title", {"type": "string"}),
    "description": ("What the policy is for", {"type": "string"}),
    "extends": (
        "Parent policies (names or relative paths) whose settings this one inherits",
        {"oneOf": [{"type": "string"}, {"$ref": "#/$defs/strings"}]},
    ),
    "select": (
        "Controls the policy takes; replaces an inherited selection",
        {"$ref": "#/$defs/selections"},
    ),
    "exclude": ("Controls the policy leaves out, even if selected", {"$ref": "#/$defs/selections"}),
    "parameters": (
        "Parameters the controls read, by name",
        {"type": "object", "additionalProperties": {"$ref": "#/$defs/parameter"}},
    ),
    "waivers": (
        "Accepted failures, each with a reason, an owner and optionally an expiry date",
        {"type": "array", "items": {"$ref": "#/$defs/waiver"}},
    ),
    "severity": (
        "Control id -> severity that replaces the control's own",
        {"type": "object", "additionalProperties": {"$ref": "#/$defs/severity"}},
    ),
    "not_applicable": (
        "Framework key -> requirement id -> why it does not apply (shown as not applicable, "
        "never as passed)",
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {"$ref": "#/$defs/text"},
            },
        },
    ),
}
POLICY_FIELDS = tuple(_FIELDS)

_SELECTION: dict[str, tuple[str, dict[str, Any]]] = {
    "ids": ("Control ids or globs (aws.s3.*)", {"$ref": "#/$defs/strings"}),
    "frameworks": (
        "Framework keys, or key:requirement (iso27001-2022:A.8.24)",
        {"$ref": "#/$defs/strings"},
    ),
    "severities": (
        "Severities taken",
        {"type": "array", "items": {"$ref": "#/$defs/severity"}},
    ),
    "min_severity": ("Lowest severity taken", {"$ref": "#/$defs/severity"}),
    "resource_types": ("Resource types or globs (aws.s3.*)", {"$ref": "#/$defs/strings"}),
    "tags": ("Control tags, any of which selects", {"$ref": "#/$defs/strings"}),
}
SELECTION_FIELDS = tuple(_SELECTION)

_WAIVER: dict[str, tuple[str, dict[str, Any]]] = {
    "control": ("Control id or glob", {"$ref": "#/$defs/text"}),
    "resources": (
        "Resource ids or names: globs, or re:<regex> in RE2 syntax; default all",
        {"$ref": "#/$defs/strings"},
    ),
    "reason": ("Why the failure is accepted", {"$ref": "#/$defs/text"}),
    "owner": ("Who accepted it", {"$ref": "#/$defs/text"}),
    "expires": (
        "Last day the waiver applies (YYYY-MM-DD)",
        {"type": "string", "format": "date"},
    ),
}
WAIVER_FIELDS = tuple(_WAIVER)
WAIVER_REQUIRED = ("control", "reason", "owner")

_PARAMETER: dict[str, tuple[str, dict[str, Any]]] = {
    "type": ("Value type; --param values are converted to it", {"enum": list(PARAM_TYPES)}),
    "default": ("Value unless --param or a child policy sets one", {}),
    "description": ("What the parameter means", {"type": "string"}),
}
PARAMETER_FIELDS = tuple(_PARAMETER)


def _properties(fields: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return {name: {**fragment, "description": desc} for name, (desc, fragment) in fields.items()}


def _mapping(
    fields: dict[str, tuple[str, dict[str, Any]]], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if required:
        out["required"] = list(required)
    out["properties"] = _properties(fields)
    return out


def policy_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a policy file."""
    selection = _mapping(_SELECTION)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govscan.dev/schemas/policy.schema.json",
        "title": "govscan policy",
        "$defs": {
            "text": {"type": "string", "pattern": NOT_BLANK},
            "strings": {"type": "array", "items": {"type": "string"}},
            "severity": {"enum": list(SEVERITIES)},
            "selection": selection,
            "selections": {
                "oneOf": [
                    {"$ref": "#/$defs/selection"},
                    {"type": "array", "items": {"$ref": "#/$defs/selection"}},
                ]
            },
            "parameter": _mapping(_PARAMETER),
            "waiver": _mapping(_WAIVER, WAIVER_REQUIRED),
        },
        **_mapping(_FIELDS, ("name",)),
    }

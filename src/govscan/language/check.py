"""Validation and JSON Schema of a condition tree (grammar: :mod:`govscan.engine.conditions`).

Validation reports every problem with its pointer and never raises; the schema
is generated from the operator table, so editors and the validator agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govscan.language.operators import OPERATORS, OpSpec, PrepareError, operator_names
from govscan.language.paths import QUANTIFIERS as _QUANTIFIERS
from govscan.language.paths import is_param as _is_param
from govscan.language.paths import path_problem as _path_problem

__all__ = ["CheckProblem", "Pointer", "check_json_schema", "validate_check"]

Pointer = tuple[str | int, ...]

_LEAF_KEYS = frozenset({"path", "op", "value"})


@dataclass(frozen=True)
class CheckProblem:
    pointer: Pointer
    message: str


# --- validation ------------------------------------------------------------------------------


def validate_check(check: object, pointer: Pointer = ()) -> list[CheckProblem]:
    """Every problem in a condition tree, each with its pointer; never raises."""
    out: list[CheckProblem] = []
    _validate(check, pointer, out)
    return out


def _validate(node: object, ptr: Pointer, out: list[CheckProblem]) -> None:
    if not isinstance(node, dict):
        out.append(CheckProblem(ptr, "a condition must be a mapping"))
        return
    keys = set(node)
    if keys & {"all", "any"}:
        kind = "all" if "all" in node else "any"
        if len(keys) != 1:
            out.append(CheckProblem(ptr, f"'{kind}' must stand alone in its mapping"))
        items = node[kind]
        if not isinstance(items, list):
            out.append(CheckProblem((*ptr, kind), f"'{kind}' takes a list of conditions"))
            return
        for i, item in enumerate(items):
            _validate(item, (*ptr, kind, i), out)
        return
    if "not" in keys:
        if len(keys) != 1:
            out.append(CheckProblem(ptr, "'not' must stand alone in its mapping"))
        inner = node["not"]
        if not isinstance(inner, dict):
            out.append(CheckProblem((*ptr, "not"), "'not' takes one condition (a mapping)"))
            return
        _validate(inner, (*ptr, "not"), out)
        return
    quant = [q for q in _QUANTIFIERS if q in keys]
    if quant:
        q = quant[0]
        extra = keys - {q, "check"}
        if extra or len(quant) > 1:
            out.append(CheckProblem(ptr, f"'{q}' takes only a path and a 'check'"))
        problem = _path_problem(node[q])
        if problem:
            out.append(CheckProblem((*ptr, q), problem))
        if "check" not in node:
            out.append(CheckProblem(ptr, f"'{q}' needs a 'check' condition for each item"))
        else:
            _validate(node["check"], (*ptr, "check"), out)
        return
    _validate_leaf(node, ptr, out)


def _validate_leaf(node: dict[str, Any], ptr: Pointer, out: list[CheckProblem]) -> None:
    for k in node:
        if k not in _LEAF_KEYS:
            out.append(
                CheckProblem(
                    (*ptr, str(k)),
                    f"unknown key '{k}' in a condition (expected path/op/value, "
                    "all, any, not, every or some)",
                )
            )
    if "path" not in node:
        out.append(CheckProblem(ptr, "a condition needs a 'path'"))
    else:
        problem = _path_problem(node["path"])
        if problem:
            out.append(CheckProblem((*ptr, "path"), problem))
    op = node.get("op")
    if op is None:
        out.append(CheckProblem(ptr, "a condition needs an 'op'"))
        return
    spec = OPERATORS.get(op) if isinstance(op, str) else None
    if spec is None:
        out.append(
            CheckProblem(
                (*ptr, "op"),
                f"unknown operator '{op}'; valid operators: {', '.join(operator_names())}",
            )
        )
        return
    if spec.unary:
        if "value" in node:
            out.append(CheckProblem((*ptr, "value"), f"operator '{op}' takes no value"))
        return
    if "value" not in node:
        out.append(CheckProblem(ptr, f"operator '{op}' needs a 'value'"))
        return
    value = node["value"]
    if _is_param(value):
        bad = set(value) - {"param", "default"}
        if bad or not isinstance(value["param"], str):
            out.append(
                CheckProblem((*ptr, "value"), "a parameter value is {param: NAME[, default: X]}")
            )
        elif "default" in value:
            _check_prepare(spec, value["default"], (*ptr, "value", "default"), out)
        return
    _check_prepare(spec, value, (*ptr, "value"), out)


def _check_prepare(spec: OpSpec, value: Any, ptr: Pointer, out: list[CheckProblem]) -> None:
    try:
        spec.prepare(value)
    except PrepareError as exc:
        out.append(CheckProblem(ptr, f"operator '{spec.name}': {exc}"))


# --- schema ----------------------------------------------------------------------------------


def check_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a condition, generated from the operator table."""
    param = {
        "type": "object",
        "required": ["param"],
        "additionalProperties": False,
        "properties": {"param": {"type": "string"}, "default": {}},
    }
    leaves: list[dict[str, Any]] = []
    for spec in (OPERATORS[n] for n in operator_names()):
        props: dict[str, Any] = {"path": {"type": "string"}, "op": {"const": spec.name}}
        required = ["path", "op"]
        if not spec.unary:
            props["value"] = {"anyOf": [dict(spec.value_schema) or {}, param]}
            required.append("value")
        leaves.append(
            {
                "type": "object",
                "description": spec.doc,
                "required": required,
                "additionalProperties": False,
                "properties": props,
            }
        )
    cond = {"$ref": "#/$defs/condition"}
    return {
        "$defs": {
            "condition": {
                "oneOf": [
                    *leaves,
                    {
                        "type": "object",
                        "required": ["all"],
                        "additionalProperties": False,
                        "properties": {"all": {"type": "array", "items": cond}},
                    },
                    {
                        "type": "object",
                        "required": ["any"],
                        "additionalProperties": False,
                        "properties": {"any": {"type": "array", "items": cond}},
                    },
                    {
                        "type": "object",
                        "required": ["not"],
                        "additionalProperties": False,
                        "properties": {"not": cond},
                    },
                    {
                        "type": "object",
                        "required": ["every", "check"],
                        "additionalProperties": False,
                        "properties": {"every": {"type": "string"}, "check": cond},
                    },
                    {
                        "type": "object",
                        "required": ["some", "check"],
                        "additionalProperties": False,
                        "properties": {"some": {"type": "string"}, "check": cond},
                    },
                ]
            }
        },
        "$ref": "#/$defs/condition",
    }

"""Validate one list of test cases (a ``*.test.yaml`` file's ``cases`` or a control's
``tests``) and build the resources they describe.

A test resource is held to its type's documented shape: a misspelled or
undocumented field, or a value of the wrong JSON type, is a located problem,
because a test that reads a field no collector fills would pass for the wrong
reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govscan.catalog.case_schema import STATUSES
from govscan.catalog.resource_types import shape_problems
from govscan.catalog.yamlsource import Pointer, YamlDocument
from govscan.controltest.model import TestCase
from govscan.errors import Problem
from govscan.model import Control, Resource, ResourceRef, ResourceTypeSpec, Status

CASE_KEYS = ("name", "resource", "expect", "message", "undetermined", "params", "as_of")
RESOURCE_KEYS = (
    "type",
    "id",
    "name",
    "provider",
    "account",
    "region",
    "origin",
    "data",
    "unknown",
    "unavailable",
    "suppressions",
    "tags",
)


@dataclass
class CaseContext:
    """What validating cases needs: the control, its type's shape and the known parameters."""

    doc: YamlDocument
    control: Control
    spec: ResourceTypeSpec
    parameters: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def problem(self, pointer: Pointer, message: str, *, key: bool = False) -> None:
        self.problems.append(self.doc.problem(pointer, message, key=key))


def json_data(value: Any) -> Any:
    """YAML data as a collector would emit it: dates become ISO strings, as in JSON."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
            return value.replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_data(v) for v in value]
    return value


def parse_as_of(ctx: CaseContext, pointer: Pointer, value: Any) -> dt.datetime | None:
    """A date means the end of that day, UTC, as ``--as-of`` does."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            ctx.problem(pointer, f"'as_of' must be a date or date-time, not {value!r}")
            return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=dt.UTC)
    ctx.problem(pointer, "'as_of' must be a date or date-time")
    return None


def parse_params(ctx: CaseContext, pointer: Pointer, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        ctx.problem(pointer, "'params' must be a mapping of parameter name to value")
        return {}
    for name in value:
        if name not in ctx.parameters:
            ctx.problem(
                (*pointer, str(name)),
                f"unknown parameter '{name}' (known: {', '.join(sorted(ctx.parameters))})",
                key=True,
            )
    return {str(k): json_data(v) for k, v in value.items()}


def _unknown_keys(ctx: CaseContext, where: Pointer, given: Mapping[Any, Any], known: Any) -> None:
    for name in given:
        if name not in known:
            ctx.problem(
                (*where, str(name)),
                f"unknown field '{name}' (valid fields: {', '.join(known)})",
                key=True,
            )


def _text_map(ctx: CaseContext, pointer: Pointer, value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        ctx.problem(pointer, f"'{what}' must be a mapping of strings to strings")
        return {}
    return dict(value)


def _field_keys(ctx: CaseContext, pointer: Pointer, keys: Mapping[str, str], what: str) -> None:
    """``unknown`` and ``unavailable`` name fields of the shape too."""
    for key in keys:
        top = key.split(".", 1)[0]
        if top not in ctx.spec.fields:
            ctx.problem(
                (*pointer, key),
                f"'{what}' names '{key}', but {ctx.spec.name} has no field '{top}'",
                key=True,
            )


def _default_provider(rtype: str, data: Mapping[str, Any]) -> str:
    # A Terraform provider block or located resource belongs to the cloud it configures.
    if rtype.startswith("terraform.") and isinstance(data.get("provider"), str):
        return str(data["provider"])
    return rtype.split(".", 1)[0]


def build_resource(ctx: CaseContext, pointer: Pointer, raw: Any, case_name: str) -> Resource | None:
    if not isinstance(raw, dict):
        ctx.problem(pointer, "'resource' must be a mapping with at least 'data'")
        return None
    before = len(ctx.problems)
    _unknown_keys(ctx, pointer, raw, RESOURCE_KEYS)
    control = ctx.control
    rtype = raw.get("type", control.resource)
    if rtype != control.resource:
        ctx.problem(
            (*pointer, "type"),
            f"{control.id} judges {control.resource}, not {rtype!r}",
        )
    data = raw.get("data")
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        ctx.problem((*pointer, "data"), "'data' must be a mapping of field names to values")
        return None
    data = json_data(data)
    unknown = _text_map(ctx, (*pointer, "unknown"), raw.get("unknown"), "unknown")
    for name, message in shape_problems(ctx.spec, data, unknown):
        # A misspelled name is pointed at; a value of the wrong type, at the value.
        ctx.problem((*pointer, "data", name), message, key=name not in ctx.spec.fields)
    unavailable = _text_map(ctx, (*pointer, "unavailable"), raw.get("unavailable"), "unavailable")
    _field_keys(ctx, (*pointer, "unknown"), unknown, "unknown")
    _field_keys(ctx, (*pointer, "unavailable"), unavailable, "unavailable")
    suppressions = _text_map(
        ctx, (*pointer, "suppressions"), raw.get("suppressions"), "suppressions"
    )
    tags = _text_map(ctx, (*pointer, "tags"), raw.get("tags"), "tags")
    origin = raw.get("origin", control.origins[0] if control.origins else "cloud")
    if origin not in control.origins:
        ctx.problem(
            (*pointer, "origin"),
            f"{control.id} judges resources of origin {', '.join(control.origins)}, not {origin!r}",
        )
    text: dict[str, str] = {}
    for key in ("id", "name", "provider", "account", "region"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            ctx.problem((*pointer, key), f"'{key}' must be a string")
        elif value is not None:
            text[key] = value
    if len(ctx.problems) > before:
        return None
    rid = text.get("id") or f"test: {case_name}"
    ref = ResourceRef(
        type=control.resource,
        id=rid,
        name=text.get("name") or str(data.get("name") or rid),
        provider=text.get("provider") or _default_provider(control.resource, data),
        account=text.get("account") or str(data.get("account_id") or ""),
        region=text.get("region") or str(data.get("region") or ""),
    )
    return Resource(
        ref=ref,
        data=data,
        unavailable=unavailable,
        unknown=unknown,
        suppressions=suppressions,
        tags=tags,
        origin=str(origin),
    )


def parse_case(
    ctx: CaseContext,
    pointer: Pointer,
    raw: Any,
    defaults: Mapping[str, Any],
) -> TestCase | None:
    """One case, or None when it has problems (recorded in ``ctx``)."""
    if not isinstance(raw, dict):
        ctx.problem(pointer, "a test case must be a mapping with name, resource and expect")
        return None
    before = len(ctx.problems)
    _unknown_keys(ctx, pointer, raw, CASE_KEYS)
    for required in ("name", "resource", "expect"):
        if required not in raw:
            ctx.problem(pointer, f"test case is missing '{required}'")
    name = raw.get("name")
    if "name" in raw and (not isinstance(name, str) or not name.strip()):
        ctx.problem((*pointer, "name"), "'name' must be a non-empty string")
    elif isinstance(name, str):
        if name in ctx.names:
            ctx.problem((*pointer, "name"), f"duplicate test case name {name!r}")
        ctx.names.add(name)
    expect = raw.get("expect")
    if "expect" in raw and expect not in STATUSES:
        ctx.problem((*pointer, "expect"), f"'expect' must be one of {', '.join(STATUSES)}")
    message = raw.get("message")
    if message is not None and not isinstance(message, str):
        ctx.problem((*pointer, "message"), "'message' must be a string")
    undetermined = raw.get("undetermined")
    if undetermined is not None and not isinstance(undetermined, bool):
        ctx.problem((*pointer, "undetermined"), "'undetermined' must be true or false")
    params = dict(defaults.get("params") or {})
    if "params" in raw:
        params.update(parse_params(ctx, (*pointer, "params"), raw["params"]))
    as_of = defaults.get("as_of")
    if "as_of" in raw:
        as_of = parse_as_of(ctx, (*pointer, "as_of"), raw["as_of"])
    resource = None
    if "resource" in raw:
        resource = build_resource(ctx, (*pointer, "resource"), raw["resource"], str(name))
    if len(ctx.problems) > before or resource is None:
        return None
    line, _ = ctx.doc.where(pointer)
    return TestCase(
        control_id=ctx.control.id,
        name=str(name),
        resource=resource,
        expect=Status(expect),
        source=f"{ctx.doc.path}:{line}",
        message=message,
        undetermined=undetermined,
        params=params,
        as_of=as_of,
    )

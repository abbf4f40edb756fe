"""Validate one policy file: its JSON Schema, then what a schema cannot say.

The schema (:mod:`govscan.catalog.policy_schema`) judges structure, types,
allowed values and required fields.  The checks here only add what depends on
the rest of the catalog or on YAML itself: framework keys and requirements,
control ids that exist (old ids a control ``replaces`` included), defaults
that fit their parameter's type, expiry dates that are calendar dates, and
resource patterns RE2 can run.  Each check skips a value the schema already
refused, so every mistake is reported once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from govscan.catalog.parameters import PARAM_TYPES, coerce_value
from govscan.catalog.policy_schema import NOT_BLANK, SEVERITIES, policy_schema
from govscan.catalog.schema_problems import (
    Wording,
    json_view,
    non_string_keys,
    schema_problems,
)
from govscan.catalog.yamlsource import Pointer, YamlDocument
from govscan.errors import Problem, UsageError
from govscan.language.patterns import PatternError, glob_matches, resource_pattern

if TYPE_CHECKING:
    import jsonschema


def _noun(ptr: Pointer) -> str | None:
    if not ptr:
        return "policy"
    if ptr[0] in ("select", "exclude"):
        return "selection"
    if ptr[0] == "waivers" and len(ptr) == 2:
        return "waiver"
    if ptr[0] == "parameters" and len(ptr) == 2:
        return "parameter"
    return None


WORDING = Wording(
    noun=_noun,
    enums={
        SEVERITIES: "bad severity '{value}'; expected one of {options}",
        PARAM_TYPES: "unknown parameter type '{value}'; expected one of {options}",
    },
    patterns={NOT_BLANK: "{name} must not be empty"},
)


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    schema = policy_schema()
    validator: jsonschema.protocols.Validator = jsonschema.Draft202012Validator(schema)
    return validator


def parse_expires(value: Any) -> date | None:
    """A waiver's expiry as a date: a YAML date or a quoted ``YYYY-MM-DD``; None otherwise.

    A timestamp is refused: it cannot be compared with the scan date."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _is_expires(ptr: Pointer) -> bool:
    return len(ptr) == 3 and ptr[0] == "waivers" and ptr[2] == "expires"


def _expires_view(ptr: Pointer, value: Any) -> Any:
    # The schema says "a date string"; YAML reads an unquoted date as a date.
    if _is_expires(ptr) and isinstance(value, date):
        return value.isoformat()
    return None


def validate_policy_document(
    doc: YamlDocument, known_controls: Iterable[str] = ()
) -> list[Problem]:
    """Every problem in one policy file (``extends`` is resolved by the loader).

    ``known_controls``: ids (and replaced old ids) that waivers and selections may
    name; empty means "do not check"."""
    problems = list(doc.duplicates)
    data = doc.data
    if not isinstance(data, dict):
        return [*problems, doc.problem((), "a policy file must be a YAML mapping")]
    problems.extend(non_string_keys(doc))
    errors = _validator().iter_errors(json_view(data, _expires_view))
    problems.extend(schema_problems(doc, errors, WORDING))
    problems.extend(_semantic(doc, data, set(known_controls)))
    return sorted(dict.fromkeys(problems), key=lambda p: (p.line, p.col, p.message))


def _dicts(value: Any, section: str) -> Iterator[tuple[Pointer, dict[Any, Any]]]:
    if isinstance(value, dict):
        yield (section,), value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield (section, i), item


def _strings(value: Any) -> Iterator[tuple[int, str]]:
    if isinstance(value, list):
        yield from ((i, v) for i, v in enumerate(value) if isinstance(v, str))


def _semantic(doc: YamlDocument, data: dict[Any, Any], known: set[str]) -> Iterator[Problem]:
    for section in ("select", "exclude"):
        for ptr, sel in _dicts(data.get(section), section):
            yield from _frameworks(doc, (*ptr, "frameworks"), sel.get("frameworks"))
            if known:
                for i, pattern in _strings(sel.get("ids")):
                    if not any(glob_matches(c, pattern) for c in known):
                        yield doc.problem((*ptr, "ids", i), f"selects no known control '{pattern}'")
    params = data.get("parameters")
    if isinstance(params, dict):
        for name, spec in params.items():
            if isinstance(name, str) and isinstance(spec, dict):
                yield from _default(doc, ("parameters", name), spec)
    yield from _not_applicable(doc, data.get("not_applicable"))
    for ptr, waiver in _dicts(data.get("waivers"), "waivers"):
        if len(ptr) == 2:
            yield from _waiver(doc, ptr, waiver, known)


def _frameworks(doc: YamlDocument, ptr: Pointer, value: Any) -> Iterator[Problem]:
    from govscan.catalog.frameworks import load_frameworks

    entries = list(_strings(value))
    if not entries:
        return
    fws = load_frameworks()
    for i, entry in entries:
        key, _, req = entry.partition(":")
        if key not in fws:
            yield doc.problem((*ptr, i), f"unknown framework key '{key}'")
        elif req and not fws[key].has(req.strip()):
            yield doc.problem((*ptr, i), f"requirement '{req.strip()}' is not in the {key} catalog")


def _not_applicable(doc: YamlDocument, value: Any) -> Iterator[Problem]:
    from govscan.catalog.frameworks import load_frameworks

    if not isinstance(value, dict):
        return
    fws = load_frameworks()
    for key, reqs in value.items():
        if not isinstance(key, str):
            continue
        if key not in fws:
            yield doc.problem(("not_applicable", key), f"unknown framework key '{key}'", key=True)
        elif isinstance(reqs, dict):
            for rid in reqs:
                if isinstance(rid, str) and not fws[key].has(rid):
                    yield doc.problem(
                        ("not_applicable", key, rid),
                        f"requirement '{rid}' is not in the {key} catalog",
                        key=True,
                    )


def _default(doc: YamlDocument, ptr: Pointer, spec: dict[Any, Any]) -> Iterator[Problem]:
    ptype = spec.get("type")
    # Without a (valid) type here the default is checked where the type is known.
    if isinstance(ptype, str) and ptype in PARAM_TYPES and "default" in spec:
        try:
            coerce_value(str(ptr[-1]), ptype, spec["default"])
        except UsageError as exc:
            yield doc.problem((*ptr, "default"), exc.message)


def _waiver(
    doc: YamlDocument, ptr: Pointer, waiver: dict[Any, Any], known: set[str]
) -> Iterator[Problem]:
    ctrl = waiver.get("control")
    if (
        isinstance(ctrl, str)
        and ctrl.strip()
        and known
        and not any(glob_matches(c, ctrl) for c in known)
    ):
        yield doc.problem((*ptr, "control"), f"waiver matches no known control '{ctrl}'")
    for i, entry in _strings(waiver.get("resources")):
        try:
            resource_pattern(entry)
        except PatternError as exc:
            kind = "regular expression" if entry.startswith("re:") else "glob"
            yield doc.problem((*ptr, "resources", i), f"bad {kind}: {exc}")
    if "expires" not in waiver:
        return
    exp = waiver["expires"]
    at = (*ptr, "expires")
    flagged = doc.where(at) in {(p.line, p.col) for p in doc.duplicates}
    # A non-string is the schema's to report; the loader reports impossible dates.
    if isinstance(exp, str | date) and parse_expires(exp) is None and not flagged:
        yield doc.problem(at, f"'expires' must be a date (YYYY-MM-DD), got {exp}")

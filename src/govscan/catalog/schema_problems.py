"""Check a YAML document against a JSON Schema and report every error at its position.

The schema sees the document as JSON.  YAML can say more than JSON (dates,
timestamps, binary, keys that are not strings), so :func:`json_view` turns the
parsed data into what the schema may judge: keys that are not strings are left
out (the caller reports them, see :func:`non_string_keys`), and a value JSON has
no type for becomes a :class:`YamlOnly`, which no schema type accepts, so
``title: 2026-01-01`` is "must be a string", never a silent date.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from govscan.catalog.yamlsource import Pointer, YamlDocument
from govscan.errors import Problem

if TYPE_CHECKING:
    import jsonschema


@dataclass(frozen=True)
class YamlOnly:
    """A YAML value with no JSON type (a date, a timestamp, binary data)."""

    value: Any

    def describe(self) -> str:
        if isinstance(self.value, datetime):
            return "a timestamp"
        if isinstance(self.value, date):
            return "a date"
        return f"a YAML {type(self.value).__name__}"


def json_view(value: Any, convert: Callable[[Pointer, Any], Any] | None = None) -> Any:
    """The document as the schema judges it.  ``convert(pointer, value)`` may give a
    YAML-only value a JSON form where the format allows it (an expiry date)."""

    def walk(node: Any, ptr: Pointer) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, (*ptr, k)) for k, v in node.items() if isinstance(k, str)}
        if isinstance(node, list):
            return [walk(v, (*ptr, i)) for i, v in enumerate(node)]
        if node is None or isinstance(node, str | int | float | bool):
            return node
        if convert is not None:
            converted = convert(ptr, node)
            if converted is not None:
                return converted
        return YamlOnly(node)

    return walk(value, ())


def non_string_keys(doc: YamlDocument) -> Iterator[Problem]:
    """Mapping keys YAML read as something else than a string (``1:``, ``yes:``, ``null:``)."""

    def walk(node: Any, ptr: Pointer) -> Iterator[Problem]:
        if isinstance(node, dict):
            for k, v in node.items():
                child = (*ptr, k if isinstance(k, str) else str(k))
                if not isinstance(k, str):
                    yield doc.problem(
                        child, f"key {k!r} must be a string (quote it: '{k}')", key=True
                    )
                yield from walk(v, child)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, (*ptr, i))

    yield from walk(doc.data, ())


@dataclass(frozen=True)
class Wording:
    """How one kind of document names its parts in messages."""

    noun: Callable[[Pointer], str | None]
    """What the mapping at a pointer is (``policy``, ``waiver``), or None."""
    enums: Mapping[tuple[Any, ...], str] = field(default_factory=dict)
    """Allowed values -> message template with ``{value}`` and ``{options}``."""
    patterns: Mapping[str, str] = field(default_factory=dict)
    """Pattern -> message template with ``{name}`` and ``{value}``."""


_TYPE_TEXT = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _shown(value: Any) -> str:
    if isinstance(value, YamlOnly):
        value = value.value
    text = str(value) if isinstance(value, str | date) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def kind_of(value: Any) -> str:
    """How a message names the type of a YAML value ("a mapping", "a number", ...)."""
    if isinstance(value, YamlOnly):
        return value.describe()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "a number"
    return "a string"


def _name(ptr: Pointer) -> str:
    """How a message names the value at ``ptr``: its key, or an entry of its list."""
    if not ptr:
        return "the document"
    last = ptr[-1]
    if isinstance(last, int):
        parent = next((p for p in reversed(ptr) if isinstance(p, str)), "")
        return f"each entry of '{parent}'" if parent else "each entry"
    return f"'{last}'"


def _expected_types(schema: Any) -> list[str]:
    wanted = schema.get("type") if isinstance(schema, dict) else None
    names = [wanted] if isinstance(wanted, str) else list(wanted or [])
    return [_TYPE_TEXT.get(n, n) for n in names]


def _branch(err: jsonschema.ValidationError) -> list[jsonschema.ValidationError] | None:
    """For a ``oneOf``/``anyOf`` error, the errors of the one alternative whose type
    fits the value (a list for a list), else None."""
    by_branch: dict[int, list[jsonschema.ValidationError]] = {}
    for sub in err.context or ():
        index = sub.relative_schema_path[0] if sub.relative_schema_path else -1
        by_branch.setdefault(int(index), []).append(sub)
    fitting = [
        errs
        for errs in by_branch.values()
        if not any(e.validator == "type" and not e.relative_path for e in errs)
    ]
    return fitting[0] if len(fitting) == 1 else None


def schema_problems(
    doc: YamlDocument, errors: Iterator[jsonschema.ValidationError], wording: Wording
) -> Iterator[Problem]:
    """Each JSON Schema error as a located, one-line problem."""
    for err in errors:
        yield from _problems(doc, err, wording)


def _problems(
    doc: YamlDocument, err: jsonschema.ValidationError, wording: Wording
) -> Iterator[Problem]:
    ptr: Pointer = tuple(err.absolute_path)
    v: Any = err.validator
    inst: Any = err.instance
    expected: Any = err.validator_value
    if v in ("oneOf", "anyOf"):
        branch = _branch(err)
        if branch is not None:
            for sub in branch:
                yield from _problems(doc, sub, wording)
            return
        types = [t for sub in err.context or () for t in _expected_types(sub.schema)]
        text = " or ".join(dict.fromkeys(types)) or "one of the allowed forms"
        yield doc.problem(ptr, f"{_name(ptr)} must be {text}, got {kind_of(inst)}")
    elif v == "required":
        noun = wording.noun(ptr) or "mapping"
        for name in expected:
            if isinstance(inst, dict) and name not in inst:
                yield doc.problem(ptr, f"a {noun} needs a non-empty '{name}'")
    elif v == "additionalProperties":
        known = list((err.schema.get("properties") or {}) if isinstance(err.schema, dict) else {})
        owner = wording.noun(ptr)
        label = f"{owner} field" if owner else "field"
        for name in inst:
            if name in known:
                continue
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield doc.problem(
                (*ptr, name),
                f"unknown {label} '{name}'{hint} (valid fields: {', '.join(known)})",
                key=True,
            )
    elif v == "type":
        names = _expected_types(err.schema)
        text = " or ".join(names)
        quote = " (quote it)" if "a string" in names and not isinstance(inst, dict | list) else ""
        if isinstance(err.schema, dict) and err.schema.get("format") == "date":
            text, quote = "a date (YYYY-MM-DD)", ""
        yield doc.problem(ptr, f"{_name(ptr)} must be {text}{quote}, got {kind_of(inst)}")
    elif v == "enum":
        options = ", ".join(str(o) for o in expected)
        template = wording.enums.get(tuple(expected), "'{value}' is not one of: {options}")
        yield doc.problem(ptr, template.format(value=_shown(inst), options=options))
    elif v == "pattern":
        template = wording.patterns.get(str(expected), "{name} must match {pattern}, got {value}")
        text = template.format(name=_name(ptr), value=repr(_shown(inst)), pattern=expected)
        yield doc.problem(ptr, text)
    elif v in ("minItems", "minLength", "minProperties"):
        yield doc.problem(ptr, f"{_name(ptr)} must not be empty")
    elif v == "uniqueItems":
        yield doc.problem(ptr, f"{_name(ptr)} lists the same item twice")
    else:
        yield doc.problem(ptr, " ".join(err.message.split())[:200])

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
    paths: bool = False
    """Start each message with the value's path (``processors[0].contract.ends: ...``):
    for long nested documents, where a key alone does not say which entry is meant."""
    condition: Callable[[Any], str] | None = None
    """For a field required by an ``if``/``then``: why, from the mapping that lacks it."""


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


def path_text(pointer: Pointer) -> str:
    """``processors[0].contract.ends``; ``document`` for the root."""
    out = ""
    for part in pointer:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "document"


class _Located:
    """Makes each problem at its position, prefixed with its path when the wording asks."""

    def __init__(self, doc: YamlDocument, wording: Wording) -> None:
        self.doc = doc
        self.paths = wording.paths

    def name(self, ptr: Pointer) -> str:
        return "" if self.paths else _name(ptr)

    def problem(self, ptr: Pointer, message: str, *, key: bool = False) -> Problem:
        message = message.lstrip()  # a message that starts with an empty name
        if self.paths:
            message = f"{path_text(ptr)}: {message}"
            key = key or (bool(ptr) and isinstance(ptr[-1], str))
        return self.doc.problem(ptr, message, key=key)


def schema_problems(
    doc: YamlDocument, errors: Iterator[jsonschema.ValidationError], wording: Wording
) -> Iterator[Problem]:
    """Each JSON Schema error as a located, one-line problem."""
    at = _Located(doc, wording)
    for err in errors:
        yield from _problems(at, err, wording)


def _problems(at: _Located, err: jsonschema.ValidationError, wording: Wording) -> Iterator[Problem]:
    ptr: Pointer = tuple(err.absolute_path)
    v: Any = err.validator
    inst: Any = err.instance
    expected: Any = err.validator_value
    name = at.name(ptr)
    if v in ("oneOf", "anyOf"):
        branch = _branch(err)
        if branch is not None:
            for sub in branch:
                yield from _problems(at, sub, wording)
            return
        types = [t for sub in err.context or () for t in _expected_types(sub.schema)]
        text = " or ".join(dict.fromkeys(types)) or "one of the allowed forms"
        yield at.problem(ptr, f"{name} must be {text}, got {kind_of(inst)}")
    elif v == "required":
        noun = wording.noun(ptr) or "mapping"
        for field in expected:
            if isinstance(inst, dict) and field not in inst:
                why = ""
                if wording.condition and "then" in err.relative_schema_path:
                    why = wording.condition(inst)
                article = "an" if noun[:1] in "aeiou" else "a"
                yield at.problem(ptr, f"{article} {noun} needs a non-empty '{field}'{why}")
    elif v == "additionalProperties":
        known = list((err.schema.get("properties") or {}) if isinstance(err.schema, dict) else {})
        owner = wording.noun(ptr)
        label = f"{owner} field" if owner else "field"
        for key in inst:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield at.problem(
                (*ptr, key),
                f"unknown {label} '{key}'{hint} (valid fields: {', '.join(known)})",
                key=True,
            )
    elif v == "type":
        names = _expected_types(err.schema)
        text = " or ".join(names)
        quote = " (quote it)" if "a string" in names and not isinstance(inst, dict | list) else ""
        if isinstance(err.schema, dict) and err.schema.get("format") == "date":
            text, quote = "a date (YYYY-MM-DD)", ""
        yield at.problem(ptr, f"{name} must be {text}{quote}, got {kind_of(inst)}")
    elif v == "enum":
        options = ", ".join(str(o) for o in expected)
        template = wording.enums.get(tuple(expected), "'{value}' is not one of: {options}")
        yield at.problem(ptr, template.format(value=_shown(inst), options=options))
    elif v == "pattern":
        template = wording.patterns.get(str(expected), "{name} must match {pattern}, got {value}")
        text = template.format(name=name, value=repr(_shown(inst)), pattern=expected)
        yield at.problem(ptr, text)
    elif v in ("minItems", "minLength", "minProperties"):
        yield at.problem(ptr, f"{name} must not be empty")
    elif v == "uniqueItems":
        yield at.problem(ptr, f"{name} lists the same item twice")
    elif v == "const":
        yield at.problem(ptr, f"{name} must be {expected!r}")
    elif v in ("minimum", "maximum"):
        bound = "at least" if v == "minimum" else "at most"
        yield at.problem(ptr, f"{name} must be {bound} {expected}, got {_shown(inst)}")
    else:
        yield at.problem(ptr, " ".join(err.message.split())[:200])

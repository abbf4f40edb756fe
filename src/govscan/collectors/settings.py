"""Collector settings: ``targets`` blocks of ``govscan.yaml`` checked, and merged
under the command-line flags into the options each collector's ``from_options`` reads.

Everything here follows the collectors' declarations (``Collector.options`` and
``Collector.target_blocks``); no collector is named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from govscan.catalog.yamlsource import YamlDocument
from govscan.collectors.interface import Collector, CollectorOption, OptionKind, TargetBlock
from govscan.errors import Problem, UsageError
from govscan.fileread import parse_size

Collectors = Mapping[str, type[Collector]]


def _text(v: Any) -> bool:
    return isinstance(v, str | int) and not isinstance(v, bool)


def _strings(v: Any) -> bool:
    return isinstance(v, list) and all(_text(x) for x in v)


def _size(v: Any) -> bool:
    try:
        parse_size(v)
    except ValueError:
        return False
    return True


# Kind -> (test of a value in govscan.yaml, what the message says it must be).
_KINDS: dict[OptionKind, tuple[Callable[[Any], bool], str]] = {
    "switch": (lambda v: isinstance(v, bool), "true or false"),
    "text": (_text, "a string"),
    "list": (lambda v: isinstance(v, str) or _strings(v), "a list of strings"),
    "path": (lambda v: isinstance(v, str) and bool(v.strip()), "a file or folder name"),
    "paths": (lambda v: _strings(v) and all(str(x).strip() for x in v), "a list of file names"),
    "int": (
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
        "a whole number above 0",
    ),
    "size": (_size, "a size such as 10485760 or '20 MiB'"),
    "mapping": (
        lambda v: (
            isinstance(v, dict) and all(isinstance(k, str) and _text(x) for k, x in v.items())
        ),
        "a mapping of names to strings",
    ),
}


def _why(opt: CollectorOption, value: Any) -> str | None:
    """What is wrong with a file value of ``opt``, or None."""
    if opt.kind == "size":
        try:
            parse_size(value)
        except ValueError as exc:
            return str(exc)
        return None
    ok, expected = _KINDS[opt.kind]
    return None if ok(value) else f"must be {expected}"


def _blocks(collectors: Collectors) -> dict[str, tuple[type[Collector], TargetBlock]]:
    return {b.name: (cls, b) for cls in collectors.values() for b in cls.target_blocks()}


def _settings(cls: type[Collector], block: str) -> dict[str, CollectorOption]:
    return {o.setting: o for o in cls.options if o.setting and (o.block or cls.name) == block}


def block_problems(
    doc: YamlDocument, targets: Mapping[Any, Any], collectors: Collectors
) -> list[Problem]:
    """Every problem of the ``targets`` mapping, each at its file, line and column."""
    known = _blocks(collectors)
    out: list[Problem] = []
    for name, value in targets.items():
        where = ("targets", str(name))
        if name not in known:
            valid = ", ".join(known)
            out.append(doc.problem(where, f"unknown target '{name}' (valid: {valid})", key=True))
            continue
        cls, block = known[name]
        settings = _settings(cls, name)
        scalar = settings.get(block.scalar) if block.scalar else None
        if value is None:
            continue
        if isinstance(value, dict):
            out.extend(_mapping_problems(doc, name, value, settings))
        elif scalar is not None:
            ok, expected = _KINDS[scalar.kind]
            if not ok(value):
                out.append(doc.problem(where, f"'{name}' must be {expected} or a mapping"))
        elif not isinstance(value, bool):
            out.append(doc.problem(where, f"'{name}' must be a mapping of settings or true"))
    return out


def _mapping_problems(
    doc: YamlDocument, name: str, value: Mapping[Any, Any], settings: Mapping[str, CollectorOption]
) -> list[Problem]:
    out = []
    for key, item in value.items():
        where = ("targets", name, str(key))
        opt = settings.get(key) if isinstance(key, str) else None
        if opt is None:
            valid = ", ".join(sorted(settings))
            out.append(
                doc.problem(where, f"unknown {name} option '{key}' (valid: {valid})", key=True)
            )
            continue
        why = None if item is None else _why(opt, item)
        if why is not None:
            sep = " " if why.startswith("must ") else ": "
            out.append(doc.problem(where, f"'{key}'{sep}{why}"))
    return out


def _given(value: Any) -> bool:
    return value not in (None, (), "", [])


def _file_value(opt: CollectorOption, cls: type[Collector], targets: Mapping[str, Any]) -> Any:
    name = opt.block or cls.name
    value = targets.get(name)
    if value is None or value is False or not opt.setting:
        return None
    if isinstance(value, dict):
        return value.get(opt.setting, opt.default)
    if value is True:
        return opt.default
    block = next((b for b in cls.target_blocks() if b.name == name), None)
    return value if block is not None and block.scalar == opt.setting else None


def _split(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        value = ",".join(str(v) for v in value)
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


def _merge_one(opt: CollectorOption, flag: Any, file: Any, rel: Callable[[Any], str]) -> Any:
    kind = opt.kind
    if kind == "switch":
        return bool(flag or file)
    if kind == "list":
        return _split(flag if _given(flag) else file)
    if kind == "path":
        return str(flag) if _given(flag) else (None if file is None else rel(file))
    if kind == "paths":
        if _given(flag):
            return [str(f) for f in flag]
        return [rel(f) for f in file] if isinstance(file, list) else []
    if kind == "size":
        value = flag if _given(flag) else file
        if value is None:
            return None
        try:
            return parse_size(value)
        except ValueError as exc:
            label = opt.flag if _given(flag) else f"targets {opt.setting}"
            raise UsageError(f"{label} {value}: {exc}") from None
    value = flag if _given(flag) else file
    return str(value) if kind == "text" and value is not None else value


def merge_targets(
    collectors: Collectors, flags: Mapping[str, Any], targets: Mapping[str, Any], base: Path
) -> dict[str, Any]:
    """The options every collector's ``from_options`` reads; flags win over the file,
    and paths in the file are relative to it."""

    def rel(p: Any) -> str:
        return str(base / str(p))

    out: dict[str, Any] = {}
    for cls in collectors.values():
        present = any(targets.get(b.name) not in (None, False) for b in cls.target_blocks())
        enabled = any(o.enables and _given(flags.get(o.key)) for o in cls.options)
        for opt in cls.options:
            value = _merge_one(opt, flags.get(opt.key), _file_value(opt, cls, targets), rel)
            if opt.target and opt.kind == "switch":
                value = bool(value or present or enabled)
            out[opt.key] = value
    return out

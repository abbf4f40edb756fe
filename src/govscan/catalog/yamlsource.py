"""YAML loading that remembers where every key and value stood.

Validation reports ``file:line:col`` for each problem, so the loader keeps the
position of each node, addressed by its JSON pointer (a tuple of keys and list
indexes).  Only PyYAML's safe loader is used: no tags beyond the YAML core
schema are ever constructed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govscan.errors import Problem

Pointer = tuple[str | int, ...]

_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp", "binary", "merge")
)

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlDocument:
    path: str
    data: Any
    values: Mapping[Pointer, tuple[int, int]] = field(default_factory=dict)
    """Pointer -> 1-based (line, column) of the value."""
    keys: Mapping[Pointer, tuple[int, int]] = field(default_factory=dict)
    """Pointer -> 1-based (line, column) of the mapping key that names it."""
    duplicates: tuple[Problem, ...] = ()

    def where(self, pointer: Pointer, *, key: bool = False) -> tuple[int, int]:
        """Position of the pointer, or of its nearest ancestor that has one."""
        p = pointer
        while True:
            table = self.keys if key and p in self.keys else self.values
            if p in table:
                return table[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def problem(self, pointer: Pointer, message: str, *, key: bool = False) -> Problem:
        line, col = self.where(pointer, key=key)
        return Problem(self.path, line, col, message)


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse one YAML document; raises ``YamlSyntaxError`` with its position."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        values: dict[Pointer, tuple[int, int]] = {}
        keys: dict[Pointer, tuple[int, int]] = {}
        dups: list[Problem] = []
        data = _build(loader, node, (), values, keys, dups, path) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(Problem(path, line, col, f"YAML syntax error: {reason}")) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Problem(path, 1, 1, f"YAML syntax error: {exc}")) from None
    finally:
        loader.dispose()
    return YamlDocument(path, data, values, keys, tuple(dups))


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlSyntaxError(Problem(shown, 1, 1, "file not found")) from None
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(Problem(shown, 1, 1, f"not UTF-8 text: {exc.reason}")) from None
    except OSError as exc:
        raise YamlSyntaxError(Problem(shown, 1, 1, f"cannot read: {exc.strerror}")) from None
    return parse_yaml(text, shown)


def _build(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    pointer: Pointer,
    values: dict[Pointer, tuple[int, int]],
    keys: dict[Pointer, tuple[int, int]],
    dups: list[Problem],
    path: str,
) -> Any:
    values[pointer] = _mark(node)
    if node.tag not in _CORE_TAGS:
        line, col = _mark(node)
        raise YamlSyntaxError(Problem(path, line, col, f"unsupported YAML tag {node.tag}"))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                line, col = _mark(key_node)
                dups.append(Problem(path, line, col, "mapping keys must be scalars"))
                continue
            child = (*pointer, key if isinstance(key, str) else str(key))
            if key in out:
                line, col = _mark(key_node)
                dups.append(Problem(path, line, col, f"duplicate key '{key}'"))
            keys[child] = _mark(key_node)
            out[key] = _build(loader, value_node, child, values, keys, dups, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, (*pointer, i), values, keys, dups, path)
            for i, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. a timestamp-shaped scalar that is no real date: 2026-13-01
        line, col = _mark(node)
        dups.append(Problem(path, line, col, f"invalid value {node.value!r}: {exc}"))
        return node.value

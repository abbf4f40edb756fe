"""YAML loading that remembers where every key and value stood, with bounded work.

Validation reports ``file:line:col`` for each problem, so the loader keeps the
position of each node, addressed by its JSON pointer (a tuple of keys and list
indexes).  Only PyYAML's safe loader is used: no tags beyond the YAML core
schema are ever constructed.

Every YAML file govscan reads from a user (controls, policies, registries,
records, configuration, workflows) goes through ``load_yaml``, because any of
them may come from a pull request.  The work is bounded: a file is read up to
a size limit, nesting is limited, and aliases may add at most
``MAX_ALIAS_NODES`` nodes to what the text itself spells out, so a 600-byte
"billion laughs" is one located error instead of gigabytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govscan.errors import Problem
from govscan.fileread import DEFAULT_MAX_FILE_SIZE, UnreadableFile, read_in_tree, read_regular

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


MAX_YAML_BYTES = DEFAULT_MAX_FILE_SIZE
"""Largest YAML file read; a control, policy or workflow is a few kilobytes."""

MAX_ALIAS_NODES = 100_000
"""Nodes aliases may add beyond what the text spells out.  Anchors and merge keys
in real files repeat a few dozen nodes; a nine-level alias bomb needs 387 million."""

MAX_DEPTH = 200
"""Deepest nesting of mappings and sequences.  Real catalog files nest a dozen
levels; the limit keeps every recursive consumer of the data far from Python's
recursion limit."""

_EXCERPT = 40


class YamlSyntaxError(Exception):
    """The one error a YAML file can produce: a located, one-line problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _excerpt(value: str) -> str:
    return repr(value if len(value) <= _EXCERPT else value[:_EXCERPT] + "...")


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse one YAML document; raises ``YamlSyntaxError`` (and nothing else) with
    the position of the first problem."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, path, len(text) + MAX_ALIAS_NODES)
        data = builder.build(node, (), 0) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = _one_line(exc.problem or exc.context or "invalid YAML")
        raise YamlSyntaxError(Problem(path, line, col, f"YAML syntax error: {reason}")) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        reason = f"{exc.reason} (character {exc.character!r})"
        raise YamlSyntaxError(Problem(path, line, col, f"YAML syntax error: {reason}")) from None
    except yaml.YAMLError as exc:
        reason = _one_line(str(exc))
        raise YamlSyntaxError(Problem(path, 1, 1, f"YAML syntax error: {reason}")) from None
    except RecursionError:
        # Only without libyaml (its parser stops at 1,000 levels) or through a
        # recursive merge key: the pure-Python composer recurses per level.
        raise YamlSyntaxError(
            Problem(path, 1, 1, "YAML nested too deeply or a merge key refers to itself")
        ) from None
    finally:
        loader.dispose()
    return YamlDocument(path, data, builder.values, builder.keys, tuple(builder.problems))


def load_yaml(
    path: Path,
    display: str | None = None,
    max_bytes: int = MAX_YAML_BYTES,
    *,
    root: Path | None = None,
) -> YamlDocument:
    """Read and parse one YAML file: a regular file of at most ``max_bytes``, and
    with ``root`` (a scanned repository) only if its real path stays inside it.
    Every failure is a ``YamlSyntaxError``."""
    shown = display or str(path)
    try:
        raw = read_regular(path, max_bytes) if root is None else read_in_tree(root, path, max_bytes)
    except UnreadableFile as exc:
        reason = "file not found" if "No such file" in exc.reason else exc.reason
        raise YamlSyntaxError(Problem(shown, 1, 1, reason)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlSyntaxError(Problem(shown, line, col, f"not UTF-8 text: {exc.reason}")) from None
    return parse_yaml(text, shown)


class _Builder:
    """Turns the composed node graph into plain data and positions, counting work.

    PyYAML composes an alias as a second reference to the anchored node, so the
    graph stays as small as the text; building plain data copies each reference.
    The budget is the text's length (no node is shorter than one character) plus
    ``MAX_ALIAS_NODES``: only aliases can exceed it.
    """

    def __init__(self, loader: yaml.SafeLoader, path: str, budget: int) -> None:
        self.loader = loader
        self.path = path
        self.budget = budget
        self.values: dict[Pointer, tuple[int, int]] = {}
        self.keys: dict[Pointer, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._active: set[int] = set()
        self._explicit: dict[int, frozenset[int]] = {}
        self._seen: set[int] = set()

    def _alias(self, node: yaml.Node, at: tuple[int, int]) -> tuple[int, int] | None:
        """``at`` when ``node`` is a collection built before: this use is an alias."""
        return at if id(node) in self._seen else None

    def _fail(self, at: tuple[int, int], message: str) -> YamlSyntaxError:
        return YamlSyntaxError(Problem(self.path, at[0], at[1], message))

    def build(
        self, node: yaml.Node, pointer: Pointer, depth: int, via: tuple[int, int] | None = None
    ) -> Any:
        at = _mark(node)
        self.budget -= 1
        if self.budget < 0:
            raise self._fail(
                via or at,
                f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes; not loaded",
            )
        if depth > MAX_DEPTH:
            raise self._fail(at, f"YAML nested deeper than {MAX_DEPTH} levels; not loaded")
        self.values[pointer] = at
        if node.tag not in _CORE_TAGS:
            raise self._fail(at, f"unsupported YAML tag {_one_line(node.tag, 60)}")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, at)
        if id(node) in self._active:
            raise self._fail(via or at, "a YAML alias refers to a node that contains it")
        self._active.add(id(node))
        self._seen.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, pointer, depth, via)
            return [
                self.build(item, (*pointer, i), depth + 1, via or self._alias(item, at))
                for i, item in enumerate(node.value)
            ]
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, at: tuple[int, int]) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:
            # e.g. a timestamp-shaped scalar that is no real date: 2026-13-01
            reason = _one_line(str(exc), 80)
            self.problems.append(
                Problem(self.path, *at, f"invalid value {_excerpt(node.value)}: {reason}")
            )
            return node.value

    def _mapping(
        self, node: yaml.MappingNode, pointer: Pointer, depth: int, via: tuple[int, int] | None
    ) -> dict[Any, Any]:
        explicit = self._explicit.get(id(node))
        if explicit is None:
            # Keys written in this mapping; merged-in keys (``<<: *base``) may repeat
            # them, and an explicit key overriding a merged one is no duplicate.
            explicit = frozenset(id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
            self._explicit[id(node)] = explicit
            self.loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        written: set[Any] = set()
        for key_node, value_node in node.value:
            key_at = _mark(key_node)
            key = self._key(key_node, key_at)
            if key is _NOT_A_KEY:
                continue
            if id(key_node) in explicit:
                if key in written:
                    self.problems.append(
                        Problem(self.path, *key_at, f"duplicate key {_excerpt(str(key))}")
                    )
                written.add(key)
            child = (*pointer, key if isinstance(key, str) else str(key))
            self.keys[child] = key_at
            out[key] = self.build(
                value_node, child, depth + 1, via or self._alias(value_node, key_at)
            )
        return out

    def _key(self, key_node: yaml.Node, at: tuple[int, int]) -> Any:
        if not isinstance(key_node, yaml.ScalarNode):
            self.problems.append(Problem(self.path, *at, "mapping keys must be scalars"))
            return _NOT_A_KEY
        if key_node.tag not in _CORE_TAGS:
            raise self._fail(at, f"unsupported YAML tag {_one_line(key_node.tag, 60)}")
        self.budget -= 1
        try:
            key = self.loader.construct_object(key_node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:
            reason = _one_line(str(exc), 80)
            self.problems.append(
                Problem(self.path, *at, f"invalid key {_excerpt(key_node.value)}: {reason}")
            )
            return _NOT_A_KEY
        if not isinstance(key, str | int | float | bool) and key is not None:
            self.problems.append(Problem(self.path, *at, "mapping keys must be scalars"))
            return _NOT_A_KEY
        return key


_NOT_A_KEY = object()

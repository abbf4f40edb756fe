"""The one JSON layout govscan writes: indented outer levels, one line per deep value.

Reproducible bytes are what let a report be re-rendered from a bundle and hash
the same; :class:`Encoded` lets a large array stream into a file without
being held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from json.encoder import encode_basestring
from typing import IO, Any


class Encoded:
    """A list whose items arrive later, already encoded as compact JSON texts.

    Lets :func:`write_json` stream a large array (results, SARIF results) into a
    file without holding it; the items are written as they are, one per line.
    """

    __slots__ = ("items",)

    def __init__(self, items: Iterable[str]) -> None:
        self.items = items


def dumps(doc: Any, depth: int = 2) -> str:
    """The one JSON layout govscan writes, so that bytes are reproducible.

    The outer ``depth`` levels are indented; anything deeper (one result, one
    finding) is written on one line. Python's fast C encoder only runs without
    indentation, so this keeps 50,000-result documents quick to write and still
    readable line by line."""
    return "".join(_chunks(doc, depth, 0)) + "\n"


def write_json(fp: IO[bytes], doc: Any, depth: int = 2, flush_at: int = 1 << 16) -> None:
    """Write ``dumps(doc, depth)`` to ``fp`` piece by piece; :class:`Encoded` lists stream."""
    buf: list[str] = []
    size = 0
    for chunk in _chunks(doc, depth, 0):
        buf.append(chunk)
        size += len(chunk)
        if size >= flush_at:
            fp.write("".join(buf).encode("utf-8"))
            buf.clear()
            size = 0
    buf.append("\n")
    fp.write("".join(buf).encode("utf-8"))


def encode_compact(value: Any) -> str:
    """One value on one line, as the deep levels of :func:`dumps` write it."""
    return COMPACT.encode(value)


def encode_string(value: str) -> str:
    """One string as :func:`encode_compact` writes it, without the encoder's set-up."""
    return _string(value)


def _chunks(value: Any, depth: int, level: int) -> Iterator[str]:
    if isinstance(value, Encoded):
        yield from _encoded_chunks(value, level, compact=level >= depth)
        return
    if level >= depth or not isinstance(value, dict | list | tuple) or not value:
        yield COMPACT.encode(value)
        return
    pad = "  " * (level + 1)
    end = "  " * level
    if isinstance(value, dict):
        yield "{\n"
        for i, (k, v) in enumerate(value.items()):
            yield ",\n" + pad if i else pad
            yield COMPACT.encode(str(k)) + ": "
            yield from _chunks(v, depth, level + 1)
        yield "\n" + end + "}"
        return
    yield "[\n"
    for i, v in enumerate(value):
        yield ",\n" + pad if i else pad
        yield from _chunks(v, depth, level + 1)
    yield "\n" + end + "]"


def _encoded_chunks(value: Encoded, level: int, *, compact: bool) -> Iterator[str]:
    """As ``_chunks`` lays out a list: one item per line, or all on one line when the
    list itself sits below the indented levels."""
    opening, between = (
        ("[", ", ") if compact else ("[\n" + "  " * (level + 1), ",\n" + "  " * (level + 1))
    )
    first = True
    for text in value.items:
        yield (opening if first else between) + text
        first = False
    if first:
        yield "[]"
    else:
        yield "]" if compact else "\n" + "  " * level + "]"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | frozenset | set):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    if isinstance(value, Encoded):
        # Inside a container written on one line: correct, though no longer streamed.
        return [json.loads(text) for text in value.items]
    raise TypeError(f"cannot serialise {type(value).__name__}")


COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=_default)
"""Encodes one value on one line, as the deep levels of :func:`dumps` do."""
_string = encode_basestring
"""One string as JSON, exactly as ``COMPACT`` writes it (the C function it calls)."""

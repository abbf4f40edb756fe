"""The one content hash: SHA-256 over the RFC 8785 canonical JSON of a document.

Every hash govscan computes over a JSON document (the control set, the
policy, and whatever later identifies results, baselines or history entries)
goes through :func:`content_hash`, so that any JSON tool that implements
RFC 8785 (JSON Canonicalization Scheme) recomputes the same value from the
same data.  Hashes of file bytes (the manifest's ``files``) are not documents
and stay plain SHA-256 of the bytes.

RFC 8785 covers exactly I-JSON.  Values outside it are first turned into JSON
in a documented way, never refused: dates and times become ISO 8601 strings,
enum members their value, tuples and sets lists (sets sorted), mapping keys
strings, and numbers I-JSON cannot carry exactly (integers beyond
``±(2**53 - 1)``, non-finite floats) their decimal text.
"""

from __future__ import annotations

import enum
import hashlib
import math
from collections.abc import Mapping, Set
from datetime import date, datetime, time
from typing import Any

import rfc8785

HASH_PREFIX = "sha256:"
MAX_SAFE_INTEGER = 2**53 - 1
"""Largest integer an I-JSON number holds exactly (RFC 7493, section 2.2)."""


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data, by the rules in this module's docstring."""
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Set):
        return sorted((jsonable(v) for v in value), key=rfc8785.dumps)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    # Anything else has no JSON form of its own; its text is the most stable one.
    return str(value)


def canonical_json(doc: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``doc`` (after :func:`jsonable`)."""
    encoded: bytes = rfc8785.dumps(jsonable(doc))
    return encoded


def content_hash(doc: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``doc``."""
    return HASH_PREFIX + hashlib.sha256(canonical_json(doc)).hexdigest()

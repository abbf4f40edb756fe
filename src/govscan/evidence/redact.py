"""Last-line redaction of collected data before it is written to the bundle.

Collectors are expected never to return secret values; this is the safety net
for the ones that slip through (a tag called ``db_password``, a PEM block in a
user-data field).  Only string values are replaced, so structural evidence such
as ``password_policy: {minimum_length: 14}`` stays intact, and keys that name
a secret rather than hold it (``secret_arn``, ``access_key_id``) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

REDACTED = "[redacted]"

_SECRET_KEY = re.compile(
    r"(pass(word|wd|phrase)|pwd|secret|token|private[_-]?key|api[_-]?key|access[_-]?key"
    r"|credential|client[_-]?secret|connection[_-]?string|sas[_-]?key|auth[_-]?key)",
    re.IGNORECASE,
)
# Keys that refer to a secret instead of holding it.
_REFERENCE_SUFFIX = re.compile(
    r"([_-](id|ids|arn|arns|name|names|type|enabled|set|present|exists|age|age_days|date"
    r"|at|count|length|expires|expiry|rotated|rotation|last_used|status|policy|version))$",
    re.IGNORECASE,
)
_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@lru_cache(maxsize=4096)
def is_secret_key(key: str) -> bool:
    # Cached: a scan asks about the same few hundred keys for every resource.
    return bool(_SECRET_KEY.search(key)) and not _REFERENCE_SUFFIX.search(key)


def redact(value: Any, key: str = "") -> Any:
    """A JSON-ready copy of ``value`` with secret-looking strings replaced."""
    kind = type(value)
    # Exact types first: every value of every resource passes here, and an
    # ``isinstance`` test against the Mapping ABC is several times slower.
    if kind is str:
        if value and (
            is_secret_key(key) or ("PRIVATE KEY" in value and _PEM_PRIVATE.search(value))
        ):
            return REDACTED
        return value
    if kind is dict:
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if value is None or kind is bool or kind is int or kind is float:
        return value
    if isinstance(value, Mapping):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, key) for v in value]
    if isinstance(value, set | frozenset):
        return [redact(v, key) for v in sorted(value, key=str)]
    if isinstance(value, str):
        if value and (
            is_secret_key(key) or ("PRIVATE KEY" in value and _PEM_PRIVATE.search(value))
        ):
            return REDACTED
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


# Pseudonymisation of personal data (as opposed to removal of secrets) lives in
# its own module; re-exported here so both safety nets import from one place.
from govscan.evidence.pseudonymise import Redactor as Redactor  # noqa: E402

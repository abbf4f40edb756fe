"""Finding fingerprints: the identity of one finding across runs.

A baseline, the history and a merge of bundles recognise "the same finding" by
its fingerprint, so it must not move when nothing about the finding changed.

- **Code** (``origin: code``): SHA-256 of the RFC 8785 canonical JSON of
  ``["code", control id, file path, resource id]``. The resource id of code is
  the root module and the address (or the workflow path and step), never a
  line, and no key is involved: a pull request from a fork, which gets no
  secrets, computes the same value as the default branch.
- **Cloud**: HMAC-SHA256 under the fingerprint key of the canonical JSON of
  ``["cloud", control id, resource id]``, computed from the provider's id
  before pseudonymisation. Without the key nobody can test a guessed name (an
  IAM user's ARN) against a fingerprint in a shared bundle; with the same key
  the finding keeps its fingerprint from run to run. Without a persistent key
  each run draws a random one, and the run says its fingerprints are per-run.

Results that name no resource (a scope that could not be collected, a type
with no resource) use the code form: there is nothing in them to protect.
A fingerprint is the first 32 hex digits (128 bits) of the digest.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from json.encoder import encode_basestring
from typing import Any, Literal

from govscan.errors import UsageError
from govscan.model import ResourceRef

ENV_KEY = "GOVSCAN_FINGERPRINT_KEY"
MIN_KEY_BYTES = 16
LENGTH = 32
"""Hex digits kept of the digest."""

Mode = Literal["persistent", "per-run"]


# RFC 8785 for an array of strings is the strings as the C encoder writes them (it
# escapes exactly as JCS does: short forms, lower-case \u00xx), joined by commas.
_string = encode_basestring
_CODE = '["code",'
_CLOUD = '["cloud",'


def _utf8(text: str) -> bytes:
    # A lone surrogate (hostile JSON input) must not stop a scan: passed through.
    return text.encode("utf-8", "surrogatepass")


def code_fingerprint(control_id: str, path: str, resource_id: str) -> str:
    """The unkeyed fingerprint of a finding in code (``path``: the defining file)."""
    tail = "," + _string(path) + "," + _string(resource_id) + "]"
    return _sha256(_utf8(_CODE + _string(control_id) + tail))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:LENGTH]


class Fingerprinter:
    """Computes fingerprints; holds the key for cloud findings and never shows it."""

    __slots__ = ("__inner", "__outer", "mode")

    def __init__(self, key: bytes, mode: Mode) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"a fingerprint key needs at least {MIN_KEY_BYTES} bytes")
        # HMAC (RFC 2104) with its two keyed states prepared once: a scan computes one
        # per result, and setting up the key each time cost more than the hashing.
        block = hashlib.sha256().block_size
        padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
        self.__inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self.__outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
        self.mode: Mode = mode
        """``persistent`` when the key outlives the run, else ``per-run``."""

    @classmethod
    def per_run(cls) -> Fingerprinter:
        """A key that exists only in memory: cloud fingerprints hold for this run only."""
        return cls(secrets.token_bytes(32), "per-run")

    @classmethod
    def from_secret(cls, value: str) -> Fingerprinter:
        """A persistent key given as hex (an even number of hex digits, at least 32) or
        as text (its UTF-8 bytes, at least 16)."""
        return cls(secret_bytes(value, ENV_KEY), "persistent")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Fingerprinter:
        """The key in ``GOVSCAN_FINGERPRINT_KEY``, or a per-run key when it is unset."""
        value = environ.get(ENV_KEY, "")
        return cls.from_secret(value) if value.strip() else cls.per_run()

    def __repr__(self) -> str:
        return f"Fingerprinter(<key hidden>, {self.mode})"

    def __reduce__(self) -> Any:
        raise TypeError("a Fingerprinter holds a secret key and cannot be pickled")

    def cloud(self, control_id: str, resource_id: str) -> str:
        """The keyed fingerprint of a finding on a live resource (the provider's id)."""
        return self._mac(_utf8(_CLOUD + _string(control_id) + "," + _string(resource_id) + "]"))

    def _mac(self, message: bytes) -> str:
        inner = self.__inner.copy()
        inner.update(message)
        outer = self.__outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:LENGTH]

    def of(self, control_id: str, ref: ResourceRef, origin: str) -> str:
        """The fingerprint of ``control_id`` judged on ``ref`` (``origin``: code or cloud)."""
        return self.for_resource(ref, origin)(control_id)

    def for_resource(self, ref: ResourceRef, origin: str) -> Callable[[str], str]:
        """control id -> fingerprint, for the results of one resource."""
        # The resource's part is encoded once for all its results.
        if origin == "code":
            path = ref.location.path if ref.location is not None else ""
            tail = "," + _string(path) + "," + _string(ref.id) + "]"
            return lambda control_id: _sha256(_utf8(_CODE + _string(control_id) + tail))
        tail = "," + _string(ref.id) + "]"
        mac = self._mac
        return lambda control_id: mac(_utf8(_CLOUD + _string(control_id) + tail))


def secret_bytes(value: str, name: str) -> bytes:
    """A key given as hex digits or as text, at least ``MIN_KEY_BYTES`` long."""
    text = value.strip()
    key: bytes | None = None
    if len(text) >= 2 * MIN_KEY_BYTES and len(text) % 2 == 0:
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = None
    if key is None:
        key = text.encode("utf-8", "surrogatepass")
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(
            f"{name} is too short: give at least {MIN_KEY_BYTES} bytes "
            f"({2 * MIN_KEY_BYTES} hex digits or {MIN_KEY_BYTES} characters)"
        )
    return key

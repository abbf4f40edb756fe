"""Ed25519 signatures over the manifest: a DSSE envelope around an in-toto Statement v1.

The Statement's predicate is the manifest, serialised with RFC 8785 (JSON
Canonicalization Scheme), and its subject is ``manifest.json`` with its
SHA-256, so the envelope can be checked with standard DSSE tooling.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govscan.errors import UsageError

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://govscan.dev/manifest/v1"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE pre-authentication encoding."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"signing key is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError("signing key must be an Ed25519 private key")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"public key is not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError("public key must be an Ed25519 public key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def statement(manifest: dict[str, Any], manifest_bytes: bytes) -> bytes:
    doc: dict[str, Any] = {
        "_type": STATEMENT_TYPE,
        "subject": [
            {
                "name": "manifest.json",
                "digest": {"sha256": hashlib.sha256(manifest_bytes).hexdigest()},
            }
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": manifest,
    }
    encoded: bytes = rfc8785.dumps(doc)
    return encoded


def sign_manifest(manifest: dict[str, Any], manifest_bytes: bytes, private_pem: bytes) -> bytes:
    key = load_private_key(private_pem)
    payload = statement(manifest, manifest_bytes)
    sig = key.sign(pae(PAYLOAD_TYPE, payload))
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {"keyid": key_id(key.public_key()), "sig": base64.b64encode(sig).decode("ascii")}
        ],
    }
    return (json.dumps(envelope, indent=2) + "\n").encode("utf-8")


def verify_envelope(
    envelope_bytes: bytes, manifest_bytes: bytes, public_pem: bytes
) -> tuple[bool, str]:
    """(ok, reason). Checks the signature, then that the envelope speaks of this manifest."""
    key = load_public_key(public_pem)
    try:
        env = json.loads(envelope_bytes)
        payload = base64.b64decode(env["payload"], validate=True)
        sigs = env["signatures"]
        payload_type = env["payloadType"]
    except (ValueError, KeyError, TypeError):
        return False, "signature envelope is malformed"
    if payload_type != PAYLOAD_TYPE:
        return False, f"unexpected payload type {payload_type!r}"
    good = False
    for s in sigs if isinstance(sigs, list) else []:
        try:
            key.verify(base64.b64decode(s.get("sig", "")), pae(payload_type, payload))
            good = True
            break
        except (InvalidSignature, ValueError, TypeError, AttributeError):
            continue
    if not good:
        return False, "signature does not verify with the given public key"
    try:
        stmt = json.loads(payload)
        digest = stmt["subject"][0]["digest"]["sha256"]
        predicate = stmt["predicate"]
    except (ValueError, KeyError, IndexError, TypeError):
        return False, "signed statement is malformed"
    if digest != hashlib.sha256(manifest_bytes).hexdigest():
        return False, "manifest.json differs from the signed manifest"
    try:
        if predicate != json.loads(manifest_bytes):
            return False, "manifest.json differs from the signed manifest"
    except ValueError:
        return False, "manifest.json is not valid JSON"
    return True, f"signature valid (key {key_id(key)[:16]}...)"

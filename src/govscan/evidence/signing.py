"""Ed25519 signatures over the manifest: a DSSE envelope around an in-toto Statement v1.

The Statement's subject is ``manifest.json`` with the SHA-256 of its exact
bytes and its predicate is the manifest itself; the Statement is serialised
with RFC 8785 (JSON Canonicalization Scheme) before signing, so any tool that
speaks DSSE and in-toto can check the envelope without knowing govscan::

    {"payloadType": "application/vnd.in-toto+json",
     "payload": base64(JCS(statement)),
     "signatures": [{"keyid": sha256(raw public key), "sig": base64(sig)}]}

The signature is over the DSSE pre-authentication encoding (PAE) of the
payload type and payload, not over the payload alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govscan.errors import UsageError

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://govscan.dev/manifest/v1"
SUBJECT = "manifest.json"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def _pem_bytes(pem: bytes) -> bytes:
    # CI secrets often arrive with the newlines written as "\n".
    pem = pem.strip()
    if b"\\n" in pem and b"\n" not in pem:
        pem = pem.replace(b"\\n", b"\n")
    return pem


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    """The signing key; any problem is a one-line ``UsageError`` without key material."""
    try:
        key = serialization.load_pem_private_key(_pem_bytes(pem), password=None)
    except TypeError:
        raise UsageError(
            "signing key is encrypted; give an unencrypted Ed25519 PEM private key"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise UsageError("signing key is not a PEM private key (expected Ed25519)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(
            f"signing key must be an Ed25519 private key, not {type(key).__name__.lstrip('_')}"
        )
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_pem_bytes(pem))
    except (ValueError, UnsupportedAlgorithm):
        raise UsageError("public key is not a PEM public key (expected Ed25519)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError("public key must be an Ed25519 public key")
    return key


def public_key_pem(private: Ed25519PrivateKey) -> bytes:
    """The PEM (SubjectPublicKeyInfo) to hand to verifiers."""
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the 32 raw public-key bytes, hex."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def statement(manifest_raw: bytes) -> bytes:
    """The canonical (RFC 8785) in-toto Statement about ``manifest.json``."""
    doc: dict[str, Any] = {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": SUBJECT, "digest": {"sha256": hashlib.sha256(manifest_raw).hexdigest()}}
        ],
        "predicateType": PREDICATE_TYPE,
        # Parsed from the written bytes, so the predicate is exactly what a verifier reads.
        "predicate": json.loads(manifest_raw),
    }
    encoded: bytes = rfc8785.dumps(doc)
    return encoded


def sign_manifest_with(key: Ed25519PrivateKey, manifest_raw: bytes) -> bytes:
    """The DSSE envelope (JSON bytes) over the Statement about ``manifest_raw``."""
    payload = statement(manifest_raw)
    sig = key.sign(pae(PAYLOAD_TYPE, payload))
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {"keyid": key_id(key.public_key()), "sig": base64.b64encode(sig).decode("ascii")}
        ],
    }
    return (json.dumps(envelope, indent=2) + "\n").encode("utf-8")


def sign_manifest(manifest_raw: bytes, private_pem: bytes) -> bytes:
    return sign_manifest_with(load_private_key(private_pem), manifest_raw)


def verify_envelope(
    envelope_bytes: bytes, manifest_raw: bytes, public_pem: bytes
) -> tuple[bool, str]:
    """``(ok, reason)``: the signature, then that the envelope speaks of this manifest."""
    key = load_public_key(public_pem)
    kid = key_id(key)
    try:
        env = json.loads(envelope_bytes)
        payload = base64.b64decode(env["payload"], validate=True)
        sigs = env["signatures"]
        payload_type = env["payloadType"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return False, "signature envelope is malformed"
    if payload_type != PAYLOAD_TYPE:
        return False, f"unexpected payload type {payload_type!r}"
    if not isinstance(sigs, list) or not sigs:
        return False, "signature envelope holds no signature"
    good = False
    for s in sigs:
        try:
            key.verify(base64.b64decode(s["sig"], validate=True), pae(payload_type, payload))
        except (InvalidSignature, ValueError, TypeError, KeyError, binascii.Error):
            continue
        good = True
        break
    if not good:
        ids = ", ".join(str(s.get("keyid", "?"))[:16] for s in sigs if isinstance(s, dict))
        return False, (
            f"signature does not verify with the given public key {kid[:16]}… "
            f"(envelope signed by key {ids or 'unknown'}…)"
        )
    try:
        stmt = json.loads(payload)
        subject = stmt["subject"][0]
        digest = subject["digest"]["sha256"]
        predicate = stmt["predicate"]
        kind = (stmt["_type"], stmt["predicateType"], subject["name"])
    except (ValueError, KeyError, IndexError, TypeError):
        return False, "signed statement is malformed"
    if kind != (STATEMENT_TYPE, PREDICATE_TYPE, SUBJECT):
        return False, f"signed statement is not a govscan manifest statement: {kind!r}"
    actual = hashlib.sha256(manifest_raw).hexdigest()
    if digest != actual:
        return False, (
            f"manifest.json differs from the signed manifest (signed sha256 {digest[:16]}…, "
            f"found {actual[:16]}…)"
        )
    try:
        if predicate != json.loads(manifest_raw):
            return False, "manifest.json differs from the manifest in the signed statement"
    except ValueError:
        return False, "manifest.json is not valid JSON"
    return True, f"valid Ed25519 signature over manifest.json by key {kid}"

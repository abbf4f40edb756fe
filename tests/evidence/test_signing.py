"""The signature scheme, checked the way a third party would check it."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

from govscan.errors import UsageError
from govscan.evidence.manifest import MANIFEST, SIGNATURE
from govscan.evidence.signing import (
    PAYLOAD_TYPE,
    key_id,
    load_private_key,
    pae,
    sign_manifest,
    verify_envelope,
)

from .conftest import private_pem, public_pem


def test_envelope_verifies_with_plain_cryptography(
    bundle: Path, signing_key: Ed25519PrivateKey
) -> None:
    # The recipe docs/evidence.md gives to auditors, without govscan.
    envelope = json.loads((bundle / SIGNATURE).read_text())
    manifest_raw = (bundle / MANIFEST).read_bytes()
    payload = base64.b64decode(envelope["payload"])
    ptype = envelope["payloadType"].encode()
    pae_bytes = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(payload), payload)
    public = serialization.load_pem_public_key(public_pem(signing_key))
    assert isinstance(public, Ed25519PublicKey)
    public.verify(base64.b64decode(envelope["signatures"][0]["sig"]), pae_bytes)
    statement = json.loads(payload)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://govscan.dev/manifest/v1"
    assert statement["subject"] == [
        {"name": "manifest.json", "digest": {"sha256": hashlib.sha256(manifest_raw).hexdigest()}}
    ]
    assert statement["predicate"] == json.loads(manifest_raw)


def test_payload_is_rfc8785_canonical(bundle: Path) -> None:
    payload = base64.b64decode(json.loads((bundle / SIGNATURE).read_text())["payload"])
    assert rfc8785.dumps(json.loads(payload)) == payload


def test_envelope_verifies_with_securesystemslib_dsse(
    bundle: Path, signing_key: Ed25519PrivateKey
) -> None:
    envelope = Envelope.from_dict(json.loads((bundle / SIGNATURE).read_text()))
    public = signing_key.public_key()
    key = SSlibKey.from_crypto(public, keyid=key_id(public))
    accepted = envelope.verify([key], 1)
    assert list(accepted) == [key_id(public)]
    assert envelope.payload_type == PAYLOAD_TYPE


def test_keyid_is_sha256_of_the_raw_public_key(
    bundle: Path, signing_key: Ed25519PrivateKey
) -> None:
    raw = signing_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    envelope = json.loads((bundle / SIGNATURE).read_text())
    assert envelope["signatures"][0]["keyid"] == hashlib.sha256(raw).hexdigest()


def test_pae_matches_the_dsse_specification() -> None:
    # Test vector from the DSSE protocol description.
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_round_trip_and_tamper(signing_key: Ed25519PrivateKey) -> None:
    manifest = b'{\n  "schema": "govscan/manifest/v1",\n  "files": []\n}\n'
    envelope = sign_manifest(manifest, private_pem(signing_key))
    ok, reason = verify_envelope(envelope, manifest, public_pem(signing_key))
    assert ok, reason
    assert key_id(signing_key.public_key()) in reason
    ok, reason = verify_envelope(envelope, manifest.replace(b"[]", b"[ ]"), public_pem(signing_key))
    assert not ok and "differs" in reason


def test_pem_with_escaped_newlines_is_accepted(signing_key: Ed25519PrivateKey) -> None:
    escaped = private_pem(signing_key).strip().replace(b"\n", b"\\n")
    assert key_id(load_private_key(escaped).public_key()) == key_id(signing_key.public_key())


@pytest.mark.parametrize(
    ("pem", "message"),
    [
        (b"not a key", "not a PEM private key"),
        (b"", "not a PEM private key"),
        (
            rsa.generate_private_key(public_exponent=65537, key_size=1024).private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            "must be an Ed25519 private key",
        ),
        (
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(b"secret"),
            ),
            "encrypted",
        ),
    ],
    ids=["garbage", "empty", "rsa", "encrypted"],
)
def test_bad_signing_keys_are_one_line_usage_errors(pem: bytes, message: str) -> None:
    with pytest.raises(UsageError) as info:
        load_private_key(pem)
    assert message in info.value.message
    assert "\n" not in info.value.message

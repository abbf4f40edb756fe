from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govscan.evidence.files import RESOURCES
from govscan.evidence.outdir import claim_output_dir
from govscan.evidence.resources import ResourceWriter
from govscan.render import write_scan_bundle
from govscan.reporters.interface import ReportOptions
from tests.reporters.sample_scan import sample_resources, sample_scan

FORMATS = ("json", "sarif", "junit", "oscal", "csv", "md")


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def make_bundle(
    out: Path, sign: Ed25519PrivateKey | None = None, formats: Sequence[str] = FORMATS
) -> Path:
    """Write the sample scan's bundle into ``out`` the way a scan does (claim, stage, swap)."""
    with claim_output_dir(out) as claim:
        with ResourceWriter(claim.staging / RESOURCES) as sink:
            for resource in sample_resources():
                sink.write(resource)
        write_scan_bundle(
            sample_scan(),
            claim.staging,
            formats,
            ReportOptions(),
            sign_key_pem=private_pem(sign) if sign else None,
            environ={},
        )
        claim.commit()
    return out


@pytest.fixture
def bundle(tmp_path: Path, signing_key: Ed25519PrivateKey) -> Path:
    return make_bundle(tmp_path / "bundle", signing_key)

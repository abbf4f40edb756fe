"""The attestation as the loader hands it to evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class EvidenceFile:
    path: str
    """Relative to the attestations directory, with ``/`` separators."""
    sha256: str
    """The hash the attestation declares (lower-case hex)."""


@dataclass(frozen=True)
class Attestation:
    id: str
    title: str
    requirements: Mapping[str, tuple[str, ...]]
    statement: str
    owner: str
    """A role, never a person: roles survive staff changes and are not personal data."""
    links: tuple[str, ...]
    files: tuple[EvidenceFile, ...]
    reviewed: date
    valid_until: date
    method: str
    source: str
    """The file as messages name it."""
    root: Path
    """The attestations directory its evidence files lie in."""

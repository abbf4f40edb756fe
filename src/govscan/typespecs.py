"""What a resource type is: its name, provider and documented fields.

Part of the data model (``govscan.model`` re-exports every name); kept apart
because the catalog reads these from data files and collectors declare more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    """One of ``FIELD_TYPES``."""
    description: str = ""


@dataclass(frozen=True)
class ResourceTypeSpec:
    name: str
    """e.g. ``aws.s3.bucket``."""
    provider: str
    description: str = ""
    regional: bool = True
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)


ATTESTATION_TYPE = "govscan.attestation"
"""The resource type of results people attest (``govscan.attest``), not an API answers;
their control ids start with ``attestation.``."""


def is_attestation(control_id: str) -> bool:
    """Whether a result's control is an attestation rather than an automated control."""
    return control_id.startswith("attestation.")

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

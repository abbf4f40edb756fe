"""The catalog of resource types and their documented fields.

Each provider's types live in ``data/resource_types/<provider>.yaml``; a
collector plugin may add more through ``Collector.resource_types``.  The
validator uses it to reject unknown types and paths into fields no collector
produces; the docs are generated from it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from govscan.paths import data_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class ResourceTypeSpec:
    name: str
    """e.g. ``aws.s3.bucket``."""
    provider: str
    description: str = ""
    regional: bool = True
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)


def _parse(doc: Mapping[str, Any]) -> dict[str, ResourceTypeSpec]:
    provider = str(doc.get("provider", ""))
    out: dict[str, ResourceTypeSpec] = {}
    for name, spec in (doc.get("types") or {}).items():
        fields = {
            fname: FieldSpec(fname, str(f.get("type", "any")), str(f.get("description", "")))
            for fname, f in (spec.get("fields") or {}).items()
        }
        out[str(name)] = ResourceTypeSpec(
            name=str(name),
            provider=provider,
            description=str(spec.get("description", "")),
            regional=bool(spec.get("regional", True)),
            fields=fields,
        )
    return out


@cache
def builtin_resource_types() -> Mapping[str, ResourceTypeSpec]:
    types: dict[str, ResourceTypeSpec] = {}
    for path in sorted((data_dir() / "resource_types").glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            types.update(_parse(yaml.safe_load(fh) or {}))
    return types


def all_resource_types() -> Mapping[str, ResourceTypeSpec]:
    """Built-in types plus those declared by installed collector plugins."""
    from govscan.collectors.interface import Collector
    from govscan.plugins import COLLECTORS_GROUP, load

    types = dict(builtin_resource_types())
    for cls in load(COLLECTORS_GROUP, Collector).values():
        try:
            types.update(cls.resource_type_specs())
        except Exception as exc:  # a plugin's bug must not stop validation
            log.warning("collector %s: cannot list resource types: %s", cls.__name__, exc)
    return types

"""The Cloud Asset Inventory fast path for organisation and folder scans.

A per-project scan lists every type in every project (Cloud KMS alone needs a call
per location and key ring). For an organisation or folders, one paged
``list_assets`` call per scope returns the resources of every type the plan reads
whose ``resource.data`` is the REST JSON the per-project list returns
(``GcpType.asset_type``); they reach the same normalisers, grouped by project.
Detail calls stay per resource. A shard of a planned scan asks for its own
projects instead (``projects/NUMBER`` scopes, ``units.inventory_parents``).

When the inventory cannot answer (API off, permission denied, any failure while
paging) the scan lists per project as before: the fallback is logged, never an
error. Projects outside the listed scopes (given with ``--gcp-projects``) and
types without an asset type are listed per project. A project whose API is not
enabled is ``not_applicable`` from Service Usage; the inventory holds nothing for
it anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.hierarchy import ASSET, LIST_ASSETS
from govscan.collectors.gcp.spec import GcpType
from govscan.collectors.gcp.target import Project

log = logging.getLogger(__name__)

PAGE_SIZE = 1000
"""The largest page ``list_assets`` returns."""


@dataclass(frozen=True)
class Inventory:
    """What the inventory listed: per project and type, the items a list call yields."""

    items: Mapping[tuple[str, str], tuple[Mapping[str, Any], ...]]
    """(project id, govscan type) -> listed items (REST JSON)."""
    types: frozenset[str]
    """The govscan types it was asked for."""
    projects: frozenset[str]
    """The project ids it covers (those below a listed scope)."""

    def listed(self, spec: GcpType, project: Project) -> Iterable[Mapping[str, Any]] | None:
        """The project's items of ``spec``; None when it must be listed per project."""
        if spec.type not in self.types or project.project_id not in self.projects:
            return None
        found = list(self.items.get((project.project_id, spec.type), ()))
        return spec.from_assets(found) if spec.from_assets else found


def scopes(organization: str, folders: Sequence[str]) -> tuple[str, ...]:
    """The inventory scopes of a scan: its organisation, else its folders."""
    if organization:
        return (_prefixed(organization, "organizations"),)
    return tuple(_prefixed(f, "folders") for f in folders)


def _prefixed(name: str, kind: str) -> str:
    name = name.strip()
    return name if name.startswith(f"{kind}/") else f"{kind}/{name}"


def read(
    clients: Clients,
    parents: Sequence[str],
    projects: Iterable[Project],
    types: Iterable[GcpType],
) -> Inventory | None:
    """Every resource of ``types`` below ``parents``; None when the inventory could
    not answer for one of them (then every project is listed on its own)."""
    by_asset = {t.asset_type: t for t in types if t.asset_type}
    if not parents or not by_asset:
        return None
    covered = {
        p.project_id: p
        for p in projects
        if any(s in parents for s in (*p.ancestors, p.parent, f"projects/{p.number}"))
    }
    numbers = {p.number: p.project_id for p in covered.values() if p.number}
    found: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    try:
        for parent in parents:
            for asset in _assets(clients, parent, sorted(by_asset)):
                spec = by_asset.get(str(asset.get("assetType") or ""))
                owner = _project_of(asset, numbers)
                resource = asset.get("resource")
                data = resource.get("data") if isinstance(resource, dict) else None
                if spec is None or owner is None or not isinstance(data, dict):
                    continue
                found.setdefault((owner, spec.type), []).append(_whole(data))
    except CallFailure as failure:
        # Not an error: the same resources come from each project, at more calls.
        log.warning(
            "the Cloud Asset Inventory cannot list resources (%s): each project is listed "
            "on its own (--gcp-no-asset-inventory skips the attempt)",
            failure,
        )
        return None
    log.info(
        "Cloud Asset Inventory listed %d resources of %d types in %d projects",
        sum(len(v) for v in found.values()),
        len(by_asset),
        len(covered),
    )
    return Inventory(
        {k: tuple(v) for k, v in found.items()},
        frozenset(t.type for t in by_asset.values()),
        frozenset(covered),
    )


def _assets(clients: Clients, parent: str, asset_types: list[str]) -> Iterable[dict[str, Any]]:
    from google.cloud import asset_v1

    client = clients.gapic(ASSET, asset_v1.AssetServiceClient)
    request = {
        "parent": parent,
        "asset_types": asset_types,
        "content_type": asset_v1.ContentType.RESOURCE,
        "page_size": PAGE_SIZE,
    }
    return clients.pages(ASSET, "", LIST_ASSETS, client.list_assets, request, "assets")


def _whole(value: Any) -> Any:
    """``resource.data`` with whole numbers as ints again: it travels as a protobuf
    Struct, whose numbers are doubles (a firewall's priority 1000 arrives as 1000.0,
    which the normalisers' int parsing would not read)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value


def _project_of(asset: Mapping[str, Any], numbers: Mapping[str, str]) -> str | None:
    """The id of the scanned project that holds the asset; None for any other."""
    ancestors = asset.get("ancestors")
    for scope in ancestors if isinstance(ancestors, list) else ():
        if str(scope).startswith("projects/"):
            return numbers.get(str(scope).removeprefix("projects/"))
    resource = asset.get("resource")
    parent = str(resource.get("parent") or "") if isinstance(resource, dict) else ""
    # //cloudresourcemanager.googleapis.com/projects/123
    head, _, number = parent.rpartition("/projects/")
    return numbers.get(number) if head else None

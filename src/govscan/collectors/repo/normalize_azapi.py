"""Terraform ``azapi_resource`` in the shapes of the live Azure collector.

An ``azapi_resource`` declares an ARM request body: ``type`` (with an
``@api-version``), ``name``, ``location``, ``parent_id`` and ``body`` (an HCL
object, or ``jsonencode({...})``) holding ``properties``, ``sku``, ``kind``,
``identity`` and ``tags``. That is the JSON the live collector reads, so the same
shape functions (``govscan.collectors.shapes``) turn it into fields: one mapping
for the live resource and its definition. An ``azapi_update_resource`` whose
``resource_id`` refers to one patches its body (``azapi_patches``).

What a body cannot tell is left open, never guessed:

- a value not known before apply (``var.x`` without a value, a reference) leaves
  every field it feeds undetermined (``azapi_probe.decide``);
- a property the body does not set takes the default of the API version named in
  ``type``: written in where Azure documents it for every resource
  (``azapi_defaults``), otherwise not assumed, so the fields it feeds are
  undetermined too (set it in the body to have them judged);
- fields the live collector reads with an extra call (a storage account's blob
  service, a vault's keys) are undetermined: the body does not carry them;
- fields only the running resource has (creation time, attachments) are left out,
  as for azurerm.

Types without a shape function that name a location are judged for residency
(``azure.resource``). Child resources (``.../blobServices``) are not linked to
their parent: docs/repo.md lists them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from govscan.collectors.repo import azapi_defaults
from govscan.collectors.repo.azapi_patches import Patches, body_of, merged
from govscan.collectors.repo.azapi_probe import decide, take_unknowns
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.normalize_azure_links import region
from govscan.collectors.repo.normalize_azure_nsg import _DEFAULT_RULES as DEFAULT_RULES
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import reason, split
from govscan.collectors.shapes import azure_keyvault, azure_network, azure_services, azure_storage

Normalised = tuple[TfResource, str, dict[str, Any], dict[str, str]]

_GROUP = re.compile(r"/resourcegroups/([^/]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Shape:
    """How one ARM type becomes a govscan type."""

    type: str
    fields: Callable[[dict[str, Any], Any], dict[str, Any] | None]
    """The live collector's shape function."""
    details: tuple[tuple[str, str], ...] = ()
    """(field, the ARM call the live collector reads it with): absent in a body."""
    live: tuple[str, ...] = ()
    """Fields only the running resource has: left out."""
    platform: tuple[tuple[str, Any], ...] = ()
    """Read-only properties Azure adds to every such resource: ``properties`` keys."""
    not_defaulted: tuple[str, ...] = ()
    """Dotted paths a body leaves out without Azure filling in a default: what only a
    GET answers, and optional settings whose absence means none is made."""


def _default_rules() -> list[dict[str, Any]]:
    """The rules Azure adds to every network security group, as ARM writes them."""
    return [
        {
            "name": name,
            "properties": {
                "direction": direction.capitalize(),
                "access": access.capitalize(),
                "priority": priority,
                "protocol": "*",
                "sourceAddressPrefix": source,
                "sourcePortRange": "*",
                "destinationAddressPrefix": destination,
                "destinationPortRange": "*",
            },
        }
        for name, direction, access, priority, source, destination in DEFAULT_RULES
    ]


_BLOB = "Microsoft.Storage/storageAccounts/blobServices"
SHAPES: dict[str, Shape] = {
    "microsoft.storage/storageaccounts": Shape(
        azure_storage.ACCOUNT,
        azure_storage.account,
        details=(
            *((f, _BLOB) for f in azure_storage.BLOB_FIELDS),
            ("lifecycle_delete_after_days", "Microsoft.Storage/storageAccounts/managementPolicies"),
        ),
        live=("created",),
        not_defaulted=(
            "properties.secondaryLocation",
            "properties.creationTime",
            "properties.encryption.keyvaultproperties.currentVersionedKeyIdentifier",
            # No version: the account follows the key's current version.
            "properties.encryption.keyvaultproperties.keyversion",
        ),
    ),
    "microsoft.keyvault/vaults": Shape(
        azure_keyvault.VAULT,
        azure_keyvault.vault,
        details=(
            ("keys", "Microsoft.KeyVault/vaults/keys"),
            ("secrets", "Microsoft.KeyVault/vaults/secrets"),
        ),
        live=("vault_uri", "private_endpoints"),
        not_defaulted=("properties.vaultUri", "properties.privateEndpointConnections"),
    ),
    "microsoft.network/networksecuritygroups": Shape(
        azure_network.NSG,
        azure_network.security_group,
        live=("subnets", "network_interfaces"),
        platform=(("defaultSecurityRules", _default_rules()),),
        not_defaulted=("properties.subnets", "properties.networkInterfaces"),
    ),
    "microsoft.compute/disks": Shape(
        "azure.compute.disk",
        azure_services.disk,
        live=("disk_state", "attached", "managed_by", "created"),
        not_defaulted=("managedBy", "properties.diskState", "properties.timeCreated"),
    ),
    "microsoft.operationalinsights/workspaces": Shape(
        "azure.operationalinsights.workspace", azure_services.workspace
    ),
    "microsoft.containerservice/managedclusters": Shape(
        "azure.containerservice.cluster",
        azure_services.cluster,
        not_defaulted=("properties.currentKubernetesVersion",),
    ),
    "microsoft.containerregistry/registries": Shape(
        "azure.containerregistry.registry",
        azure_services.registry,
        details=(
            ("replication_locations", "Microsoft.ContainerRegistry/registries/replications"),
            ("copy_locations", "Microsoft.ContainerRegistry/registries/replications"),
        ),
        live=("login_server",),
        not_defaulted=("properties.loginServer",),
    ),
    "microsoft.documentdb/databaseaccounts": Shape(
        "azure.cosmosdb.account", azure_services.cosmos_account
    ),
}
"""ARM type (lowercase, without the API version) -> its shape."""

_BODY_KEYS = ("properties", "sku", "kind", "identity", "tags")


def arm_type(value: Any) -> tuple[str, str]:
    """``Microsoft.Storage/storageAccounts@2023-05-01`` -> (type, API version)."""
    if not isinstance(value, str):
        return "", ""
    kind, _, version = value.strip().partition("@")
    return kind, version


def _document(r: TfResource, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": kind, "name": r.get("name"), "location": r.get("location")}
    # A null property is not sent (ignore_null_property) or read by ARM as not set.
    doc |= {k: _no_nulls(body[k]) for k in _BODY_KEYS if body.get(k) is not None}
    block = r.sub("identity")
    if "identity" in getattr(r, "unexpanded", ()):
        doc["identity"] = Unknown(f'dynamic "identity" of {r.address}')
    elif block is not None:
        doc["identity"] = {"type": r.sub_get(block, "type")}
    return doc


def _no_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    return value


def _common(r: TfResource, body: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    name = r.get("name")
    if isinstance(name, str) and name:
        out["name"] = name
    location = r.get("location")
    if location is None:
        # Not set (or null): azapi takes the location of the parent resource.
        out["region"] = Unknown("location not set: it is the parent's location")
    else:
        out["region"] = region(location)
    parent = r.get("parent_id")
    found = _GROUP.search(parent) if isinstance(parent, str) else None
    if found:
        out["resource_group"] = found.group(1)
    tags = r.get("tags")
    if not isinstance(tags, dict) and isinstance(body, dict):
        tags = body.get("tags")
    if isinstance(tags, dict):
        out["tags"] = {k: v for k, v in tags.items() if isinstance(v, str)}
    return out


def _shaped(r: TfResource, shape: Shape, kind: str, version: str, patches: list[Any]) -> Normalised:
    body = body_of(r)
    for patch in patches:
        body = merged(body, patch)
    whole = body if isinstance(body, Unknown) else None
    doc = _document(r, kind, {} if whole is not None else body)
    doc, unknowns = take_unknowns(doc, (), lambda v: isinstance(v, Unknown))
    if shape.platform:
        props = doc.setdefault("properties", {})
        if isinstance(props, dict):
            props.update(copy.deepcopy(dict(shape.platform)))
    azapi_defaults.apply(doc, kind, version, {p for p, _ in unknowns})
    not_set = f"{kind}@{version or '?'} body does not set {{path}}: Azure applies its default"
    try:
        fields, why = decide(
            shape.fields,
            doc,
            [(p, reason(u)) for p, u in unknowns],
            not_set + " (not assumed)",
            {tuple(p.split(".")) for p in shape.not_defaulted},
        )
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        # A body no ARM API would accept: nothing in it is judged.
        fields, _ = decide(shape.fields, {"type": kind}, (), "")
        why = dict.fromkeys(fields, "value Terraform would reject: body is not ARM JSON")
    if whole is not None:
        why = dict.fromkeys(fields, reason(whole))
    for field, call in shape.details:
        if field not in fields:
            why.setdefault(field, f"read from {call} in the live API; not part of the body")
    out = _common(r, body)
    for field in shape.live:
        fields.pop(field, None)
        why.pop(field, None)
    for field in fields.keys() | why.keys():
        out[field] = Unknown(why[field]) if field in why else fields[field]
    data, unknown = split(out)
    # The reasons are already written for the user: no "value unknown" prefix.
    for field, text in why.items():
        for path in [p for p in unknown if p == field or p.startswith((field + ".", field + "["))]:
            unknown[path] = text
    return r, shape.type, data, unknown


def _located(r: TfResource, kind: str) -> Normalised:
    out = _common(r, body_of(r))
    out["resource_type"] = kind
    data, unknown = split(out)
    return r, "azure.resource", data, unknown


def normalise(resources: list[TfResource]) -> Iterable[Normalised]:
    """Each ``azapi_resource`` as (resource, type, data, unknown paths -> reason)."""
    patches = Patches(resources)
    for r in resources:
        if r.type != "azapi_resource":
            continue
        kind, version = arm_type(r.get("type"))
        shape = SHAPES.get(kind.lower())
        if shape is not None:
            found = _shaped(r, shape, kind, version, patches.of(r, kind))
        elif kind.count("/") == 1 and "location" in r.block.attrs:
            found = _located(r, kind)
        else:
            continue  # a child resource or a type not known before apply
        res, rtype, data, unknown = found
        if "region" in unknown:
            # Not even a placeholder: the region also places the resource in reports.
            data.pop("region", None)
        yield res, rtype, data, unknown

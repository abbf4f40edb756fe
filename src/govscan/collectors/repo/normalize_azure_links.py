"""What the azurerm normalisers share: which resources belong to which (companion
resources that configure another one, child resources such as keys of a vault), the
location of a resource and its paired region, and argument spellings that changed
between provider versions.

A companion names the resource it belongs to by id (``storage_account_id =
azurerm_storage_account.x.id``: an unknown whose reference is that resource) or by
name (``network_security_group_name = "nsg-web"``, also what a reference to a
statically set ``name`` evaluates to). A companion whose target is not known before
apply may belong to any resource of its kind: what it would add is unknown.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from govscan.catalog.jurisdictions import UnknownLocation, secondary_location
from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import as_str, reference
from govscan.collectors.repo.values import Invalid

Normalised = tuple[str, dict[str, Any]]

INSTANCE_KEY = re.compile(r"\[[^\[\]]*\]$")


class NoPair(Unknown):
    """A geo-redundant copy whose region the pairs table cannot name."""


class Links:
    """Resources that belong to another, by (their kind, the other's key)."""

    def __init__(self, resources: Iterable[Any], args: Iterable[str]) -> None:
        self.by_target: dict[tuple[str, str], list[Any]] = defaultdict(list)
        self.unplaced: dict[str, list[tuple[Any, str]]] = defaultdict(list)
        self.resources = list(resources)
        self.by_address = {r.address: r for r in self.resources}
        for r in self.resources:
            for arg in args:
                if arg not in r.block.attrs:
                    continue
                value = r.get(arg)
                ref = reference(value) if isinstance(value, Unknown) else ""
                if ref:
                    self.by_target[(r.type, ref)].append(r)
                elif isinstance(value, str) and value:
                    self.by_target[(r.type, f"name:{value}")].append(r)
                elif isinstance(value, Unknown):
                    self.unplaced[r.type].append((r, f"{arg} = {value.text}"))

    def all(self, kind: str, target: Any) -> list[Any]:
        """Every ``kind`` resource that belongs to ``target``: by reference to its
        instance or block, or by its static name."""
        address = target.address
        block = INSTANCE_KEY.sub("", address)
        name = target.get("name")
        keys = dict.fromkeys((address, block, f"name:{name}" if isinstance(name, str) else ""))
        found: list[Any] = []
        for key in keys:
            found += [c for c in self.by_target.get((kind, key), ()) if c not in found]
        return found

    def unknown(self, kind: str) -> Unknown | None:
        """Why what ``kind`` resources add to a resource is not known: one of them names
        a resource not known before apply (it may be this one)."""
        for c, what in self.unplaced.get(kind, ()):
            return Unknown(f"{c.address} belongs to the resource {what}")
        return None

    def target(self, value: Any, kind: str) -> Any | None:
        """The ``kind`` resource a reference points at (``azurerm_mssql_server.a.id``)."""
        ref = reference(value) if isinstance(value, Unknown) else ""
        found = self.by_address.get(ref)
        if found is None and ref:
            found = next(
                (r for r in self.resources if INSTANCE_KEY.sub("", r.address) == ref), None
            )
        return found if found is not None and found.type == kind else None


def arg(r: Any, *names: str) -> Any:
    """The first of an argument's spellings the definition sets (azurerm renamed many
    arguments in v4: ``enable_rbac_authorization`` -> ``rbac_authorization_enabled``)."""
    for n in names:
        if n in r.block.attrs:
            return r.get(n)
    return None


def block_arg(r: Any, block: Any, *names: str) -> Any:
    for n in names:
        if block is not None and n in block.attrs:
            return r.sub_get(block, n)
    return None


def region(value: Any) -> Any:
    """A location argument as ARM writes it: ``West Europe`` -> ``westeurope``."""
    if isinstance(value, Unknown):
        return value
    if value is None:
        return Invalid("location is required")
    text = as_str(value)
    return text.lower().replace(" ", "") if isinstance(text, str) else text


def paired(location: Any, geo: Any) -> Any:
    """The region a geo-redundant copy of data in ``location`` goes to; None when
    ``geo`` is false."""
    if isinstance(geo, Unknown):
        return geo
    if not geo:
        return None
    if isinstance(location, Unknown):
        return location
    try:
        found = secondary_location("azure", str(location))
    except UnknownLocation as exc:
        return NoPair(str(exc))
    return found if found is not None else NoPair(f"{location} has no published region pair")


def copies(*locations: Any, home: Any = None) -> list[Any]:
    """Copy locations: the distinct ones other than ``home``, unknowns kept."""
    out: list[Any] = []
    for loc in locations:
        if loc is None or loc == home or loc in out:
            continue
        out.append(loc)
    return out


def tls(value: Any) -> Any:
    """TLS versions as the shape writes them: ``TLS1_2``, ``Tls12``, ``TLSv1.2`` -> ``1.2``."""
    if value is None or isinstance(value, Unknown):
        return value
    digits = re.sub(r"[^0-9]", "", str(value))
    if len(digits) == 2:
        return f"{digits[0]}.{digits[1]}"
    return None  # "None", "Disabled": no minimum enforced


def access(enabled: Any) -> Any:
    """``public_network_access_enabled`` as ARM spells it."""
    if isinstance(enabled, Unknown):
        return enabled
    return "Enabled" if enabled else "Disabled"


def identity_type(r: Any) -> Any:
    value = r.sub_get(r.sub("identity"), "type")
    if isinstance(value, str):
        return ", ".join(p.strip() for p in value.split(","))
    return value


def common(r: TfResource) -> dict[str, Any]:
    """Fields every Azure type has: region, resource group, tags."""
    out: dict[str, Any] = {"region": region(r.get("location"))}
    group = as_str(r.get("resource_group_name"))
    if group is not None:
        out["resource_group"] = group
    tags = r.get("tags")
    if isinstance(tags, dict):
        out["tags"] = {k: v for k, v in tags.items() if isinstance(v, str)}
    return out

"""An ``azapi_resource``'s body and the ``azapi_update_resource`` patches applied to it.

An ``azapi_update_resource`` reads the resource, merges its own body in and writes
it back: a module may create a storage account with Microsoft-managed keys and
switch it to a customer-managed key in a second step. A patch is merged into the
``azapi_resource`` its ``resource_id`` refers to (``azapi_resource.this.id``). A
patch whose target is not known before apply (``resource_id = var.id``, or an id
written out) may apply to any resource of its ARM type: every property it sets is
unknown on each. A patch of an ``azurerm_*`` resource is not read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from govscan.collectors.repo.hcl import Unknown
from govscan.collectors.repo.unknowns import reference
from govscan.collectors.repo.values import Invalid, Partial

INSTANCE_KEY = re.compile(r"\[[^\[\]]*\]$")


def body_of(r: Any) -> Any:
    """The body as a value: an object (possibly with unknown leaves) or an Unknown."""
    value = r.get("body")
    if isinstance(value, Partial) and value.encoded and value.parts:
        return value.parts[0]  # jsonencode() around some unknowns: the structure is known
    if isinstance(value, Unknown):
        return value
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Invalid("body is not JSON")
    if not isinstance(value, dict):
        return Invalid("body is not an object")
    for key in ("properties", "sku", "identity"):
        if key in value and not isinstance(value[key], dict | Unknown):
            return Invalid(f"body.{key} is not an object")
    return value


def merged(body: Any, patch: Any) -> Any:
    """``body`` with ``patch`` merged in (objects key by key, anything else replaced;
    a null in the patch leaves the value as it was)."""
    if isinstance(body, Unknown):
        return body
    if isinstance(patch, Unknown):
        return patch
    if not isinstance(body, dict) or not isinstance(patch, dict):
        return body if patch is None else patch
    out = dict(body)
    for key, value in patch.items():
        if value is not None:
            out[key] = merged(out.get(key), value) if key in out else value
    return out


def _opened(value: Any, why: Unknown) -> Any:
    """``value`` with each leaf replaced by ``why``: what a patch of an unknown target sets."""
    if isinstance(value, dict):
        return {k: _opened(v, why) for k, v in value.items() if v is not None}
    return why


class Patches:
    """The ``azapi_update_resource`` bodies of a module, by the resource they patch."""

    def __init__(self, resources: list[Any]) -> None:
        self.by_target: dict[str, list[Any]] = {}
        self.unplaced: list[tuple[str, Any]] = []
        for u in resources:
            if u.type != "azapi_update_resource":
                continue
            target = u.get("resource_id")
            ref = reference(target) if isinstance(target, Unknown) else ""
            if ref.startswith(_prefix(u.address) + "azapi_resource."):
                self.by_target.setdefault(ref, []).append(body_of(u))
                continue
            if ref:
                continue  # it patches a resource of another provider: not read
            kind = u.get("type")
            text = target.text if isinstance(target, Unknown) else str(target)
            why = Unknown(f"{u.address} may patch it (resource_id = {text})")
            patch = body_of(u)
            self.unplaced.append(
                (
                    str(kind).partition("@")[0].lower(),
                    why if isinstance(patch, Unknown) else _opened(patch, why),
                )
            )

    def of(self, r: Any, kind: str) -> list[Any]:
        """The patches applied to ``r`` (an ``azapi_resource`` of ARM type ``kind``)."""
        found = self.by_target.get(r.address, []) + self.by_target.get(
            INSTANCE_KEY.sub("", r.address), []
        )
        return found + [p for k, p in self.unplaced if k == kind.lower()]


def _prefix(address: str) -> str:
    """``module.this.`` of ``module.this.azapi_update_resource.x[0]``."""
    head, _, _ = address.rpartition("azapi_update_resource.")
    return head

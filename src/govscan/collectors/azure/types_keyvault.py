"""Key Vaults with the names and dates of their keys and secrets.

Keys and secrets are read from the management plane (``Microsoft.KeyVault``
``keys`` and ``secrets`` lists): it carries their metadata and never a value,
and needs no data-plane access policy. Even so, only the documented metadata is
copied: nothing a response might carry beyond it reaches a resource."""

from __future__ import annotations

from typing import Any

from govscan.collectors.azure.spec import AzureType, Ctx, Detail, define
from govscan.collectors.shapes.azure_keyvault import VAULT, key, rotates, secret, vault

__all__ = ["VAULT", "key", "rotates", "secret", "vault"]


def _keys(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    return client.keys.list(ctx.resource_group(arm), arm["name"])


def _secrets(client: Any, ctx: Ctx, arm: dict[str, Any]) -> Any:
    return client.secrets.list(ctx.resource_group(arm), arm["name"])


define(
    AzureType(
        type=VAULT,
        client="keyvault",
        list=lambda c, ctx: c.vaults.list_by_subscription(),
        action="Microsoft.KeyVault/vaults/read",
        normalise=vault,
        details=(
            Detail("keys", ("keys",), _keys, "Microsoft.KeyVault/vaults/keys/read"),
            Detail("secrets", ("secrets",), _secrets, "Microsoft.KeyVault/vaults/secrets/read"),
        ),
    )
)

"""Small readers shared by the Azure type modules: ARM JSON in, shape values out.

They live in ``govscan.collectors.shapes.azure_util``, where the repository
collector reads ARM request bodies with them too."""

from __future__ import annotations

from govscan.collectors.shapes.azure_util import (
    dig,
    enabled,
    epoch,
    firewall_rules,
    identity,
    items,
    lower_location,
    lowest_tls,
    obj,
    objs,
    others,
    paired_region,
    props,
    split_list,
    strs,
    tls,
)

__all__ = [
    "dig",
    "enabled",
    "epoch",
    "firewall_rules",
    "identity",
    "items",
    "lower_location",
    "lowest_tls",
    "obj",
    "objs",
    "others",
    "paired_region",
    "props",
    "split_list",
    "strs",
    "tls",
]

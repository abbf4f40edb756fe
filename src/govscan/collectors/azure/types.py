"""Imports every module that declares Azure resource types, filling ``spec.TYPES``.

The modules are this package's ``subscription`` and ``resources`` plus every ``types_*.py``
beside it: a new type module is found without editing a list.
"""

from __future__ import annotations

import importlib
import pkgutil

from govscan.collectors.azure.spec import TYPES, AzureType

OWN = ("subscription", "resources")


def modules() -> list[str]:
    import govscan.collectors.azure as package

    found = sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("types_")
    )
    return [*OWN, *(n for n in found if n != "types_util")]


def load() -> dict[str, AzureType]:
    """Every declared Azure type by name."""
    for name in modules():
        importlib.import_module(f"govscan.collectors.azure.{name}")
    return TYPES

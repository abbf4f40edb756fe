"""Which normaliser turns a Terraform resource into the shape of which cloud.

Each provider's module (``normalize_aws``, ``normalize_azure``, ``normalize_gcp``)
exposes ``normalise(resources)`` yielding ``(resource, type, data, unknown)``;
this module runs each on the resources whose Terraform type it owns. Modules are
imported on first use, so a repository with only AWS code never loads the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

Normalised = tuple[Any, str, dict[str, Any], dict[str, str]]

PROVIDERS: dict[str, tuple[str, str]] = {
    # Terraform type prefix -> (govscan provider, module that normalises it)
    "aws_": ("aws", "govscan.collectors.repo.normalize_aws"),
    "azurerm_": ("azure", "govscan.collectors.repo.normalize_azure"),
    "azapi_": ("azure", "govscan.collectors.repo.normalize_azapi"),
    "google_": ("gcp", "govscan.collectors.repo.normalize_gcp"),
}
"""A provider is listed once its normaliser exists."""


def provider_of(resource_type: str) -> str:
    """The govscan provider of a normalised type: ``azure.storage.account`` -> ``azure``."""
    return resource_type.split(".", 1)[0]


def normalise(resources: Iterable[Any]) -> Iterable[Normalised]:
    """Every resource some provider's normaliser knows, in the order given per provider."""
    by_prefix: dict[str, list[Any]] = {}
    for r in resources:
        for prefix in PROVIDERS:
            if r.type.startswith(prefix):
                by_prefix.setdefault(prefix, []).append(r)
                break
    for prefix, group in by_prefix.items():
        yield from _module(prefix)(group)


def _module(prefix: str) -> Callable[[list[Any]], Iterable[Normalised]]:
    fn: Callable[[list[Any]], Iterable[Normalised]] = importlib.import_module(
        PROVIDERS[prefix][1]
    ).normalise
    return fn

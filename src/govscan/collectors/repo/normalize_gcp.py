"""Terraform ``google_*`` resources in the shapes of the live GCP collector.

The same control judges the live resource and its definition, so every field
has the meaning documented in ``data/resource_types/gcp.yaml``. The conventions
are those of ``normalize_aws``: an unset argument reads as the default in
``gcp_defaults``, a value not known before apply stays an ``Unknown`` for
``unknowns.split``, and runtime state (ids, status, creation time) is left out.
Every located resource is placed by its own ``location``/``region``/``zone``
argument, else by its provider configuration's ``region`` (``zone`` for zonal
resources); when neither is static the location is unknown, so a residency
control reports ``error`` instead of judging a guess. Split-out resources
(bucket IAM members and ACLs, dataset access, key IAM, node pools, read
replicas) are joined into the resource they configure (``normalize_gcp_base``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from govscan.collectors.repo import (
    normalize_gcp_compute,
    normalize_gcp_platform,
    normalize_gcp_services,
)
from govscan.collectors.repo.normalize_gcp_base import Companions, Normalised
from govscan.collectors.repo.terraform import TfResource
from govscan.collectors.repo.unknowns import split

NORMALISERS: dict[str, Callable[[TfResource, Companions], Normalised | None]] = {
    **normalize_gcp_compute.NORMALISERS,
    **normalize_gcp_services.NORMALISERS,
    **normalize_gcp_platform.NORMALISERS,
}


def normalise(
    resources: list[TfResource],
) -> Iterable[tuple[TfResource, str, dict[str, Any], dict[str, str]]]:
    """Each resource as (resource, type, data, unknown paths -> reason)."""
    comp = Companions(resources)
    for r in resources:
        fn = NORMALISERS.get(r.type)
        if fn is None:
            continue
        out = fn(r, comp)
        if out is not None:
            data, unknown = split(out[1])
            yield r, out[0], data, unknown

"""``govscan permissions --collector gcp``: the custom role a scan needs.

The role is derived from the same declarations that drive collection (the
``GcpType`` list and detail permissions, the project's sources), so it holds
exactly what the selected controls make govscan call. Its format is the one
``gcloud iam roles create ROLE --project P --file role.yaml`` reads.
"""

from __future__ import annotations

from typing import Any

from govscan.collectors.gcp import hierarchy, project, registry, services
from govscan.collectors.interface import CollectionPlan

BASE = (
    # Finding the projects: given ones, folders walked, an organisation listed.
    hierarchy.GET_PROJECT,
    hierarchy.LIST_PROJECTS,
    hierarchy.GET_FOLDER,
    hierarchy.LIST_FOLDERS,
    hierarchy.LIST_ASSETS,
    # Which APIs each project has enabled.
    services.LIST,
)


def required_permissions(plan: CollectionPlan) -> list[str]:
    """IAM permissions a scan with ``plan`` may use."""
    types = registry.load()
    perms = set(BASE)
    for rtype, fields in plan.fields.items():
        if rtype == project.TYPE:
            perms.update(project.permissions(frozenset(fields)))
            continue
        spec = types.get(rtype)
        if spec is None:
            continue
        perms.update(spec.base_permissions())
        detail = spec.detail_permissions()
        for f in fields:
            perms.update(detail.get(f, ()))
    return sorted(perms)


def custom_role(plan: CollectionPlan) -> dict[str, Any]:
    return {
        "title": "govscan reader",
        "description": "Read-only access for a govscan scan with the selected controls.",
        "stage": "GA",
        "includedPermissions": required_permissions(plan),
    }

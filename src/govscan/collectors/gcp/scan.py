"""One project's scan: enabled services, then every planned type.

A type whose API is not enabled is not called: its scope is ``not_applicable``.
An API that answers "disabled" although Service Usage listed it (or could not be
asked) counts the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from govscan.collectors.gcp import project as project_type
from govscan.collectors.gcp import registry, services
from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.inventory import Inventory
from govscan.collectors.gcp.spec import Scope, collect
from govscan.collectors.gcp.target import Project
from govscan.collectors.interface import CollectionPlan, Item
from govscan.model import CollectionError, NotApplicableScope

log = logging.getLogger(__name__)


def scan_project(
    clients: Clients,
    project: Project,
    plan: CollectionPlan,
    as_of: datetime,
    inventory: Inventory | None = None,
) -> Iterator[Item]:
    """``inventory``: what the Cloud Asset Inventory already listed (its types are
    not listed again in projects it covers)."""
    scope = Scope(clients, project, plan.fields, as_of)
    types = registry.load()
    wanted = [t for name, t in sorted(types.items()) if name in plan.fields]
    enabled: frozenset[str] | None = None
    why = ""
    try:
        enabled = services.enabled(clients, project)
    except CallFailure as failure:
        why = str(failure)
        log.warning("project %s: enabled services unknown: %s", project.project_id, failure)
        if plan.needs(project_type.TYPE, "enabled_services"):
            yield CollectionError(
                "gcp",
                failure.describe(project.project_id),
                (project_type.TYPE,),
                account=project.project_id,
                operation=f"{failure.api}:{failure.operation}",
                fields=("enabled_services",),
            )
    if project_type.TYPE in plan.fields:
        yield from project_type.collect(scope, enabled, why)
    for spec in wanted:
        if enabled is not None and spec.api not in enabled:
            yield _off(spec.type, spec.api, project)
            continue
        try:
            # With the enabled APIs unknown, a disabled API must still answer "disabled".
            listed = inventory.listed(spec, project) if inventory and enabled is not None else None
            yield from collect(spec, scope, listed)
        except Exception as exc:  # a bug in one type must not cost the project's others
            log.error(
                "%s in %s failed: %s: %s", spec.type, project.project_id, type(exc).__name__, exc
            )
            log.debug("%s traceback", spec.type, exc_info=True)
            yield CollectionError(
                "gcp",
                f"project {project.project_id}: {spec.type} failed: {type(exc).__name__}: {exc}",
                (spec.type,),
                account=project.project_id,
            )


def _off(rtype: str, api: str, project: Project) -> NotApplicableScope:
    return NotApplicableScope(
        "gcp", (rtype,), project.project_id, services.disabled_reason(api, project)
    )

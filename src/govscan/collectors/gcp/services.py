"""Which APIs a project has enabled (Service Usage).

A resource API that is not enabled holds no resources: its types are
``not_applicable`` in that project and govscan does not call it.
"""

from __future__ import annotations

from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.target import Project

SERVICE_USAGE = "serviceusage.googleapis.com"
LIST = "serviceusage.services.list"


def enabled(clients: Clients, project: Project) -> frozenset[str]:
    """Service names (``compute.googleapis.com``) enabled in ``project``.

    Raises ``CallFailure`` when they cannot be read."""
    rest = clients.rest(SERVICE_USAGE, project.project_id)
    names: set[str] = set()
    for service in rest.pages(
        LIST,
        f"/v1/projects/{project.number or project.project_id}/services",
        "services",
        {"filter": "state:ENABLED"},
        page_size=200,
    ):
        if service.get("state", "ENABLED") != "ENABLED":
            continue  # a server that ignores the filter must not count disabled ones
        config = service.get("config")
        name = config.get("name") if isinstance(config, dict) else None
        names.add(str(name or str(service.get("name", "")).rsplit("/", 1)[-1]))
    names.discard("")
    return frozenset(names)


def disabled_reason(api: str, project: Project) -> str:
    return f"{api} is not enabled in project {project.project_id}"

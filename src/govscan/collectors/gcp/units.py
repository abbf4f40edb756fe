"""A Google Cloud scan's units: one per project.

Nothing is collected once per folder or organisation: what govscan reads above a
project (folder and organisation IAM policies, contacts and sinks, effective
organisation policies) is read for the project and judged as part of it, so the
project is the only unit. Projects are found exactly as a scan finds them
(``hierarchy.resolve``).

A shard lists no folder and no organisation. With the Cloud Asset Inventory on,
it asks the inventory for its own projects (``projects/NUMBER``, one paged call
each) instead of the organisation's or folders' whole inventory; the projects a
scan would list one by one (given with ``--gcp-projects``) still are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govscan.collectors.gcp import hierarchy, inventory
from govscan.collectors.gcp.target import Project, project_target
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.units import Discovery, Unit

if TYPE_CHECKING:
    from govscan.collectors.gcp import GcpCollector
    from govscan.collectors.gcp.clients import Clients


@dataclass(frozen=True)
class Planned:
    """A shard's share of the plan's GCP units."""

    projects: tuple[Project, ...]
    """Projects found at planning time: scanned without being read again."""
    retry: tuple[str, ...]
    """Given projects that could not be read at planning time: read again, so that
    the shard reports what a scan of them reports."""


def discover(col: GcpCollector, plan: CollectionPlan) -> Discovery:
    """The scan's projects, found as a scan finds them."""
    del plan
    clients, default_project = col.connect()
    found = hierarchy.resolve(clients, col.projects, col.folders, col.organization, default_project)
    walked = col.folders or col.organization
    given = set(col.projects) or ({default_project} if default_project and not walked else set())
    units = [Unit(col.name, p.project_id, "", _attrs(p)) for p in found.projects.values()]
    # A given project that cannot be read now is tried again by its shard; a folder
    # or organisation that cannot be listed is the plan's error, reported once.
    retry = {e.account for e in found.errors if e.account in given}
    units += [Unit(col.name, pid, "") for pid in sorted(retry - set(found.projects))]
    errors = tuple(e for e in found.errors if e.account not in retry)
    targets = tuple(project_target(found.projects[pid]) for pid in sorted(found.projects))
    return Discovery(tuple(units), not walked, targets, errors)


def _attrs(p: Project) -> dict[str, Any]:
    return {
        "number": p.number,
        "name": p.name,
        "parent": p.parent,
        "ancestors": list(p.ancestors),
        "labels": dict(sorted(p.labels.items())),
        "ancestry_complete": p.ancestry_complete,
    }


def planned(units: Sequence[Unit]) -> Planned:
    """What a shard scans, from its units."""
    found = tuple(
        Project(
            project_id=u.scope,
            number=str(u.attrs.get("number") or ""),
            name=str(u.attrs.get("name") or ""),
            parent=str(u.attrs.get("parent") or ""),
            ancestors=tuple(str(a) for a in u.attrs.get("ancestors") or ()),
            labels={str(k): str(v) for k, v in (u.attrs.get("labels") or {}).items()},
            ancestry_complete=u.attrs.get("ancestry_complete") is not False,
        )
        for u in units
        if "ancestors" in u.attrs
    )
    retry = tuple(u.scope for u in units if "ancestors" not in u.attrs)
    return Planned(found, retry)


def planned_hierarchy(clients: Clients, mine: Planned) -> hierarchy.Hierarchy:
    """A shard's projects: the planned ones as they are, the retried ones read the
    way ``--gcp-projects`` reads them."""
    found = hierarchy.resolve(clients, mine.retry, (), "") if mine.retry else hierarchy.Hierarchy()
    for p in mine.projects:
        found.add(p)
    return found


def inventory_parents(col: GcpCollector, projects: Iterable[Project]) -> tuple[str, ...]:
    """The inventory scopes of a shard: each of its projects that lies below the
    organisation or folders a scan would ask the inventory for."""
    scopes = inventory.scopes(col.organization, col.folders)
    return tuple(
        sorted(
            f"projects/{p.number}"
            for p in projects
            if p.number and (p.parent in scopes or any(s in scopes for s in p.ancestors))
        )
    )

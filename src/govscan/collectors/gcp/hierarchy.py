"""Which projects a scan covers: given ones, folders walked, a whole organisation.

Resource Manager v3 answers for projects and folders (only ACTIVE projects are
scanned: listing also returns DELETE_REQUESTED ones). For an organisation the
Cloud Asset Inventory is asked first: one paged call lists every project with its
ancestors; when it cannot answer (API off, no permission) the folder tree is
walked instead. Anything that could not be listed is an error of its scope.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.clients import Clients, as_dict
from govscan.collectors.gcp.target import PROJECT_ID, Project
from govscan.model import CollectionError

log = logging.getLogger(__name__)

RM = "cloudresourcemanager.googleapis.com"
ASSET = "cloudasset.googleapis.com"
PROJECT_ASSET = "cloudresourcemanager.googleapis.com/Project"

GET_PROJECT = "resourcemanager.projects.get"
LIST_PROJECTS = "resourcemanager.projects.list"
GET_FOLDER = "resourcemanager.folders.get"
LIST_FOLDERS = "resourcemanager.folders.list"
LIST_ASSETS = "cloudasset.assets.listResource"

FOLDER_NAME = re.compile(r"folders/[0-9]{1,32}")

MAX_DEPTH = 12
"""Folders nest at most 10 deep; a deeper (or cyclic) answer is not followed."""


@dataclass
class Hierarchy:
    """What the walk found."""

    projects: dict[str, Project] = field(default_factory=dict)
    errors: list[CollectionError] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)
    """Folder -> its parent, as far as read."""

    def add(self, project: Project) -> None:
        self.projects.setdefault(project.project_id, project)

    def fail(self, scope: str, what: str, failure: CallFailure) -> None:
        self.errors.append(
            CollectionError(
                "gcp",
                f"{scope}: could not {what}: {failure.describe('')}",
                account=scope,
                operation=f"{failure.api}:{failure.operation}",
            )
        )


def _rm() -> Any:
    from google.cloud import resourcemanager_v3

    return resourcemanager_v3


def _project(data: Mapping[str, Any], ancestors: tuple[str, ...] = ()) -> Project | None:
    """A Project from Resource Manager v3 JSON; None unless ACTIVE."""
    if str(data.get("state") or "") != "ACTIVE":
        return None
    pid = str(data.get("projectId") or "")
    if not PROJECT_ID.fullmatch(pid):
        # It becomes part of request paths: anything else is not followed.
        log.warning("a listed project has an invalid id %r: not scanned", pid[:80])
        return None
    labels = data.get("labels") if isinstance(data.get("labels"), dict) else {}
    parent = str(data.get("parent") or "")
    return Project(
        project_id=pid,
        number=str(data.get("name") or "").removeprefix("projects/"),
        name=str(data.get("displayName") or pid),
        parent=parent,
        ancestors=ancestors or ((parent,) if parent else ()),
        labels={str(k): str(v) for k, v in (labels or {}).items()},
    )


def _normalise(name: str, kind: str) -> str:
    name = name.strip()
    return name if name.startswith(f"{kind}/") else f"{kind}/{name}"


def ancestry(clients: Clients, parent: str, found: Hierarchy) -> tuple[tuple[str, ...], bool]:
    """``parent`` and every folder and organisation above it, nearest first, and
    whether the chain is complete (False: a folder on the way could not be read)."""
    chain: list[str] = []
    current = parent
    while current and current not in chain and len(chain) < MAX_DEPTH:
        chain.append(current)
        if not current.startswith("folders/"):
            break
        if current not in found.parents:
            folders = clients.gapic(RM, _rm().FoldersClient)
            try:
                folder = as_dict(
                    clients.call(RM, "", GET_FOLDER, folders.get_folder, request={"name": current})
                )
            except CallFailure as failure:
                # The project is still scanned; what is inherited from above is unknown.
                log.warning("cannot read %s: %s", current, failure)
                return tuple(chain), False
            found.parents[current] = str(folder.get("parent") or "")
        current = found.parents[current]
    return tuple(chain), True


def _given(clients: Clients, ids: Iterable[str], found: Hierarchy) -> None:
    projects = clients.gapic(RM, _rm().ProjectsClient)
    for pid in ids:
        try:
            data = as_dict(
                clients.call(
                    RM, pid, GET_PROJECT, projects.get_project, request={"name": f"projects/{pid}"}
                )
            )
        except CallFailure as failure:
            found.fail(pid, "read the project", failure)
            continue
        project = _project(data)
        if project is None:
            state = data.get("state") or "unknown"
            log.warning("project %s is %s, not ACTIVE: not scanned", pid, state)
            continue
        chain, complete = ancestry(clients, project.parent, found)
        found.add(replace(project, ancestors=chain, ancestry_complete=complete))


def _children(
    clients: Clients, method: Any, operation: str, parent: str, items: str
) -> Iterator[dict[str, Any]]:
    return clients.pages(RM, "", operation, method, {"parent": parent}, items)


def _walk(
    clients: Clients,
    root: str,
    above: tuple[str, ...],
    found: Hierarchy,
    seen: set[str],
    complete: bool = True,
) -> None:
    """Every ACTIVE project under ``root`` (a folder or organisation), recursively."""
    if root in seen or len(above) >= MAX_DEPTH:
        return
    seen.add(root)
    rm = _rm()
    chain = (root, *above)
    try:
        for data in _children(
            clients,
            clients.gapic(RM, rm.ProjectsClient).list_projects,
            LIST_PROJECTS,
            root,
            "projects",
        ):
            project = _project(data, chain)
            if project is not None:
                found.add(replace(project, ancestry_complete=complete))
    except CallFailure as failure:
        found.fail(root, "list its projects", failure)
    try:
        folders = list(
            _children(
                clients,
                clients.gapic(RM, rm.FoldersClient).list_folders,
                LIST_FOLDERS,
                root,
                "folders",
            )
        )
    except CallFailure as failure:
        found.fail(root, "list its folders", failure)
        return
    for folder in folders:
        name = str(folder.get("name") or "")
        if FOLDER_NAME.fullmatch(name) and str(folder.get("state") or "ACTIVE") == "ACTIVE":
            found.parents[name] = root
            _walk(clients, name, chain, found, seen, complete)


def _from_assets(clients: Clients, org: str, found: Hierarchy) -> bool:
    """Every ACTIVE project of ``org`` from the Cloud Asset Inventory; False when it
    could not answer (then the folder tree is walked)."""
    from google.cloud import asset_v1

    client = clients.gapic(ASSET, asset_v1.AssetServiceClient)
    request = {
        "parent": org,
        "asset_types": [PROJECT_ASSET],
        "content_type": asset_v1.ContentType.RESOURCE,
        "page_size": 1000,
    }
    listed: list[Project] = []
    try:
        for asset in clients.pages(ASSET, "", LIST_ASSETS, client.list_assets, request, "assets"):
            resource = asset.get("resource") or {}
            data = resource.get("data") if isinstance(resource, dict) else None
            if not isinstance(data, dict) or data.get("lifecycleState") != "ACTIVE":
                continue
            ancestors = tuple(
                str(a) for a in asset.get("ancestors") or () if not str(a).startswith("projects/")
            )
            parent: dict[str, Any] = data["parent"] if isinstance(data.get("parent"), dict) else {}
            kind = {"folder": "folders", "organization": "organizations"}.get(
                str(parent.get("type", "")), ""
            )
            labels = data.get("labels") if isinstance(data.get("labels"), dict) else {}
            if not PROJECT_ID.fullmatch(str(data.get("projectId") or "")):
                log.warning("an asset names an invalid project id: not scanned")
                continue
            listed.append(
                Project(
                    project_id=str(data.get("projectId") or ""),
                    number=str(data.get("projectNumber") or ""),
                    name=str(data.get("name") or data.get("projectId") or ""),
                    parent=f"{kind}/{parent.get('id')}" if kind else (ancestors[:1] or ("",))[0],
                    ancestors=ancestors,
                    labels={str(k): str(v) for k, v in (labels or {}).items()},
                )
            )
    except CallFailure as failure:
        log.info("Cloud Asset Inventory cannot list %s (%s): walking the folders", org, failure)
        return False
    for project in listed:
        if project.project_id:
            found.add(project)
    return True


def resolve(
    clients: Clients,
    projects: Sequence[str],
    folders: Sequence[str],
    organization: str,
    default_project: str = "",
) -> Hierarchy:
    """The projects a scan covers and the scopes that could not be listed."""
    found = Hierarchy()
    if organization:
        org = _normalise(organization, "organizations")
        if not _from_assets(clients, org, found):
            _walk(clients, org, (), found, set())
    seen: set[str] = set()
    for folder in folders:
        name = _normalise(folder, "folders")
        chain, complete = ancestry(clients, name, found)
        _walk(clients, name, chain[1:], found, seen, complete)
    wanted = [p for p in projects if p not in found.projects]
    if not (organization or folders or projects) and default_project:
        wanted = [default_project]
    _given(clients, wanted, found)
    return found

"""``gcp.project``: one resource per scanned project, also when nothing is configured.

Its fields come from several APIs; each source is called only when a selected
control reads one of its fields (``SOURCES``), and a source that fails leaves its
fields unavailable (those controls report ``error``) without losing the others.
What is inherited (audit configs, essential contacts, aggregated sinks) is read on
the project's folders and organisation too; organisation policy constraints come
merged by the Organization Policy API (``orgpolicy.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from govscan.collectors.gcp import iampolicy, orgpolicy
from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.clients import Clients, as_dict
from govscan.collectors.gcp.hierarchy import RM
from govscan.collectors.gcp.spec import Scope
from govscan.collectors.gcp.target import Project
from govscan.collectors.interface import Item
from govscan.model import CollectionError

TYPE = "gcp.project"
CONTACTS_API = "essentialcontacts.googleapis.com"
LOGGING_API = "logging.googleapis.com"
COMPUTE_API = "compute.googleapis.com"

GET_PROJECT_POLICY = "resourcemanager.projects.getIamPolicy"
GET_FOLDER_POLICY = "resourcemanager.folders.getIamPolicy"
GET_ORG_POLICY = "resourcemanager.organizations.getIamPolicy"
LIST_CONTACTS = "essentialcontacts.contacts.list"
LIST_SINKS = "logging.sinks.list"
GET_COMPUTE_PROJECT = "compute.projects.get"

POLICY_FIELDS = (
    "iam_bindings",
    "primitive_role_users",
    "service_account_admins",
    "iam_public_members",
    "service_account_user_members",
    "service_account_token_creator_members",
    "sa_duty_conflicts",
    "kms_duty_conflicts",
    "audit_configs",
)
INHERITED_AUDIT_FIELDS = ("data_access_audit_all_services", "audit_exempted_members")


def project_policy(clients: Clients, project: Project) -> dict[str, Any]:
    """The project's IAM policy (version 3), read once per scan."""

    def read() -> dict[str, Any]:
        from google.cloud import resourcemanager_v3

        client = clients.gapic(RM, resourcemanager_v3.ProjectsClient)
        request = {
            "resource": f"projects/{project.project_id}",
            "options": {"requested_policy_version": 3},
        }
        return as_dict(
            clients.call(
                RM, project.project_id, GET_PROJECT_POLICY, client.get_iam_policy, request=request
            )
        )

    return clients.once(("iam-policy", project.project_id), read)


def _ancestor_policy(clients: Clients, project: Project, scope: str) -> dict[str, Any]:
    from google.cloud import resourcemanager_v3 as rm

    if scope.startswith("folders/"):
        client: Any = clients.gapic(RM, rm.FoldersClient)
        operation = GET_FOLDER_POLICY
    else:
        client = clients.gapic(RM, rm.OrganizationsClient)
        operation = GET_ORG_POLICY

    def read() -> dict[str, Any]:
        return as_dict(
            clients.call(
                RM,
                project.project_id,
                operation,
                client.get_iam_policy,
                request={"resource": scope},
            )
        )

    return clients.once(("iam-policy", scope), read)


def _policy(clients: Clients, project: Project) -> dict[str, Any]:
    policy = project_policy(clients, project)
    binds = iampolicy.bindings(policy)
    return {**iampolicy.analyse(binds), "audit_configs": iampolicy.audit_configs(policy)}


def _inherited_audit(clients: Clients, project: Project) -> dict[str, Any]:
    levels = [iampolicy.audit_configs(project_policy(clients, project))]
    for scope in project.ancestors:
        levels.append(iampolicy.audit_configs(_ancestor_policy(clients, project, scope)))
    complete, exempted = iampolicy.data_access(levels)
    return {"data_access_audit_all_services": complete, "audit_exempted_members": exempted}


def _contacts(clients: Clients, project: Project) -> dict[str, Any]:
    rest = clients.rest(CONTACTS_API, project.project_id)
    found: list[dict[str, Any]] = []
    for scope in (f"projects/{project.project_id}", *project.ancestors):
        for c in rest.pages(LIST_CONTACTS, f"/v1/{scope}/contacts", "contacts", page_size=100):
            # Email addresses are personal data and judge nothing: never collected.
            categories = sorted(str(x) for x in c.get("notificationCategorySubscriptions") or ())
            found.append({"categories": categories, "inherited": not scope.startswith("projects/")})
    return {
        "essential_contacts": found,
        "essential_contact_categories": sorted({x for c in found for x in c["categories"]}),
    }


def _sinks(clients: Clients, project: Project) -> dict[str, Any]:
    rest = clients.rest(LOGGING_API, project.project_id)
    names: list[str] = []
    for scope in (f"projects/{project.project_id}", *project.ancestors):
        own = scope.startswith("projects/")
        for s in rest.pages(LIST_SINKS, f"/v2/{scope}/sinks", "sinks", page_size=200):
            if s.get("disabled") or str(s.get("filter") or "").strip():
                continue
            if own or s.get("includeChildren"):
                names.append(f"{scope}/sinks/{s.get('name', '')}")
    return {"log_sinks_all_entries": sorted(names)}


def _os_login(clients: Clients, project: Project) -> dict[str, Any]:
    rest = clients.rest(COMPUTE_API, project.project_id)
    data = rest.get(GET_COMPUTE_PROJECT, f"/compute/v1/projects/{project.project_id}")
    metadata = data.get("commonInstanceMetadata") or {}
    items = metadata.get("items") if isinstance(metadata, dict) else None
    value = next(
        (
            str(i.get("value", ""))
            for i in items or ()
            if isinstance(i, dict) and i.get("key") == "enable-oslogin"
        ),
        "",
    )
    return {"os_login_metadata": value.strip().upper() == "TRUE"}


def _constraints(clients: Clients, project: Project) -> dict[str, Any]:
    summaries = {c: orgpolicy.effective(clients, project, c) for c in orgpolicy.CONSTRAINTS}
    return orgpolicy.fields(summaries)


@dataclass(frozen=True)
class Source:
    """One way of filling some fields of gcp.project."""

    fields: tuple[str, ...]
    read: Callable[[Clients, Project], dict[str, Any]]
    permissions: tuple[str, ...]
    api: str = ""
    """An API that must be enabled in the project; empty: none."""
    inherited: bool = False
    """It adds up what the folders and organisation above the project set."""


SOURCES: tuple[Source, ...] = (
    Source(POLICY_FIELDS, _policy, (GET_PROJECT_POLICY,)),
    Source(
        INHERITED_AUDIT_FIELDS,
        _inherited_audit,
        (GET_PROJECT_POLICY, GET_FOLDER_POLICY, GET_ORG_POLICY),
        inherited=True,
    ),
    Source(
        ("essential_contacts", "essential_contact_categories"),
        _contacts,
        (LIST_CONTACTS,),
        inherited=True,
    ),
    Source(("log_sinks_all_entries",), _sinks, (LIST_SINKS,), inherited=True),
    Source(("os_login_metadata",), _os_login, (GET_COMPUTE_PROJECT,), api=COMPUTE_API),
    Source(orgpolicy.FIELDS, _constraints, (orgpolicy.GET,)),
)


def collect(scope: Scope, enabled: frozenset[str] | None, why_unknown: str) -> Iterator[Item]:
    """The project resource; ``enabled`` None: the enabled services could not be read."""
    p = scope.project
    data: dict[str, Any] = {
        "display_name": p.name,
        "state": "ACTIVE",
        "parent": p.parent or None,
        "ancestors": list(p.ancestors),
        "enabled_services": sorted(enabled) if enabled is not None else None,
        "labels": dict(p.labels),
        "name": p.project_id,
        "location": "global",
        "region": "global",
    }
    unavailable: dict[str, str] = {}
    if enabled is None:
        unavailable["enabled_services"] = why_unknown
    errors: list[Item] = []
    for source in SOURCES:
        if not scope.wants(TYPE, *source.fields):
            continue
        if source.api and enabled is not None and source.api not in enabled:
            # Nothing of a disabled API is configured: its fields are off, not unknown.
            data.update(dict.fromkeys(source.fields, False))
            continue
        if source.inherited and not p.ancestry_complete:
            # A setting made above an unreadable folder would be missed: unknown.
            why = "a folder above the project could not be read"
            for f in source.fields:
                unavailable[f] = why
            errors.append(
                CollectionError(
                    "gcp",
                    f"project {p.project_id}: {why}; what it inherits is unknown",
                    (TYPE,),
                    account=p.project_id,
                    operation=f"{RM}:resourcemanager.folders.get",
                    fields=source.fields,
                )
            )
            continue
        try:
            data.update(source.read(scope.clients, p))
        except CallFailure as failure:
            for f in source.fields:
                unavailable[f] = str(failure)
            errors.append(scope.error(TYPE, failure, fields=source.fields))
    yield scope.resource(
        TYPE,
        f"//cloudresourcemanager.googleapis.com/projects/{p.number or p.project_id}",
        data,
        unavailable,
    )
    yield from errors


def permissions(fields: frozenset[str]) -> set[str]:
    """What reading ``fields`` of gcp.project needs."""
    return {perm for s in SOURCES if set(s.fields) & fields for perm in s.permissions}

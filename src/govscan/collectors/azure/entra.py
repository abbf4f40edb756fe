"""Microsoft Entra ID through Microsoft Graph: ``azure.entra.tenant`` and ``azure.entra.user``.

The tenant read is the one the scanned subscriptions belong to. Each Graph
call below is made only when a selected control reads a field it fills (the
user list whenever users are judged at all), with the scan's credential.

- A call Graph refuses (403 ``Authorization_RequestDenied``, a missing licence)
  makes exactly its fields unavailable (``error`` for the controls reading
  them) and is one ``errors`` entry naming the tenant, ``graph`` and the
  operation; everything else is judged.
- A failed user list is one ``errors`` entry for ``azure.entra.user``.
- Lists page by ``@odata.nextLink``; 429 and 5xx are retried by the scan's
  retry policy (``entra_graph``).

Importing this module imports no SDK.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from govscan.collectors.azure import entra_shapes as shapes
from govscan.collectors.fanin import Task
from govscan.collectors.interface import Item
from govscan.model import CollectionError, Resource, ResourceRef

if TYPE_CHECKING:
    from govscan.collectors.azure.arm import CallFailure, CallLog
    from govscan.collectors.azure.clouds import Endpoints
    from govscan.collectors.azure.entra_graph import Graph
    from govscan.collectors.retry import Throttle

log = logging.getLogger(__name__)

TENANT = "azure.entra.tenant"
USER = "azure.entra.user"
TYPES = (TENANT, USER)


@dataclass(frozen=True)
class Source:
    """One Graph read: the fields it fills and the application permissions it needs."""

    path: str
    """Graph path below ``/v1.0``."""
    fields: tuple[str, ...]
    permissions: tuple[str, ...]


SECURITY_DEFAULTS = Source(
    "/policies/identitySecurityDefaultsEnforcementPolicy",
    ("security_defaults_enabled",),
    ("Policy.Read.All",),
)
AUTHORIZATION = Source(
    "/policies/authorizationPolicy",
    ("guest_invite_setting", "guest_access", "users_can_register_apps", "user_consent_allowed"),
    ("Policy.Read.All",),
)
GLOBAL_ADMINS = Source(
    f"/directoryRoles(roleTemplateId='{shapes.GLOBAL_ADMIN}')/members",
    ("global_admin_count",),
    # Groups assigned the role are expanded to their members.
    ("RoleManagement.Read.Directory", "GroupMember.Read.All"),
)
CONDITIONAL_ACCESS = Source(
    "/identity/conditionalAccess/policies",
    ("conditional_access_policies", "ca_mfa_for_admins", "ca_mfa_for_all_users"),
    ("Policy.Read.All",),
)
USERS = Source(
    "/users", ("user_name", "user_type", "account_enabled", "created"), ("User.Read.All",)
)
SIGN_INS = Source("/users", ("last_sign_in",), ("AuditLog.Read.All",))
"""``signInActivity`` selected on the user list (needs Entra ID P1 or P2)."""
REGISTRATION = Source(
    "/reports/authenticationMethods/userRegistrationDetails",
    ("mfa_registered", "is_admin"),
    ("AuditLog.Read.All",),
)

USER_SELECT = "id,userPrincipalName,userType,accountEnabled,createdDateTime"
NO_LICENCE = "authentication_requestfromnonpremiumtenantorb2ctenant"
"""Graph's code when sign-in activity needs a licence the tenant lacks."""


def permissions(fields: Mapping[str, frozenset[str]]) -> list[str]:
    """The Graph application permissions a scan reading ``fields`` needs."""
    out: set[str] = set()
    for source, _ in TENANT_SOURCES:
        if TENANT in fields and set(source.fields) & fields[TENANT]:
            out.update(source.permissions)
    if USER in fields:
        out.update(USERS.permissions)
        for source in (SIGN_INS, REGISTRATION):
            if set(source.fields) & fields[USER]:
                out.update(source.permissions)
    return sorted(out)


def tasks(
    credential: Any,
    where: Endpoints,
    tenants: Iterable[str],
    throttle: Throttle,
    call_log: CallLog,
    fields: Mapping[str, frozenset[str]],
) -> list[Task[str, Item]]:
    """One task per tenant when the plan needs an Entra type, else none."""
    wanted = {t: f for t, f in fields.items() if t in TYPES}
    if not wanted:
        return []
    known = sorted({t for t in tenants if t})
    if not known:
        error = no_tenant(fields)
        return [Task("tenant", lambda: [error])]
    return [
        Task(
            f"tenant {t}",
            partial(collect_tenant, credential, where, t, throttle, call_log, wanted),
        )
        for t in known
    ]


def no_tenant(fields: Mapping[str, frozenset[str]]) -> CollectionError:
    """The error of a scan that needs Entra ID types but knows no tenant to ask."""
    wanted = tuple(sorted(t for t in fields if t in TYPES))
    return CollectionError("azure", "graph: no tenant id known", wanted)


def collect_tenant(
    credential: Any,
    where: Endpoints,
    tenant: str,
    throttle: Throttle,
    call_log: CallLog,
    fields: Mapping[str, frozenset[str]],
) -> Iterator[Item]:
    """The planned Entra resources of one tenant; never raises."""
    from govscan.collectors.azure.entra_graph import Graph

    try:
        graph = Graph(credential, where, tenant, throttle, call_log)
    except Exception as exc:
        message = f"graph: {type(exc).__name__}: {exc}"
        yield CollectionError("azure", message, tuple(sorted(fields)), tenant)
        return
    try:
        if TENANT in fields:
            yield from _guarded(TENANT, tenant, _tenant(graph, fields[TENANT]))
        if USER in fields:
            yield from _guarded(USER, tenant, _users(graph, fields[USER]))
    finally:
        graph.close()


def _guarded(rtype: str, tenant: str, items: Iterator[Item]) -> Iterator[Item]:
    # An unexpected answer in one type keeps the other's results.
    try:
        yield from items
    except Exception as exc:
        log.error("azure %s in tenant %s failed: %s: %s", rtype, tenant, type(exc).__name__, exc)
        log.debug("traceback", exc_info=True)
        yield CollectionError("azure", f"graph: {type(exc).__name__}: {exc}", (rtype,), tenant)


def _denied(rtype: str, tenant: str, source: Source, failed: CallFailure) -> CollectionError:
    return CollectionError(
        "azure",
        f"graph: {failed}",
        (rtype,),
        tenant,
        operation=failed.operation,
        fields=source.fields,
    )


# -- the tenant -------------------------------------------------------------------------


def _tenant(graph: Graph, wanted: frozenset[str]) -> Iterator[Item]:
    from govscan.collectors.azure.arm import CallFailure

    data: dict[str, Any] = {f: None for s, _ in TENANT_SOURCES for f in s.fields}
    unavailable: dict[str, str] = {}
    errors: list[CollectionError] = []
    for source, read in TENANT_SOURCES:
        if not wanted.intersection(source.fields):
            continue
        try:
            data.update(read(graph))
        except CallFailure as failed:
            unavailable.update(dict.fromkeys(source.fields, f"{failed.operation}: {failed}"))
            errors.append(_denied(TENANT, graph.tenant, source, failed))
    tenant = graph.tenant
    data.update(
        tenant_id=tenant,
        name=tenant,
        region="global",
        subscription_id=None,
        resource_group=None,
        tags={},
    )
    ref = ResourceRef(TENANT, f"/tenants/{tenant}", tenant, "azure", tenant, "global")
    yield Resource(ref, data, unavailable)
    yield from errors


def _security_defaults(graph: Graph) -> dict[str, Any]:
    return shapes.security_defaults(graph.get(SECURITY_DEFAULTS.path))


def _authorization(graph: Graph) -> dict[str, Any]:
    return shapes.authorization(graph.get(AUTHORIZATION.path))


def _conditional_access(graph: Graph) -> dict[str, Any]:
    return shapes.conditional_access(graph.list(CONDITIONAL_ACCESS.path))


def _global_admins(graph: Graph) -> dict[str, Any]:
    """Distinct users and service principals holding the role, groups expanded."""
    from govscan.collectors.azure.arm import CallFailure

    try:
        members = list(graph.list(GLOBAL_ADMINS.path, {"$select": "id"}))
    except CallFailure as failed:
        if failed.kind == "gone":
            # The role is activated in a tenant when first assigned: none yet.
            return {"global_admin_count": 0}
        raise
    holders: set[str] = set()
    for member in members:
        kind = str(member.get("@odata.type") or "").lower()
        if kind.endswith(".group"):
            path = f"/groups/{_segment(member.get('id'))}/transitiveMembers"
            for inner in graph.list(path, {"$select": "id"}):
                if not str(inner.get("@odata.type") or "").lower().endswith(".group"):
                    holders.add(str(inner.get("id")))
        else:
            holders.add(str(member.get("id")))
    return {"global_admin_count": len(holders)}


def _segment(value: Any) -> str:
    """An object id from an answer, safe as one path segment."""
    from urllib.parse import quote

    return quote(str(value or ""), safe="-")


TENANT_SOURCES: tuple[tuple[Source, Callable[[Graph], dict[str, Any]]], ...] = (
    (SECURITY_DEFAULTS, _security_defaults),
    (AUTHORIZATION, _authorization),
    (GLOBAL_ADMINS, _global_admins),
    (CONDITIONAL_ACCESS, _conditional_access),
)


# -- users ------------------------------------------------------------------------------


def _users(graph: Graph, wanted: frozenset[str]) -> Iterator[Item]:
    from govscan.collectors.azure.arm import CallFailure

    tenant = graph.tenant
    registered: dict[str, dict[str, Any]] | None = None
    why_not = ""
    if wanted.intersection(REGISTRATION.fields):
        try:
            registered = {
                str(r.get("id")): shapes.registration(r)
                for r in graph.list(REGISTRATION.path, {"$select": "id,isMfaRegistered,isAdmin"})
            }
        except CallFailure as failed:
            why_not = f"{failed.operation}: {failed}"
            yield _denied(USER, tenant, REGISTRATION, failed)
    sign_ins = bool(wanted.intersection(SIGN_INS.fields))
    no_sign_ins = ""
    select = USER_SELECT + (",signInActivity" if sign_ins else "")
    try:
        try:
            listed = _listing(graph, select)
        except CallFailure as failed:
            if not (sign_ins and failed.kind == "denied"):
                raise
            # Sign-in activity needs a licence (without one it is null, as documented)
            # and AuditLog.Read.All (without it, unavailable); the users stay readable.
            if failed.code.lower() != NO_LICENCE:
                no_sign_ins = f"{failed.operation} (signInActivity): {failed}"
                yield _denied(USER, tenant, SIGN_INS, failed)
            listed = _listing(graph, USER_SELECT)
        for item in listed:
            yield _user(tenant, item, registered, why_not, no_sign_ins)
    except CallFailure as failed:
        yield CollectionError(
            "azure", f"graph: {failed}", (USER,), tenant, operation=failed.operation
        )


def _listing(graph: Graph, select: str) -> Iterator[dict[str, Any]]:
    """The user list, its first page already asked for (so a refusal raises here)."""
    pages = graph.list(USERS.path, {"$select": select, "$top": "999"})
    first = next(pages, None)

    def chained() -> Iterator[dict[str, Any]]:
        if first is not None:
            yield first
            yield from pages

    return chained()


def _user(
    tenant: str,
    item: Mapping[str, Any],
    registered: Mapping[str, dict[str, Any]] | None,
    why_not: str,
    no_sign_ins: str,
) -> Resource:
    oid = str(item.get("id") or "")
    data = shapes.user(item)
    data.update(mfa_registered=None, is_admin=None)
    unavailable: dict[str, str] = {}
    if why_not:
        unavailable.update(dict.fromkeys(REGISTRATION.fields, why_not))
    elif registered is not None:
        found = registered.get(oid)
        if found is None:
            # The report lags a new user by hours: unknown, not "no MFA".
            reason = f"graph{REGISTRATION.path}: the user is not in the registration report yet"
            unavailable.update(dict.fromkeys(REGISTRATION.fields, reason))
        else:
            data.update(found)
    if no_sign_ins:
        unavailable["last_sign_in"] = no_sign_ins
    name = data["user_name"] or oid
    data.update(name=name, region="global", subscription_id=None, resource_group=None, tags={})
    ref = ResourceRef(USER, f"/tenants/{tenant}/users/{oid}", name, "azure", tenant, "global")
    return Resource(ref, data, unavailable)

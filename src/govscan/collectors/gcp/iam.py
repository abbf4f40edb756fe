"""``gcp.iam.service_account``: service accounts of a project and their keys.

Key material is never read: the keys list holds ids, type, origin and dates only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from govscan.collectors.gcp import iampolicy
from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.project import GET_PROJECT_POLICY, project_policy
from govscan.collectors.gcp.spec import Detail, Fetched, GcpType, define
from govscan.collectors.gcp.target import Project

IAM_API = "iam.googleapis.com"
LIST = "iam.serviceAccounts.list"
LIST_KEYS = "iam.serviceAccountKeys.list"


def _list(clients: Clients, project: Project) -> Any:
    return clients.rest(IAM_API, project.project_id).pages(
        LIST, f"/v1/projects/{project.project_id}/serviceAccounts", "accounts", page_size=100
    )


def _keys(clients: Clients, project: Project, item: Mapping[str, Any]) -> Any:
    name = str(item.get("name") or "")
    return clients.rest(IAM_API, project.project_id).get(LIST_KEYS, f"/v1/{name}/keys")


def _roles(clients: Clients, project: Project, _: Mapping[str, Any]) -> Any:
    return project_policy(clients, project)


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def key_fields(key: Mapping[str, Any], as_of: datetime) -> dict[str, Any]:
    """One key's metadata; ``age_days`` counted from its validAfterTime to ``as_of``."""
    created = _time(key.get("validAfterTime"))
    age = (as_of - created).days if created is not None and created.tzinfo else None
    return {
        "key_id": str(key.get("name") or "").rsplit("/", 1)[-1],
        "key_type": key.get("keyType"),
        "key_origin": key.get("keyOrigin"),
        "created": key.get("validAfterTime"),
        "expires": key.get("validBeforeTime"),
        "age_days": age,
        "disabled": bool(key.get("disabled")),
    }


def _default(email: str, project: Project) -> bool:
    return email.endswith("-compute@developer.gserviceaccount.com") or (
        email == f"{project.project_id}@appspot.gserviceaccount.com"
    )


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any] | None:
    email = str(item.get("email") or "")
    data: dict[str, Any] = {
        "name": email,
        "email": email,
        "unique_id": item.get("uniqueId"),
        "display_name": item.get("displayName"),
        "disabled": bool(item.get("disabled")),
        "is_default": _default(email, fetched.project),
        "location": "global",
        "region": "global",
    }
    if LIST_KEYS in fetched:
        keys = [
            key_fields(k, fetched.as_of)
            for k in fetched[LIST_KEYS].get("keys") or ()
            if isinstance(k, dict)
        ]
        data["keys"] = keys
        data["user_managed_keys"] = [
            k for k in keys if k["key_type"] == "USER_MANAGED" and not k["disabled"]
        ]
    if GET_PROJECT_POLICY in fetched:
        member = f"serviceAccount:{email}"
        by_member = iampolicy.roles_by_member(iampolicy.bindings(fetched[GET_PROJECT_POLICY]))
        roles = sorted(by_member.get(member, ()))
        data["project_roles"] = roles
        data["has_admin_role"] = any(iampolicy.is_admin_role(r) for r in roles)
    return data


SERVICE_ACCOUNT = define(
    GcpType(
        type="gcp.iam.service_account",
        api=IAM_API,
        list=_list,
        normalise=normalise,
        permissions=(LIST,),
        details=(
            Detail(LIST_KEYS, ("keys", "user_managed_keys"), _keys),
            Detail(GET_PROJECT_POLICY, ("project_roles", "has_admin_role"), _roles),
        ),
        located=False,
    )
)

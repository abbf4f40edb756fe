"""Cloud KMS crypto keys, through the Cloud KMS API (discovery client).

Key rings are listed per location (the API has no project-wide listing): the
project's KMS locations first, then the key rings of each, then their keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from govscan.collectors.gcp.calls import CallFailure
from govscan.collectors.gcp.clients import Clients
from govscan.collectors.gcp.spec import Detail, Fetched, GcpType, define
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_common import (
    Request,
    call,
    days,
    labels,
    located,
    location,
    obj,
    pages,
    public_members,
    text,
    token,
)

T = "gcp.kms.key"
API = "cloudkms.googleapis.com"
LIST_LOCATIONS = "cloudkms.locations.list"
LIST_RINGS = "cloudkms.keyRings.list"
LIST_KEYS = "cloudkms.cryptoKeys.list"
GET_IAM = "cloudkms.cryptoKeys.getIamPolicy"
PAGE_SIZE = 1000

# Names from one answer become the paths of the next requests (reserved expansion,
# not escaped): only names of the documented form are followed.
_LOCATION = r"projects/[a-z0-9.:-]{1,100}/locations/[a-z0-9-]{1,63}"
_RING = _LOCATION + r"/keyRings/[A-Za-z0-9_-]{1,63}"
LOCATION_NAME = re.compile(_LOCATION)
RING_NAME = re.compile(_RING)
KEY_NAME = re.compile(_RING + r"/cryptoKeys/[A-Za-z0-9_-]{1,63}")


def _checked(name: Any, pattern: re.Pattern[str], operation: str) -> str:
    text = str(name or "")
    if not pattern.fullmatch(text):
        raise CallFailure(API, operation, "error", 0, f"unexpected resource name {text[:80]!r}")
    return text


def _locations(project: Project) -> Request:
    def request(s: Any, t: str) -> Any:
        name = f"projects/{project.project_id}"
        return s.projects().locations().list(name=name, pageSize=PAGE_SIZE, **token(t))

    return request


def _rings(parent: str) -> Request:
    def request(s: Any, t: str) -> Any:
        rings = s.projects().locations().keyRings()
        return rings.list(parent=parent, pageSize=PAGE_SIZE, **token(t))

    return request


def _keys(ring: str) -> Request:
    def request(s: Any, t: str) -> Any:
        keys = s.projects().locations().keyRings().cryptoKeys()
        return keys.list(parent=ring, pageSize=PAGE_SIZE, **token(t))

    return request


def _list(clients: Clients, project: Project) -> Iterator[Mapping[str, Any]]:
    found = pages(clients, project, API, LIST_LOCATIONS, _locations(project), "locations")
    for loc in list(found):
        parent = _checked(loc.get("name"), LOCATION_NAME, LIST_LOCATIONS)
        for ring in list(pages(clients, project, API, LIST_RINGS, _rings(parent), "keyRings")):
            name = _checked(ring.get("name"), RING_NAME, LIST_RINGS)
            yield from pages(clients, project, API, LIST_KEYS, _keys(name), "cryptoKeys")


def _iam_policy(clients: Clients, project: Project, item: Mapping[str, Any]) -> Any:
    name = _checked(item.get("name"), KEY_NAME, GET_IAM)
    return call(
        clients,
        project,
        API,
        GET_IAM,
        lambda s, _t: (
            s.projects()
            .locations()
            .keyRings()
            .cryptoKeys()
            .getIamPolicy(resource=name, options_requestedPolicyVersion=3)
        ),
    )


def normalise(item: Mapping[str, Any], fetched: Fetched) -> dict[str, Any]:
    """A crypto key's REST JSON (and its IAM policy when read) -> gcp.kms.key."""
    # projects/P/locations/L/keyRings/R/cryptoKeys/K
    parts = str(item.get("name") or "").split("/")
    primary = obj(item.get("primary"))
    template = obj(item.get("versionTemplate"))
    data: dict[str, Any] = {
        "name": parts[-1] if parts[-1] else None,
        **located(location(parts[3]) if len(parts) > 3 else None),
        "labels": labels(item.get("labels")),
        "key_ring": parts[5] if len(parts) > 5 else None,
        "purpose": text(item.get("purpose")),
        "protection_level": text(primary.get("protectionLevel") or template.get("protectionLevel")),
        "rotation_period_days": days(item.get("rotationPeriod")),
        "next_rotation_time": text(item.get("nextRotationTime")),
        "primary_state": text(primary.get("state")),
        "created": text(item.get("createTime")),
    }
    if GET_IAM in fetched:
        data["iam_public_members"] = public_members(fetched[GET_IAM])
    return data


define(
    GcpType(
        type=T,
        api=API,
        list=_list,
        normalise=normalise,
        permissions=(LIST_LOCATIONS, LIST_RINGS, LIST_KEYS),
        details=(Detail(GET_IAM, ("iam_public_members",), _iam_policy),),
        asset_type="cloudkms.googleapis.com/CryptoKey",
    )
)

"""The hierarchy and the project-level settings every GCP test scans.

organizations/1000
├── folders/100
│   ├── alpha (111): every API enabled
│   ├── doomed (333): DELETE_REQUESTED, never scanned
│   └── folders/110
│       └── beta (222): the IAM API is not enabled
└── lonely (444)
"""

from __future__ import annotations

from typing import Any

from tests.gcp.gcpserver import Estate

ORG = "1000"
FOLDER = "100"
SUBFOLDER = "110"
ALPHA, BETA, DOOMED, LONELY = "alpha", "beta", "doomed", "lonely"
NUMBERS = {ALPHA: "111", BETA: "222", DOOMED: "333", LONELY: "444"}
PARENTS = {
    ALPHA: f"folders/{FOLDER}",
    BETA: f"folders/{SUBFOLDER}",
    DOOMED: f"folders/{FOLDER}",
    LONELY: f"organizations/{ORG}",
}
ACTIVE = (ALPHA, BETA, LONELY)
CORE_APIS = (
    "cloudresourcemanager.googleapis.com",
    "serviceusage.googleapis.com",
    "orgpolicy.googleapis.com",
    "essentialcontacts.googleapis.com",
    "logging.googleapis.com",
    "compute.googleapis.com",
)
IAM_API = "iam.googleapis.com"
ALPHA_SA = f"app@{ALPHA}.iam.gserviceaccount.com"


def project(pid: str) -> dict[str, Any]:
    return {
        "name": f"projects/{NUMBERS[pid]}",
        "parent": PARENTS[pid],
        "projectId": pid,
        "state": "DELETE_REQUESTED" if pid == DOOMED else "ACTIVE",
        "displayName": pid.title(),
        "labels": {"env": "test"},
    }


def folder(fid: str, parent: str) -> dict[str, Any]:
    return {"name": f"folders/{fid}", "parent": parent, "state": "ACTIVE", "displayName": fid}


def _hierarchy(e: Estate) -> None:
    for pid in NUMBERS:
        e.put(f"/v3/projects/{pid}", project(pid))
        e.numbers[NUMBERS[pid]] = pid
    e.listing(
        f"/v3/projects?parent=folders/{FOLDER}", "projects", [project(ALPHA), project(DOOMED)]
    )
    e.listing(f"/v3/projects?parent=folders/{SUBFOLDER}", "projects", [project(BETA)])
    e.listing(f"/v3/projects?parent=organizations/{ORG}", "projects", [project(LONELY)])
    e.listing(
        f"/v3/folders?parent=organizations/{ORG}",
        "folders",
        [folder(FOLDER, f"organizations/{ORG}")],
    )
    e.listing(
        f"/v3/folders?parent=folders/{FOLDER}", "folders", [folder(SUBFOLDER, f"folders/{FOLDER}")]
    )
    e.put(f"/v3/folders/{FOLDER}", folder(FOLDER, f"organizations/{ORG}"))
    e.put(f"/v3/folders/{SUBFOLDER}", folder(SUBFOLDER, f"folders/{FOLDER}"))
    chains = {
        ALPHA: [f"folders/{FOLDER}"],
        BETA: [f"folders/{SUBFOLDER}", f"folders/{FOLDER}"],
        DOOMED: [f"folders/{FOLDER}"],
        LONELY: [],
    }
    e.listing(
        f"/v1/organizations/{ORG}/assets",
        "assets",
        [
            {
                "name": f"//cloudresourcemanager.googleapis.com/projects/{NUMBERS[pid]}",
                "assetType": "cloudresourcemanager.googleapis.com/Project",
                "resource": {
                    "data": {
                        "projectNumber": NUMBERS[pid],
                        "projectId": pid,
                        "lifecycleState": "DELETE_REQUESTED" if pid == DOOMED else "ACTIVE",
                        "name": pid.title(),
                        "parent": {
                            "type": PARENTS[pid].split("s/")[0],
                            "id": PARENTS[pid].split("/")[1],
                        },
                    }
                },
                "ancestors": [
                    f"projects/{NUMBERS[pid]}",
                    *chains[pid],
                    f"organizations/{ORG}",
                ],
            }
            for pid in NUMBERS
        ],
    )


def _policies(e: Estate) -> None:
    e.put(
        f"/v3/projects/{ALPHA}:getIamPolicy",
        {
            "version": 3,
            "bindings": [
                {"role": "roles/owner", "members": ["user:ana@example.com"]},
                {"role": "roles/storage.objectViewer", "members": ["allUsers"]},
                {"role": "roles/iam.serviceAccountUser", "members": ["user:bo@example.com"]},
                {"role": "roles/editor", "members": [f"serviceAccount:{ALPHA_SA}"]},
            ],
            "auditConfigs": [
                {"service": "allServices", "auditLogConfigs": [{"logType": "ADMIN_READ"}]}
            ],
        },
        method="POST",
    )
    for pid in (BETA, LONELY):
        e.put(f"/v3/projects/{pid}:getIamPolicy", {"version": 1, "bindings": []}, method="POST")
    e.put(f"/v3/folders/{FOLDER}:getIamPolicy", {"version": 1}, method="POST")
    e.put(f"/v3/folders/{SUBFOLDER}:getIamPolicy", {"version": 1}, method="POST")
    e.put(
        f"/v3/organizations/{ORG}:getIamPolicy",
        {
            "auditConfigs": [
                {
                    "service": "allServices",
                    "auditLogConfigs": [
                        {"logType": "DATA_READ", "exemptedMembers": ["user:ops@example.com"]},
                        {"logType": "DATA_WRITE"},
                    ],
                }
            ]
        },
        method="POST",
    )


def _service_accounts(e: Estate) -> None:
    accounts = [
        {
            "name": f"projects/{ALPHA}/serviceAccounts/{email}",
            "projectId": ALPHA,
            "uniqueId": f"10{i}",
            "email": email,
            "displayName": email.split("@")[0],
        }
        for i, email in enumerate(
            [
                ALPHA_SA,
                f"{NUMBERS[ALPHA]}-compute@developer.gserviceaccount.com",
                f"ci@{ALPHA}.iam.gserviceaccount.com",
                f"old@{ALPHA}.iam.gserviceaccount.com",
            ]
        )
    ]
    e.listing(f"/v1/projects/{ALPHA}/serviceAccounts", "accounts", accounts)
    for acct in accounts:
        keys: list[dict[str, Any]] = [
            {
                "name": f"{acct['name']}/keys/sys{acct['uniqueId']}",
                "validAfterTime": "2026-11-01T00:00:00Z",
                "validBeforeTime": "2028-11-01T00:00:00Z",
                "keyType": "SYSTEM_MANAGED",
                "keyOrigin": "GOOGLE_PROVIDED",
            }
        ]
        if acct["email"] == ALPHA_SA:
            keys.append(
                {
                    "name": f"{acct['name']}/keys/userkey1",
                    "validAfterTime": "2025-01-01T00:00:00Z",
                    "validBeforeTime": "9999-12-31T23:59:59Z",
                    "keyType": "USER_MANAGED",
                    "keyOrigin": "GOOGLE_PROVIDED",
                    "privateKeyData": "bm90LWEta2V5",
                }
            )
        e.put(f"/v1/{acct['name']}/keys", {"keys": keys})


def _org_policies(e: Estate) -> None:
    constraints = (
        "compute.requireOsLogin",
        "iam.disableServiceAccountKeyCreation",
        "storage.publicAccessPrevention",
        "sql.restrictPublicIp",
        "gcp.resourceLocations",
    )
    for pid in ACTIVE:
        for c in constraints:
            e.put(
                f"/v2/projects/{pid}/policies/{c}:getEffectivePolicy",
                {"name": f"projects/{NUMBERS[pid]}/policies/{c}", "spec": {}},
            )
    e.put(
        f"/v2/projects/{ALPHA}/policies/compute.requireOsLogin:getEffectivePolicy",
        {"spec": {"rules": [{"enforce": True}]}},
    )
    e.put(
        f"/v2/projects/{ALPHA}/policies/gcp.resourceLocations:getEffectivePolicy",
        {
            "spec": {
                "rules": [
                    {
                        "values": {
                            "allowedValues": ["in:eu-locations"],
                            "deniedValues": ["europe-west2"],
                        }
                    }
                ]
            }
        },
    )


def _contacts_and_sinks(e: Estate) -> None:
    scopes = [f"projects/{p}" for p in ACTIVE]
    scopes += [f"folders/{FOLDER}", f"folders/{SUBFOLDER}", f"organizations/{ORG}"]
    for s in scopes:
        e.listing(f"/v1/{s}/contacts", "contacts", [])
        e.listing(f"/v2/{s}/sinks", "sinks", [])
    e.listing(
        f"/v1/projects/{ALPHA}/contacts",
        "contacts",
        [
            {
                "name": f"projects/{ALPHA}/contacts/1",
                "email": "security@example.com",
                "notificationCategorySubscriptions": ["SECURITY", "TECHNICAL"],
            }
        ],
    )
    e.listing(
        f"/v1/organizations/{ORG}/contacts",
        "contacts",
        [
            {
                "name": "c/2",
                "email": "legal@example.com",
                "notificationCategorySubscriptions": ["LEGAL"],
            }
        ],
    )
    e.listing(
        f"/v2/organizations/{ORG}/sinks",
        "sinks",
        [
            {
                "name": "everything",
                "destination": "storage.googleapis.com/b",
                "includeChildren": True,
            },
            {"name": "own-only", "destination": "storage.googleapis.com/c"},
            {"name": "filtered", "filter": "severity>=ERROR", "includeChildren": True},
        ],
    )
    for pid in ACTIVE:
        e.put(
            f"/compute/v1/projects/{pid}",
            {
                "name": pid,
                "commonInstanceMetadata": {
                    "items": [
                        {"key": "enable-oslogin", "value": "TRUE" if pid == ALPHA else "FALSE"}
                    ]
                },
            },
        )


def fill(e: Estate) -> None:
    _hierarchy(e)
    _policies(e)
    _service_accounts(e)
    _org_policies(e)
    _contacts_and_sinks(e)
    for pid in ACTIVE:
        e.enable(pid, *CORE_APIS)
    e.enable(ALPHA, IAM_API)
    e.enable(LONELY, IAM_API)
    e.listing(f"/v1/projects/{LONELY}/serviceAccounts", "accounts", [])

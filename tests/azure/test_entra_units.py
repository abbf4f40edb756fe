"""Entra ID pieces on their own: Graph endpoints per cloud, the token asked for, the
documented shapes, Conditional Access judged, sign-in activity without a licence and
the Graph permissions printed beside the role."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from click.testing import CliRunner

from govscan.catalog.resource_types import builtin_resource_types, shape_problems
from govscan.cli import cli
from govscan.collectors.azure import entra
from govscan.collectors.azure.arm import CallLog
from govscan.collectors.azure.clouds import endpoints
from govscan.collectors.azure.entra_shapes import GLOBAL_ADMIN, ca_policy, conditional_access
from govscan.collectors.retry import Throttle
from govscan.errors import UsageError
from govscan.model import CollectionError, Resource
from tests.azure.armserver import TOKEN, ArmServer
from tests.azure.conftest import TENANT, TEST_POLICY, VirtualClock
from tests.azure.estate import entra as estate

# -- endpoints --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cloud", "graph"),
    [
        ("public", "https://graph.microsoft.com"),
        ("usgovernment", "https://graph.microsoft.us"),
        ("china", "https://microsoftgraph.chinacloudapi.cn"),
    ],
)
def test_each_cloud_has_its_graph(cloud: str, graph: str) -> None:
    where = endpoints(cloud, None)
    assert where.graph == graph
    assert where.graph_scope == f"{graph}/.default"


def test_an_override_of_a_test_server_serves_graph_too() -> None:
    where = endpoints(None, "https://127.0.0.1:8443/")
    assert where.graph == "https://127.0.0.1:8443"
    # The audience stays the cloud's, as for ARM.
    assert where.graph_scope == "https://graph.microsoft.com/.default"


def test_an_override_at_microsoft_keeps_the_clouds_graph() -> None:
    where = endpoints("usgovernment", "https://usgovvirginia.management.usgovcloudapi.net")
    assert where.graph == "https://graph.microsoft.us"


def test_the_graph_endpoint_can_be_named() -> None:
    where = endpoints(None, "https://127.0.0.1:8443", "https://graph.proxy.corp/")
    assert where.graph == "https://graph.proxy.corp"
    with pytest.raises(UsageError, match="--azure-graph-endpoint must be an https"):
        endpoints(None, None, "http://graph.proxy.corp")


def test_the_targets_block_takes_the_graph_endpoint(tmp_path: Any) -> None:
    config = tmp_path / "govscan.yaml"
    config.write_text("targets:\n  azure:\n    graph_endpoint: http://plain.example\n")
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 2
    assert "--azure-graph-endpoint must be an https" in result.output + result.stderr


# -- collection through a credential that records what it is asked -----------------------


class RecordingCredential:
    def __init__(self) -> None:
        self.asked: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.asked.append((scopes, kwargs))
        return AccessToken(TOKEN, int(time.time()) + 3600)


def collect(server: ArmServer, fields: dict[str, frozenset[str]]) -> list[Any]:
    credential = RecordingCredential()
    where = endpoints(None, server.url)
    throttle = Throttle(TEST_POLICY, VirtualClock(), jitter=lambda: 1.0)
    items = list(entra.collect_tenant(credential, where, TENANT, throttle, CallLog(), fields))
    return [credential, *items]


EVERY_FIELD = {t: frozenset(builtin_resource_types()[t].fields) for t in entra.TYPES}


def test_graph_tokens_are_asked_once_for_the_graph_audience_and_tenant(
    azure_env: ArmServer,
) -> None:
    credential, *items = collect(azure_env, EVERY_FIELD)
    assert credential.asked == [(("https://graph.microsoft.com/.default",), {"tenant_id": TENANT})]
    # The credential was asked, never the token endpoint; every request went to Graph.
    sent = azure_env.requests()
    assert sent and all(path.startswith("/v1.0/") for _, path in sent)
    assert len([i for i in items if isinstance(i, Resource)]) == 1 + len(estate.PEOPLE)


def test_collected_resources_have_exactly_the_documented_fields(azure_env: ArmServer) -> None:
    _credential, *items = collect(azure_env, EVERY_FIELD)
    types = builtin_resource_types()
    resources = [i for i in items if isinstance(i, Resource)]
    assert {r.ref.type for r in resources} == set(entra.TYPES)
    for r in resources:
        spec = types[r.ref.type]
        assert set(r.data) == set(spec.fields), r.ref.type
        assert shape_problems(spec, json.loads(json.dumps(dict(r.data)))) == []
    tenant = next(r for r in resources if r.ref.type == entra.TENANT)
    assert tenant.data["global_admin_count"] == 3
    assert tenant.data["guest_access"] == "limited"
    assert tenant.data["conditional_access_policies"][0] == {
        "name": "Admins need MFA",
        "state": "enabled",
        "requires_mfa": True,
        "all_users": False,
        "admin_roles": True,
    }
    anna = next(r for r in resources if r.ref.name == estate.UPNS[0])
    assert anna.data["created"] == "2024-02-15T09:30:00Z"
    assert (anna.data["is_admin"], anna.data["mfa_registered"]) == (True, True)


def test_sign_ins_without_a_licence_are_null_not_an_error(azure_env: ArmServer) -> None:
    azure_env.fault(
        estate.USERS, 403, code="Authentication_RequestFromNonPremiumTenantOrB2CTenant", times=1
    )
    _credential, *items = collect(azure_env, {entra.USER: frozenset({"last_sign_in"})})
    users = [i for i in items if isinstance(i, Resource)]
    assert len(users) == len(estate.PEOPLE)
    assert all(u.data["last_sign_in"] is None and not u.unavailable for u in users)
    assert not [i for i in items if isinstance(i, CollectionError)]


def test_sign_ins_refused_are_unavailable(azure_env: ArmServer) -> None:
    azure_env.fault(estate.USERS, 403, code="Authorization_RequestDenied", times=1)
    _credential, *items = collect(azure_env, {entra.USER: frozenset({"last_sign_in"})})
    users = [i for i in items if isinstance(i, Resource)]
    assert len(users) == len(estate.PEOPLE)
    assert all(set(u.unavailable) == {"last_sign_in"} for u in users)
    (error,) = [i for i in items if isinstance(i, CollectionError)]
    assert error.fields == ("last_sign_in",) and error.account == TENANT


# -- Conditional Access -----------------------------------------------------------------


def policy(grant: dict[str, Any], **conditions: Any) -> dict[str, Any]:
    users = {"includeUsers": [], "includeRoles": [GLOBAL_ADMIN], "excludeRoles": []}
    users.update(conditions.pop("users", {}))
    return {
        "displayName": "p",
        "state": "enabled",
        "conditions": {"users": users, "applications": {"includeApplications": ["All"]}}
        | conditions,
        "grantControls": grant,
    }


@pytest.mark.parametrize(
    ("grant", "conditions", "requires"),
    [
        ({"operator": "OR", "builtInControls": ["mfa"]}, {}, True),
        ({"operator": "AND", "builtInControls": ["mfa", "compliantDevice"]}, {}, True),
        ({"operator": "OR", "builtInControls": ["mfa", "compliantDevice"]}, {}, False),
        (
            {
                "operator": "OR",
                "authenticationStrength": {"id": "00000000-0000-0000-0000-000000000004"},
            },
            {},
            True,
        ),
        ({"operator": "OR", "builtInControls": ["block"]}, {}, False),
        ({"operator": "OR", "builtInControls": ["mfa"]}, {"signInRiskLevels": ["high"]}, False),
        (
            {"operator": "OR", "builtInControls": ["mfa"]},
            {"applications": {"includeApplications": ["00000002-0000-0ff1-ce00-000000000000"]}},
            False,
        ),
        (None, {}, False),
    ],
)
def test_what_requires_mfa(grant: Any, conditions: dict[str, Any], requires: bool) -> None:
    assert ca_policy(policy(grant, **conditions))["requires_mfa"] is requires


def test_admins_excluded_are_not_covered() -> None:
    excluded = policy(
        {"builtInControls": ["mfa"]},
        users={"includeUsers": ["All"], "excludeRoles": [GLOBAL_ADMIN]},
    )
    got = conditional_access([excluded])
    assert got["ca_mfa_for_all_users"] is True
    assert got["ca_mfa_for_admins"] is False
    off = policy({"builtInControls": ["mfa"]}) | {"state": "disabled"}
    assert conditional_access([off])["ca_mfa_for_admins"] is False


# -- permissions ------------------------------------------------------------------------


def permissions(tmp_path: Any, *controls: str) -> dict[str, Any]:
    path = tmp_path / "policy.yaml"
    path.write_text(f"name: p\nselect:\n  - ids: [{', '.join(controls)}]\n")
    result = CliRunner().invoke(cli, ["permissions", "--collector", "azure", "--policy", str(path)])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_graph_permissions_are_printed_beside_the_role(tmp_path: Any) -> None:
    narrow = permissions(tmp_path, "azure.entra.guest-access-restricted")
    assert narrow["GraphApplicationPermissions"] == ["Policy.Read.All"]
    assert narrow["Actions"] == ["Microsoft.Resources/subscriptions/read"]
    users = permissions(tmp_path, "azure.entra.user-mfa-registered")
    assert users["GraphApplicationPermissions"] == ["AuditLog.Read.All", "User.Read.All"]
    admins = permissions(tmp_path, "azure.entra.global-admin-count")
    assert admins["GraphApplicationPermissions"] == [
        "GroupMember.Read.All",
        "RoleManagement.Read.Directory",
    ]
    arm_only = permissions(tmp_path, "azure.storage.secure-transfer")
    assert "GraphApplicationPermissions" not in arm_only


def test_odd_answers_become_unknown_values_not_crashes() -> None:
    from govscan.collectors.azure import entra_shapes as shapes

    assert shapes.authorization({"value": ["not a policy"]}) == {
        "guest_invite_setting": None,
        "guest_access": None,
        "users_can_register_apps": None,
        "user_consent_allowed": None,
    }
    wrapped = shapes.authorization({"value": [{"allowInvitesFrom": "none"}]})
    assert wrapped["guest_invite_setting"] == "none"
    assert shapes.authorization({"guestUserRoleId": "custom-role"})["guest_access"] == "custom-role"
    junk = {
        "displayName": 7,
        "state": [],
        "conditions": "x",
        "grantControls": {"builtInControls": 1},
    }
    assert ca_policy(junk) == {
        "name": None,
        "state": None,
        "requires_mfa": False,
        "all_users": False,
        "admin_roles": False,
    }
    assert shapes.security_defaults({"isEnabled": "yes"}) == {"security_defaults_enabled": None}
    assert shapes.user({"accountEnabled": "true", "signInActivity": []})["account_enabled"] is None


class RefusingCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        from azure.core.exceptions import ClientAuthenticationError

        raise ClientAuthenticationError("AADSTS65001: no consent for Microsoft Graph")


def test_no_graph_token_is_an_error_for_the_entra_types(azure_env: ArmServer) -> None:
    where = endpoints(None, azure_env.url)
    throttle = Throttle(TEST_POLICY, VirtualClock(), jitter=lambda: 1.0)
    fields = {
        entra.TENANT: frozenset({"security_defaults_enabled"}),
        entra.USER: frozenset({"user_type"}),
    }
    items = list(
        entra.collect_tenant(RefusingCredential(), where, TENANT, throttle, CallLog(), fields)
    )
    (tenant,) = [i for i in items if isinstance(i, Resource)]
    assert "no Graph token: AADSTS65001" in tenant.unavailable["security_defaults_enabled"]
    errors = [i for i in items if isinstance(i, CollectionError)]
    assert [(e.resource_types, e.account) for e in errors] == [
        ((entra.TENANT,), TENANT),
        ((entra.USER,), TENANT),
    ]
    assert azure_env.requests() == []  # nothing was sent without a token

"""The demo's canned REST server: routing, paging in both styles, the token endpoints,
TLS for ARM, and the record of what it could not answer."""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from govscan.demo.clouds import scoped_env
from govscan.demo.restserver import ABSENT, Credentials, RestServer

ARM = Credentials(token="arm-token", client_id="app", client_secret="s3cret")


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ssl.SSLContext]:
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1")
    where = tmp_path_factory.mktemp("tls")
    chain, key = where / "chain.pem", where / "key.pem"
    issued.private_key_pem.write_to_path(str(key))
    chain.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return chain, key, context


@pytest.fixture
def arm(tls: tuple[Path, Path, ssl.SSLContext]) -> Iterator[RestServer]:
    routes = {
        "/subscriptions/S/providers/Microsoft.Storage/storageAccounts": {
            "value": [{"name": f"st{n}"} for n in range(5)]
        },
        "/v1.0/users": {"value": [{"id": str(n)} for n in range(3)]},
    }
    with RestServer("arm", routes, ARM, tls=(tls[0], tls[1]), page_size=2) as server:
        yield server


def _get(url: str, context: ssl.SSLContext | None = None, token: str = "arm-token") -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, context=context, timeout=5) as answer:
        return json.loads(answer.read())


def _post(url: str, form: str, context: ssl.SSLContext | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=form.encode(), method="POST")
    try:
        with urllib.request.urlopen(request, context=context, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_arm_lists_page_by_next_link_on_the_same_host(
    arm: RestServer, tls: tuple[Path, Path, ssl.SSLContext]
) -> None:
    # Path case differs from the route's: ARM paths are case-insensitive.
    url = f"{arm.url}/subscriptions/S/providers/microsoft.storage/storageaccounts?api-version=1"
    names: list[str] = []
    while url:
        page = _get(url, tls[2])
        names += [item["name"] for item in page["value"]]
        url = page.get("nextLink", "")
        assert not url or url.startswith(arm.url + "/")
    assert names == [f"st{n}" for n in range(5)]


def test_graph_lists_page_by_odata_next_link(
    arm: RestServer, tls: tuple[Path, Path, ssl.SSLContext]
) -> None:
    first = _get(f"{arm.url}/v1.0/users", tls[2])
    assert [u["id"] for u in first["value"]] == ["0", "1"]
    assert "nextLink" not in first
    rest = _get(first["@odata.nextLink"], tls[2])
    assert [u["id"] for u in rest["value"]] == ["2"] and "@odata.nextLink" not in rest


def test_arm_token_needs_the_service_principals_secret(
    arm: RestServer, tls: tuple[Path, Path, ssl.SSLContext]
) -> None:
    url = f"{arm.url}/tenant-1/oauth2/v2.0/token"
    good = "grant_type=client_credentials&client_id=app&client_secret=s3cret"
    assert _post(url, good, tls[2]) == (
        200,
        {"token_type": "Bearer", "expires_in": 3600, "access_token": "arm-token"},
    )
    status, body = _post(url, good.replace("s3cret", "wrong"), tls[2])
    assert (status, body["error"]) == (401, "invalid_client")
    openid = _get(f"{arm.url}/tenant-1/v2.0/.well-known/openid-configuration", tls[2])
    assert openid["token_endpoint"] == url


def test_arm_refuses_a_wrong_bearer_and_records_unknown_paths(
    arm: RestServer, tls: tuple[Path, Path, ssl.SSLContext]
) -> None:
    with pytest.raises(urllib.error.HTTPError) as denied:
        _get(f"{arm.url}/v1.0/users", tls[2], token="other")
    assert denied.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as missing:
        _get(f"{arm.url}/subscriptions/S/resources", tls[2])
    assert missing.value.code == 404
    assert [(s.method, s.path) for s in arm.misses] == [("GET", "/subscriptions/S/resources")]


def test_a_declared_absence_is_a_404_but_not_a_miss(
    tls: tuple[Path, Path, ssl.SSLContext],
) -> None:
    routes = {"/subscriptions/S/storageAccounts/st1/managementPolicies/default": ABSENT}
    with RestServer("arm", routes, ARM, tls=(tls[0], tls[1])) as server:
        base = f"{server.url}/subscriptions/S/storageAccounts"
        with pytest.raises(urllib.error.HTTPError) as absent:
            _get(f"{base}/ST1/managementPolicies/default", tls[2])
        assert absent.value.code == 404
        assert json.loads(absent.value.read())["error"]["code"] == "ResourceNotFound"
        with pytest.raises(urllib.error.HTTPError):
            _get(f"{base}/st2/managementPolicies/default", tls[2])
        assert [s.path for s in server.seen if s.status == 404] == [
            "/subscriptions/S/storageAccounts/ST1/managementPolicies/default",
            "/subscriptions/S/storageAccounts/st2/managementPolicies/default",
        ]
        assert [s.path for s in server.misses] == [
            "/subscriptions/S/storageAccounts/st2/managementPolicies/default"
        ]


def test_arm_is_served_only_over_tls() -> None:
    with pytest.raises(ValueError, match="TLS"):
        RestServer("arm", {}, ARM)


def test_google_routes_by_query_owner_and_pages_by_token() -> None:
    routes = {
        "/storage/v1/b?project=p1": {"items": [{"name": f"b{n}"} for n in range(3)]},
        "/storage/v1/b": {"items": []},
        "POST /v3/projects/p1:getIamPolicy": {"bindings": []},
    }
    with RestServer("google", routes, Credentials("g-token"), page_size=2) as server:
        assert _post(f"{server.url}/token", "assertion=x") == (
            200,
            {"access_token": "g-token", "expires_in": 3600, "token_type": "Bearer"},
        )
        first = _get(f"{server.url}/storage/v1/b?project=p1&maxResults=500", token="any")
        assert [b["name"] for b in first["items"]] == ["b0", "b1"]
        rest = _get(
            f"{server.url}/storage/v1/b?project=p1&pageToken={first['nextPageToken']}", token="x"
        )
        assert [b["name"] for b in rest["items"]] == ["b2"] and "nextPageToken" not in rest
        assert _get(f"{server.url}/storage/v1/b?project=p2", token="x") == {"items": []}
        request = urllib.request.Request(
            f"{server.url}/v3/projects/p1:getIamPolicy",
            data=b"{}",
            method="POST",
            headers={"Authorization": "Bearer x"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert json.loads(answer.read()) == {"bindings": []}
        assert server.misses == []


def test_scoped_env_restores_set_and_dropped_variables() -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVSCAN_T_KEEP", "user")
        mp.setenv("GOVSCAN_T_DROP", "user-proxy")
        mp.delenv("GOVSCAN_T_NEW", raising=False)
        with (
            pytest.raises(RuntimeError),
            scoped_env({"GOVSCAN_T_KEEP": "demo", "GOVSCAN_T_NEW": "demo"}, ("GOVSCAN_T_DROP",)),
        ):
            assert os.environ["GOVSCAN_T_KEEP"] == "demo"
            assert os.environ["GOVSCAN_T_NEW"] == "demo"
            assert "GOVSCAN_T_DROP" not in os.environ
            raise RuntimeError("the scan failed")
        assert os.environ["GOVSCAN_T_KEEP"] == "user"
        assert os.environ["GOVSCAN_T_DROP"] == "user-proxy"
        assert "GOVSCAN_T_NEW" not in os.environ

"""Credentials and the network: the documented configuration is all a scan needs, no
connection leaves 127.0.0.1, and a rejected credential is one line with exit code 3."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from govscan.collectors.azure.clouds import endpoints
from govscan.collectors.azure.credentials import make_credential
from govscan.errors import UsageError
from tests.azure.armserver import CLIENT_SECRET
from tests.azure.conftest import SUB1, Azure


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every host name looked up and every address connected to during the test;
    anything but 127.0.0.1 is refused as well as recorded."""
    seen: list[Any] = []
    connect, lookup = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        seen.append(address)
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "localhost"):
            raise OSError(f"test: connection to {address} refused")
        return connect(self, address)

    def guarded_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(host)
        if host not in ("127.0.0.1", "localhost"):
            raise OSError(f"test: lookup of {host} refused")
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    yield seen


def test_a_scan_connects_to_127_0_0_1_only(azure: Azure, wire: list[Any]) -> None:
    run = azure.scan("aztest.subscription.enabled", "aztest.resource-group.locked")
    assert run.errors == [], run.stderr
    assert run.statuses("aztest.subscription.enabled") == {f"/subscriptions/{SUB1}": "pass"}
    assert wire, "the scan went over the (guarded) network"
    hosts = {a[0] if isinstance(a, tuple) else a for a in wire}
    assert hosts <= {"127.0.0.1"}, hosts
    # The token came from the local authority (no instance discovery elsewhere).
    assert azure.server.requests("/7e7e7e7e-0000-4000-8000-000000000007/oauth2/v2.0/token")


def test_rejected_credentials_are_one_line_and_exit_3(azure: Azure, wire: list[Any]) -> None:
    azure.server.set_secret("rotated-elsewhere")
    run = azure.scan("aztest.subscription.enabled")
    assert run.exit_code == 3
    assert "Traceback" not in run.stderr
    lines = {
        ln.split("Azure credentials rejected")[1]
        for ln in run.stderr.splitlines()
        if "Azure credentials rejected" in ln
    }
    assert lines == {
        ": EnvironmentCredential: Authentication failed: AADSTS7000215: Invalid "
        "client secret provided."
    }, run.stderr
    assert "DefaultAzureCredential failed" not in run.stderr
    assert CLIENT_SECRET not in run.stderr
    assert {a[0] if isinstance(a, tuple) else a for a in wire} <= {"127.0.0.1"}
    (error,) = run.errors
    assert "Azure credentials rejected" in error["message"]
    assert not azure.server.requests("/subscriptions")


@pytest.mark.parametrize(
    ("authority", "discovery_off"),
    [
        ("", False),
        ("login.microsoftonline.com", False),
        ("https://login.microsoftonline.us", False),
        ("https://127.0.0.1:8443", True),
        ("https://login.example.corp", True),
    ],
)
def test_instance_discovery_is_off_for_any_authority_but_microsofts(
    monkeypatch: pytest.MonkeyPatch, authority: str, discovery_off: bool
) -> None:
    captured: dict[str, Any] = {}

    class Recording:
        def __init__(self, **kwargs: Any) -> None:
            captured.update(kwargs)

    import azure.identity

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", Recording)
    if authority:
        monkeypatch.setenv("AZURE_AUTHORITY_HOST", authority)
    else:
        monkeypatch.delenv("AZURE_AUTHORITY_HOST", raising=False)
    make_credential(endpoints("public", None))
    assert captured.get("disable_instance_discovery", False) is discovery_off
    assert captured["exclude_interactive_browser_credential"] is True
    assert captured["authority"].startswith("https://")


def test_sovereign_clouds_and_the_endpoint_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_AUTHORITY_HOST", raising=False)
    gov = endpoints("usgovernment", None)
    assert (gov.arm, gov.authority) == (
        "https://management.usgovcloudapi.net",
        "login.microsoftonline.us",
    )
    assert gov.scope == "https://management.usgovcloudapi.net/.default"
    china = endpoints("China", "https://arm.proxy.corp/")
    assert china.arm == "https://arm.proxy.corp"
    # The token audience stays the cloud's: the proxy forwards to ARM.
    assert china.scope == "https://management.chinacloudapi.cn/.default"
    with pytest.raises(UsageError, match="unknown Azure cloud 'mars'"):
        endpoints("mars", None)
    with pytest.raises(UsageError, match="must be an https:// URL"):
        endpoints(None, "http://127.0.0.1:8080")

"""Identifiers shared by the estate modules: two subscriptions and ARM id builders."""

from __future__ import annotations

from typing import Any

SUB1 = "a1a1a1a1-0000-4000-8000-000000000001"
SUB2 = "b2b2b2b2-0000-4000-8000-000000000002"
TENANT = "7e7e7e7e-0000-4000-8000-000000000007"


def rid(sub: str, rg: str, provider: str, *parts: str) -> str:
    """An ARM resource id: ``/subscriptions/S/resourceGroups/G/providers/P/type/name/...``."""
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider}/" + "/".join(parts)


def listing(*items: dict[str, Any]) -> dict[str, Any]:
    """A list response as ARM sends it (the test server pages long ones by nextLink)."""
    return {"value": list(items)}


def sub_path(sub: str, provider: str, kind: str) -> str:
    """The subscription-wide list path of a resource kind."""
    return f"/subscriptions/{sub}/providers/{provider}/{kind}"

"""Small readers shared by the Azure type modules: ARM JSON in, shape values out.

Every function here is pure: the normalisers built on them are tested with
REST-shaped JSON alone, without a client or a server."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

_TLS = re.compile(r"(?:tls\s*v?|v)?\s*(1)[._]?([0-3])$", re.IGNORECASE)


def props(arm: Mapping[str, Any]) -> dict[str, Any]:
    """``properties`` of an ARM object (``{}`` when absent or null)."""
    return obj(arm.get("properties"))


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is an object, else ``{}``: a hostile or odd answer never
    breaks a normaliser, it reads as "not set"."""
    return value if isinstance(value, dict) else {}


def objs(value: Any) -> list[dict[str, Any]]:
    """The objects in ``value`` when it is a list, else ``[]``."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def strs(value: Any) -> list[str]:
    """The non-empty strings in ``value`` when it is a list, else ``[]``."""
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def dig(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...``, None as soon as a level is missing or not an object."""
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def items(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items of a collected list response (``{"value": [...]}``)."""
    return objs(response.get("value"))


def tls(version: Any) -> str | None:
    """A minimum TLS version as every shape spells it: ``TLS1_2``, ``Tls12``, ``TLSv1.2``
    and ``1.2`` all become ``"1.2"``; None when no minimum is enforced ("None", null)."""
    if not isinstance(version, str):
        return None
    if version.strip().lower() in ("tls", "tls1", "tlsv1"):
        return "1.0"
    m = _TLS.match(version.strip())
    return f"{m.group(1)}.{m.group(2)}" if m else None


def lowest_tls(versions: Any) -> str | None:
    """The lowest of a comma-separated list of versions (MySQL ``tls_version``)."""
    if not isinstance(versions, str):
        return None
    found = sorted(v for v in (tls(p) for p in versions.split(",")) if v)
    return found[0] if found else None


def enabled(value: Any) -> bool | None:
    """``Enabled``/``Disabled`` (and ``on``/``off``, booleans) as a boolean; None when unset."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        return None
    return value.strip().lower() in ("enabled", "on", "true", "alwayson")


def identity(arm: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(identity type, has a managed identity) from an ARM ``identity`` block."""
    kind = dig(arm, "identity", "type")
    if not isinstance(kind, str) or kind.strip().lower() in ("", "none"):
        return None, False
    return kind, True


def lower_location(location: Any) -> str | None:
    """ARM locations in their short lowercase form (``West Europe`` -> ``westeurope``)."""
    return location.replace(" ", "").lower() if isinstance(location, str) and location else None


def paired_region(location: Any) -> str | None:
    """The region Azure keeps geo-redundant copies of ``location``'s data in (the
    packaged region-pair table); None for an unpaired or unknown region."""
    short = lower_location(location)
    if short is None:
        return None
    from govscan.catalog.jurisdictions import UnknownLocation, secondary_location

    try:
        return secondary_location("azure", short)
    except UnknownLocation:
        return None


def others(region: Any, locations: Iterable[Any]) -> list[str]:
    """Distinct locations other than ``region``, in order of first appearance."""
    home = lower_location(region)
    out: list[str] = []
    for loc in locations:
        short = lower_location(loc)
        if short and short != home and short not in out:
            out.append(short)
    return out


def epoch(value: Any) -> str | None:
    """Key Vault attribute seconds since the epoch as an ISO 8601 timestamp."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value if isinstance(value, str) and value else None
    return datetime.fromtimestamp(value, tz=UTC).isoformat().replace("+00:00", "Z")


def split_list(value: Any) -> list[str]:
    """``"AzureServices, Logging"`` -> ``["AzureServices", "Logging"]``; lists pass through."""
    if isinstance(value, list):
        return [str(v) for v in value if v]
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip() and p.strip() != "None"]
    return []


def firewall_rules(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``[{name, start_ip, end_ip}]`` from a listed firewall rules response."""
    return [
        {
            "name": r.get("name"),
            "start_ip": props(r).get("startIpAddress"),
            "end_ip": props(r).get("endIpAddress"),
        }
        for r in items(response)
    ]

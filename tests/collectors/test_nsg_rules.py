"""Rule shadowing: earlier rules that decide every packet a later rule would match."""

from __future__ import annotations

from typing import Any

import pytest

from govscan.collectors import nsg_rules
from govscan.collectors.nsg_rules import shadowed, with_shadowing


class Pending:
    """Stands for a value only apply decides (the repo collector's Unknown)."""


def rule(
    name: str,
    priority: Any,
    access: str = "allow",
    *,
    ports: list[Any] | None = None,
    sources: list[Any] | None = None,
    destinations: list[Any] | None = None,
    protocol: Any = "tcp",
    direction: Any = "inbound",
) -> dict[str, Any]:
    ports = ["3389"] if ports is None else ports
    ranges: list[Any] = []
    for p in ports:
        if isinstance(p, str):
            low, _, high = p.replace("*", "0-65535").partition("-")
            ranges.append({"from": int(low), "to": int(high or low)})
        else:
            ranges.append(p)
    return {
        "name": name,
        "direction": direction,
        "access": access,
        "protocol": protocol,
        "priority": priority,
        "source_prefixes": ["*"] if sources is None else sources,
        "destination_prefixes": ["*"] if destinations is None else destinations,
        "destination_ports": ports,
        "port_ranges": ranges,
    }


OPEN_RDP = rule("rdp", 200, sources=["Internet"])


def verdict(*rules: dict[str, Any]) -> dict[str, bool]:
    return {r["name"]: r["shadowed"] for r in with_shadowing(list(rules))}


def test_a_deny_with_a_lower_priority_number_shadows_the_allow() -> None:
    assert verdict(rule("deny", 100, "deny"), OPEN_RDP) == {"deny": False, "rdp": True}


def test_a_deny_evaluated_later_does_not() -> None:
    assert verdict(rule("deny", 300, "deny"), OPEN_RDP)["rdp"] is False


def test_other_direction_does_not_shadow() -> None:
    assert verdict(rule("deny", 100, "deny", direction="outbound"), OPEN_RDP)["rdp"] is False


@pytest.mark.parametrize(
    ("deny", "expected"),
    [
        (rule("d", 100, "deny", ports=["3000-4000"]), True),
        (rule("d", 100, "deny", ports=["*"]), True),
        (rule("d", 100, "deny", ports=["22"]), False),
        (rule("d", 100, "deny", protocol="all"), True),
        (rule("d", 100, "deny", protocol="udp"), False),
        (rule("d", 100, "deny", sources=["Internet"]), True),
        (rule("d", 100, "deny", sources=["Any"]), True),
        (rule("d", 100, "deny", sources=["203.0.113.0/24"]), False),
        (rule("d", 100, "deny", destinations=["10.0.0.4"]), False),
        (rule("d", 100, "deny", destinations=["Any"]), True),
    ],
)
def test_the_deny_must_cover_ports_protocol_sources_and_destinations(
    deny: dict[str, Any], expected: bool
) -> None:
    assert shadowed(OPEN_RDP, [deny, OPEN_RDP]) is expected


def test_an_all_protocols_allow_needs_an_all_protocols_deny() -> None:
    allow = rule("all", 200, protocol="all")
    assert shadowed(allow, [rule("d", 100, "deny"), allow]) is False
    assert shadowed(allow, [rule("d", 100, "deny", protocol="all"), allow]) is True


def test_several_earlier_rules_together_cover_the_ports() -> None:
    allow = rule("wide", 300, ports=["20-30", "3389"])
    low = rule("low", 100, "deny", ports=["0-25"])
    high = rule("high", 110, "deny", ports=["26-3389"])
    assert shadowed(allow, [low, high, allow]) is True
    assert shadowed(allow, [low, allow]) is False


def test_internet_covers_the_any_sources_but_not_a_named_network() -> None:
    deny = rule("d", 100, "deny", sources=["Internet"])
    for source in ("*", "0.0.0.0/0", "::/0", "Internet"):
        allow = rule("a", 200, sources=[source])
        assert shadowed(allow, [deny, allow]) is True, source
    office = rule("a", 200, sources=["203.0.113.0/24"])
    assert shadowed(office, [deny, office]) is False


def test_networks_cover_the_networks_inside_them() -> None:
    allow = rule("a", 200, sources=["10.1.2.0/24", "10.9.0.0/16"])
    deny = rule("d", 100, "deny", sources=["10.0.0.0/8"])
    assert shadowed(allow, [deny, allow]) is True
    assert shadowed(allow, [rule("d", 100, "deny", sources=["10.1.0.0/16"]), allow]) is False
    v6 = rule("a", 200, sources=["2001:db8::/48"])
    assert shadowed(v6, [deny, v6]) is False
    assert shadowed(v6, [rule("d", 100, "deny", sources=["2001:db8::/32"]), v6]) is True


def test_an_earlier_allow_decides_too() -> None:
    # Azure stops at the first match: the later rule is never reached.
    first = rule("first", 100, ports=["*"])
    later = rule("later", 200)
    assert verdict(first, later) == {"first": False, "later": True}


def test_the_default_deny_shadows_no_custom_rule() -> None:
    deny_all = rule("DenyAllInBound", 65500, "deny", ports=["*"], protocol="all")
    assert verdict(OPEN_RDP, deny_all)["rdp"] is False


def test_unknown_values_never_prove_shadowing() -> None:
    for deny in (
        rule("d", Pending(), "deny"),
        rule("d", 100, "deny", sources=[Pending()]),
        rule("d", 100, "deny", ports=[Pending()]),
        rule("d", 100, "deny", protocol=Pending()),
        rule("d", 100, "deny", direction=Pending()),
    ):
        assert shadowed(OPEN_RDP, [deny, OPEN_RDP]) is False
    # An unknown list entry beside a known '*' still leaves the '*' in force.
    deny = rule("d", 100, "deny", sources=["*", Pending()])
    assert shadowed(OPEN_RDP, [deny, OPEN_RDP]) is True


def test_unknown_values_of_the_later_rule_count_as_anything() -> None:
    narrow = rule("d", 100, "deny", sources=["Internet"])
    wide = rule("d", 100, "deny", ports=["*"], protocol="all")
    for allow in (
        rule("a", 200, ports=[Pending()]),
        rule("a", 200, sources=[Pending()]),
        rule("a", 200, protocol=Pending()),
    ):
        assert shadowed(allow, [narrow, allow]) is False
        assert shadowed(allow, [wide, allow]) is True
    assert shadowed(rule("a", Pending()), [wide]) is False


def test_a_port_that_did_not_parse_counts_as_every_port() -> None:
    allow = rule("a", 200)
    allow["destination_ports"] = ["3389", "rdp"]
    assert shadowed(allow, [rule("d", 100, "deny"), allow]) is False
    assert shadowed(allow, [rule("d", 100, "deny", ports=["*"]), allow]) is True


def test_items_that_are_not_rules_pass_through() -> None:
    pending = Pending()
    got = with_shadowing([pending, OPEN_RDP])
    assert got[0] is pending and got[1]["shadowed"] is False
    assert "shadowed" not in OPEN_RDP  # the input is not changed


def test_a_group_longer_than_azure_accepts_is_all_in_effect() -> None:
    deny = rule("d", 100, "deny", ports=["*"], protocol="all")
    filler = [rule(f"f{i}", 1000 + i, ports=[str(i)]) for i in range(nsg_rules.MAX_RULES)]
    assert with_shadowing([deny, OPEN_RDP, *filler[:10]])[1]["shadowed"] is True
    assert all(not r["shadowed"] for r in with_shadowing([deny, OPEN_RDP, *filler]))


def test_a_group_that_would_cost_too_much_is_all_in_effect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deny = rule("d", 100, "deny", ports=["*"], protocol="all")
    assert with_shadowing([deny, OPEN_RDP])[1]["shadowed"] is True
    monkeypatch.setattr(nsg_rules, "BUDGET", 2)
    assert [r["shadowed"] for r in with_shadowing([deny, OPEN_RDP])] == [False, False]
    assert shadowed(OPEN_RDP, [deny, OPEN_RDP]) is False

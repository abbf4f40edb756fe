"""The Azure control library as a whole: its size and coverage, where each control
lives, which origins it judges, that the code-judging ones read only fields the azurerm
normaliser produces, and that the framework policies select it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy, select_controls
from govscan.catalog.resource_types import builtin_resource_types
from govscan.collectors.interface import CollectionPlan
from govscan.collectors.repo import RepoCollector
from govscan.evidence.pseudonymise import Redactor
from govscan.model import Control, Resource, ResourceRef

CONTROLS = {
    c.id: c for c in load_control_dirs([])[0].controls.values() if c.id.startswith("azure.")
}
CASES = Path(__file__).parents[2] / "repo" / "cases"
FRAMEWORK_POLICIES = {
    "iso27001": "iso27001-2022",
    "nist-800-53": "nist-800-53-r5",
    "nist-csf": "nist-csf-2.0",
    "bsi-c5": "bsi-c5-2020",
    "dsgvo": "dsgvo",
}


def fields_read(cond: Mapping[str, Any] | None) -> set[str]:
    """The top-level resource fields a condition reads (paths inside every/some are
    relative to the list item and belong to the list's field)."""
    if not cond:
        return set()
    out: set[str] = set()
    if "path" in cond:
        out.add(re.split(r"[.\[]", cond["path"])[0])
    for key in ("every", "some"):
        if key in cond:
            out.add(re.split(r"[.\[]", cond[key])[0])
            return out
    for key in ("all", "any"):
        for sub in cond.get(key, ()):
            out |= fields_read(sub)
    if "not" in cond:
        out |= fields_read(cond["not"])
    return out


def judges_code(c: Control) -> bool:
    return "code" in c.origins


def test_at_least_sixty_controls_and_five_for_entra_id() -> None:
    assert len(CONTROLS) >= 60
    entra = [c for c in CONTROLS.values() if c.resource.startswith("azure.entra.")]
    assert len(entra) >= 5
    # Both Entra types are judged: the tenant's settings and each user.
    assert {c.resource for c in entra} == {"azure.entra.tenant", "azure.entra.user"}


def test_each_control_lives_in_its_service_folder() -> None:
    for cid, c in CONTROLS.items():
        path = Path(c.source)
        assert path.name == f"{cid}.yaml", cid
        assert path.parent.name == cid.split(".")[1], cid
        assert path.parent.parent.name == "azure", cid


def test_a_control_judges_code_exactly_when_it_is_tagged_iac() -> None:
    for cid, c in CONTROLS.items():
        assert judges_code(c) == ("iac" in c.tags), cid
        assert "cloud" in c.origins, cid


def test_every_control_maps_iso_and_nist() -> None:
    for cid, c in CONTROLS.items():
        assert c.frameworks.get("iso27001-2022"), cid
        assert c.frameworks.get("nist-800-53-r5"), cid


def test_types_only_the_live_collector_sees_are_judged_in_the_cloud_only() -> None:
    live_only = {
        "azure.subscription",
        "azure.entra.tenant",
        "azure.entra.user",
        "azure.compute.virtual_machine",
        "azure.network.virtual_network",
    }
    for cid, c in CONTROLS.items():
        if c.resource in live_only:
            assert c.origins == ("cloud",), cid


@cache
def code_fields() -> Mapping[str, frozenset[str]]:
    """Per Azure type, every field some azurerm resource of the repository cases produces
    (known or unknown before apply)."""
    types = builtin_resource_types()
    plan = CollectionPlan({t: frozenset(s.fields) for t, s in types.items()})
    out: dict[str, set[str]] = {}
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for item in RepoCollector(case).collect(plan):
            if isinstance(item, Resource) and item.type.startswith("azure."):
                got = out.setdefault(item.type, set())
                got.update(item.data)
                got.update(re.split(r"[.\[]", u)[0] for u in item.unknown)
    return {t: frozenset(f) for t, f in out.items()}


@pytest.mark.slow
@pytest.mark.parametrize("cid", sorted(c.id for c in CONTROLS.values() if judges_code(c)))
def test_a_code_judging_control_reads_only_fields_code_produces(cid: str) -> None:
    # Otherwise every azurerm resource would fail (or error) on a field code never has.
    c = CONTROLS[cid]
    need = fields_read(c.check) | fields_read(c.applies_when)
    assert need
    assert need <= code_fields().get(c.resource, frozenset()), (cid, need)


@pytest.mark.parametrize("policy", sorted(FRAMEWORK_POLICIES))
def test_the_framework_policies_select_the_azure_controls(policy: str) -> None:
    selected = {c.id for c in select_controls(load_policy(policy), CONTROLS.values())}
    mapped = {cid for cid, c in CONTROLS.items() if c.frameworks.get(FRAMEWORK_POLICIES[policy])}
    assert mapped and selected == mapped
    assert {c.id for c in select_controls(load_policy("baseline"), CONTROLS.values())} == set(
        CONTROLS
    )


def test_fields_read_follows_lists_and_nesting() -> None:
    cond = {
        "all": [
            {"path": "security_contact.email_set", "op": "eq", "value": True},
            {"not": {"path": "keys[0].expires", "op": "present"}},
            {"every": "rules", "check": {"path": "access", "op": "eq", "value": "allow"}},
        ]
    }
    assert fields_read(cond) == {"security_contact", "keys", "rules"}


def test_an_entra_user_name_is_pseudonymised_wherever_it_is_named_first() -> None:
    # A guest's user principal name looks like no e-mail address; a result that names
    # the user before the resource is seen must still not carry it.
    upn = "erika.mustermann_gmail.com#EXT#@brauwerk.onmicrosoft.com"
    r = Redactor(b"K" * 32)
    ref = r.ref(ResourceRef("azure.entra.user", f"/users/{upn}", upn, "azure", "", "global"))
    assert "erika" not in ref.name and "erika" not in ref.id
    assert ref.name == r.pseudonym(upn)


def test_docs_list_every_azure_control_once() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "azure.md").read_text(encoding="utf-8")
    section = doc.split("\n## Controls\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `(azure\.[a-z0-9.-]+)` \|", section, flags=re.M)
    assert sorted(listed) == sorted(CONTROLS)

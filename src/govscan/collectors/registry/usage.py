"""Which processors the scanned estate relies on, and which registry entry covers each.

The other collectors' scopes (an AWS account, a repository with its workflow
actions and Terraform providers) each imply a processor; every such use is a
``dsgvo.service_usage`` resource naming the registry entry that covers it,
if any, so a control can require that every processor in use has a contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govscan.collectors.registry.entities import (
    COLLECTOR_PROVIDER,
    FIRST_PARTY_ACTION_OWNERS,
    entity_for,
)
from govscan.collectors.registry.normalize import Source, as_list, dsgvo_ref
from govscan.language.patterns import glob_matches
from govscan.model import Resource, Target


@dataclass(frozen=True)
class Use:
    """One processor the scanned estate relies on."""

    provider: str
    """``aws``, ``azure``, ``gcp``, ``github`` or ``github-actions``."""
    scope: str
    """Account, subscription, project or repository path."""
    collector: str
    integration: str = ""
    """For third-party integrations: ``owner/name`` of the action or app."""


def _action_name(uses: str) -> str | None:
    """``owner/repo`` of a ``uses:`` reference; None for local and docker actions."""
    ref = uses.split("@", 1)[0].strip()
    if not ref or ref.startswith((".", "/", "docker://")):
        return None
    parts = ref.split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return None
    return f"{parts[0]}/{parts[1]}".lower()


def _actions(details: Mapping[str, Any]) -> list[str]:
    raw: list[Any] = []
    for key in ("github_actions", "actions", "integrations"):
        raw.extend(as_list(details.get(key)))
    out: set[str] = set()
    for item in raw:
        uses = item.get("uses") if isinstance(item, dict) else item
        if isinstance(uses, str):
            name = _action_name(uses)
            if name:
                out.add(name)
    return sorted(out)


def uses_of(targets: Sequence[Target]) -> list[Use]:
    """Every processor use the other collectors' scopes imply."""
    out: list[Use] = []
    for t in targets:
        provider = COLLECTOR_PROVIDER.get(t.collector)
        if provider:
            out.append(Use(provider, t.identity, t.collector))
            continue
        actions = _actions(t.details)
        if actions:
            # Workflows run on GitHub's infrastructure with access to the repository.
            out.append(Use("github", t.identity, t.collector))
        for name in actions:
            if name.split("/", 1)[0] not in FIRST_PARTY_ACTION_OWNERS:
                out.append(Use("github-actions", t.identity, t.collector, integration=name))
        # A Terraform provider from a third-party namespace configures that vendor's
        # service (monitoring, DNS, error tracking), which then holds the company's data.
        for name in sorted({str(x).lower() for x in as_list(t.details.get("terraform_providers"))}):
            out.append(Use("terraform-providers", t.identity, t.collector, integration=name))
    return out


def _covers(p: Mapping[str, Any], use: Use) -> bool:
    for svc in as_list(p.get("services")):
        detect = svc.get("detect") or {}
        if use.integration:
            patterns = as_list(detect.get("repository_integrations"))
            # Registry globs are matched by RE2: linear however many ``*`` they hold.
            if any(glob_matches(use.integration, str(x).lower()) for x in patterns):
                return True
            continue
        if detect.get("cloud") != use.provider:
            continue
        accounts = as_list(detect.get("accounts"))
        if not accounts or "*" in accounts or use.scope in accounts:
            return True
    return False


def service_usages(registry: Source, targets: Sequence[Target]) -> Iterator[Resource]:
    entries = as_list(registry.data.get("processors"))
    for use in uses_of(targets):
        matches = [p for p in entries if _covers(p, use)]
        # A direct processor agreement is what covers a use; prefer it.
        matches.sort(key=lambda p: (p.get("role") != "processor", str(p.get("id"))))
        best = matches[0] if matches else None
        entity = entity_for(use.provider)
        contract = (best or {}).get("contract") or {}
        if use.integration:
            rid = f"usage:{use.provider}:{use.scope}:{use.integration}"
            name = f"{use.integration} in {use.scope}"
            legal = f"publisher of {use.integration}"
        else:
            rid = f"usage:{use.provider}:{use.scope}"
            name = f"{entity.name if entity else use.provider} for {use.scope}"
            legal = entity.name if entity else use.provider
        yield Resource(
            dsgvo_ref("service_usage", rid, name),
            {
                "provider": use.provider,
                "scope": use.scope,
                "collector": use.collector,
                "integration": use.integration or None,
                "legal_entity": legal,
                "entity_country": entity.country if entity and not use.integration else None,
                "processor_id": best.get("id") if best else None,
                "processor_ids": [p.get("id") for p in matches],
                "processor_name": best.get("legal_name") if best else None,
                "contract": {
                    "type": contract.get("type"),
                    "effective": contract.get("effective"),
                    "ends": contract.get("ends"),
                }
                if best
                else None,
            },
        )

"""Terraform plan JSON (``terraform show -json plan.out``), detected by content.

Planned values are concrete, so the same normalisers as for HCL apply through
a small adapter; values Terraform only knows after apply are null and left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class PlanBlock:
    """A nested block of planned values, shaped like ``hcl.Block`` for the normalisers."""

    def __init__(self, values: dict[str, Any], line: int) -> None:
        self.values = values
        self.attrs = {k: v for k, v in values.items() if v is not None}
        self.line = line
        self.end_line = line
        self.comments: list[tuple[int, str]] = []

    def children(self, kind: str) -> list[PlanBlock]:
        items = self.values.get(kind)
        if not isinstance(items, list):
            return []
        return [PlanBlock(i, self.line) for i in items if isinstance(i, dict)]


class PlanResource:
    """One planned resource with the interface of ``terraform.TfResource``."""

    def __init__(self, entry: dict[str, Any], path: str, line: int) -> None:
        self.type = str(entry.get("type", ""))
        self.name = str(entry.get("name", ""))
        self.address = str(entry.get("address", f"{self.type}.{self.name}"))
        self.path = path
        self.block = PlanBlock(entry.get("values") or {}, line)
        self.provider_ref = ""

    def get(self, name: str, default: Any = None) -> Any:
        value = self.block.values.get(name)
        return default if value is None else value

    def sub(self, *names: str) -> PlanBlock | None:
        block: PlanBlock | None = self.block
        for n in names:
            found = block.children(n) if block else []
            block = found[0] if found else None
        return block

    def sub_get(self, block: PlanBlock | None, name: str, default: Any = None) -> Any:
        if block is None:
            return default
        value = block.values.get(name)
        return default if value is None else value


def is_plan(doc: Any) -> bool:
    return isinstance(doc, dict) and "format_version" in doc and "planned_values" in doc


def _modules(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield module
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _modules(child)


def load_plan(path: Path, rel: str) -> tuple[list[PlanResource], dict[str, Any]] | None:
    """Planned managed resources and the provider configurations, or None if not a plan."""
    try:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not is_plan(doc):
        return None
    lines = text.splitlines()
    # A plan is often one line; the address's line keeps path:line ids meaningful anyway.
    index: dict[str, int] = {}
    for number, text_line in enumerate(lines, 1):
        if '"address"' in text_line:
            index.setdefault(text_line.strip(), number)
    out: list[PlanResource] = []
    root = (doc.get("planned_values") or {}).get("root_module") or {}
    for module in _modules(root):
        for entry in module.get("resources") or []:
            if not isinstance(entry, dict) or entry.get("mode") != "managed":
                continue
            needle = f'"address": "{entry.get("address")}"'
            at = next((n for key, n in index.items() if needle in key), 1)
            out.append(PlanResource(entry, rel, at))
    providers = ((doc.get("configuration") or {}).get("provider_config")) or {}
    return out, providers

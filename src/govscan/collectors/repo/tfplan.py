"""Terraform plan JSON (``terraform show -json plan.out``), detected by content.

Planned values are concrete, so the same normalisers as for HCL apply through
a small adapter; values Terraform only knows after apply (null in the plan,
``true`` in ``after_unknown``) are unknown, never read as unset.
A plan-shaped file (``format_version`` and ``planned_values``) whose parts have
the wrong types is an error for that one file, never a silent empty plan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from govscan.collectors.repo.unknowns import mark_after_unknown
from govscan.fileread import UnreadableFile


class PlanError(UnreadableFile):
    """A file that may be a plan but cannot be read; ``reason`` quotes nothing from it."""


_ADDRESS = re.compile(r'"address":\s*"((?:[^"\\]|\\.)*)"')


def _dict(value: Any, where: str = "") -> dict[str, Any]:
    if value is None or (not where and not isinstance(value, dict)):
        return {}
    if not isinstance(value, dict):
        raise PlanError(f"plan JSON: {where} must be an object; the plan is not judged")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PlanError(f"plan JSON: {where} must be a list; the plan is not judged")
    return value


def _entry(item: Any, where: str) -> dict[str, Any]:
    entry = _dict(item, where)
    for key in ("type", "name", "address", "mode"):
        if not isinstance(entry.get(key, ""), str):
            raise PlanError(f"plan JSON: {where}.{key} must be a string; the plan is not judged")
    _dict(entry.get("values"), f"{where}.values")
    return entry


class PlanBlock:
    """A nested block of planned values, shaped like ``hcl.Block`` for the normalisers."""

    def __init__(self, values: dict[str, Any], line: int) -> None:
        self.values = _dict(values)
        self.attrs = {k: v for k, v in self.values.items() if v is not None}
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
        self.block = PlanBlock(_dict(entry.get("values")), line)
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


def _modules(root: dict[str, Any]) -> Iterator[dict[str, Any]]:
    # A loop, not recursion: nesting depth is the file's to choose.
    todo = [root]
    while todo:
        module = todo.pop()
        yield module
        children = _list(module.get("child_modules"), "child_modules")
        todo += reversed([_dict(c, "child_modules[]") for c in children])


def _after_unknown(doc: dict[str, Any]) -> dict[str, Any]:
    """Address -> ``change.after_unknown`` of each planned change (values known only
    after apply, null in ``planned_values``); wrong shapes are simply not used."""
    changes = doc.get("resource_changes")
    out: dict[str, Any] = {}
    for change in changes if isinstance(changes, list) else ():
        if isinstance(change, dict) and isinstance(change.get("address"), str):
            detail = change.get("change")
            if isinstance(detail, dict):
                out[change["address"]] = detail.get("after_unknown")
    return out


def load_plan(data: bytes, rel: str) -> tuple[list[PlanResource], dict[str, Any]] | None:
    """Planned managed resources and the provider configurations, or None if the
    file is no plan (not JSON at all, or JSON of another shape)."""
    try:
        text = data.decode("utf-8")
        doc = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        return None
    except RecursionError:
        # It may be a plan; what it holds cannot be known, so it is not skipped silently.
        raise PlanError("JSON nested too deeply to read; not judged") from None
    if not is_plan(doc):
        return None
    # A plan is often one line; the address's line keeps path:line ids meaningful anyway.
    index: dict[str, int] = {}
    for number, text_line in enumerate(text.splitlines(), 1):
        for address in _ADDRESS.findall(text_line):
            index.setdefault(address, number)
    out: list[PlanResource] = []
    later = _after_unknown(doc)
    planned = _dict(doc.get("planned_values"), "planned_values")
    root = _dict(planned.get("root_module"), "planned_values.root_module")
    for module in _modules(root):
        for i, item in enumerate(_list(module.get("resources"), "resources")):
            entry = _entry(item, f"resources[{i}]")
            if entry.get("mode") != "managed":
                continue
            at = index.get(json.dumps(entry.get("address"), ensure_ascii=False)[1:-1], 1)
            if isinstance(entry.get("values"), dict) and entry.get("address") in later:
                mark_after_unknown(entry["values"], later[entry["address"]], entry["address"])
            out.append(PlanResource(entry, rel, at))
    config = _dict(doc.get("configuration"), "configuration")
    providers = _dict(config.get("provider_config"), "configuration.provider_config")
    return out, providers

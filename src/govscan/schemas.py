"""The JSON Schemas govscan ships: controls, policies, results.json, AVV registries."""

from __future__ import annotations

import json
from typing import Any

from govscan.errors import UsageError
from govscan.paths import data_dir


def policy_schema() -> dict[str, Any]:
    from govscan.catalog.policy_schema import policy_schema as generated

    return generated()


def schema(kind: str) -> dict[str, Any]:
    if kind == "control":
        from govscan.catalog.control_schema import control_schema
        from govscan.collectors.declared import resource_types

        return control_schema(resource_types())
    if kind == "policy":
        return policy_schema()
    path = data_dir() / "schemas" / f"{kind}.schema.json"
    if not path.is_file():
        raise UsageError(f"no schema for '{kind}'")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def schema_text(kind: str) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"

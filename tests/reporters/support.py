"""Golden-file comparison and schema validation shared by the reporter tests."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import regex
from jsonschema import validators

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SCHEMAS = HERE.parent / "schemas"
UPDATE_ENV = "GOVSCAN_UPDATE_GOLDEN"


def assert_golden(name: str, data: bytes) -> None:
    """Compare with ``golden/<name>``; ``GOVSCAN_UPDATE_GOLDEN=1`` rewrites it instead."""
    path = GOLDEN / name
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"no golden file {path}; run with {UPDATE_ENV}=1 to create it"
    expected = path.read_bytes()
    if data != expected:
        # A readable diff of the first difference beats a 40 kB bytes repr.
        got, want = data.decode("utf-8").splitlines(), expected.decode("utf-8").splitlines()
        for i, (a, b) in enumerate(zip(got, want, strict=False)):
            assert a == b, f"{name} line {i + 1} differs ({UPDATE_ENV}=1 regenerates)"
        raise AssertionError(f"{name}: {len(got)} lines, golden has {len(want)}")


def _pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Any:
    # The OSCAL schema uses Unicode property classes (\p{L}) that `re` lacks.
    if validator.is_type(instance, "string") and not regex.search(patrn, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")


@cache
def validator(schema_file: str) -> Any:
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    base = validators.validator_for(schema)
    cls = validators.extend(base, {"pattern": _pattern})
    return cls(schema, format_checker=base.FORMAT_CHECKER)


def schema_errors(schema_file: str, doc: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in validator(schema_file).iter_errors(doc)
    ]


SARIF_SCHEMA = "sarif-schema-2.1.0.json"
OSCAL_SCHEMA = "oscal_complete_schema-1-2-1.json"

"""Checking a JSON document govscan reads back (a baseline, a scan plan) against its schema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from govscan.errors import UsageError
from govscan.paths import data_dir


def check_document(doc: Mapping[str, Any], schema_file: str, name: str) -> None:
    """Raise a one-line ``UsageError`` naming ``name`` and the first problem's path."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    doc_schema = json.loads((data_dir() / "schemas" / schema_file).read_text("utf-8"))
    error = best_match(Draft202012Validator(doc_schema).iter_errors(doc))
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        text = error.message if len(error.message) <= 200 else error.message[:200] + "..."
        raise UsageError(f"{name}: {where.lstrip('.') or 'document'}: {text}")

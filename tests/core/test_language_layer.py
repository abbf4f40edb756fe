"""The catalog validates every operator of the condition language without the engine."""

from __future__ import annotations

import subprocess
import sys

from govscan.engine.messages import message_fields
from govscan.engine.plan import control_fields
from govscan.language.check import validate_check
from govscan.language.operators import OPERATORS
from govscan.model import Control, Severity

_CHECK = """
import sys
from govscan.catalog.controls import load_control_dirs
from govscan.language.check import validate_check
good = {"path": "region", "op": "jurisdiction-in", "value": ["EU"]}
bad = {"path": "region", "op": "jurisdiction-in", "value": []}
assert validate_check(good) == [], validate_check(good)
assert len(validate_check(bad)) == 1
_, problems = load_control_dirs([])
assert problems == [], problems
loaded = sorted(m for m in sys.modules if m.startswith("govscan.engine"))
print(",".join(loaded) or "none")
"""


def test_the_catalog_needs_no_engine() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHECK], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


def test_the_engine_judges_what_the_language_declares() -> None:
    # Importing the engine binds the judging function of every declared operator.
    spec = OPERATORS["jurisdiction-in"]
    assert spec.fn.__module__ == "govscan.engine.residency"
    assert validate_check({"path": "a", "op": "jurisdiction-in", "value": "EU"}) == []


def test_message_placeholders_are_read_by_one_parser() -> None:
    template = "bucket {name} has {encryption.algorithm} and {not a placeholder} {x-y}"
    assert message_fields(template) == {"name", "encryption"}
    c = Control(
        id="fake.thing.named",
        title="Named",
        severity=Severity.LOW,
        resource="fake.thing",
        check={"path": "size", "op": "present"},
        frameworks={},
        message=template,
    )
    assert {"name", "encryption"} <= control_fields(c)
    assert "not" not in control_fields(c) and "x" not in control_fields(c)

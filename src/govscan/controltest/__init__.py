"""``govscan test``: controls tested with resources in their type's documented shape.

A control's cases (in its ``tests:`` list or a sibling ``<id>.test.yaml``) each
give one resource and the status (and message) the control must decide; they
run through the engine's own evaluator, so control logic is tested without any
cloud SDK.
"""

from __future__ import annotations

from govscan.controltest.command import run_cli, run_tests
from govscan.controltest.loader import is_test_file, load_suite

__all__ = ["is_test_file", "load_suite", "run_cli", "run_tests"]

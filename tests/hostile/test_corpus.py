"""The hostile-input corpus: every case runs govscan in a child process under a memory
and time limit and asserts the exit code, a one-line message naming the file, no
traceback, no leaked secret and no change outside the output directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cases_bundles import CASES as BUNDLE_CASES
from .cases_catalog import CASES as CATALOG_CASES
from .cases_repo import CASES as REPO_CASES
from .harness import Case, Outcome, World, bundle_texts, run, snapshot

# Whole-estate or subprocess cases: `make test` runs them, `make unit` does not.
pytestmark = pytest.mark.slow

CASES: list[Case] = [*CATALOG_CASES, *REPO_CASES, *BUNDLE_CASES]


def test_corpus_is_large_and_names_are_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 60


def _error_lines(world: World, outcome: Outcome) -> list[str]:
    lines = outcome.output.splitlines()
    results = world.out / "results.json"
    if results.is_file() and not results.is_symlink():
        try:
            doc = json.loads(results.read_text(encoding="utf-8"))
        except ValueError:
            return lines
        for e in doc.get("errors", []):
            lines.append(" ".join(str(e.get(k, "")) for k in ("operation", "message")))
        lines.extend(
            r.get("message", "") for r in doc.get("results", []) if r.get("status") == "error"
        )
    return lines


@pytest.mark.timeout(90)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    world = World(tmp_path)
    for d in (world.repo, world.outside, world.inputs):
        d.mkdir()
    world.write("outside/secret.txt", f"token={case.forbidden[0] if case.forbidden else ''}\n")
    world.write("outside/notes.md", "a user's own file\n")
    args = case.build(world)
    before = snapshot(world.root, case.writable)
    proc = run(world, args)
    outcome = Outcome(proc.returncode, proc.stdout, proc.stderr, before)
    outcome.after = snapshot(world.root, case.writable)

    assert "Traceback" not in outcome.output, outcome.output[-3000:]
    assert outcome.code in case.codes, (outcome.code, outcome.output[-2000:])
    changed = {
        k for k in before.keys() | outcome.after.keys() if before.get(k) != outcome.after.get(k)
    }
    assert not changed, f"changed outside the output directory: {sorted(changed)}"
    lines = _error_lines(world, outcome)
    for name in case.names:
        hits = [ln for ln in lines if name in ln]
        assert hits, f"no message names {name!r}: {outcome.output[-1500:]}"
        assert all(len(h) < 600 for h in hits), hits
    for needle in case.forbidden:
        assert needle not in outcome.output
        for path, text in bundle_texts(world.out):
            assert needle not in text, path
    if case.extra is not None:
        case.extra(world, outcome)

"""Find the controls and their tests under the given paths.

Tests live in a control's ``tests:`` list or in a sibling ``<control-id>.test.yaml``
(``control:`` names the control when the file is named otherwise). A test file
may also test a built-in control from anywhere. Every problem in every file is
collected, each with ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govscan.catalog.controls import display_path, load_control_dirs
from govscan.catalog.yamlsource import Pointer, YamlDocument, YamlSyntaxError, load_yaml
from govscan.collectors.declared import resource_types
from govscan.controltest.cases import CaseContext, parse_as_of, parse_case, parse_params
from govscan.controltest.model import TestCase
from govscan.errors import Problem
from govscan.language.reads import check_params
from govscan.model import Control, ResourceTypeSpec
from govscan.paths import content_dir

TEST_SUFFIXES = (".test.yaml", ".test.yml")
FILE_KEYS = ("control", "as_of", "params", "cases")


def is_test_file(path: Path) -> bool:
    return path.name.endswith(TEST_SUFFIXES)


@dataclass(frozen=True)
class Suite:
    cases: tuple[TestCase, ...]
    selected: tuple[Control, ...]
    """The controls defined under the given paths: the ones ``--require-tests`` holds."""
    controls: Mapping[str, Control] = field(default_factory=dict)
    """Every control a case may test: the built-in ones and those under the paths."""


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir()
        )
    return [path]


def _params_read(control: Control) -> frozenset[str]:
    names = check_params(control.check)
    if control.applies_when:
        names |= check_params(control.applies_when)
    return frozenset(names)


class _Loader:
    def __init__(
        self,
        controls: Mapping[str, Control],
        parameters: frozenset[str],
        types: Mapping[str, ResourceTypeSpec],
    ) -> None:
        self.controls = controls
        self.parameters = parameters
        self.types = types
        self.problems: list[Problem] = []
        self.cases: list[TestCase] = []
        self.names: dict[str, set[str]] = {}

    def cases_of(
        self,
        doc: YamlDocument,
        control: Control,
        pointer: Pointer,
        raw: Any,
        defaults: Mapping[str, Any],
    ) -> None:
        if not isinstance(raw, list) or not raw:
            self.problems.append(doc.problem(pointer, "test cases must be a non-empty list"))
            return
        spec = self.types.get(control.resource)
        if spec is None:  # the control's own validation reported it
            return
        ctx = CaseContext(
            doc,
            control,
            spec,
            self.parameters | _params_read(control),
            names=self.names.setdefault(control.id, set()),
        )
        for i, item in enumerate(raw):
            case = parse_case(ctx, (*pointer, i), item, defaults)
            if case is not None:
                self.cases.append(case)
        self.problems.extend(ctx.problems)

    def test_file(self, path: Path) -> None:
        try:
            doc = load_yaml(path, display_path(path))
        except YamlSyntaxError as exc:
            self.problems.append(exc.problem)
            return
        self.problems.extend(doc.duplicates)
        data = doc.data
        if not isinstance(data, dict):
            self.problems.append(doc.problem((), "a test file must be a mapping with 'cases'"))
            return
        for key in data:
            if key not in FILE_KEYS:
                self.problems.append(
                    doc.problem(
                        (str(key),),
                        f"unknown field '{key}' (valid fields: {', '.join(FILE_KEYS)})",
                        key=True,
                    )
                )
        default_id = path.name.removesuffix(".test.yaml").removesuffix(".test.yml")
        cid = data.get("control", default_id)
        control = self.controls.get(cid) if isinstance(cid, str) else None
        if control is None:
            self.problems.append(
                doc.problem(
                    ("control",),
                    f"no control {cid!r} to test (name it with 'control:' or the file name)",
                )
            )
            return
        spec = self.types.get(control.resource)
        if spec is None:
            return
        probe = CaseContext(doc, control, spec, self.parameters | _params_read(control))
        defaults: dict[str, Any] = {}
        if "as_of" in data:
            defaults["as_of"] = parse_as_of(probe, ("as_of",), data["as_of"])
        if "params" in data:
            defaults["params"] = parse_params(probe, ("params",), data["params"])
        self.problems.extend(probe.problems)
        if "cases" not in data:
            self.problems.append(doc.problem((), "a test file needs 'cases'"))
            return
        self.cases_of(doc, control, ("cases",), data["cases"], defaults)

    def inline(self, control: Control) -> None:
        """A control file's own ``tests:`` list."""
        path = Path(control.source)
        try:
            doc = load_yaml(path, control.source)
        except YamlSyntaxError as exc:  # it loaded a moment ago; report, never crash
            self.problems.append(exc.problem)
            return
        if isinstance(doc.data, dict) and "tests" in doc.data:
            self.cases_of(doc, control, ("tests",), doc.data["tests"], {})


def load_suite(paths: Sequence[Path]) -> tuple[Suite, list[Problem]]:
    """Every test case under ``paths`` (default: the built-in controls), and every problem.

    Case parameters are those of the baseline policy or read by the control."""
    from govscan.catalog.policies import load_policy

    roots = list(paths) or [content_dir("controls")]
    problems: list[Problem] = []
    control_roots: list[Path] = []
    test_files: list[Path] = []
    control_files: set[Path] = set()
    for root in roots:
        if not root.exists():
            problems.append(Problem(display_path(root), 1, 1, "no such file or folder"))
            continue
        files = _yaml_files(root)
        tests = [f for f in files if is_test_file(f)]
        test_files.extend(tests)
        own = [f.resolve() for f in files if not is_test_file(f)]
        control_files.update(own)
        if own:
            control_roots.append(root)
    if problems:
        return Suite((), ()), problems
    builtin = content_dir("controls").resolve()
    # The built-in controls are loaded once, also when a path lies inside them.
    user_roots = [r for r in control_roots if not r.resolve().is_relative_to(builtin)]
    types = resource_types()
    controls, found = load_control_dirs(user_roots, resource_types=types)
    problems.extend(found)
    selected = tuple(c for c in controls if Path(c.source).resolve() in control_files)
    loader = _Loader(controls.controls, frozenset(load_policy("baseline").parameters), types)
    for control in selected:
        loader.inline(control)
    for path in sorted(set(test_files)):
        loader.test_file(path)
    problems.extend(loader.problems)
    return Suite(tuple(loader.cases), selected, controls.controls), problems

"""A control renamed with ``replaces: [old-id]``: everything naming the old id keeps working."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from govscan.catalog.controls import load_control_dirs, validate_control_documents
from govscan.catalog.policies import load_policy, select_controls
from govscan.catalog.yamlsource import parse_yaml
from govscan.collectors.declared import resource_types
from govscan.engine.waivers import WaiverIndex, inline_suppression
from govscan.model import Resource, Severity, Status, Waiver
from govscan.runner import ScanConfig, ScanOutcome, run
from govscan.validate import validate_paths

from .fakes import FakeCollector, thing

OLD = "fake.thing.encrypted"
NEW = "fake.thing.encrypted-v2"

CONTROL = """\
id: {id}
title: {title}
severity: high
resource: fake.thing
check: {{path: encrypted, op: eq, value: true}}
frameworks: {{iso27001-2022: [A.8.24]}}
"""


def _control(cid: str, replaces: str = "", title: str = "Things are encrypted") -> str:
    text = CONTROL.format(id=cid, title=title)
    return text + (f"replaces: [{replaces}]\n" if replaces else "")


def _dir(root: Path, name: str, files: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir()
    for fname, text in files.items():
        (folder / fname).write_text(text)
    return folder


def test_a_control_records_the_ids_it_replaces(tmp_path: Path) -> None:
    controls = _dir(tmp_path, "controls", {"c.yaml": _control(NEW, OLD)})
    loaded, problems = load_control_dirs([controls], resource_types=resource_types())
    assert problems == []
    assert loaded.controls[NEW].replaces == (OLD,)
    # Besides the built-in controls' own old ids.
    assert {o: n for o, n in loaded.aliases.items() if n == NEW} == {OLD: NEW}
    assert OLD in loaded.known_ids() and OLD not in loaded.controls


@pytest.mark.parametrize(
    ("files", "want"),
    [
        (
            {"a.yaml": _control(NEW, OLD), "b.yaml": _control(OLD)},
            f"a.yaml:7:12: control '{NEW}' replaces '{OLD}', which is the id of a control",
        ),
        (
            {"a.yaml": _control(NEW, OLD), "b.yaml": _control("fake.thing.other", OLD)},
            f"b.yaml:7:12: '{OLD}' is already replaced by control '{NEW}'",
        ),
        (
            {"a.yaml": _control(NEW, NEW)},
            f"a.yaml:7:12: a control cannot replace its own id '{NEW}'",
        ),
        (
            {"a.yaml": _control(NEW, "Old Id")},
            "a.yaml:7:12: replaced id 'Old Id' must be lowercase",
        ),
    ],
)
def test_an_old_id_must_name_nothing_else(files: dict[str, str], want: str) -> None:
    docs = [parse_yaml(text, name) for name, text in files.items()]
    _, problems = validate_control_documents(docs, resource_types())
    assert [str(p) for p in problems if want in str(p)], problems


def test_an_old_id_colliding_in_one_folder_stops_loading(tmp_path: Path) -> None:
    controls = _dir(tmp_path, "c", {"a.yaml": _control(NEW, OLD), "b.yaml": _control(OLD)})
    _, problems = load_control_dirs([controls], resource_types=resource_types())
    assert [p.line for p in problems] == [7], problems
    assert "which is the id of a control" in problems[0].message


def test_a_later_folder_still_using_the_old_id_overrides_the_renamed_control(
    tmp_path: Path,
) -> None:
    first = _dir(tmp_path, "first", {"new.yaml": _control(NEW, OLD)})
    second = _dir(tmp_path, "second", {"mine.yaml": _control(OLD, title="My own")})
    loaded, problems = load_control_dirs([first, second], resource_types=resource_types())
    assert problems == []
    assert OLD not in loaded.controls
    assert loaded.controls[NEW].title == "My own"
    assert loaded.controls[NEW].replaces == (OLD,)
    assert loaded.overridden[NEW][1].endswith("mine.yaml")
    assert loaded.renamed == {OLD: NEW}


def _renamed_control(tmp_path: Path) -> Path:
    return _dir(tmp_path, "controls", {"c.yaml": _control(NEW, OLD)})


def test_selections_and_severity_overrides_naming_the_old_id_apply(tmp_path: Path) -> None:
    controls = _renamed_control(tmp_path)
    loaded, _ = load_control_dirs([controls], resource_types=resource_types())
    policy_file = tmp_path / "p.yaml"
    policy_file.write_text(f"name: p\nselect: [{{ids: ['{OLD}']}}]\nseverity: {{{OLD}: low}}\n")
    policy = load_policy(str(policy_file), known_controls=loaded.known_ids())
    chosen = select_controls(policy, loaded.controls.values())
    assert [(c.id, c.severity) for c in chosen] == [(NEW, Severity.LOW)]
    excluding = replace(policy, exclude=policy.include)
    assert select_controls(excluding, loaded.controls.values()) == []


def test_waivers_and_suppressions_naming_the_old_id_apply(tmp_path: Path) -> None:
    loaded, _ = load_control_dirs([_renamed_control(tmp_path)], resource_types=resource_types())
    control = loaded.controls[NEW]
    waiver = Waiver(control=OLD, resources=("t/*",), reason="accepted", owner="ops")
    index = WaiverIndex([waiver], date(2026, 1, 1), [control])
    assert index.lookup(NEW, "t/a", "a") is not None
    assert WaiverIndex([waiver], date(2026, 1, 1)).lookup(NEW, "t/a", "a") is None
    assert inline_suppression({OLD: "elsewhere"}, NEW, control.replaces) is not None
    assert inline_suppression({OLD: "elsewhere"}, NEW) is None


def test_validate_accepts_a_waiver_naming_an_old_id(tmp_path: Path) -> None:
    controls = _renamed_control(tmp_path)
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "p.yaml").write_text(
        f"name: p\nselect: [{{ids: ['{OLD}']}}]\n"
        f"waivers:\n  - {{control: {OLD}, reason: accepted, owner: ops}}\n"
    )
    problems, _ = validate_paths([controls, policies])
    assert problems == []
    (policies / "p.yaml").write_text(
        "name: p\nwaivers:\n  - {control: fake.thing.nothing, reason: accepted, owner: ops}\n"
    )
    problems, _ = validate_paths([controls, policies])
    assert [str(p).split("policies/")[-1] for p in problems] == [
        "p.yaml:3:15: waiver matches no known control 'fake.thing.nothing'"
    ]


def _run(
    tmp_path: Path, policy: str, items: list[Resource] | None = None
) -> tuple[ScanOutcome, dict[str, Status]]:
    controls = _renamed_control(tmp_path)
    (tmp_path / "p.yaml").write_text(policy)
    FakeCollector.items = (
        list(items)
        if items is not None
        else [
            thing("t/ok", encrypted=True),
            thing("t/bad", encrypted=False),
            thing("t/waived", encrypted=False),
            replace(thing("t/inline", encrypted=False), suppressions={OLD: "managed elsewhere"}),
        ]
    )
    outcome = run(
        ScanConfig(
            policy=str(tmp_path / "p.yaml"),
            controls_dirs=(controls,),
            targets={"fake": True},
            formats=("json",),
            output_dir=tmp_path / "out",
            fail_on=None,
        )
    )
    statuses = {r.resource.id: r.status for r in outcome.scan.results}
    return outcome, statuses


def test_a_scan_applies_old_ids_and_notes_each_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="govscan")
    outcome, statuses = _run(
        tmp_path,
        f"name: p\nselect: [{{ids: ['{OLD}']}}]\n"
        f"waivers:\n  - {{control: {OLD}, resources: [t/waived], reason: ok, owner: ops}}\n",
    )
    assert statuses == {
        "t/ok": Status.PASS,
        "t/bad": Status.FAIL,
        "t/waived": Status.WAIVED,
        "t/inline": Status.WAIVED,
    }
    assert outcome.renamed == {OLD: NEW}
    notes = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert len(notes) == 1 and OLD in notes[0] and NEW in notes[0]


def test_an_old_id_only_in_an_inline_suppression_is_noted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="govscan")
    outcome, statuses = _run(tmp_path, f"name: p\nselect: [{{ids: ['{NEW}']}}]\n")
    assert statuses["t/inline"] is Status.WAIVED
    assert statuses["t/waived"] is Status.FAIL
    assert outcome.renamed == {OLD: NEW}
    assert sum("deprecated" in r.getMessage() for r in caplog.records) == 1


def test_a_scan_naming_only_current_ids_notes_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="govscan")
    suppressed = replace(thing("t/a", encrypted=False), suppressions={NEW: "managed elsewhere"})
    outcome, statuses = _run(tmp_path, f"name: p\nselect: [{{ids: ['{NEW}']}}]\n", [suppressed])
    assert statuses == {"t/a": Status.WAIVED}
    assert outcome.renamed == {}
    assert "deprecated" not in caplog.text


def test_only_patterns_that_need_an_old_id_are_noted(tmp_path: Path) -> None:
    from govscan.catalog.renames import renamed_references

    loaded, _ = load_control_dirs([_renamed_control(tmp_path)], resource_types=resource_types())
    controls = list(loaded.controls.values())
    assert renamed_references([OLD, "fake.thing.*", NEW], controls) == {OLD: NEW}
    assert renamed_references(["fake.thing.encrypted", "fake.thing.encrypted-*"], []) == {}
    assert renamed_references(["*.encrypted"], controls) == {OLD: NEW}

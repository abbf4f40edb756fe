"""GitHub Actions files as resources: workflows, their jobs and steps, composite actions.

Controls produce one result per resource, and a SARIF region is the resource's
location; so each job and each step is a resource of its own
(``github.workflow_job``, ``github.workflow_step``) spanning its lines, and a
finding points at the step or job that causes it. The workflow itself stays a
``github.workflow`` resource (the whole file) for controls about the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from govscan.collectors.interface import Item
from govscan.collectors.repo.suppressions import parse_suppressions
from govscan.collectors.repo.workflows import Analysis, Part, analyse_action, analyse_workflow
from govscan.model import CollectionError, Location, Resource, ResourceRef

WORKFLOW_TYPES = ("github.workflow", "github.workflow_job", "github.workflow_step")
ACTION_FILES = ("action.yml", "action.yaml")


def is_workflow(path: Path) -> bool:
    return path.suffix in (".yml", ".yaml") and path.parent.as_posix().endswith(".github/workflows")


def action_items(
    root: Path,
    paths: list[Path],
    wanted: frozenset[str],
    third_party: list[str],
) -> Iterator[Item]:
    """Resources for workflow files and composite ``action.yml`` files among ``paths``;
    the third-party actions they use are appended to ``third_party``."""
    from govscan.catalog.yamlsource import MAX_YAML_BYTES, YamlSyntaxError, load_yaml
    from govscan.fileread import UnreadableFile, read_in_tree

    for path in paths:
        workflow = is_workflow(path)
        types = WORKFLOW_TYPES if workflow else ("github.workflow_step",)
        rel = path.relative_to(root).as_posix()
        try:
            doc = load_yaml(path, rel, root=root)  # never outside the repository
        except YamlSyntaxError as exc:
            yield _error(rel, str(exc.problem), types)
            continue
        if not isinstance(doc.data, dict):
            if workflow:
                yield _error(rel, f"{rel}:1:1: a workflow must be a mapping", types)
            continue
        try:  # the loader read it a moment ago; this keeps its text for line numbers
            lines = read_in_tree(root, path, MAX_YAML_BYTES).decode("utf-8", "replace").splitlines()
        except UnreadableFile as exc:
            yield _error(rel, f"{rel}:1:1: {exc.reason}", types)
            continue
        analysis = (
            analyse_workflow(doc, lines, rel) if workflow else analyse_action(doc, lines, rel)
        )
        if analysis is None:  # an action.yml that is not a composite action
            continue
        third_party += _third_party(analysis)
        yield from _resources(rel, lines, analysis, wanted, workflow)


def _third_party(analysis: Analysis) -> list[str]:
    return sorted(
        {
            str(p.data["uses"]).split("@")[0]
            for p in analysis.parts
            if p.data.get("third_party") and p.data.get("kind") != "docker"
        }
    )


def _error(rel: str, message: str, types: tuple[str, ...]) -> CollectionError:
    return CollectionError("repo", message, types, operation=f"parse:{rel}")


def _resources(
    rel: str, lines: list[str], analysis: Analysis, wanted: frozenset[str], workflow: bool
) -> Iterator[Item]:
    comments = [(i + 1, t) for i, t in enumerate(lines) if "#" in t]
    _, missing = parse_suppressions(comments)
    for line in missing:
        yield CollectionError(
            "repo",
            f"{rel}:{line}: govscan:ignore needs a reason after the control id; "
            "the suppression is not applied",
            WORKFLOW_TYPES,
            operation=f"suppression:{rel}:{line}",
            fields=("suppression",),
        )
    if workflow and "github.workflow" in wanted:
        sup, _ = parse_suppressions(comments)
        data = analysis.workflow
        yield Resource(
            ref=ResourceRef(
                "github.workflow",
                f"{rel}:1",
                data["name"] or rel,
                "github",
                location=Location(rel, 1, max(1, len(lines))),
            ),
            data=data,
            suppressions=sup,
            origin="code",
        )
    jobs = [p for p in analysis.parts if p.type == "github.workflow_job"]
    for part in analysis.parts:
        # Named by place, not line: adding lines above a step keeps its id, so
        # waivers and baselines keep matching.
        rid = f"{rel}: {part.name}"
        if part.type not in wanted:
            continue
        sup, _ = parse_suppressions(c for c in comments if _governs(part, c[0], analysis, jobs))
        yield Resource(
            ref=ResourceRef(
                part.type,
                rid,
                rid,
                "github",
                location=Location(rel, part.line, part.end_line),
            ),
            data=part.data,
            suppressions=sup,
            origin="code",
        )


def _inside(part: Part, line: int) -> bool:
    return part.line <= line <= part.end_line


def _governs(part: Part, line: int, analysis: Analysis, jobs: list[Part]) -> bool:
    """A suppression applies to the part whose lines hold it; to a step also when it
    sits in the step's job outside every step; to every part when it sits outside
    every job and step (the file's header)."""
    if _inside(part, line):
        return True
    if not any(_inside(p, line) for p in analysis.parts):
        return True
    if part.type != "github.workflow_step":
        return False
    job = next((j for j in jobs if _inside(j, part.line)), None)
    return (
        job is not None
        and _inside(job, line)
        and not any(_inside(s, line) for s in analysis.parts if s.type == "github.workflow_step")
    )

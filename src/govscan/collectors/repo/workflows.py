"""GitHub Actions workflows and composite actions, normalised into jobs and steps.

A workflow file yields its own fields (kept for controls written against the
flattened ``steps`` list) and one part per job and per step, each with the lines
it spans: a finding then points at the step or job that causes it, and a SARIF
region at those lines rather than at the whole file. Expressions are judged by
``gha_taint`` on their parse tree, never by matching text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govscan.collectors.repo.gha_shell import checks_out_head, secret_echoes
from govscan.collectors.repo.gha_taint import (
    SECRETS,
    UNTRUSTED,
    EnvTaint,
    Pattern,
    env_taint,
    text_flows,
)

_SHA = re.compile(r"^[0-9a-f]{40}$")
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_FIRST_PARTY = ("actions/", "github/")
# What checking out the pull request's code looks like in an expression.
_HEAD: tuple[Pattern, ...] = (
    ("github", "event", "pull_request", "head"),
    ("github", "event", "pull_request", "merge_commit_sha"),
    ("github", "head_ref"),
)


@dataclass(frozen=True)
class Part:
    """A job or a step: its normalised fields and the lines it spans."""

    type: str
    """``github.workflow_job`` or ``github.workflow_step``."""
    name: str
    """Where it sits in the file: ``jobs.build``, ``jobs.build.steps[2]``, ``runs.steps[0]``."""
    line: int
    end_line: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Analysis:
    workflow: dict[str, Any]
    """The ``github.workflow`` fields (empty for a composite action)."""
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class _Scope:
    """What a step sees: its workflow's facts and the ``env:`` entries in force."""

    workflow: str
    job: str
    triggers: tuple[str, ...]
    untrusted: EnvTaint
    secrets: EnvTaint
    heads: EnvTaint

    def enter(self, env: Any) -> _Scope:
        return _Scope(
            self.workflow,
            self.job,
            self.triggers,
            env_taint(env, UNTRUSTED, self.untrusted),
            env_taint(env, SECRETS, self.secrets),
            env_taint(env, _HEAD, self.heads),
        )


def _triggers(on: Any) -> tuple[str, ...]:
    if isinstance(on, str):
        return (on,)
    if isinstance(on, list | dict):
        return tuple(str(x) for x in on)
    return ()


def _unsecure(env: Any) -> bool:
    if not isinstance(env, dict):
        return False
    value = env.get("ACTIONS_ALLOW_UNSECURE_COMMANDS")
    return value is not None and str(value).lower() in ("true", "1", "yes")


def _reference(uses: str) -> tuple[bool, bool]:
    """(third party, pinned) for a ``uses:`` value."""
    if uses.startswith("./"):
        return False, True
    if uses.lower().startswith("docker://"):
        # An image tag moves like a branch; only a digest names fixed content.
        return True, bool(_DIGEST.search(uses.lower()))
    ref = uses.split("@", 1)[1] if "@" in uses else ""
    return not uses.lower().startswith(_FIRST_PARTY), bool(_SHA.match(ref))


def _first_line(script: str) -> str:
    line = next((ln.strip() for ln in script.splitlines() if ln.strip()), "")
    return line if len(line) <= 40 else line[:37] + "..."


class _Lines:
    """The file's text, to find the line an expression or a block ends on."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def end(self, start: int, next_start: int) -> int:
        """Last non-blank, non-comment line before ``next_start``, but not before ``start``."""
        end = min(next_start - 1, len(self.lines))
        while end > start and self.lines[end - 1].strip()[:1] in ("", "#"):
            end -= 1
        return max(end, start)

    def find(self, snippet: str, start: int, end: int) -> int:
        first = snippet.split("\n", 1)[0]
        for n in range(max(start, 1), min(end, len(self.lines)) + 1):
            if first in self.lines[n - 1]:
                return n
        return start


def _step(
    doc: Any, text: _Lines, pointer: tuple[str | int, ...], step: dict[Any, Any], scope: _Scope
) -> dict[str, Any]:
    raw_uses = step.get("uses")
    uses = raw_uses if isinstance(raw_uses, str) else None
    raw_run = step.get("run")
    run = raw_run if isinstance(raw_run, str) else ""
    raw_with = step.get("with")
    with_args: dict[Any, Any] = raw_with if isinstance(raw_with, dict) else {}
    third_party, pinned = _reference(uses) if uses else (False, True)
    action = uses.split("@", 1)[0].lower() if uses else ""
    line = doc.where(pointer)[0]
    scope = scope.enter(step.get("env"))
    scripts: list[tuple[str, str]] = []
    if run:
        scripts.append(("run", run))
    if action == "actions/github-script" and isinstance(with_args.get("script"), str):
        scripts.append(("with.script", with_args["script"]))
    injections: list[str] = []
    expressions: list[str] = []
    for key, script in scripts:
        at = doc.where((*pointer, *key.split(".")))[0]
        last = at + script.count("\n") + 1
        for _, expr, sources in text_flows(script, UNTRUSTED, scope.untrusted):
            at = text.find(expr, at, last)
            expressions.append(expr)
            injections.append(f"line {at}: {expr} ({', '.join(sorted(sources))})")
    echoes: list[str] = []
    if run:
        at = doc.where((*pointer, "run"))[0]
        last = at + run.count("\n") + 1
        for _, command in secret_echoes(run, scope.secrets):
            at = text.find(command, at, last)
            echoes.append(f"line {at}: {command[:120]}")
    head = False
    if action == "actions/checkout":
        for key in ("ref", "repository"):
            value = with_args.get(key)
            if isinstance(value, str) and (
                "refs/pull/" in value or text_flows(value, _HEAD, scope.heads)
            ):
                head = True
    if run and not head:
        head = checks_out_head(run, {e for _, e, _ in text_flows(run, _HEAD, scope.heads)})
    return {
        "workflow": scope.workflow,
        "job": scope.job,
        "name": str(step.get("name") or uses or "run: " + _first_line(run)),
        "kind": "run" if run else "docker" if action.startswith("docker://") else "action",
        "uses": uses,
        "third_party": third_party,
        "pinned": pinned,
        "pinned_sha": pinned,
        "triggers": list(scope.triggers),
        "pull_request_target": "pull_request_target" in scope.triggers,
        "checks_out_pr_head": head,
        "injections": injections,
        "run_expressions": sorted(set(expressions)),
        "echoes_secret": bool(echoes),
        "secret_echoes": echoes,
        "line": line,
    }


def _job(
    doc: Any,
    text: _Lines,
    name: str,
    job: dict[Any, Any],
    top: dict[Any, Any],
    scope: _Scope,
    limit: int,
) -> tuple[Part, list[Part]]:
    pointer: tuple[str | int, ...] = ("jobs", name)
    line = doc.where(pointer, key=True)[0]
    end = text.end(line, _next_key(doc, ("jobs",), top.get("jobs"), line, limit))
    scope = scope.enter(job.get("env"))
    steps: list[Part] = []
    raw_uses = job.get("uses")
    if isinstance(raw_uses, str):  # a reusable workflow: the job's one step is that call
        third_party, pinned = _reference(raw_uses)
        at = doc.where((*pointer, "uses"))[0]
        data = {
            "workflow": scope.workflow,
            "job": name,
            "name": f"uses {raw_uses}",
            "kind": "reusable_workflow",
            "uses": raw_uses,
            "third_party": third_party,
            "pinned": pinned,
            "pinned_sha": pinned,
            "triggers": list(scope.triggers),
            "pull_request_target": "pull_request_target" in scope.triggers,
            "checks_out_pr_head": False,
            "injections": [],
            "run_expressions": [],
            "echoes_secret": False,
            "secret_echoes": [],
            "line": at,
        }
        steps.append(Part("github.workflow_step", f"jobs.{name}.uses", at, at, data))
    raw_steps = job.get("steps")
    if isinstance(raw_steps, list):
        steps_end = _next_key(doc, pointer, job, doc.where((*pointer, "steps"))[0], end + 1)
        steps += _steps(doc, text, pointer, raw_steps, scope, steps_end, f"jobs.{name}")
    unsecure = [
        f"line {doc.where((*ptr, 'env'))[0]} ({what})"
        for ptr, env, what in (
            ((), top.get("env"), "workflow env"),
            (pointer, job.get("env"), "job env"),
            *(
                ((*pointer, "steps", i), s.get("env"), "step env")
                for i, s in enumerate(raw_steps if isinstance(raw_steps, list) else [])
                if isinstance(s, dict)
            ),
        )
        if _unsecure(env)
    ]
    own = "permissions" in job
    permissions = job.get("permissions") if own else top.get("permissions")
    is_set = own or "permissions" in top
    write_all = permissions == "write-all"
    state = (
        "not set on the job or the workflow"
        if not is_set
        else f"write-all ({'job' if own else 'workflow'})"
        if write_all
        else f"restricted ({'job' if own else 'workflow'})"
    )
    data = {
        "workflow": scope.workflow,
        "job": name,
        "triggers": list(scope.triggers),
        "permissions_set": is_set,
        "permissions": permissions if isinstance(permissions, str | dict) else None,
        "write_all": write_all,
        "permissions_state": state,
        "allows_unsecure_commands": bool(unsecure),
        "unsecure_commands_at": unsecure,
        "line": line,
    }
    return Part("github.workflow_job", f"jobs.{name}", line, end, data), steps


def _next_key(
    doc: Any, parent: tuple[str | int, ...], mapping: Any, line: int, default: int
) -> int:
    """The line of the first key of ``mapping`` after ``line``: where a block ends."""
    if not isinstance(mapping, dict):
        return default
    later = [at for key in mapping if (at := doc.where((*parent, str(key)), key=True)[0]) > line]
    return min(later, default=default)


def _steps(
    doc: Any,
    text: _Lines,
    parent: tuple[str | int, ...],
    raw: list[Any],
    scope: _Scope,
    limit: int,
    prefix: str,
) -> list[Part]:
    found = [
        (i, s, doc.where((*parent, "steps", i))[0])
        for i, s in enumerate(raw)
        if isinstance(s, dict)
    ]
    parts = []
    for n, (i, step, line) in enumerate(found):
        next_start = found[n + 1][2] if n + 1 < len(found) else limit
        data = _step(doc, text, (*parent, "steps", i), step, scope)
        parts.append(
            Part(
                "github.workflow_step",
                f"{prefix}.steps[{i}]",
                line,
                text.end(line, next_start),
                data,
            )
        )
    return parts


def analyse_workflow(doc: Any, lines: list[str], display: str) -> Analysis:
    """``doc`` is the file's ``YamlDocument`` (positions), ``lines`` its text."""
    top: dict[Any, Any] = doc.data
    text = _Lines(lines)
    # YAML 1.1 reads the key `on` as the boolean true.
    triggers = _triggers(top.get("on", top.get(True)))
    name = str(top.get("name") or display)
    scope = _Scope(name, "", triggers, {}, {}, {}).enter(top.get("env"))
    raw_jobs = top.get("jobs")
    jobs: dict[Any, Any] = raw_jobs if isinstance(raw_jobs, dict) else {}
    parts: list[Part] = []
    limit = _next_key(doc, (), top, doc.where(("jobs",), key=True)[0], len(lines) + 1)
    for job_name, job in jobs.items():
        if isinstance(job, dict):
            job_scope = _Scope(name, str(job_name), *_rest(scope))
            job_part, steps = _job(doc, text, str(job_name), job, top, job_scope, limit)
            parts += [job_part, *steps]
    steps_data = [p.data for p in parts if p.type == "github.workflow_step"]
    jobs_data = [p.data for p in parts if p.type == "github.workflow_job"]
    permissions = top.get("permissions")
    unpinned = sorted({s["uses"] for s in steps_data if s["third_party"] and not s["pinned"]})
    open_jobs = [j["job"] for j in jobs_data if not j["permissions_set"] or j["write_all"]]
    workflow = {
        "name": str(top.get("name", "")),
        "triggers": list(triggers),
        "permissions_set": "permissions" in top,
        "permissions": permissions if isinstance(permissions, str | dict) else None,
        "write_all": permissions == "write-all",
        "token_restricted": not open_jobs and (bool(jobs_data) or "permissions" in top),
        "jobs_without_permissions": open_jobs,
        "pull_request_target": "pull_request_target" in triggers,
        "checks_out_pr_head": any(s["checks_out_pr_head"] for s in steps_data),
        "allows_unsecure_commands": any(j["allows_unsecure_commands"] for j in jobs_data)
        or _unsecure(top.get("env")),
        "steps": steps_data,
        "third_party_actions": sorted(
            {
                s["uses"].split("@")[0]
                for s in steps_data
                if s["third_party"] and s["uses"] and s["kind"] != "docker"
            }
        ),
        "unpinned_references": unpinned,
    }
    return Analysis(workflow, tuple(parts))


def _rest(scope: _Scope) -> tuple[tuple[str, ...], EnvTaint, EnvTaint, EnvTaint]:
    return scope.triggers, scope.untrusted, scope.secrets, scope.heads


def analyse_action(doc: Any, lines: list[str], display: str) -> Analysis | None:
    """A composite action's steps; ``None`` for any other ``action.yml``."""
    top = doc.data
    runs = top.get("runs") if isinstance(top, dict) else None
    if not isinstance(runs, dict) or str(runs.get("using", "")).lower() != "composite":
        return None
    raw = runs.get("steps")
    if not isinstance(raw, list):
        return Analysis({}, ())
    text = _Lines(lines)
    # The caller's trigger is unknown here; inputs come from the calling workflow.
    scope = _Scope(str(top.get("name") or display), "", (), {}, {}, {})
    limit = _next_key(doc, ("runs",), runs, doc.where(("runs", "steps"))[0], len(lines) + 1)
    if limit == len(lines) + 1:
        limit = _next_key(doc, (), top, doc.where(("runs",), key=True)[0], limit)
    return Analysis({}, tuple(_steps(doc, text, ("runs",), raw, scope, limit, "runs")))

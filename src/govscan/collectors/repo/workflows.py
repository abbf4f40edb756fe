"""GitHub Actions workflows, flattened into fields the controls can quantify over."""

from __future__ import annotations

import re
from typing import Any

_SHA = re.compile(r"^[0-9a-f]{40}$")
_EVENT_EXPR = re.compile(r"\$\{\{\s*(github\.event\.[^}]*?|github\.head_ref)\s*\}\}")
_SECRET_ECHO = re.compile(r"\b(echo|printf)\b[^\n]*\$\{\{\s*secrets\.", re.IGNORECASE)
_FIRST_PARTY = ("actions/", "github/")


def _triggers(on: Any) -> list[str]:
    if isinstance(on, str):
        return [on]
    if isinstance(on, list):
        return [str(x) for x in on]
    if isinstance(on, dict):
        return [str(k) for k in on]
    return []


def _env_unsecure(env: Any) -> bool:
    if not isinstance(env, dict):
        return False
    value = env.get("ACTIONS_ALLOW_UNSECURE_COMMANDS")
    return value is not None and str(value).lower() in ("true", "1", "yes")


def normalise_workflow(doc: dict[Any, Any], positions: Any) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true.
    on = doc.get("on", doc.get(True))
    triggers = _triggers(on)
    steps: list[dict[str, Any]] = []
    unsecure = _env_unsecure(doc.get("env"))
    checks_out_head = False
    raw_jobs = doc.get("jobs")
    jobs: dict[Any, Any] = raw_jobs if isinstance(raw_jobs, dict) else {}
    for job_name, job in jobs.items():
        if not isinstance(job, dict):
            continue
        unsecure = unsecure or _env_unsecure(job.get("env"))
        for i, step in enumerate(job.get("steps") or []):
            if not isinstance(step, dict):
                continue
            raw_uses = step.get("uses")
            uses: str | None = raw_uses if isinstance(raw_uses, str) else None
            raw_run = step.get("run")
            run: str = raw_run if isinstance(raw_run, str) else ""
            ref = uses.split("@", 1)[1] if uses and "@" in uses else ""
            local = uses is not None and uses.startswith(("./", "docker://"))
            third_party = uses is not None and not local and not uses.startswith(_FIRST_PARTY)
            raw_with = step.get("with")
            with_args: dict[Any, Any] = raw_with if isinstance(raw_with, dict) else {}
            if uses and uses.startswith("actions/checkout"):
                wanted = str(with_args.get("ref", ""))
                if "pull_request.head" in wanted or "head_ref" in wanted:
                    checks_out_head = True
            unsecure = unsecure or _env_unsecure(step.get("env"))
            line, _ = positions.where(("jobs", str(job_name), "steps", i))
            steps.append(
                {
                    "job": str(job_name),
                    "name": str(step.get("name", uses or "run")),
                    "uses": uses,
                    "third_party": third_party,
                    "pinned_sha": bool(_SHA.match(ref)),
                    "run_expressions": sorted(set(_EVENT_EXPR.findall(run))),
                    "echoes_secret": bool(_SECRET_ECHO.search(run)),
                    "line": line,
                }
            )
    permissions = doc.get("permissions")
    return {
        "name": str(doc.get("name", "")),
        "triggers": triggers,
        "permissions_set": "permissions" in doc,
        "permissions": permissions if isinstance(permissions, str | dict) else None,
        "write_all": permissions == "write-all",
        "pull_request_target": "pull_request_target" in triggers,
        "checks_out_pr_head": checks_out_head,
        "allows_unsecure_commands": unsecure,
        "steps": steps,
        "third_party_actions": sorted(
            {s["uses"].split("@")[0] for s in steps if s["third_party"] and s["uses"]}
        ),
    }

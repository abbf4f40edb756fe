"""``govscan.yaml``: settings and targets, merged under the command-line flags."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from govscan.catalog.yamlsource import YamlDocument, YamlSyntaxError, load_yaml
from govscan.errors import Problem, UsageError, ValidationError
from govscan.fileread import parse_size

TOP_KEYS = {
    "redact",
    "policy",
    "controls",
    "policies",
    "params",
    "fail_on",
    "formats",
    "output_dir",
    "as_of",
    "lang",
    "sarif_include_passes",
    "sign_key",
    "strict_unknown",
    "targets",
}
TARGET_KEYS = {
    "aws": {
        "profile",
        "regions",
        "role_arn",
        "external_id",
        "accounts_file",
        "organizations",
        "max_workers",
    },
    "azure": {"subscriptions"},
    "gcp": {"projects"},
    "repo": None,
    "registry": None,
    "records": None,
}


def load_config(path: Path) -> dict[str, Any]:
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise ValidationError([exc.problem]) from None
    data = doc.data or {}
    problems = list(doc.duplicates)
    if not isinstance(data, dict):
        raise ValidationError([doc.problem((), "govscan.yaml must be a mapping")])
    for key in data:
        if key not in TOP_KEYS:
            problems.append(
                doc.problem(
                    (str(key),),
                    f"unknown setting '{key}' (valid: {', '.join(sorted(TOP_KEYS))})",
                    key=True,
                )
            )
    problems.extend(_setting_problems(doc, data))
    if "strict_unknown" in data and not isinstance(data["strict_unknown"], bool):
        # A quoted "false" would otherwise read as off or on by accident.
        problems.append(doc.problem(("strict_unknown",), "'strict_unknown' must be true or false"))
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        problems.append(doc.problem(("targets",), "'targets' must be a mapping"))
        targets = {}
    for name, opts in targets.items():
        if name not in TARGET_KEYS:
            problems.append(
                doc.problem(
                    ("targets", str(name)),
                    f"unknown target '{name}' (valid: {', '.join(TARGET_KEYS)})",
                    key=True,
                )
            )
            continue
        allowed = TARGET_KEYS[name]
        if allowed is not None and isinstance(opts, dict):
            for k in opts:
                if k not in allowed:
                    problems.append(
                        doc.problem(
                            ("targets", name, str(k)),
                            f"unknown {name} option '{k}' (valid: {', '.join(sorted(allowed))})",
                            key=True,
                        )
                    )
    repo_cfg = targets.get("repo")
    if isinstance(repo_cfg, dict) and "max_file_size" in repo_cfg:
        try:
            parse_size(repo_cfg["max_file_size"])
        except ValueError as exc:
            ptr = ("targets", "repo", "max_file_size")
            problems.append(doc.problem(ptr, f"'max_file_size': {exc}"))
    if problems:
        raise ValidationError(problems)
    base = path.parent
    out = dict(data)
    out["_base"] = base
    return out


_SEVERITY_NAMES = ("info", "low", "medium", "high", "critical", "none")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _scalar(value: Any) -> bool:
    # A float parameter must be finite; dates and nested maps have no --param form.
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int | bool)


# Setting -> (test, what the message says it must be).
_SETTINGS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "redact": (lambda v: isinstance(v, bool), "true or false"),
    "sarif_include_passes": (lambda v: isinstance(v, bool), "true or false"),
    "policy": (lambda v: isinstance(v, str) and bool(v.strip()), "a policy name or file"),
    "controls": (_strings, "a list of folders"),
    "policies": (_strings, "a list of folders"),
    "fail_on": (lambda v: v in _SEVERITY_NAMES, f"one of {', '.join(_SEVERITY_NAMES)}"),
    "formats": (lambda v: isinstance(v, str) or _strings(v), "a list of report formats"),
    "output_dir": (lambda v: isinstance(v, str) and bool(v.strip()), "a folder"),
    "as_of": (lambda v: type(v) is date or isinstance(v, str), "a date (YYYY-MM-DD)"),
    "lang": (lambda v: v in ("en", "de"), "en or de"),
    "sign_key": (lambda v: isinstance(v, str), "a file name"),
}


def _setting_problems(doc: YamlDocument, data: Mapping[Any, Any]) -> list[Problem]:
    """Settings of the wrong type: a one-line problem each, never an exception later."""
    out: list[Problem] = []
    for key, (ok, expected) in _SETTINGS.items():
        # ``in`` on a tuple compares with ==, so a list or a map never raises here.
        if key in data and data[key] is not None and not ok(data[key]):
            out.append(doc.problem((key,), f"'{key}' must be {expected}"))
    params = data.get("params")
    if params is not None and not isinstance(params, dict):
        out.append(doc.problem(("params",), "'params' must be a mapping of name: value"))
    elif isinstance(params, dict):
        for name, value in params.items():
            ptr = ("params", str(name))
            if not isinstance(name, str):
                out.append(doc.problem(ptr, f"parameter name {name!r} must be a string", key=True))
            elif not (_scalar(value) or (isinstance(value, list) and all(map(_scalar, value)))):
                out.append(doc.problem(ptr, f"parameter '{name}' must be a value or a list"))
    return out


def _join(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _repo_path(targets: Mapping[str, Any]) -> Any:
    repo = targets.get("repo")
    return repo.get("path", ".") if isinstance(repo, dict) else repo


def _repo_var_files(targets: Mapping[str, Any]) -> list[str]:
    repo = targets.get("repo")
    files = repo.get("var_files", []) if isinstance(repo, dict) else []
    return [str(f) for f in files] if isinstance(files, list) else []


def _max_file_size(flags: Mapping[str, Any], targets: Mapping[str, Any]) -> int | None:
    """Bytes read from one repository file at most; ``--max-file-size`` wins."""
    repo = targets.get("repo")
    value = flags.get("max_file_size") or (
        repo.get("max_file_size") if isinstance(repo, dict) else None
    )
    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise UsageError(f"--max-file-size {value}: {exc}") from None


def _repo_exclude(targets: Mapping[str, Any]) -> list[str]:
    repo = targets.get("repo")
    exclude = repo.get("exclude", []) if isinstance(repo, dict) else []
    return [str(e) for e in exclude] if isinstance(exclude, list) else []


def merge_scan_options(config: Mapping[str, Any], flags: Mapping[str, Any]) -> dict[str, Any]:
    """Flags win over govscan.yaml; relative paths in the file are relative to it."""
    base: Path = config.get("_base", Path())

    def rel(p: Any) -> Any:
        return None if p is None else str(base / str(p))

    def pick(flag: str, key: str | None = None) -> Any:
        value = flags.get(flag)
        return value if value not in (None, (), "") else config.get(key or flag)

    targets_cfg: Mapping[str, Any] = config.get("targets") or {}
    aws_cfg = targets_cfg.get("aws")
    aws_cfg = aws_cfg if isinstance(aws_cfg, dict) else ({} if aws_cfg else None)
    azure_cfg = targets_cfg.get("azure")
    gcp_cfg = targets_cfg.get("gcp")
    regions = flags.get("aws_regions") or _join((aws_cfg or {}).get("regions"))
    targets: dict[str, Any] = {
        "aws": bool(
            flags.get("aws")
            or aws_cfg is not None
            or flags.get("aws_profile")
            or flags.get("aws_role_arn")
            or flags.get("aws_accounts_file")
        ),
        "aws_profile": flags.get("aws_profile") or (aws_cfg or {}).get("profile"),
        "aws_regions": [r.strip() for r in (regions or "").split(",") if r.strip()],
        "aws_role_arn": flags.get("aws_role_arn") or (aws_cfg or {}).get("role_arn"),
        "aws_external_id": flags.get("aws_external_id") or (aws_cfg or {}).get("external_id"),
        "aws_accounts_file": flags.get("aws_accounts_file")
        or rel((aws_cfg or {}).get("accounts_file")),
        "aws_organizations": bool(
            flags.get("aws_organizations") or (aws_cfg or {}).get("organizations")
        ),
        "aws_max_workers": (aws_cfg or {}).get("max_workers"),
        "azure": bool(flags.get("azure") or azure_cfg is not None),
        "azure_subscriptions": [
            s
            for s in (
                flags.get("azure_subscriptions")
                or _join(
                    (azure_cfg or {}).get("subscriptions") if isinstance(azure_cfg, dict) else None
                )
                or ""
            ).split(",")
            if s
        ],
        "gcp": bool(flags.get("gcp") or gcp_cfg is not None),
        "gcp_projects": [
            p
            for p in (
                flags.get("gcp_projects")
                or _join((gcp_cfg or {}).get("projects") if isinstance(gcp_cfg, dict) else None)
                or ""
            ).split(",")
            if p
        ],
        "repo": str(flags["repo"]) if flags.get("repo") else rel(_repo_path(targets_cfg)),
        "repo_exclude": list(_repo_exclude(targets_cfg)),
        "repo_max_file_size": _max_file_size(flags, targets_cfg),
        "repo_var_files": [str(f) for f in flags.get("tf_var_files") or ()]
        or [rel(f) for f in _repo_var_files(targets_cfg)],
        "registry": str(flags["registry"])
        if flags.get("registry")
        else rel(targets_cfg.get("registry")),
        "records": str(flags["records"])
        if flags.get("records")
        else rel(targets_cfg.get("records")),
    }
    params = list(flags.get("params") or ())
    cfg_params = config.get("params") or {}
    given = {p.partition("=")[0] for p in params}
    params = [f"{k}={_join(v)}" for k, v in cfg_params.items() if k not in given] + params
    cfg_dirs = [rel(p) for p in (config.get("controls") or ())]
    pol_dirs = [rel(p) for p in (config.get("policies") or ())]
    policy = pick("policy")
    if (
        policy
        and flags.get("policy") is None
        and config.get("policy")
        and str(policy).endswith((".yaml", ".yml"))
    ):
        policy = rel(policy)
    return {
        "policy": policy,
        "controls_dirs": [*cfg_dirs, *(flags.get("controls_dirs") or ())],
        "policy_dirs": [*pol_dirs, *(flags.get("policy_dirs") or ())],
        "params": params,
        "fail_on": pick("fail_on"),
        "formats": flags.get("formats") or _join(config.get("formats")),
        "output_dir": flags.get("output_dir") or rel(config.get("output_dir")),
        "as_of": flags.get("as_of") or config.get("as_of"),
        "lang": pick("lang"),
        "sarif_include_passes": pick("sarif_include_passes"),
        "sign_key": flags.get("sign_key") or rel(config.get("sign_key")),
        "redact": flags["redact"] if flags.get("redact") is not None else config.get("redact"),
        "strict_unknown": flags["strict_unknown"]
        if flags.get("strict_unknown") is not None
        else config.get("strict_unknown"),
        "targets": targets,
    }

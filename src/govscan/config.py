"""``govscan.yaml``: settings and targets, merged under the command-line flags."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from govscan.catalog.yamlsource import YamlDocument, YamlSyntaxError, load_yaml
from govscan.collectors.declared import declared
from govscan.collectors.settings import block_problems, merge_targets
from govscan.errors import Problem, ValidationError

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
    "history",
    "baseline",
    "attestations",
    "targets",
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
    problems.extend(block_problems(doc, targets, declared()))
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
    "history": (
        lambda v: v is True or (isinstance(v, str) and bool(v.strip())),
        "true or a database file or URL",
    ),
    "baseline": (lambda v: isinstance(v, str) and bool(v.strip()), "a baseline file or history"),
    "attestations": (lambda v: isinstance(v, str) and bool(v.strip()), "a folder"),
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


def merge_scan_options(config: Mapping[str, Any], flags: Mapping[str, Any]) -> dict[str, Any]:
    """Flags win over govscan.yaml; relative paths in the file are relative to it."""
    base: Path = config.get("_base", Path())

    def rel(p: Any) -> Any:
        return None if p is None else str(base / str(p))

    def pick(flag: str, key: str | None = None) -> Any:
        value = flags.get(flag)
        return value if value not in (None, (), "") else config.get(key or flag)

    targets_cfg = config.get("targets")
    targets = merge_targets(
        declared(), flags, targets_cfg if isinstance(targets_cfg, dict) else {}, base
    )
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
        "history": flags.get("history") or _history(config.get("history"), rel),
        "baseline": flags.get("baseline") or _baseline(config.get("baseline"), rel),
        "attestations": flags.get("attestations") or rel(config.get("attestations")),
        "targets": targets,
    }


def _history(value: Any, rel: Callable[[Any], Any]) -> str | None:
    """``history: true`` is the default history; a path is relative to govscan.yaml."""
    if value is True:
        return "default"
    if isinstance(value, str) and value.strip():
        return value if "://" in value else str(rel(value))
    return None


def _baseline(value: Any, rel: Callable[[Any], Any]) -> str | None:
    """``baseline: history`` or a file relative to govscan.yaml."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value if value == "history" else str(rel(value))

"""Policy packs: which controls, with which parameters, waivers and severities.

``extends`` inherits everything from the named parents; a ``select`` of the
policy's own replaces the inherited selection, while ``exclude``, waivers,
parameters and severity overrides add up (the child wins on conflicts).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# Re-exported: parameter types and validation have their own modules.
from govscan.catalog.parameters import PARAM_TYPES as PARAM_TYPES
from govscan.catalog.parameters import coerce_value as coerce_value
from govscan.catalog.policy_validate import parse_expires
from govscan.catalog.policy_validate import validate_policy_document as validate_policy_document
from govscan.catalog.renames import matches_control
from govscan.catalog.yamlsource import YamlDocument, YamlSyntaxError, load_yaml
from govscan.errors import Problem, UsageError, ValidationError
from govscan.language.patterns import glob_matches
from govscan.model import Control, ParameterSpec, Policy, Selection, Severity, Waiver
from govscan.paths import content_dir


@dataclass(frozen=True)
class PolicyFile:
    """One parsed policy file before ``extends`` is applied."""

    name: str
    doc: YamlDocument
    extends: tuple[str, ...]


def policy_dirs(extra: Sequence[Path] = ()) -> list[Path]:
    return [*extra, content_dir("policies")]


def available_policies(extra: Sequence[Path] = ()) -> dict[str, Path]:
    """Policy name -> file, built-in ones last so user folders shadow them."""
    found: dict[str, Path] = {}
    for d in reversed(policy_dirs(extra)):
        if d.is_dir():
            for p in sorted(d.glob("*.y*ml")):
                found[p.stem] = p
    return dict(sorted(found.items()))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _find_policy(name_or_file: str, extra: Sequence[Path], near: Path | None) -> Path:
    candidate = Path(name_or_file)
    if candidate.suffix in (".yaml", ".yml"):
        if candidate.is_file():
            return candidate
        if near is not None and (near / candidate).is_file():
            return near / candidate
        raise UsageError(f"policy file not found: {name_or_file}")
    if near is not None:
        for suffix in (".yaml", ".yml"):
            if (near / f"{name_or_file}{suffix}").is_file():
                return near / f"{name_or_file}{suffix}"
    found = available_policies(extra)
    if name_or_file in found:
        return found[name_or_file]
    close = difflib.get_close_matches(name_or_file, list(found), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(
        f"unknown policy '{name_or_file}'{hint} (available: {', '.join(found) or 'none'})"
    )


def load_policy(
    name_or_file: str,
    *,
    extra_dirs: Sequence[Path] = (),
    overrides: Mapping[str, str] | None = None,
    known_controls: Iterable[str] = (),
) -> Policy:
    """Resolve a policy by name or path, apply ``extends`` and ``--param`` overrides.

    Raises ``ValidationError`` with every problem found, or ``UsageError``."""
    problems: list[Problem] = []
    chain: list[str] = []
    known = set(known_controls)

    def resolve(ref: str, near: Path | None) -> Policy | None:
        path = _find_policy(ref, extra_dirs, near)
        key = str(path.resolve())
        if key in chain:
            problems.append(
                Problem(str(path), 1, 1, f"'extends' cycle: {' -> '.join([*chain, key])}")
            )
            return None
        chain.append(key)
        try:
            doc = load_yaml(path)
        except YamlSyntaxError as exc:
            problems.append(exc.problem)
            return None
        found = validate_policy_document(doc, known)
        if found:
            problems.extend(found)
            return None
        data: dict[str, Any] = doc.data
        parents: list[Policy] = []
        for i, ext in enumerate(_as_list(data.get("extends"))):
            try:
                parent = resolve(ext, path.parent)
            except UsageError as exc:
                problems.append(
                    doc.problem(
                        ("extends", i) if isinstance(data["extends"], list) else ("extends",),
                        exc.message,
                    )
                )
                continue
            if parent is not None:
                parents.append(parent)
        chain.pop()
        return _merge(data, parents, str(path), doc)

    policy = resolve(name_or_file, None)
    if problems or policy is None:
        raise ValidationError(problems)
    return _apply_overrides(policy, overrides or {})


def _selection(sel: Mapping[str, Any]) -> Selection:
    severities = tuple(Severity(s) for s in sel.get("severities", ()))
    if "min_severity" in sel:
        floor = Severity(sel["min_severity"])
        severities = tuple(
            s for s in Severity if s >= floor and (not severities or s in severities)
        )
    return Selection(
        ids=tuple(sel.get("ids", ())),
        frameworks=tuple(sel.get("frameworks", ())),
        severities=severities,
        resource_types=tuple(sel.get("resource_types", ())),
        tags=tuple(sel.get("tags", ())),
    )


def _merge(
    data: Mapping[str, Any], parents: list[Policy], source: str, doc: YamlDocument
) -> Policy:
    include: tuple[Selection, ...] = ()
    exclude: list[Selection] = []
    params: dict[str, ParameterSpec] = {}
    values: dict[str, Any] = {}
    waivers: list[Waiver] = []
    severity: dict[str, Severity] = {}
    not_applicable: dict[str, dict[str, str]] = {}
    for parent in parents:
        for key, reqs in parent.not_applicable.items():
            not_applicable.setdefault(key, {}).update(reqs)
        include = include + parent.include
        exclude.extend(parent.exclude)
        params.update(parent.parameters)
        values.update(parent.values)
        waivers.extend(parent.waivers)
        severity.update(parent.severity_overrides)
    if "select" in data:
        include = tuple(_selection(s) for s in _as_list(data["select"]))
    exclude.extend(_selection(s) for s in _as_list(data.get("exclude")))
    for pname, spec in (data.get("parameters") or {}).items():
        inherited = params.get(pname)
        ptype = spec.get("type") or (inherited.type if inherited else "string")
        default = spec.get("default", inherited.default if inherited else None)
        if default is not None:
            try:
                default = coerce_value(pname, ptype, default)
            except UsageError as exc:
                # An inherited default that does not fit the type this file declares.
                raise ValidationError([doc.problem(("parameters", pname), exc.message)]) from None
        params[pname] = ParameterSpec(
            name=pname,
            type=ptype,
            default=default,
            description=spec.get("description", inherited.description if inherited else ""),
        )
        values[pname] = default
    for w in data.get("waivers") or ():
        res = w.get("resources", ["*"])
        waivers.append(
            Waiver(
                control=w["control"],
                resources=tuple(res),
                reason=w["reason"].strip(),
                owner=w["owner"].strip(),
                expires=parse_expires(w.get("expires")),
            )
        )
    for cid, level in (data.get("severity") or {}).items():
        severity[str(cid)] = Severity(level)
    return Policy(
        name=data["name"],
        description=str(data.get("description", data.get("title", ""))).strip(),
        include=include,
        exclude=tuple(exclude),
        parameters=params,
        values=values,
        waivers=tuple(waivers),
        severity_overrides=severity,
        source=source,
        not_applicable=_not_applicable(data.get("not_applicable"), not_applicable),
    )


def _not_applicable(own: Any, inherited: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The parents' declarations, then this file's (validated: id -> justification)."""
    for key, reqs in (own or {}).items():
        inherited.setdefault(key, {}).update({k: v.strip() for k, v in reqs.items()})
    return inherited


def _apply_overrides(policy: Policy, overrides: Mapping[str, str]) -> Policy:
    if not overrides:
        return policy
    values = dict(policy.values)
    for name, raw in overrides.items():
        spec = policy.parameters.get(name)
        if spec is None:
            declared = ", ".join(sorted(policy.parameters)) or "none"
            raise UsageError(
                f"--param {name}: policy '{policy.name}' declares no such parameter "
                f"(declared: {declared})"
            )
        try:
            values[name] = coerce_value(name, spec.type, raw)
        except UsageError as exc:
            raise UsageError(f"--param {name}: {exc.message}") from None
    return replace(policy, values=values)


def _matches(sel: Selection, c: Control) -> bool:
    if sel.ids and not any(matches_control(g, c) for g in sel.ids):
        return False
    if sel.frameworks and not any(_framework_match(f, c) for f in sel.frameworks):
        return False
    if sel.severities and c.severity not in sel.severities:
        return False
    if sel.resource_types and not any(glob_matches(c.resource, g) for g in sel.resource_types):
        return False
    return not sel.tags or bool(set(sel.tags) & set(c.tags))


def _framework_match(spec: str, c: Control) -> bool:
    key, _, req = spec.partition(":")
    ids = c.frameworks.get(key)
    if ids is None:
        return False
    return not req or req.strip() in ids


def select_controls(policy: Policy, controls: Iterable[Control]) -> list[Control]:
    """The controls the policy takes, with its severity overrides applied."""
    out = []
    for c in controls:
        if policy.include and not any(_matches(s, c) for s in policy.include):
            continue
        if any(_matches(s, c) for s in policy.exclude):
            continue
        override = next(
            (
                policy.severity_overrides[i]
                for i in (c.id, *c.replaces)
                if i in policy.severity_overrides
            ),
            None,
        )
        out.append(replace(c, severity=override) if override else c)
    return out

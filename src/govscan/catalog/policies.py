"""Policy packs: which controls, with which parameters, waivers and severities.

``extends`` inherits everything from the named parents; a ``select`` of the
policy's own replaces the inherited selection, while ``exclude``, waivers,
parameters and severity overrides add up (the child wins on conflicts).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

# Re-exported: parameter types and coercion moved to their own module.
from govscan.catalog.parameters import PARAM_TYPES as PARAM_TYPES
from govscan.catalog.parameters import coerce_value as coerce_value
from govscan.catalog.yamlsource import Pointer, YamlDocument, YamlSyntaxError, load_yaml
from govscan.engine.patterns import PatternError, glob_matches
from govscan.engine.waivers import resource_pattern
from govscan.errors import Problem, UsageError, ValidationError
from govscan.model import Control, ParameterSpec, Policy, Selection, Severity, Waiver
from govscan.paths import content_dir

POLICY_FIELDS = (
    "name",
    "title",
    "description",
    "extends",
    "select",
    "exclude",
    "parameters",
    "waivers",
    "severity",
)
SELECTION_FIELDS = ("ids", "frameworks", "severities", "min_severity", "resource_types", "tags")
WAIVER_FIELDS = ("control", "resources", "reason", "owner", "expires")
_SEVERITIES = {s.value for s in Severity}


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


def _problem(doc: YamlDocument, ptr: Pointer, msg: str, key: bool = False) -> Problem:
    return doc.problem(ptr, msg, key=key)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def validate_policy_document(
    doc: YamlDocument, known_controls: Iterable[str] = ()
) -> list[Problem]:
    """Every problem in one policy file (structure only; ``extends`` is checked on resolve)."""
    problems = list(doc.duplicates)
    data = doc.data
    if not isinstance(data, dict):
        return [*problems, _problem(doc, (), "a policy file must be a YAML mapping")]
    for k in data:
        if k not in POLICY_FIELDS:
            close = difflib.get_close_matches(str(k), POLICY_FIELDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                _problem(
                    doc,
                    (str(k),),
                    f"unknown policy field '{k}'{hint} (valid fields: {', '.join(POLICY_FIELDS)})",
                    key=True,
                )
            )
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        problems.append(_problem(doc, ("name",), "a policy needs a 'name' string"))
    for text_field in ("title", "description"):
        if text_field in data and not isinstance(data[text_field], str):
            problems.append(
                _problem(doc, (text_field,), f"'{text_field}' must be a string (quote it)")
            )
    for ext_i, ext in enumerate(_as_list(data.get("extends"))):
        if not isinstance(ext, str):
            problems.append(_problem(doc, ("extends", ext_i), "'extends' names policies (strings)"))
    for section in ("select", "exclude"):
        for i, sel in enumerate(_as_list(data.get(section))):
            ptr: Pointer = (section, i) if isinstance(data.get(section), list) else (section,)
            problems.extend(_validate_selection(doc, ptr, sel))
    params = data.get("parameters")
    if params is not None:
        if not isinstance(params, dict):
            problems.append(_problem(doc, ("parameters",), "'parameters' must be a mapping"))
        else:
            for pname, spec in params.items():
                if not isinstance(pname, str):
                    problems.append(
                        _problem(
                            doc,
                            ("parameters", str(pname)),
                            f"parameter name {pname!r} must be a string",
                            key=True,
                        )
                    )
                    continue
                problems.extend(_validate_param(doc, ("parameters", pname), spec))
    waivers = data.get("waivers")
    if waivers is not None:
        if not isinstance(waivers, list):
            problems.append(_problem(doc, ("waivers",), "'waivers' must be a list"))
        else:
            known = set(known_controls)
            for i, w in enumerate(waivers):
                problems.extend(_validate_waiver(doc, ("waivers", i), w, known))
    sev = data.get("severity")
    if sev is not None:
        if not isinstance(sev, dict):
            problems.append(
                _problem(doc, ("severity",), "'severity' maps control ids to severities")
            )
        else:
            for cid, level in sev.items():
                if not isinstance(cid, str):
                    problems.append(
                        _problem(
                            doc,
                            ("severity", str(cid)),
                            f"control id {cid!r} must be a string",
                            key=True,
                        )
                    )
                elif not isinstance(level, str) or level not in _SEVERITIES:
                    problems.append(
                        _problem(
                            doc,
                            ("severity", str(cid)),
                            f"bad severity '{level}'; expected one of "
                            "info, low, medium, high, critical",
                        )
                    )
    return problems


def _validate_selection(doc: YamlDocument, ptr: Pointer, sel: Any) -> list[Problem]:
    if not isinstance(sel, dict):
        return [
            _problem(
                doc,
                ptr,
                "a selection is a mapping of ids/frameworks/severities/"
                "min_severity/resource_types/tags",
            )
        ]
    out: list[Problem] = []
    for k, v in sel.items():
        if k not in SELECTION_FIELDS:
            out.append(
                _problem(
                    doc,
                    (*ptr, str(k)),
                    f"unknown selection field '{k}' (valid: {', '.join(SELECTION_FIELDS)})",
                    key=True,
                )
            )
            continue
        if k == "min_severity":
            if not isinstance(v, str) or v not in _SEVERITIES:
                out.append(_problem(doc, (*ptr, k), f"bad severity '{v}'"))
            continue
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            out.append(_problem(doc, (*ptr, k), f"'{k}' must be a list of strings"))
            continue
        if k == "severities":
            out.extend(
                _problem(doc, (*ptr, k, i), f"bad severity '{x}'")
                for i, x in enumerate(v)
                if x not in _SEVERITIES
            )
        if k == "frameworks":
            from govscan.catalog.frameworks import load_frameworks

            fws = load_frameworks()
            for i, x in enumerate(v):
                key, _, req = x.partition(":")
                if key not in fws:
                    out.append(_problem(doc, (*ptr, k, i), f"unknown framework key '{key}'"))
                elif req and not fws[key].has(req.strip()):
                    out.append(
                        _problem(
                            doc,
                            (*ptr, k, i),
                            f"requirement '{req.strip()}' is not in the {key} catalog",
                        )
                    )
    return out


def _validate_param(doc: YamlDocument, ptr: Pointer, spec: Any) -> list[Problem]:
    if not isinstance(spec, dict):
        return [_problem(doc, ptr, "a parameter is a mapping with type, default, description")]
    out: list[Problem] = []
    for k in spec:
        if k not in ("type", "default", "description"):
            out.append(_problem(doc, (*ptr, str(k)), f"unknown parameter field '{k}'", key=True))
    if "description" in spec and not isinstance(spec["description"], str):
        out.append(_problem(doc, (*ptr, "description"), "'description' must be a string"))
    ptype = spec.get("type")
    if ptype is not None and (not isinstance(ptype, str) or ptype not in PARAM_TYPES):
        out.append(
            _problem(
                doc,
                (*ptr, "type"),
                f"unknown parameter type '{ptype}'; expected one of {', '.join(PARAM_TYPES)}",
            )
        )
    elif ptype is not None and "default" in spec:
        try:
            coerce_value(str(ptr[-1]), ptype, spec["default"])
        except UsageError as exc:
            out.append(_problem(doc, (*ptr, "default"), exc.message))
    return out


def _validate_waiver(doc: YamlDocument, ptr: Pointer, w: Any, known: set[str]) -> list[Problem]:
    if not isinstance(w, dict):
        return [
            _problem(doc, ptr, "a waiver is a mapping: control, resources, reason, owner, expires")
        ]
    out: list[Problem] = []
    for k in w:
        if k not in WAIVER_FIELDS:
            out.append(
                _problem(
                    doc,
                    (*ptr, str(k)),
                    f"unknown waiver field '{k}' (valid: {', '.join(WAIVER_FIELDS)})",
                    key=True,
                )
            )
    for req in ("control", "reason", "owner"):
        if not isinstance(w.get(req), str) or not w.get(req, "").strip():
            out.append(_problem(doc, ptr, f"a waiver needs a non-empty '{req}'"))
    ctrl = w.get("control")
    if isinstance(ctrl, str) and known and not any(glob_matches(c, ctrl) for c in known):
        out.append(_problem(doc, (*ptr, "control"), f"waiver matches no known control '{ctrl}'"))
    res = w.get("resources", ["*"])
    if not isinstance(res, list) or not all(isinstance(r, str) for r in res):
        out.append(
            _problem(doc, (*ptr, "resources"), "'resources' must be a list of globs or re:<regex>")
        )
    else:
        for i, r in enumerate(res):
            try:
                resource_pattern(r)
            except PatternError as exc:
                kind = "regular expression" if r.startswith("re:") else "glob"
                out.append(_problem(doc, (*ptr, "resources", i), f"bad {kind}: {exc}"))
    exp = w.get("expires")
    # A timestamp (2026-01-01T00:00) is a datetime, which cannot be compared with the scan date.
    if exp is not None and (not isinstance(exp, date) or isinstance(exp, datetime)):
        out.append(_problem(doc, (*ptr, "expires"), "'expires' must be a date (YYYY-MM-DD)"))
    return out


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
    for parent in parents:
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
                expires=w.get("expires"),
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
    )


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
    if sel.ids and not any(glob_matches(c.id, g) for g in sel.ids):
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
        override = policy.severity_overrides.get(c.id)
        out.append(replace(c, severity=override) if override else c)
    return out

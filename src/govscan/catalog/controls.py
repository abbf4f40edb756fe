"""Load and validate controls: one YAML file per control.

Validation collects every problem in every file before giving up, each with
``file:line:col``, so that one run of ``govscan validate`` shows all there is
to fix.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govscan.catalog.renames import replaced_id_problem, resolve_renames
from govscan.catalog.resource_types import builtin_resource_types
from govscan.catalog.yamlsource import Pointer, YamlDocument, YamlSyntaxError, load_yaml
from govscan.errors import Problem
from govscan.language.check import validate_check
from govscan.model import Control, ResourceTypeSpec, Severity
from govscan.paths import content_dir

log = logging.getLogger(__name__)

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$"
_ID_RE = re.compile(ID_PATTERN)
ORIGINS = ("cloud", "code")

# Field name -> (required, expected Python type, description for the schema).
FIELDS: dict[str, tuple[bool, type | tuple[type, ...], str]] = {
    "id": (True, str, "Stable, unique, dotted id, e.g. aws.ebs.volume-encrypted"),
    "title": (True, str, "One-line statement of the expected state"),
    "severity": (True, str, "info | low | medium | high | critical"),
    "resource": (True, str, "Resource type the control judges, e.g. aws.ec2.volume"),
    "check": (True, dict, "Condition tree: all / any / not, every / some, path + op + value"),
    "frameworks": (True, dict, "Framework key -> requirement ids"),
    "description": (False, str, "Why the control matters"),
    "remediation": (False, str, "How to fix a failure"),
    "message": (False, str, "Failure message; {dotted.path} placeholders read resource fields"),
    "applies_when": (False, dict, "Condition; resources for which it is false are not_applicable"),
    "tags": (False, list, "Free tags used by policy selection"),
    "references": (False, list, "Links to provider documentation or benchmarks"),
    "origins": (False, list, "Which resources it judges: cloud (live), code (IaC); default both"),
    "replaces": (False, list, "Ids the control had before; references to them still apply"),
    "tests": (False, list, "Test cases run by govscan test (docs/control-language.md)"),
}


@dataclass(frozen=True)
class ControlSet:
    """The controls in force after user folders were layered over the built-in ones."""

    controls: Mapping[str, Control]
    overridden: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Control id -> (built-in file, user file that replaced it)."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Old id (``replaces``) -> current control id."""
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Old ids user control files still carry -> current control id."""

    def known_ids(self) -> set[str]:
        """Ids a policy or suppression may name: current ones and replaced ones."""
        return {*self.controls, *self.aliases}

    def __iter__(self) -> Any:
        return iter(self.controls.values())

    def __len__(self) -> int:
        return len(self.controls)


@dataclass
class _Context:
    """What validating a control needs to know about the rest of the world."""

    frameworks: Mapping[str, Any]
    resource_types: Mapping[str, Any]
    problems: list[Problem] = field(default_factory=list)


def _context(resource_types: Mapping[str, ResourceTypeSpec] | None) -> _Context:
    from govscan.catalog.frameworks import load_frameworks

    types = builtin_resource_types() if resource_types is None else resource_types
    return _Context(frameworks=load_frameworks(), resource_types=types)


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def parse_control(doc: YamlDocument, ctx: _Context) -> Control | None:
    """Validate one parsed control file; append problems to ``ctx`` and return the control
    when it is usable."""
    before = len(ctx.problems)
    ctx.problems.extend(doc.duplicates)
    data = doc.data
    if not isinstance(data, dict):
        ctx.problems.append(doc.problem((), "a control file must be a YAML mapping"))
        return None

    for name in data:
        if name not in FIELDS:
            valid = ", ".join(FIELDS)
            ctx.problems.append(
                doc.problem(
                    (str(name),),
                    f"unknown field '{name}'{_suggest(str(name), FIELDS)} (valid fields: {valid})",
                    key=True,
                )
            )
    for name, (required, kind, _) in FIELDS.items():
        if name not in data:
            if required:
                ctx.problems.append(doc.problem((), f"missing required field '{name}'"))
            continue
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            expected = kind.__name__ if isinstance(kind, type) else "value"
            expected = {"dict": "mapping", "list": "list", "str": "string"}.get(expected, expected)
            ctx.problems.append(doc.problem((name,), f"'{name}' must be a {expected}"))

    cid = data.get("id")
    if isinstance(cid, str) and not _ID_RE.match(cid):
        ctx.problems.append(
            doc.problem(
                ("id",), f"control id '{cid}' must be lowercase dotted words ({ID_PATTERN})"
            )
        )
    sev = data.get("severity")
    if isinstance(sev, str) and sev not in {s.value for s in Severity}:
        ctx.problems.append(
            doc.problem(
                ("severity",),
                f"bad severity '{sev}'; expected one of info, low, medium, high, critical",
            )
        )
    rtype = data.get("resource")
    if isinstance(rtype, str) and rtype not in ctx.resource_types:
        ctx.problems.append(
            doc.problem(
                ("resource",),
                f"unknown resource type '{rtype}'{_suggest(rtype, ctx.resource_types)}",
            )
        )
    _check_frameworks(doc, data.get("frameworks"), ctx)
    for list_field in ("tags", "references", "origins", "replaces"):
        items = data.get(list_field)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if not isinstance(item, str):
                    ctx.problems.append(
                        doc.problem((list_field, i), f"'{list_field}' holds strings")
                    )
                elif list_field == "origins" and item not in ORIGINS:
                    ctx.problems.append(
                        doc.problem(
                            (list_field, i), f"unknown origin '{item}'; expected cloud or code"
                        )
                    )
                elif list_field == "replaces" and (why := replaced_id_problem(item, data)):
                    ctx.problems.append(doc.problem((list_field, i), why))
    for cond_field in ("check", "applies_when"):
        tree = data.get(cond_field)
        if isinstance(tree, dict):
            for p in validate_check(tree, (cond_field,)):
                ctx.problems.append(doc.problem(tuple(p.pointer), p.message))

    if len(ctx.problems) > before:
        return None
    return Control(
        id=data["id"],
        title=data["title"],
        severity=Severity(data["severity"]),
        resource=data["resource"],
        check=data["check"],
        frameworks={k: tuple(str(x) for x in v) for k, v in data["frameworks"].items()},
        description=str(data.get("description", "")).strip(),
        remediation=str(data.get("remediation", "")).strip(),
        message=str(data.get("message", "")).strip(),
        applies_when=data.get("applies_when"),
        tags=tuple(data.get("tags", ())),
        references=tuple(data.get("references", ())),
        origins=tuple(data.get("origins", ORIGINS)),
        source=doc.path,
        replaces=tuple(dict.fromkeys(data.get("replaces", ()))),
    )


def _check_frameworks(doc: YamlDocument, fw: Any, ctx: _Context) -> None:
    if not isinstance(fw, dict):
        return
    if not fw:
        ctx.problems.append(
            doc.problem(("frameworks",), "map the control to at least one framework")
        )
    for key, ids in fw.items():
        ptr: Pointer = ("frameworks", str(key))
        framework = ctx.frameworks.get(key)
        if framework is None:
            ctx.problems.append(
                doc.problem(
                    ptr,
                    f"unknown framework key '{key}'{_suggest(str(key), ctx.frameworks)}"
                    f" (known: {', '.join(ctx.frameworks)})",
                    key=True,
                )
            )
            continue
        if not isinstance(ids, list) or not ids:
            ctx.problems.append(
                doc.problem(ptr, f"'{key}' needs a non-empty list of requirement ids")
            )
            continue
        for i, rid in enumerate(ids):
            if not isinstance(rid, str) or not framework.has(rid):
                hint = framework.closest(str(rid)) if isinstance(rid, str) else []
                mean = f"; did you mean {', '.join(repr(h) for h in hint)}?" if hint else ""
                ctx.problems.append(
                    doc.problem((*ptr, i), f"requirement '{rid}' is not in the {key} catalog{mean}")
                )


def control_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    # Not only regular files: a FIFO or a dangling link named *.yaml is reported by
    # the loader, never skipped in silence. Control tests (*.test.yaml) are no controls.
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml") and not p.is_dir() and not is_control_test(p)
    )


def is_control_test(path: Path) -> bool:
    """A control's test file (``govscan test``), which sits next to the control."""
    return path.name.endswith((".test.yaml", ".test.yml"))


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_control_dirs(
    dirs: Sequence[Path],
    *,
    include_builtin: bool = True,
    resource_types: Mapping[str, ResourceTypeSpec] | None = None,
) -> tuple[ControlSet, list[Problem]]:
    """Load built-in controls, then each user folder in order (later ones override).

    ``resource_types``: the types a control may name (the collectors' declarations,
    :func:`govscan.collectors.declared.resource_types`); the built-in ones by default."""
    ctx = _context(resource_types)
    controls: dict[str, Control] = {}
    origin_dir: dict[str, str] = {}
    overridden: dict[str, tuple[str, str]] = {}
    ranks: dict[str, int] = {}
    docs: dict[str, YamlDocument] = {}
    roots: list[tuple[Path, str]] = []
    if include_builtin:
        roots.append((content_dir("controls"), "builtin"))
    roots.extend((d, f"user:{i}") for i, d in enumerate(dirs))
    for root, layer in roots:
        if not root.exists():
            ctx.problems.append(Problem(display_path(root), 1, 1, "no such file or folder"))
            continue
        seen_here: dict[str, str] = {}
        for path in control_files(root):
            shown = display_path(path)
            parsed = _parse_file(path, shown, ctx, memo=layer == "builtin")
            if parsed is None:
                continue
            doc, control = parsed
            if control.id in seen_here:
                ctx.problems.append(
                    doc.problem(
                        ("id",),
                        f"duplicate control id '{control.id}' "
                        f"(also defined in {seen_here[control.id]})",
                    )
                )
                continue
            seen_here[control.id] = shown
            if control.id in controls and origin_dir[control.id] != layer:
                overridden[control.id] = (controls[control.id].source, shown)
                log.info(
                    "control %s from %s overrides %s",
                    control.id,
                    shown,
                    controls[control.id].source,
                )
            controls[control.id] = control
            origin_dir[control.id] = layer
            ranks[control.id] = [name for _, name in roots].index(layer)
            docs[control.id] = doc
    return _with_renames(controls, overridden, ranks, docs, ctx.problems)


_BUILTIN_MEMO: dict[tuple[Any, ...], tuple[YamlDocument | None, Control | None, list[Problem]]] = {}
"""Built-in control files validated in this process, by file identity and the
catalog they were validated against: a process that scans many times (a test
suite, a server) validates the shipped catalog once. User folders are read anew."""


def _parse_file(
    path: Path, shown: str, ctx: _Context, *, memo: bool
) -> tuple[YamlDocument, Control] | None:
    key = _memo_key(path, ctx) if memo else None
    hit = _BUILTIN_MEMO.get(key) if key is not None else None
    if hit is None:
        before = len(ctx.problems)
        doc: YamlDocument | None
        try:
            doc = load_yaml(path, shown)
        except YamlSyntaxError as exc:
            ctx.problems.append(exc.problem)
            doc = None
        control = parse_control(doc, ctx) if doc is not None else None
        hit = (doc, control, ctx.problems[before:])
        if key is not None:
            _BUILTIN_MEMO[key] = hit
    else:
        ctx.problems.extend(hit[2])
    doc, control, _ = hit
    return (doc, control) if doc is not None and control is not None else None


_PINNED: dict[int, object] = {}


def _memo_key(path: Path, ctx: _Context) -> tuple[Any, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    # An id is only a stable name while its object lives: pin what the key names.
    for obj in (ctx.resource_types, ctx.frameworks):
        _PINNED.setdefault(id(obj), obj)
    return (str(path), st.st_mtime_ns, st.st_size, id(ctx.resource_types), id(ctx.frameworks))


def _with_renames(
    controls: Mapping[str, Control],
    overridden: Mapping[str, tuple[str, str]],
    ranks: Mapping[str, int],
    docs: Mapping[str, YamlDocument],
    problems: list[Problem],
) -> tuple[ControlSet, list[Problem]]:
    done = resolve_renames(controls, ranks, docs)  # ranks: layer per id, later ones override
    merged = {**overridden, **done.overridden}
    found = ControlSet(done.controls, merged, done.aliases, done.renamed)
    return found, [*problems, *done.problems]


def validate_control_documents(
    docs: Iterable[YamlDocument], resource_types: Mapping[str, ResourceTypeSpec] | None = None
) -> tuple[list[Control], list[Problem]]:
    """Validate already-parsed control documents (used by ``govscan validate``)."""
    ctx = _context(resource_types)
    out: list[Control] = []
    seen: dict[str, str] = {}
    docs_seen: dict[str, YamlDocument] = {}
    for doc in docs:
        control = parse_control(doc, ctx)
        if control is None:
            continue
        if control.id in seen:
            ctx.problems.append(
                doc.problem(
                    ("id",),
                    f"duplicate control id '{control.id}' (also defined in {seen[control.id]})",
                )
            )
            continue
        seen[control.id] = doc.path
        out.append(control)
        docs_seen[control.id] = doc
    found, problems = _with_renames({c.id: c for c in out}, {}, {}, docs_seen, ctx.problems)
    return list(found.controls.values()), problems

"""Terraform modules: variables and locals resolved, local modules followed, resources
normalised into the shapes of the live collectors (see ``normalize_aws``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govscan.collectors.repo.blocks import created, expand_dynamic, instances_unknown, outside
from govscan.collectors.repo.files import FileProblem
from govscan.collectors.repo.hcl import (
    Block,
    HclSyntaxError,
    Unknown,
    evaluate,
    parse,
    parse_attributes,
)
from govscan.collectors.repo.hcl_json import parse_json
from govscan.collectors.repo.instances import Budget, instances
from govscan.collectors.repo.modpaths import is_local, module_target, roots_of
from govscan.collectors.repo.references import resource_value
from govscan.collectors.repo.tf_providers import (
    Scope,
    TfProvider,
    config_key,
    default_provider,
    passed,
    provider_config,
)
from govscan.collectors.repo.tf_types import with_defaults
from govscan.fileread import DEFAULT_MAX_FILE_SIZE, UnreadableFile, read_in_tree, read_regular
from govscan.model import Location

MAX_REFERENCE_DEPTH = 100
"""Longest chain of variables and locals resolved through one another (``local.a``
naming ``local.b`` naming ...). Real modules chain a handful; the limit keeps the
recursive resolution far from Python's recursion limit."""


@dataclass(slots=True)
class TfResource:
    type: str
    name: str
    address: str
    path: str
    block: Block
    resolve: Any
    provider_ref: str = ""
    unexpanded: tuple[str, ...] = ()
    """``dynamic`` blocks whose ``for_each`` is not known before apply: what they
    would add to the resource cannot be judged."""
    calls: tuple[Location, ...] = ()
    """The ``module`` blocks this instance is created through, outermost first."""
    provider_config: TfProvider | None = None
    """The provider configuration the resource uses (None: none reaches it)."""
    instances_unknown: str = ""
    """Why the block's ``count``/``for_each`` (or its module call's) is not known
    before apply; non-empty means every control on it reports ``error``."""
    module: str = ""
    """The module instance's address prefix (``module.a[0].``; ``""`` at the root)."""

    def attrs(self) -> dict[str, Any]:
        return {n: evaluate(h, self.resolve) for n, h in self.block.attrs.items()}

    def get(self, name: str, default: Any = None) -> Any:
        h = self.block.attrs.get(name)
        return default if h is None else evaluate(h, self.resolve)

    def sub(self, *names: str) -> Block | None:
        """First nested block along a path of block types."""
        block: Block | None = self.block
        for n in names:
            found = block.children(n) if block else []
            block = found[0] if found else None
        return block

    def sub_get(self, block: Block | None, name: str, default: Any = None) -> Any:
        if block is None or name not in block.attrs:
            return default
        return evaluate(block.attrs[name], self.resolve)


@dataclass
class Module:
    resources: list[TfResource] = field(default_factory=list)
    providers: list[TfProvider] = field(default_factory=list)
    errors: list[tuple[str, int, int, str]] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    """Registry sources (``namespace/type``, lower case) of the providers the module uses."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The module's ``output`` values, as its caller sees them (``module.x.<name>``)."""
    called: dict[str, Any] = field(default_factory=dict)
    """Outputs of the local modules this module calls, by call name: a map of outputs,
    or a list/map of them for a call with ``count``/``for_each``."""


_MODULE_CALL = re.compile(rb"(?m)^[ \t]*module[ \t]*\"")


def _files(directory: Path) -> list[Path]:
    # Not only regular files: a link out of the tree or a FIFO named *.tf is
    # reported by the reader, never skipped in silence.
    return sorted(
        p for p in (*directory.glob("*.tf"), *directory.glob("*.tf.json")) if not p.is_dir()
    )


def load_module(
    root: Path,
    directory: Path,
    prefix: str = "",
    inputs: dict[str, Any] | None = None,
    depth: int = 0,
    var_files: tuple[Path, ...] = (),
    providers: Scope | None = None,
    calls: tuple[Location, ...] = (),
    budget: Budget | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
) -> Module:
    """Parse one module directory (and the local modules it calls, once per instance
    of each call: ``providers`` and ``calls`` say what that call passes and where)."""
    out = Module()
    budget = budget if budget is not None else Budget()
    parsed: list[tuple[str, Block]] = []
    for f in _files(directory):
        rel = f.relative_to(root).as_posix()
        try:
            for block in _parse(f, read_in_tree(root, f, max_bytes)):
                parsed.append((rel, block))
        except HclSyntaxError as exc:
            out.errors.append((rel, exc.line, exc.col, str(exc)))
        except UnreadableFile as exc:
            out.errors.append((rel, 1, 1, exc.reason))
        except RecursionError:
            out.errors.append((rel, 1, 1, "nested too deeply to read"))
        except OSError as exc:
            out.errors.append((rel, 1, 1, f"cannot read: {exc.strerror}"))
    variables: dict[str, Any] = {}
    types: dict[str, Any] = {}
    locals_h: dict[str, Any] = {}
    local_at: dict[str, tuple[str, int]] = {}
    declared: dict[tuple[str, str], Block] = {}
    for at, b in parsed:
        if b.type == "resource" and len(b.labels) == 2:
            declared.setdefault((b.labels[0], b.labels[1]), b)
        elif b.type == "variable" and b.labels:
            variables[b.labels[0]] = b.attrs.get("default")
            types[b.labels[0]] = b.attrs.get("type")
        elif b.type == "locals":
            locals_h.update(b.attrs)
            local_at.update(dict.fromkeys(b.attrs, (at, b.line)))
    # Terraform reads .tfvars files for the root module only; a called module gets
    # its values from the module block.
    given = (
        _tfvars(root, directory, out.errors, var_files, max_bytes) if depth == 0 else (inputs or {})
    )
    cache: dict[tuple[str, str], Any] = {}
    active: set[tuple[str, str]] = set()

    def resolve(kind: str, name: str) -> Any:
        if kind == "module" and name in out.called:
            return out.called[name]
        key = (kind, name)
        if kind not in ("var", "local") and key not in declared:
            return outside(kind, name, prefix)
        if key in cache:
            return cache[key]
        if key in active:
            return outside(kind, name, prefix) if key in declared else Unknown(f"{kind}.{name}")
        if len(active) >= MAX_REFERENCE_DEPTH:
            first = (parsed[0][0], 1) if parsed else (directory.name, 1)
            path, line = local_at.get(name, first) if kind == "local" else first
            why = f"values refer to each other more than {MAX_REFERENCE_DEPTH} deep ({kind}.{name})"
            raise FileProblem(path, line, f"{why}; the module is not judged")
        active.add(key)
        if key in declared:
            value = resource_value(declared[key], resolve, prefix, budget)
        elif kind == "var":
            value = (
                given[name]
                if name in given
                else (
                    evaluate(variables[name], resolve)
                    if variables.get(name) is not None
                    else Unknown(f"var.{name}")
                )
            )
            value = with_defaults(types.get(name), value, resolve)
        else:
            value = (
                evaluate(locals_h[name], resolve) if name in locals_h else Unknown(f"local.{name}")
            )
        active.discard(key)
        cache[key] = value
        return value

    for rel, b in parsed:
        if b.type == "provider" and b.labels:
            out.providers.append(provider_config(rel, b, resolve, prefix, calls))
    scope = {**(providers or {}), **{config_key(p.name, p.alias): p for p in out.providers}}
    for rel, b in parsed:
        if b.type in ("resource", "module") and not created(b, resolve):
            continue  # count = 0 or an empty for_each: Terraform creates nothing
        if b.type == "resource" and len(b.labels) == 2:
            rtype, rname = b.labels
            provider = b.attrs.get("provider")
            ref = ""
            if provider is not None:
                v = evaluate(provider, resolve)
                ref = v.text if isinstance(v, Unknown) else str(v)
            for key, bound in instances(b, resolve, budget):
                unexpanded: list[str] = []
                block = expand_dynamic(b, bound, unexpanded)
                out.resources.append(
                    TfResource(
                        rtype,
                        rname,
                        f"{prefix}{rtype}.{rname}{key}",
                        rel,
                        block,
                        bound,
                        ref,
                        tuple(unexpanded),
                        calls,
                        scope.get(ref or default_provider(rtype)),
                        instances_unknown=instances_unknown(b, resolve, key),
                        module=prefix,
                    )
                )
        elif b.type == "terraform":
            for req in b.children("required_providers"):
                for local_name, h in req.attrs.items():
                    spec = evaluate(h, resolve)
                    source = spec.get("source") if isinstance(spec, dict) else None
                    out.sources.add(_source(local_name, source))
        elif b.type == "module" and b.labels and depth < 5:
            source = evaluate(b.attrs.get("source"), resolve)
            target, why = module_target(root, directory, source, calls)
            if why:
                out.errors.append((rel, b.line, 1, f"module.{b.labels[0]}: {why}"))
            elif target is not None:
                args = (root, target, rel, b, resolve, prefix, depth, scope, calls, budget, out)
                _call(*args, max_bytes=max_bytes)
    for b in (b for _, b in parsed if b.type == "output" and b.labels):
        out.outputs[b.labels[0]] = evaluate(b.attrs.get("value"), resolve)
    return out


def _parse(path: Path, data: bytes) -> list[Block]:
    return parse_json(data) if path.name.endswith(".tf.json") else parse(data)


def _call(
    root: Path,
    target: Path,
    rel: str,
    b: Block,
    resolve: Any,
    prefix: str,
    depth: int,
    scope: Scope,
    calls: tuple[Location, ...],
    budget: Budget,
    out: Module,
    *,
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
) -> None:
    """Load the module a ``module`` block calls, once per instance of the call."""
    if budget.remaining <= 0:
        why = "the root module expands to more instances than govscan judges"
        out.errors.append((rel, b.line, 1, f"module.{b.labels[0]} not followed: {why}"))
        return
    here = (*calls, Location(rel, b.line, b.end_line))
    for key, bound in instances(b, resolve, budget):
        args = {
            n: evaluate(h, bound)
            for n, h in b.attrs.items()
            if n not in ("source", "version", "providers", "count", "for_each")
        }
        sub = load_module(
            root,
            target,
            f"{prefix}module.{b.labels[0]}{key}.",
            args,
            depth + 1,
            providers=passed(b, scope),
            calls=here,
            budget=budget,
            max_bytes=max_bytes,
        )
        unknown = instances_unknown(b, resolve, key)
        for r in sub.resources:
            r.instances_unknown = r.instances_unknown or unknown
        _record_outputs(out.called, b, key, sub.outputs, unknown)
        out.resources += sub.resources
        out.providers += sub.providers
        out.errors += sub.errors
        out.sources |= sub.sources


def _record_outputs(
    called: dict[str, Any], b: Block, key: str, outputs: dict[str, Any], unknown: str
) -> None:
    """``module.x`` as expressions see it: its outputs, or per instance
    ``module.x[0]``/``module.x["k"]`` when the call has ``count``/``for_each``."""
    name = b.labels[0]
    if not key:
        called[name] = Unknown(f"module.{name}") if unknown else outputs
    elif "count" in b.attrs:
        called.setdefault(name, []).append(outputs)
    else:
        called.setdefault(name, {})[json.loads(key[1:-1])] = outputs


def _source(local_name: str, source: Any) -> str:
    """``namespace/type`` of a provider; Terraform's default namespace is hashicorp."""
    text = source.strip().lower() if isinstance(source, str) and source.strip() else ""
    parts = text.split("/") if text else ["hashicorp", local_name.lower()]
    return "/".join(parts[-2:]) if len(parts) >= 2 else f"hashicorp/{parts[0]}"


def _tfvars(
    root: Path,
    directory: Path,
    errors: list[tuple[str, int, int, str]],
    extra: tuple[Path, ...] = (),
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
) -> dict[str, Any]:
    """Variable values Terraform loads for a root module, later files overriding
    earlier ones: terraform.tfvars(.json), then *.auto.tfvars(.json) by name, then
    the files the user named (``-var-file``)."""
    files = [
        directory / "terraform.tfvars",
        directory / "terraform.tfvars.json",
        *sorted(directory.glob("*.auto.tfvars")),
        *sorted(directory.glob("*.auto.tfvars.json")),
        *extra,
    ]
    values: dict[str, Any] = {}
    for i, f in enumerate(files):
        given = i >= len(files) - len(extra)
        if not (f.is_symlink() or f.exists()):
            continue
        # The user named the extra files (they may live outside the repository);
        # the others are the repository's and are read only inside it.
        rel = str(f) if given else f.relative_to(root).as_posix()
        try:
            data = read_regular(f, max_bytes) if given else read_in_tree(root, f, max_bytes)
            if f.name.endswith(".json"):
                doc = json.loads(data)
                if not isinstance(doc, dict):
                    errors.append((rel, 1, 1, "a .tfvars.json file must hold one JSON object"))
                    continue
                values.update(doc)
            else:
                for name, (expr, _) in parse_attributes(data).items():
                    values[name] = evaluate(expr)
        except HclSyntaxError as exc:
            errors.append((rel, exc.line, exc.col, str(exc)))
        except json.JSONDecodeError as exc:
            errors.append((rel, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}"))
        except UnreadableFile as exc:
            errors.append((rel, 1, 1, exc.reason))
        except UnicodeDecodeError as exc:
            errors.append((rel, 1, 1, f"not UTF-8 text: {exc.reason}"))
        except RecursionError:
            errors.append((rel, 1, 1, "nested too deeply to read"))
    return values


def module_dirs(
    root: Path, tf_files: list[Path], max_bytes: int = DEFAULT_MAX_FILE_SIZE
) -> Iterator[Path]:
    """Root module directories: folders with .tf files that no local module call uses."""
    dirs = sorted({f.parent for f in tf_files})
    calls: dict[Path, set[Path]] = {}
    for d in dirs:
        for f in _files(d):
            try:
                data = read_in_tree(root, f, max_bytes)
                # Only files that call a module need a parse here; the rest are
                # parsed once, by load_module.
                if not _MODULE_CALL.search(data) and not (
                    f.name.endswith(".tf.json") and b'"module"' in data
                ):
                    continue
                blocks = _parse(f, data)
            except (HclSyntaxError, UnreadableFile, RecursionError):
                continue  # load_module reports it
            for b in blocks:
                if b.type == "module":
                    source = evaluate(b.attrs.get("source"))
                    if is_local(source):
                        calls.setdefault(d, set()).add((d / str(source)).resolve())
    yield from roots_of(dirs, calls)

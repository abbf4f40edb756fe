"""Terraform modules: variables and locals resolved, local modules followed, resources
normalised into the shapes of the live collectors (see ``normalize_aws``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govscan.collectors.repo.hcl import (
    Block,
    HclSyntaxError,
    Unknown,
    evaluate,
    parse,
    parse_attributes,
)


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
class TfProvider:
    name: str
    alias: str
    path: str
    line: int
    end_line: int
    settings: dict[str, Any]
    comments: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Module:
    resources: list[TfResource] = field(default_factory=list)
    providers: list[TfProvider] = field(default_factory=list)
    errors: list[tuple[str, int, int, str]] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    """Registry sources (``namespace/type``, lower case) of the providers the module uses."""


_MODULE_CALL = re.compile(rb"(?m)^[ \t]*module[ \t]*\"")


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.tf") if p.is_file())


def load_module(
    root: Path,
    directory: Path,
    prefix: str = "",
    inputs: dict[str, Any] | None = None,
    depth: int = 0,
    var_files: tuple[Path, ...] = (),
) -> Module:
    """Parse one module directory (and the local modules it calls)."""
    out = Module()
    parsed: list[tuple[str, Block]] = []
    for f in _files(directory):
        rel = f.relative_to(root).as_posix()
        try:
            for block in parse(f.read_bytes()):
                parsed.append((rel, block))
        except HclSyntaxError as exc:
            out.errors.append((rel, exc.line, exc.col, str(exc)))
        except OSError as exc:
            out.errors.append((rel, 1, 1, f"cannot read: {exc.strerror}"))
    variables: dict[str, Any] = {}
    locals_h: dict[str, Any] = {}
    for _, b in parsed:
        if b.type == "variable" and b.labels:
            variables[b.labels[0]] = b.attrs.get("default")
        elif b.type == "locals":
            locals_h.update(b.attrs)
    # Terraform reads .tfvars files for the root module only; a called module gets
    # its values from the module block.
    given = _tfvars(root, directory, out.errors, var_files) if depth == 0 else (inputs or {})
    cache: dict[tuple[str, str], Any] = {}
    active: set[tuple[str, str]] = set()

    def resolve(kind: str, name: str) -> Any:
        if kind not in ("var", "local"):
            # Resource attributes, data sources, each.*, count.index: known at apply only.
            return Unknown(f"{kind}.{name}")
        key = (kind, name)
        if key in cache:
            return cache[key]
        if key in active:
            return Unknown(f"{kind}.{name}")  # a cycle
        active.add(key)
        if kind == "var":
            value = (
                given[name]
                if name in given
                else (
                    evaluate(variables[name], resolve)
                    if variables.get(name) is not None
                    else Unknown(f"var.{name}")
                )
            )
        else:
            value = (
                evaluate(locals_h[name], resolve) if name in locals_h else Unknown(f"local.{name}")
            )
        active.discard(key)
        cache[key] = value
        return value

    for rel, b in parsed:
        if b.type in ("resource", "module") and not _created(b, resolve):
            continue  # count = 0 or an empty for_each: Terraform creates nothing
        if b.type == "resource" and len(b.labels) == 2:
            rtype, rname = b.labels
            provider = b.attrs.get("provider")
            ref = ""
            if provider is not None:
                v = evaluate(provider, resolve)
                ref = v.text if isinstance(v, Unknown) else str(v)
            unexpanded: list[str] = []
            block = _expand_dynamic(b, resolve, unexpanded)
            out.resources.append(
                TfResource(
                    rtype,
                    rname,
                    f"{prefix}{rtype}.{rname}",
                    rel,
                    block,
                    resolve,
                    ref,
                    tuple(unexpanded),
                )
            )
        elif b.type == "terraform":
            for req in b.children("required_providers"):
                for local_name, h in req.attrs.items():
                    spec = evaluate(h, resolve)
                    source = spec.get("source") if isinstance(spec, dict) else None
                    out.sources.add(_source(local_name, source))
        elif b.type == "provider" and b.labels:
            settings = {n: evaluate(h, resolve) for n, h in b.attrs.items()}
            alias = settings.get("alias") if isinstance(settings.get("alias"), str) else ""
            out.providers.append(
                TfProvider(b.labels[0], alias or "", rel, b.line, b.end_line, settings, b.comments)
            )
        elif b.type == "module" and b.labels and depth < 5:
            source = evaluate(b.attrs.get("source"), resolve)
            if isinstance(source, str) and source.startswith(("./", "../")):
                target = (directory / source).resolve()
                if target.is_dir() and root.resolve() in (target, *target.parents):
                    args = {
                        n: evaluate(h, resolve)
                        for n, h in b.attrs.items()
                        if n not in ("source", "version", "providers", "count", "for_each")
                    }
                    sub = load_module(
                        root, target, f"{prefix}module.{b.labels[0]}.", args, depth + 1
                    )
                    out.resources += sub.resources
                    out.providers += sub.providers
                    out.errors += sub.errors
                    out.sources |= sub.sources
    return out


def _expand_dynamic(block: Block, resolve: Any, unexpanded: list[str]) -> Block:
    """The block with each ``dynamic "x"`` replaced by one ``x`` block per element of
    its ``for_each``, as Terraform generates them; the generated blocks' values are
    evaluated with the iterator (``x.key``, ``x.value``) bound."""
    if not _has_dynamic(block):
        return block
    blocks: list[Block] = []
    for child in block.blocks:
        if child.type != "dynamic" or not child.labels:
            blocks.append(_expand_dynamic(child, resolve, unexpanded))
            continue
        label = child.labels[0]
        iterator = child.attrs.get("iterator")
        name = str(iterator[1]).strip() if iterator and iterator[0] == "unk" else label
        content = next((c for c in child.blocks if c.type == "content"), None)
        items = evaluate(child.attrs.get("for_each"), resolve)
        if content is None:
            continue
        # Terraform needs the keys before apply; values may still be unknown.
        if isinstance(items, dict):
            pairs: list[tuple[Any, Any]] = list(items.items())
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        else:
            unexpanded.append(label)
            continue
        for key, value in pairs:
            bound = _iterator(resolve, name, key, value)
            expanded = _expand_dynamic(content, bound, unexpanded)
            blocks.append(_bind(expanded, label, bound, child))
    return Block(
        block.type, block.labels, block.attrs, blocks, block.line, block.end_line, block.comments
    )


def _has_dynamic(block: Block) -> bool:
    return any(c.type == "dynamic" or _has_dynamic(c) for c in block.blocks)


def _iterator(resolve: Any, name: str, key: Any, value: Any) -> Any:
    def bound(kind: str, attr: str) -> Any:
        if kind == name:
            return {"key": key, "value": value}.get(attr, Unknown(f"{kind}.{attr}"))
        return resolve(kind, attr)

    return bound


def _bind(content: Block, kind: str, resolve: Any, origin: Block) -> Block:
    """A generated block: its values evaluated now, while the iterator is bound."""
    return Block(
        kind,
        [],
        {n: ("lit", evaluate(h, resolve)) for n, h in content.attrs.items()},
        [_bind(c, c.type, resolve, c) for c in content.blocks],
        origin.line,
        origin.end_line,
        [],
    )


def _source(local_name: str, source: Any) -> str:
    """``namespace/type`` of a provider; Terraform's default namespace is hashicorp."""
    text = source.strip().lower() if isinstance(source, str) and source.strip() else ""
    parts = text.split("/") if text else ["hashicorp", local_name.lower()]
    return "/".join(parts[-2:]) if len(parts) >= 2 else f"hashicorp/{parts[0]}"


def _created(block: Block, resolve: Any) -> bool:
    """False only when ``count`` or ``for_each`` statically create no instance."""
    count = block.attrs.get("count")
    if count is not None:
        n = evaluate(count, resolve)
        if isinstance(n, int) and not isinstance(n, bool) and n <= 0:
            return False
    each = block.attrs.get("for_each")
    if each is not None:
        items = evaluate(each, resolve)
        if isinstance(items, dict | list) and not items:
            return False
    return True


def _tfvars(
    root: Path,
    directory: Path,
    errors: list[tuple[str, int, int, str]],
    extra: tuple[Path, ...] = (),
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
    for f in files:
        if not f.is_file():
            continue
        try:
            rel = f.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = str(f)  # a var file outside the repository
        try:
            data = f.read_bytes()
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
        except (OSError, UnicodeDecodeError) as exc:
            errors.append((rel, 1, 1, f"cannot read: {exc}"))
    return values


def module_dirs(root: Path, tf_files: list[Path]) -> Iterator[Path]:
    """Root module directories: folders with .tf files that no local module call uses."""
    dirs = sorted({f.parent for f in tf_files})
    called: set[Path] = set()
    for d in dirs:
        for f in _files(d):
            try:
                data = f.read_bytes()
                # Only files that call a module need a parse here; the rest are
                # parsed once, by load_module.
                if not _MODULE_CALL.search(data):
                    continue
                blocks = parse(data)
            except (HclSyntaxError, OSError):
                continue
            for b in blocks:
                if b.type == "module":
                    source = evaluate(b.attrs.get("source"))
                    if isinstance(source, str) and source.startswith(("./", "../")):
                        called.add((d / source).resolve())
    for d in dirs:
        if d.resolve() not in called:
            yield d

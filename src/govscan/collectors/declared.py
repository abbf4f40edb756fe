"""The collectors of this installation, in the order their options are shown.

Installed collectors (entry-point group ``govscan.collectors``) replace the
placeholder of the same name. A collector whose flags, option keys or
``targets`` blocks are already taken by another is skipped and logged, like
any plugin that cannot be used: one package must not change what another's
flag means.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping

from govscan import plugins
from govscan.catalog.resource_types import builtin_resource_types
from govscan.collectors.interface import Collector
from govscan.collectors.placeholders import PLACEHOLDERS
from govscan.model import ResourceTypeSpec

log = logging.getLogger(__name__)

_FLAG = re.compile(r"--[a-z0-9][a-z0-9-]*")
_lock = threading.Lock()
_memo: dict[tuple[tuple[str, type], ...], dict[str, type[Collector]]] = {}


def declared() -> dict[str, type[Collector]]:
    """Name -> collector class: clouds first, then code, then those that run last."""
    found: dict[str, type[Collector]] = {c.name: c for c in PLACEHOLDERS}
    found.update(plugins.load(plugins.COLLECTORS_GROUP, Collector))
    key = tuple(sorted(found.items(), key=lambda kv: kv[0]))
    with _lock:
        if key not in _memo:
            _memo.clear()
            _memo[key] = _without_conflicts(found)
        return dict(_memo[key])


def _rank(cls: type[Collector]) -> int:
    if cls.after_others:
        return 2
    return 1 if cls.origin == "code" else 0


def _own(cls: type[Collector]) -> bool:
    return cls.__module__.split(".")[0] == "govscan"


def _without_conflicts(found: dict[str, type[Collector]]) -> dict[str, type[Collector]]:
    taken: dict[str, str] = {}
    kept: dict[str, type[Collector]] = {}
    # govscan's own declarations claim their names first, then plugins by name.
    for name, cls in sorted(found.items(), key=lambda kv: (not _own(kv[1]), kv[0])):
        names = [f"flag {o.flag}" for o in cls.options if o.flag]
        names += [f"option {o.key}" for o in cls.options]
        names += [f"targets.{b.name}" for b in cls.target_blocks()]
        clash = next((n for n in names if n in taken), None)
        why = _malformed(cls)
        if why is None and len(set(names)) < len(names):
            why = "it declares a flag, option or block twice"
        if why is None and clash is not None:
            why = f"its {clash} is already declared by collector '{taken[clash]}'"
        if why is not None:
            plugins.broken[f"{plugins.COLLECTORS_GROUP}:{name}"] = why
            log.warning("skipping collector %s: %s", name, why)
            continue
        taken.update(dict.fromkeys(names, name))
        kept[name] = cls
    return dict(sorted(kept.items(), key=lambda kv: (_rank(kv[1]), kv[0])))


def _malformed(cls: type[Collector]) -> str | None:
    blocks = {b.name for b in cls.target_blocks()}
    for o in cls.options:
        if o.setting and (o.block or cls.name) not in blocks:
            return (
                f"option {o.key!r} names targets.{o.block or cls.name}, which it does not declare"
            )
        if o.flag is not None and not _FLAG.fullmatch(o.flag):
            return f"flag {o.flag!r} is not of the form --lower-case-words"
        if not o.key.isidentifier():
            return f"option key {o.key!r} is not an identifier"
    return None


def target_hint(collectors: dict[str, type[Collector]]) -> str:
    """``--aws, --repo PATH, ...``: the options that target each collector."""
    hints = []
    for cls in collectors.values():
        for o in cls.options:
            if o.target and o.flag:
                hints.append(f"{o.flag} {o.metavar}" if o.metavar else o.flag)
    return ", ".join(hints)


def resource_types() -> Mapping[str, ResourceTypeSpec]:
    """Built-in resource types plus those declared by installed collector plugins."""
    types = dict(builtin_resource_types())
    for cls in plugins.load(plugins.COLLECTORS_GROUP, Collector).values():
        try:
            types.update(cls.resource_type_specs())
        except Exception as exc:  # a plugin's bug must not stop validation
            log.warning("collector %s: cannot list resource types: %s", cls.__name__, exc)
    return types

"""Discovery of collector and reporter plugins through entry points.

A plugin that fails to import or does not implement its interface is logged
and skipped: one broken third-party package must not stop a scan.
"""

from __future__ import annotations

import logging
import threading
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger(__name__)

COLLECTORS_GROUP = "govscan.collectors"
REPORTERS_GROUP = "govscan.reporters"

_lock = threading.Lock()
_loaded: dict[str, dict[str, type]] = {}
_registered: dict[str, dict[str, type]] = {COLLECTORS_GROUP: {}, REPORTERS_GROUP: {}}
broken: dict[str, str] = {}
"""``group:name`` -> why the plugin was skipped."""


def register(group: str, name: str, cls: type) -> None:
    """Register a plugin class in code (what an entry point does for installed packages)."""
    with _lock:
        _registered.setdefault(group, {})[name] = cls
        _loaded.pop(group, None)


def unregister(group: str, name: str) -> None:
    with _lock:
        _registered.get(group, {}).pop(name, None)
        _loaded.pop(group, None)


def load(group: str, base: type) -> dict[str, Any]:
    """All plugin classes of a group that subclass ``base``, by name."""
    with _lock:
        cached = _loaded.get(group)
        if cached is None:
            cached = {}
            for ep in sorted(entry_points(group=group), key=lambda e: e.name):
                try:
                    cls = ep.load()
                except Exception as exc:  # any import failure of a third-party plugin
                    _skip(group, ep.name, f"cannot be imported: {type(exc).__name__}: {exc}")
                    continue
                if not (isinstance(cls, type) and issubclass(cls, base)):
                    _skip(group, ep.name, f"{ep.value} is not a {base.__name__}")
                    continue
                cached[ep.name] = cls
            cached.update(_registered.get(group, {}))
            _loaded[group] = cached
    return dict(cached)


def _skip(group: str, name: str, why: str) -> None:
    broken[f"{group}:{name}"] = why
    log.warning("skipping plugin %s (%s): %s", name, group, why)

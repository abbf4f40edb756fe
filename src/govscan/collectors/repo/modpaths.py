"""Where a Terraform ``module`` call leads, resolved against the real repository root.

Only local sources (``./`` or ``../``) are followed, and only to a directory
inside the repository that is not already on the chain of calls that led
here. Every other local-looking source is an error naming the calling file:
govscan never reads a module it was not given, and never loops.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from govscan.fileread import inside
from govscan.model import Location

_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")


def is_local(source: Any) -> bool:
    return isinstance(source, str) and source.startswith(("./", "../"))


def module_target(
    root: Path, directory: Path, source: Any, calls: Iterable[Location] = ()
) -> tuple[Path | None, str]:
    """The directory a call with ``source`` loads, or ``(None, why)``; ``why`` is empty
    for sources govscan does not follow by design (registry, git, URLs)."""
    if isinstance(source, str) and (source.startswith("/") or _WINDOWS_ABSOLUTE.match(source)):
        return None, "an absolute module source path is not followed"
    if not is_local(source):
        return None, ""
    root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(directory / str(source)))
    if not inside(root, target):
        return None, "the module source leads outside the repository; not followed"
    if not target.is_dir():
        return None, "the module source is not a directory in the repository"
    chain = {Path(os.path.realpath(directory))}
    chain |= {Path(os.path.realpath(root / PurePosixPath(c.path).parent)) for c in calls}
    if target in chain:
        return None, "the module calls itself (directly or through other modules); not followed"
    return target, ""


def roots_of(dirs: list[Path], calls: Mapping[Path, set[Path]]) -> list[Path]:
    """Root modules among the sorted ``dirs``: those no other directory calls, then
    (so that no code goes unjudged) the first directory of each cycle of calls that
    no root reaches. ``calls`` maps a directory to the real paths it calls."""
    real = {d: Path(os.path.realpath(d)) for d in dirs}
    by_real = {r: d for d, r in real.items()}
    called = {t for d in dirs for t in calls.get(d, set()) if t != real[d]}
    roots = [d for d in dirs if real[d] not in called]
    reached: set[Path] = set()

    def reach(start: Path) -> None:
        todo = [start]
        while todo:
            here = todo.pop()
            if here not in reached:
                reached.add(here)
                todo += calls.get(by_real.get(here, here), set())

    for d in roots:
        reach(real[d])
    for d in dirs:
        if real[d] not in reached:
            roots.append(d)
            reach(real[d])
    return sorted(roots)

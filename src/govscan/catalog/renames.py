"""Control renames: ``replaces: [old-id]`` keeps every reference to an old id working.

A control that was renamed lists its earlier ids under ``replaces``.  Waivers,
policy selections, severity overrides and inline ``# govscan:ignore=<id>``
suppressions that name an old id (or a glob that only matches an old id) then
apply to the renamed control, and the run notes each old id once so that the
reference can be updated.  A user control file that still carries an old id
overrides the renamed built-in control, as it did before the rename.

An old id is never also the id of another control, and two controls cannot
replace the same id: either would make the old id ambiguous.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from govscan.catalog.yamlsource import YamlDocument
from govscan.errors import Problem
from govscan.language.patterns import glob_matches
from govscan.model import Control

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Renamed:
    """Controls after renames were resolved, with what changed on the way."""

    controls: Mapping[str, Control]
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Old id -> the id of the control that replaces it."""
    overridden: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Control id -> (its file, the user file that still uses an old id and replaced it)."""
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Old ids control files still use -> current id."""
    problems: tuple[Problem, ...] = ()


def replaced_id_problem(old: str, control: Mapping[str, object]) -> str | None:
    """What is wrong with one ``replaces`` entry of a control file, if anything."""
    from govscan.catalog.controls import ID_PATTERN

    if not re.match(ID_PATTERN, old):
        return f"replaced id '{old}' must be lowercase dotted words ({ID_PATTERN})"
    if old == control.get("id"):
        return f"a control cannot replace its own id '{old}'"
    return None


def _replaces_problem(doc: YamlDocument | None, control: Control, old: str, why: str) -> Problem:
    index = control.replaces.index(old)
    if doc is None:
        return Problem(control.source, 1, 1, why)
    return doc.problem(("replaces", index), why)


def resolve_renames(
    controls: Mapping[str, Control],
    layers: Mapping[str, int],
    docs: Mapping[str, YamlDocument],
) -> Renamed:
    """Apply ``replaces`` to controls loaded layer by layer (``layers``: id -> layer,
    later layers override earlier ones; ``docs``: id -> document, for positions)."""
    out = dict(controls)
    aliases: dict[str, str] = {}
    problems: list[Problem] = []
    overridden: dict[str, tuple[str, str]] = {}
    renamed: dict[str, str] = {}
    for cid in sorted(out, key=lambda c: (layers.get(c, 0), c)):
        control = out[cid]
        for old in control.replaces:
            if old in aliases and aliases[old] != cid:
                problems.append(
                    _replaces_problem(
                        docs.get(cid),
                        control,
                        old,
                        f"'{old}' is already replaced by control '{aliases[old]}' "
                        f"({out[aliases[old]].source})",
                    )
                )
                continue
            aliases[old] = cid
    for old, new in sorted(aliases.items()):
        stale = out.get(old)
        if stale is None or new not in out:
            continue
        current = out[new]
        if layers.get(old, 0) > layers.get(new, 0):
            # A user file written before the rename: it overrides the renamed control.
            merged = tuple(dict.fromkeys((*current.replaces, *stale.replaces)))
            out[new] = replace(stale, id=new, replaces=merged)
            del out[old]
            overridden[new] = (current.source, stale.source)
            renamed[old] = new
            continue
        problems.append(
            _replaces_problem(
                docs.get(new),
                current,
                old,
                f"control '{new}' replaces '{old}', which is the id of a control ({stale.source})",
            )
        )
    return Renamed(
        controls=dict(sorted(out.items())),
        aliases=dict(sorted(aliases.items())),
        overridden=overridden,
        renamed=renamed,
        problems=tuple(problems),
    )


def renamed_references(patterns: Iterable[str], controls: Iterable[Control]) -> dict[str, str]:
    """Old id -> current id, for each pattern (a waiver's control, a selected id, a
    suppression) that names a control only through an id the control replaced."""
    renamed = [c for c in controls if c.replaces]
    out: dict[str, str] = {}
    if not renamed:
        return out
    for pattern in dict.fromkeys(patterns):
        for c in renamed:
            if glob_matches(c.id, pattern):
                continue
            for old in c.replaces:
                if glob_matches(old, pattern):
                    out[old] = c.id
    return out


def matches_control(pattern: str, control: Control) -> bool:
    """Whether a control id pattern names the control by its id or an id it replaced."""
    return glob_matches(control.id, pattern) or any(
        glob_matches(old, pattern) for old in control.replaces
    )


def note_renames(renamed: Mapping[str, str], noted: set[str]) -> None:
    """Log one deprecation note per old id not noted before in this run."""
    for old, new in sorted(renamed.items()):
        if old in noted:
            continue
        noted.add(old)
        log.warning(
            "control id '%s' is deprecated: the control is now '%s' (update waivers, "
            "policies and suppressions that name it)",
            old,
            new,
        )

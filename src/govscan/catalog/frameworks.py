"""Framework catalogs: requirement ids and short titles, shipped as package data.

Every requirement id a control maps to must exist here; the catalogs also give
reports the full list of requirements, so gaps ("manual evidence needed") show.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from govscan.paths import data_dir

FRAMEWORK_KEYS: tuple[str, ...] = (
    "iso27001-2022",
    "nist-800-53-r5",
    "nist-csf-2.0",
    "dsgvo",
    "bsi-c5-2020",
)


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    group: str = ""
    title_en: str = ""
    """English title where ``title`` is in another language (DSGVO)."""


@dataclass(frozen=True)
class Framework:
    key: str
    title: str
    version: str
    requirements: tuple[Requirement, ...]
    source: str = ""
    as_of: str = ""
    _index: Mapping[str, Requirement] = field(default_factory=dict, repr=False, compare=False)

    def has(self, requirement_id: str) -> bool:
        return requirement_id in self._index

    def get(self, requirement_id: str) -> Requirement | None:
        return self._index.get(requirement_id)

    def closest(self, requirement_id: str, n: int = 3) -> list[str]:
        """Ids that look like a mistyped one, for "did you mean" messages."""
        return difflib.get_close_matches(requirement_id, list(self._index), n=n, cutoff=0.75)


def _load(key: str) -> Framework:
    path = data_dir() / "frameworks" / f"{key}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    reqs = tuple(
        Requirement(r["id"], r["title"], r.get("group", ""), r.get("title_en", ""))
        for r in doc["requirements"]
    )
    return Framework(
        key=key,
        title=doc["title"],
        version=doc["version"],
        requirements=reqs,
        source=doc.get("source", ""),
        as_of=doc.get("as_of", ""),
        _index={r.id: r for r in reqs},
    )


@cache
def load_frameworks() -> Mapping[str, Framework]:
    return {key: _load(key) for key in FRAMEWORK_KEYS}


def load_framework(key: str) -> Framework:
    """The catalog of one framework; ``KeyError`` for an unknown key."""
    return load_frameworks()[key]

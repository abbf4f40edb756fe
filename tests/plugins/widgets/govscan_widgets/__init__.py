"""A third-party collector as another package would ship it: its own flags, its own
``targets.widgets`` block, a resource type and a permissions document.

Installed by the tests through an entry point (``govscan.collectors``), never imported
by govscan directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from govscan.collectors.interface import (
    CollectionPlan,
    Collector,
    CollectorOption,
    Item,
    TargetBlock,
)
from govscan.errors import UsageError
from govscan.model import (
    CollectionError,
    FieldSpec,
    Resource,
    ResourceRef,
    ResourceTypeSpec,
    Target,
)


class WidgetCollector(Collector):
    name: ClassVar[str] = "widgets"
    title: ClassVar[str] = "Widget inventory"
    produces: ClassVar[tuple[str, ...]] = ("widgets.*",)
    blocks: ClassVar[tuple[TargetBlock, ...]] = (TargetBlock("widgets", scalar="file"),)
    options: ClassVar[tuple[CollectorOption, ...]] = (
        CollectorOption(
            "widgets",
            "--widgets",
            "file",
            kind="path",
            target=True,
            metavar="FILE",
            help="Widget inventory (JSON) to scan.",
        ),
        CollectorOption(
            "widgets_colors",
            "--widgets-colors",
            "colors",
            kind="list",
            help="Comma-separated colours to scan (default: all).",
        ),
        CollectorOption(
            "widgets_min_size", "--widgets-min-size", "min_size", kind="int", help="Skip smaller."
        ),
    )

    def __init__(self, path: Path, colors: tuple[str, ...], min_size: int) -> None:
        self.path = path
        self.colors = colors
        self.min_size = min_size

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        path = options.get("widgets")
        if not path:
            return None
        if not Path(path).is_file():
            raise UsageError(f"--widgets {path}: no such file")
        colors = tuple(options.get("widgets_colors") or ())
        return cls(Path(path), colors, int(options.get("widgets_min_size") or 0))

    @classmethod
    def resource_type_specs(cls) -> Mapping[str, ResourceTypeSpec]:
        fields = {n: FieldSpec(n, "any") for n in ("color", "size", "sealed")}
        return {
            "widgets.widget": ResourceTypeSpec(
                "widgets.widget", "widgets", "A widget", True, fields
            )
        }

    @classmethod
    def permissions(cls, plan: CollectionPlan) -> Mapping[str, Any]:
        fields = sorted({f for fs in plan.fields.values() for f in fs})
        return {"role": "widget-reader", "grants": [f"widgets.read.{f}" for f in fields]}

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        try:
            rows = json.loads(self.path.read_text())
        except (OSError, ValueError) as exc:
            yield CollectionError("widgets", f"{self.path}: {exc}", tuple(plan.fields))
            return
        for row in rows:
            if self.colors and row["color"] not in self.colors:
                continue
            if row["size"] < self.min_size:
                continue
            ref = ResourceRef("widgets.widget", f"widget/{row['id']}", row["id"], "widgets")
            yield Resource(ref, {k: row[k] for k in ("color", "size", "sealed")})

    def targets(self) -> list[Target]:
        return [Target("widgets", self.path.name)]

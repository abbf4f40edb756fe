"""A tiny in-memory collector for engine and CLI tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from govscan.collectors.interface import CollectionPlan, Collector, Item
from govscan.model import (
    CollectionError,
    FieldSpec,
    Resource,
    ResourceRef,
    ResourceTypeSpec,
    Target,
)

THING = "fake.thing"
OTHER = "fake.other"


def thing(rid: str, unavailable: Mapping[str, str] | None = None, **data: Any) -> Resource:
    return Resource(
        ref=ResourceRef(
            type=THING,
            id=rid,
            name=rid.rsplit("/", 1)[-1],
            provider="fake",
            account="111122223333",
            region=data.get("region", "eu-central-1"),
        ),
        data=data,
        unavailable=dict(unavailable or {}),
    )


class FakeCollector(Collector):
    name: ClassVar[str] = "fake"
    items: ClassVar[list[Item]] = []
    plans: ClassVar[list[CollectionPlan]] = []
    explode: ClassVar[bool] = False
    always: ClassVar[bool] = False
    """Target the collector whatever the options say (for command-line tests)."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        return cls() if options.get("fake") or cls.always else None

    @classmethod
    def resource_type_specs(cls) -> Mapping[str, ResourceTypeSpec]:
        fields = {n: FieldSpec(n, "any") for n in ("encrypted", "size", "tags", "region")}
        return {
            THING: ResourceTypeSpec(THING, "fake", "A test resource", True, fields),
            OTHER: ResourceTypeSpec(OTHER, "fake", "Another test resource", True, fields),
        }

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        type(self).plans.append(plan)
        for item in type(self).items:
            if isinstance(item, CollectionError) or item.ref.type in plan.fields:
                yield item
        if type(self).explode:
            raise RuntimeError("boom")

    def targets(self) -> list[Target]:
        return [Target("fake", "111122223333")]


def error(types: tuple[str, ...] = (THING,), region: str = "us-east-1") -> CollectionError:
    return CollectionError(
        collector="fake",
        message="AccessDenied",
        resource_types=types,
        account="111122223333",
        region=region,
        operation="fake:ListThings",
    )

"""The AVV registry collector: processors, transfers and records of processing.

It reads an AVV registry (``--registry FILE``) and, optionally, the records of
processing activities (option ``records``), validates both, and runs after
the other collectors so that it can judge whether every scanned account and
integration is covered by a data-processing agreement (Art. 28 DSGVO).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from govscan.catalog.yamlsource import YamlDocument, YamlSyntaxError, load_yaml
from govscan.collectors.interface import (
    CollectionPlan,
    Collector,
    CollectorOption,
    Item,
    TargetBlock,
)
from govscan.errors import Problem, UsageError, ValidationError
from govscan.model import Target

log = logging.getLogger(__name__)

__all__ = ["RegistryCollector", "RegistryInvalid", "load_document"]


class RegistryInvalid(ValidationError, UsageError):
    """A registry or records file with problems: nothing is scanned (exit code 2)."""


def load_document(path: Path, kind: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse and validate one file; the document is None when it cannot be parsed."""
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        return None, [exc.problem]
    from govscan.collectors.registry.validate import validate_document

    return doc, validate_document(kind, doc)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RegistryCollector(Collector):
    name: ClassVar[str] = "registry"
    produces: ClassVar[tuple[str, ...]] = ("dsgvo.*",)
    after_others: ClassVar[bool] = True
    title: ClassVar[str] = "AVV registry (DSGVO)"
    blocks: ClassVar[tuple[TargetBlock, ...]] = (
        TargetBlock("registry", scalar="file"),
        TargetBlock("records", scalar="file"),
    )
    options: ClassVar[tuple[CollectorOption, ...]] = (
        CollectorOption(
            "registry",
            "--registry",
            "file",
            kind="path",
            target=True,
            metavar="FILE",
            help="AVV registry file.",
        ),
        CollectorOption(
            "records",
            "--records",
            "file",
            block="records",
            kind="path",
            metavar="FILE",
            help="Records of processing activities (Art. 30 VVT) linked to the registry.",
        ),
    )

    def __init__(
        self,
        registry: YamlDocument,
        records: YamlDocument | None = None,
        *,
        hashes: Mapping[str, str] | None = None,
    ) -> None:
        # Imported here: the class is loaded to build `govscan scan --help`, which
        # needs neither the normaliser nor jsonschema.
        from govscan.collectors.registry import normalize

        self.registry = normalize.Source.of(registry)
        self.records = normalize.Source.of(records) if records is not None else None
        self._hashes = dict(hashes or {})
        self._done = False

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> RegistryCollector | None:
        registry = options.get("registry")
        if not registry:
            return None
        records = options.get("records")
        problems: list[Problem] = []
        docs: dict[str, YamlDocument] = {}
        hashes: dict[str, str] = {}
        for kind, value in (("registry", registry), ("records", records)):
            if not value:
                continue
            path = Path(str(value))
            if not path.is_file():
                raise UsageError(f"{kind} file not found: {path}")
            doc, found = load_document(path, kind)
            problems.extend(found)
            if doc is not None:
                docs[kind] = doc
                hashes[doc.path] = _sha256(path)
        if problems:
            raise RegistryInvalid(problems)
        return cls(docs["registry"], docs.get("records"), hashes=hashes)

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        from govscan.collectors.registry import normalize, usage

        wanted = plan.resource_types
        by_processor = (
            normalize.activities_by_processor(self.records) if self.records is not None else None
        )
        if "dsgvo.processor" in wanted:
            yield from normalize.processors(self.registry, by_processor)
        if "dsgvo.transfer" in wanted:
            yield from normalize.transfers(self.registry)
        if "dsgvo.service_usage" in wanted:
            yield from usage.service_usages(self.registry, plan.targets)
        if "dsgvo.activity" in wanted and self.records is not None:
            yield from normalize.activities(self.records, self.registry)
        self._done = True

    def targets(self) -> list[Target]:
        out = [
            Target(
                "registry",
                self.registry.doc.path,
                {
                    "kind": "avv-registry",
                    "processors": len(self.registry.data.get("processors") or []),
                    "sha256": self._hashes.get(self.registry.doc.path, ""),
                },
            )
        ]
        if self.records is not None:
            out.append(
                Target(
                    "registry",
                    self.records.doc.path,
                    {
                        "kind": "records-of-processing",
                        "activities": len(self.records.data.get("activities") or []),
                        "sha256": self._hashes.get(self.records.doc.path, ""),
                    },
                )
            )
        return out

"""Declarations for collectors govscan announces but does not ship yet.

They keep the flags (``--azure``, ``--gcp-projects``, ...) and ``targets`` blocks
that scripts and ``govscan.yaml`` files already use, so both stay valid; an
installed collector of the same name replaces the declaration.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from govscan.collectors.interface import CollectionPlan, Collector, Item

log = logging.getLogger(__name__)


class _Placeholder(Collector):
    placeholder: ClassVar[bool] = True

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        if options.get(cls.name):
            # Accepted so that existing invocations keep working, but never silently:
            # nothing of this cloud is judged.
            log.warning(
                "no %s collector is installed: --%s is accepted and nothing of it is scanned",
                cls.name,
                cls.name,
            )
        return None

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:  # pragma: no cover
        return iter(())


PLACEHOLDERS: tuple[type[Collector], ...] = ()

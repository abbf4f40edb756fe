"""The collected resources of a run, streamed into ``resources.jsonl.gz`` as they arrive."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from govscan.model import Resource
from govscan.serialize import ref_to_dict


def resource_to_dict(resource: Resource) -> dict[str, Any]:
    doc = ref_to_dict(resource.ref)
    doc.update(
        {
            "origin": resource.origin,
            "tags": dict(resource.tags),
            "data": resource.data,
            "unavailable": dict(resource.unavailable),
        }
    )
    return doc


class ResourceWriter:
    """Writes one JSON line per resource; gzip without timestamps, so bytes are reproducible."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._raw: IO[bytes] | None = None
        self._gz: gzip.GzipFile | None = None
        self.count = 0

    def __enter__(self) -> ResourceWriter:
        self._raw = self.path.open("wb")
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
        return self

    def write(self, resource: Resource) -> None:
        assert self._gz is not None, "use ResourceWriter as a context manager"
        line = json.dumps(
            resource_to_dict(resource), sort_keys=True, ensure_ascii=False, default=str
        )
        self._gz.write(line.encode("utf-8") + b"\n")
        self.count += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._gz is not None:
            self._gz.close()
        if self._raw is not None:
            self._raw.close()

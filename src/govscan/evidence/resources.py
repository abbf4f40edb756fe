"""The collected resources of a run, streamed into ``resources.jsonl.gz`` as they arrive.

One JSON document per line, keys sorted::

    {"account", "data", "id", "location", "name", "origin", "provider",
     "region", "tags", "type", "unavailable"[, "unknown"]}

``Result.evidence`` (``resources.jsonl#<id>``) points at the line whose
``id`` matches.  Values pass through :func:`govscan.evidence.redact.redact`.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from govscan.errors import StorageError
from govscan.evidence.redact import redact
from govscan.evidence.safeio import open_new
from govscan.model import Resource


def resource_to_dict(resource: Resource) -> dict[str, Any]:
    ref = resource.ref
    location: dict[str, Any] | None = None
    if ref.location is not None:
        location = {"path": ref.location.path, "line": ref.location.line}
        if ref.location.end_line is not None:
            location["end_line"] = ref.location.end_line
        if ref.location.called_from:
            location["called_from"] = [
                {"path": c.path, "line": c.line}
                | ({"end_line": c.end_line} if c.end_line is not None else {})
                for c in ref.location.called_from
            ]
    return {
        "type": ref.type,
        "id": ref.id,
        "name": ref.name,
        "provider": ref.provider,
        "account": ref.account,
        "region": ref.region,
        "location": location,
        "origin": resource.origin,
        "tags": redact(dict(resource.tags)),
        "data": redact(resource.data),
        "unavailable": dict(resource.unavailable),
        # Only when there are any: lines of resources without keep their bytes.
        **({"unknown": dict(resource.unknown)} if resource.unknown else {}),
    }


# ``json.dumps`` with options builds an encoder per call; one per process suffices.
_LINE = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def resource_line(resource: Resource) -> bytes:
    doc = resource_to_dict(resource)
    return _LINE.encode(doc).encode("utf-8") + b"\n"


_BATCH_BYTES = 1 << 16


class ResourceWriter:
    """Writes one JSON line per resource as the scan streams them; memory stays flat.

    The gzip header carries no timestamp and no file name, so the same
    resources always give the same bytes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._raw: IO[bytes] | None = None
        self._gz: gzip.GzipFile | None = None
        # Lines are handed to gzip in batches: one compress call per line costs more
        # than compressing, and the compressed stream is the same either way.
        self._pending: list[bytes] = []
        self._pending_size = 0
        self.count = 0

    def __enter__(self) -> ResourceWriter:
        # A new file only: never through a link, never over another file.
        self._raw = open_new(self.path)
        # Level 6 (zlib's default) is several times faster than gzip's 9 for ~3% more bytes.
        try:
            self._gz = gzip.GzipFile(
                filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=6
            )
        except OSError as exc:  # the header is written at once: the disk may be full
            self._raw.close()
            self._raw = None
            raise StorageError.writing(self.path, exc) from None
        return self

    def write(self, resource: Resource) -> None:
        if self._gz is None:
            raise RuntimeError("ResourceWriter.write() outside its 'with' block")
        line = resource_line(resource)
        self._pending.append(line)
        self._pending_size += len(line)
        self.count += 1
        if self._pending_size >= _BATCH_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._gz is not None and self._pending:
            try:
                self._gz.write(b"".join(self._pending))
            except OSError as exc:
                raise StorageError.writing(self.path, exc) from None
        self._pending.clear()
        self._pending_size = 0

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._gz is not None:
                try:
                    self._flush()
                finally:
                    gz, self._gz = self._gz, None
                    gz.close()
        except OSError as exc:
            raise StorageError.writing(self.path, exc) from None
        finally:
            if self._raw is not None:
                self._raw.close()
                self._raw = None


def read_resources(path: Path) -> list[dict[str, Any]]:
    """All lines of a ``resources.jsonl.gz`` (for tools and tests; reports never need it)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]

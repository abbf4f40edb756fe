"""Resource lines reach gzip in batches: the same bytes, and a full disk still one error."""

from __future__ import annotations

import errno
import gzip
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import govscan.evidence.resources as resources_module
from govscan.errors import StorageError
from govscan.evidence.resources import ResourceWriter, read_resources, resource_line
from govscan.model import Resource
from tests.reporters.sample_scan import sample_resources


def _many(n: int) -> list[Resource]:
    base = sample_resources()
    out = []
    for i in range(n):
        r = base[i % len(base)]
        # Lines of varying length, some long, so that batches end anywhere in a line.
        data = {**r.data, "note": "x" * (i * 37 % 3000), "i": i}
        out.append(replace(r, ref=replace(r.ref, id=f"{r.ref.id}-{i}"), data=data))
    return out


def _line_by_line(resources: list[Resource]) -> bytes:
    """The file as written before batching: one compress call per line."""
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
        for r in resources:
            gz.write(resource_line(r))
    return raw.getvalue()


@pytest.mark.parametrize("n", [0, 1, 7, 400])
def test_batched_lines_give_the_bytes_of_single_lines(tmp_path: Path, n: int) -> None:
    resources = _many(n)
    path = tmp_path / "r.jsonl.gz"
    with ResourceWriter(path) as sink:
        for r in resources:
            sink.write(r)
    assert sink.count == n
    assert path.read_bytes() == _line_by_line(resources)
    assert [d["id"] for d in read_resources(path)] == [r.ref.id for r in resources]


class _FullDisk(io.BytesIO):
    """A file that takes ``room`` bytes, then reports a full disk."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


@pytest.mark.parametrize("room", [0, 100])
def test_a_full_disk_is_one_storage_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int
) -> None:
    monkeypatch.setattr(resources_module, "open_new", lambda path: _FullDisk(room))
    path = tmp_path / "r.jsonl.gz"
    with pytest.raises(StorageError, match="No space left") as info, ResourceWriter(path) as sink:
        for r in _many(3):
            sink.write(r)  # held in the batch: the error comes when it is written
    assert str(path) in str(info.value)

"""File access for bundles that never follows a symbolic link.

A pull request can commit a symbolic link where govscan writes (say
``govscan-results/results.sarif -> ~/.ssh/authorized_keys``) or where it reads
(``manifest.json -> /dev/zero``). Every bundle file is therefore created with
``O_EXCL | O_NOFOLLOW`` in a directory govscan has just made, replaced by
renaming a fresh file over it, and read only when it is a regular file, up to
a size limit.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

from govscan.errors import StorageError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def open_new(path: Path) -> IO[bytes]:
    """A new file for writing; fails if anything (a symbolic link too) has the name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise StorageError.writing(path, exc) from None
    return os.fdopen(fd, "wb")


def write_new(path: Path, data: bytes) -> None:
    with open_new(path) as fh:
        try:
            fh.write(data)
        except OSError as exc:
            raise StorageError.writing(path, exc) from None


def replace_file(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` through a new file renamed over it.

    The rename replaces whatever has the name (a symbolic link is replaced, its
    target never touched); a directory of that name is an error.
    """
    tmp = path.with_name(f".{path.name}.govscan-tmp-{secrets.token_hex(6)}")
    try:
        with open_new(tmp) as fh:
            write(fh)
        tmp.replace(path)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise StorageError.writing(path, exc) from None
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


class NotRegular(OSError):
    """The name exists but is not a regular file (a link, directory, FIFO, device)."""


class TooLarge(OSError):
    """A regular file larger than the caller allows."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, never through a link.

    ``O_NONBLOCK`` keeps a FIFO from blocking the open; it is rejected right after.
    """
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(f"{path} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(f"{path} is larger than {limit} bytes")
    return data


def open_regular(path: Path) -> IO[bytes]:
    """A regular file opened for reading, never through a link (see ``read_regular``)."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(f"{path} is not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def kind_of(mode: int) -> str:
    """What a directory entry is, in words, for messages."""
    if stat.S_ISREG(mode):
        return "regular file"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"

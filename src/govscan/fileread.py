"""Reading input files with a size limit, and repository files without leaving the tree.

Every file govscan reads may come from a pull request. A symbolic link can point
at ``/etc/passwd`` or a token file, a FIFO blocks whoever opens it, and
``/dev/zero`` never ends. So only regular files are read, never more than a
limit, and a repository file only when its real path stays inside the
repository: each directory on the way is opened with ``O_NOFOLLOW`` relative to
the previous one, so a link swapped in after the check cannot lead outside
either. Messages name the file and the reason, never the file's content or a
link's target.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
"""Bytes read from one file at most: far above any hand-written Terraform file,
workflow, Dockerfile or catalog file, far below what exhausts memory."""

HCL_SIZE_DIVISOR = 5
"""A Terraform ``.tf`` file may be this many times smaller than the per-file limit
(2 MiB by default, about fifty times the largest module file seen in public
modules): the HCL parser needs about 150 bytes of memory per byte of source."""

PLAN_SIZE_FACTOR = 10
"""A Terraform plan JSON may be this many times the per-file limit: it carries every
planned value of a whole configuration in one file."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class UnreadableFile(Exception):
    """A file that was not read; ``reason`` is one line and quotes nothing from it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _read_fd(fd: int, limit: int) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile(f"{kind_of(st.st_mode)}, not a regular file; not read")
    if st.st_size > limit:
        raise UnreadableFile(_too_large(limit))
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:  # grew while being read
        raise UnreadableFile(_too_large(limit))
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"larger than the {format_size(limit)} limit (max_file_size); not read"


def format_size(n: int) -> str:
    if n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


def _oserror(exc: OSError) -> UnreadableFile:
    return UnreadableFile(f"cannot read: {exc.strerror or type(exc).__name__}")


def read_regular(path: Path, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """A file the user named (symbolic links followed): regular files only, at most
    ``limit`` bytes. A FIFO is refused without blocking (opened non-blocking)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(f"{kind_of(st.st_mode)}, not a regular file; not read")
        fd = os.open(path, os.O_RDONLY | _CLOEXEC | _NONBLOCK)
    except OSError as exc:
        raise _oserror(exc) from None
    try:
        return _read_fd(fd, limit)
    except OSError as exc:
        raise _oserror(exc) from None
    finally:
        os.close(fd)


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``'s real location (links resolved) is ``root`` or below it;
    ``root`` must already be resolved."""
    real = os.path.realpath(path)
    base = str(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def read_in_tree(root: Path, path: Path, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """A file below ``root``, read only if its real path stays inside the root and it
    is a regular file of at most ``limit`` bytes."""
    root = Path(os.path.realpath(root))
    if not inside(root, path):
        raise UnreadableFile("a symbolic link that leads outside the repository; not read")
    parts = Path(os.path.realpath(path)).relative_to(root).parts
    if not parts:
        raise UnreadableFile("a directory, not a regular file; not read")
    try:
        dir_fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError as exc:
        raise _oserror(exc) from None
    try:
        for part in parts[:-1]:
            next_fd = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = next_fd
        st = os.stat(parts[-1], dir_fd=dir_fd, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode):
            # Never opened: opening a FIFO would block, a device may never end.
            raise UnreadableFile(f"{kind_of(st.st_mode)}, not a regular file; not read")
        fd = os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=dir_fd)
    except OSError as exc:
        raise _oserror(exc) from None
    finally:
        os.close(dir_fd)
    try:
        return _read_fd(fd, limit)
    except OSError as exc:
        raise _oserror(exc) from None
    finally:
        os.close(fd)


_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024**2, "mb": 1000**2}
_UNITS |= {"mib": 1024**2, "g": 1024**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(value: object) -> int:
    """A byte count from ``10485760``, ``"10 MiB"`` or ``"500k"``; raises ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError("a size must be a number of bytes, e.g. 10485760 or '10 MiB'")
    if isinstance(value, int):
        number, unit = value, ""
    else:
        text = str(value).strip().lower()
        digits = text.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
        unit = text[len(digits) :].strip() if digits else text
        if not digits.isdigit() or unit not in _UNITS:
            raise ValueError("a size must be a number of bytes, e.g. 10485760 or '10 MiB'")
        number = int(digits)
    size = number * _UNITS[unit]
    if size <= 0:
        raise ValueError("a size must be more than 0 bytes")
    return size

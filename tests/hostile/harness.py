"""Runs govscan on one hostile input in a child process, under a memory limit, and
records everything a case asserts: exit code, output, bundle files and every file
outside the output directory before and after."""

from __future__ import annotations

import gzip
import hashlib
import os
import resource
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MEMORY_LIMIT = 1536 * 1024 * 1024
"""Address-space limit of the child: a bomb fails the case instead of the machine."""

WALL_LIMIT = 60
"""Seconds before the child is killed: a hang fails the case instead of the suite."""

SECRET = "hostile-secret-4f2a9c"
"""Written to files outside the scanned tree; must never appear in any output."""


@dataclass
class World:
    """A scratch area: ``repo`` (scanned), ``outside`` (never read or written),
    ``out`` (the output directory) and ``inputs`` (controls, policies, bundles)."""

    root: Path

    @property
    def repo(self) -> Path:
        return self.root / "repo"

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def link(self, rel: str, target: str | Path) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        return path

    def fifo(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        return path


@dataclass(frozen=True)
class Case:
    """One hostile input: how to build it, how to run govscan on it, what must hold."""

    name: str
    build: Callable[[World], list[str]]
    """Creates the input and returns govscan's arguments (paths relative to the world)."""
    codes: tuple[int, ...]
    """Acceptable exit codes."""
    names: tuple[str, ...] = ()
    """Each must appear in one line of stderr or in results.json's errors: the file named."""
    writable: tuple[str, ...] = ("out",)
    """World-relative paths govscan may create or change."""
    forbidden: tuple[str, ...] = (SECRET,)
    """Strings that must not appear in any output or bundle file."""
    extra: Callable[[World, Outcome], None] | None = None
    """Further assertions."""


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


EVERY_FORMAT = "json,html,sarif,csv,md,junit,oscal"


def scan_args(*extra: str) -> list[str]:
    """``govscan scan`` of the world's repository into its output directory, every
    report format written (each is a place a leaked secret could show up)."""
    return [
        "scan",
        "--repo",
        "repo",
        "--output-dir",
        "out",
        "--format",
        EVERY_FORMAT,
        "--fail-on",
        "none",
        *extra,
    ]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(world: World, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVSCAN_", "GITHUB_"))}
    # Fewer malloc arenas keep a threaded child's address space small.
    env["MALLOC_ARENA_MAX"] = "2"
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    return subprocess.run(
        [sys.executable, "-m", "govscan", *args],
        cwd=world.root,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=WALL_LIMIT,
        preexec_fn=_limit,
        check=False,
    )


def snapshot(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    """Every entry below ``root`` (symlinks not followed) with its kind and content hash."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = [d for d in dirnames if str(rel_dir / d) not in skip]
        for name in [*dirnames, *filenames]:
            rel = str(rel_dir / name)
            if rel in skip:
                continue
            path = Path(dirpath) / name
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = "link:" + os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                out[rel] = "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = "dir"
            else:
                out[rel] = f"special:{stat.S_IFMT(st.st_mode)}"
    return out


def bundle_texts(directory: Path) -> Iterator[tuple[Path, str]]:
    """The text of every regular file below ``directory``, gzip members unpacked."""
    if not directory.is_dir() or directory.is_symlink():
        return
    for dirpath, _dirs, files in os.walk(directory):
        for name in files:
            path = Path(dirpath) / name
            if not stat.S_ISREG(path.lstat().st_mode):
                continue
            raw = path.read_bytes()
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            yield path, raw.decode("utf-8", "replace")

"""Which repository files the collector reads, and how one bad file stays one error.

The walk never leaves the resolved repository root: a symbolic link to a
directory outside is reported, not followed; a link to a directory inside is
not followed either (what it points at is scanned where it lives). Reading
goes through ``govscan.fileread.read_in_tree``. Each file is collected in
isolation: whatever goes wrong with it (a link out of the tree, a FIFO, the
size limit, nesting too deep for Python, a plan whose values have the wrong
types) becomes one ``errors`` entry naming the file, and every other file is
still judged.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from govscan.collectors.interface import Item
from govscan.fileread import UnreadableFile, inside
from govscan.model import CollectionError

log = logging.getLogger("govscan.collectors.repo")

SKIP_DIRS = frozenset(
    {
        ".git",
        ".terraform",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".ruff_cache",
        "dist",
        "build",
    }
)


class FileProblem(Exception):
    """Something wrong in one repository file: where and why, quoting nothing from it."""

    def __init__(self, rel: str, line: int, reason: str) -> None:
        super().__init__(f"{rel}:{line}: {reason}")
        self.rel = rel
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Skipped:
    """A directory the walk did not enter, and why (never what it points at)."""

    rel: str
    reason: str


@dataclass(frozen=True)
class Listing:
    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...]


def walk(root: Path, exclude: tuple[str, ...] = (), skip: frozenset[str] = frozenset()) -> Listing:
    """Files below the resolved ``root`` (names only: nothing is opened), sorted;
    ``skip`` are directories (relative to ``root``) never entered."""
    files: list[Path] = []
    skipped: list[Skipped] = []

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename or root)
        rel = where.relative_to(root).as_posix() if where != root else "."
        skipped.append(Skipped(rel, f"cannot read the directory: {exc.strerror}; not scanned"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        if rel_dir in skip or any(
            fnmatch.fnmatch(rel_dir, pat) or fnmatch.fnmatch(rel_dir + "/", pat) for pat in exclude
        ):
            dirnames[:] = []
            continue
        kept = []
        for d in sorted(dirnames):
            if d in SKIP_DIRS:
                continue
            path = here / d
            if path.is_symlink():
                if not inside(root, path):
                    skipped.append(
                        Skipped(
                            path.relative_to(root).as_posix(),
                            "a symbolic link to a directory outside the repository; not scanned",
                        )
                    )
                continue
            kept.append(d)
        dirnames[:] = kept
        for f in sorted(filenames):
            p = here / f
            if any(fnmatch.fnmatch(p.relative_to(root).as_posix(), pat) for pat in exclude):
                continue
            files.append(p)
    return Listing(tuple(files), tuple(skipped))


def is_workflow(path: Path) -> bool:
    return path.suffix in (".yml", ".yaml") and path.parent.as_posix().endswith(".github/workflows")


def is_dockerfile(path: Path) -> bool:
    name = path.name
    return name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")


def isolated(items: Iterator[Item], rel: str, types: tuple[str, ...]) -> Iterator[Item]:
    """The items of one file (or module); whatever fails there becomes one error
    naming it, after the items it yielded before failing."""
    try:
        yield from items
    except UnreadableFile as exc:
        yield file_error(rel, 1, 1, exc.reason, types)
    except FileProblem as exc:
        yield file_error(exc.rel, exc.line, 1, exc.reason, types)
    except RecursionError:
        yield file_error(rel, 1, 1, "nested too deeply to evaluate; not judged", types)
    except Exception as exc:  # any failure of one file is that file's error
        # The exception text may quote the file; its type is enough to name the fault.
        log.debug("repository file %s failed", rel, exc_info=True)
        reason = f"could not be interpreted ({type(exc).__name__}); not judged"
        yield file_error(rel, 1, 1, reason, types)


def file_error(
    rel: str, line: int, col: int, reason: str, types: tuple[str, ...]
) -> CollectionError:
    return CollectionError("repo", f"{rel}:{line}:{col}: {reason}", types, operation=f"parse:{rel}")


def skipped_error(s: Skipped) -> CollectionError:
    return CollectionError("repo", f"{s.rel}: {s.reason}", (), operation=f"walk:{s.rel}")

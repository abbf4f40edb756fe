"""Claiming an output directory, and replacing the bundle in it without losing anything.

Rules (contract, see docs/evidence.md):

* A directory is a govscan bundle only when it holds the marker file
  ``.govscan-bundle`` with govscan's content, and its entries are exactly the
  regular files its manifest lists (plain names) plus the manifest and its
  signature. A pull request can commit a forged manifest, so nothing weaker
  counts: a manifest listing ``../x`` or ``.git`` does not make a bundle.
* An output directory that is neither absent, empty nor such a bundle is
  refused before anything is collected.
* The new bundle is written into a fresh staging directory beside the target.
  Only when it is complete is the old bundle renamed away, the new one renamed
  in, and the old one's listed files (and then its directory, if empty)
  removed. A run that fails or is interrupted removes its staging directory
  and nothing else.
* Two runs into the same directory never interleave. The run's staging
  directory carries an exclusive ``flock`` for the whole run; claiming (checking
  the target and the other staging directories, creating one's own) and the
  final swap each happen under a short ``flock`` on the parent directory. A
  second run into the same target finds a locked staging directory and fails at
  once; runs into sibling directories of one parent go ahead side by side.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from govscan.errors import EvidenceError, StorageError, UsageError
from govscan.evidence.manifest import (
    MARKER,
    MARKER_BYTES,
    NOT_LISTED,
    listed_files,
    read_manifest,
)
from govscan.evidence.safeio import kind_of, read_regular

log = logging.getLogger(__name__)

_STAGING = "govscan-tmp"
_ASIDE = "govscan-old"


def bundle_problem(path: Path) -> str | None:
    """Why the directory ``path`` is not a govscan bundle, or ``None`` when it is."""
    try:
        marker = read_regular(path / MARKER, len(MARKER_BYTES))
    except FileNotFoundError:
        return f"it has no {MARKER} marker"
    except OSError:
        return f"its {MARKER} is not a regular file of govscan's"
    if marker != MARKER_BYTES:
        return f"its {MARKER} is not govscan's marker"
    try:
        _, doc = read_manifest(path)
    except EvidenceError as exc:
        return f"its manifest is unusable: {exc.message}"
    listed, invalid = listed_files(doc)
    if invalid:
        return f"its manifest lists {invalid[0]!r}, which is not a plain file name"
    if MARKER not in listed:
        return f"its manifest does not list {MARKER}"
    names: set[str] = set()
    with os.scandir(path) as it:
        for entry in it:
            mode = entry.stat(follow_symlinks=False).st_mode
            if not stat.S_ISREG(mode):
                return f"it holds {entry.name!r}, a {kind_of(mode)}"
            names.add(entry.name)
    unlisted = sorted(names - set(listed) - NOT_LISTED)
    if unlisted:
        return f"it holds {unlisted[0]!r}, which its manifest does not list"
    absent = sorted(set(listed) - names)
    if absent:
        return f"its manifest lists {absent[0]!r}, which is not there"
    return None


def _names(path: Path) -> list[str]:
    with os.scandir(path) as it:
        return [e.name for e in it]


class OutputDir:
    """A claimed output directory: write into ``staging``, then :meth:`commit`."""

    def __init__(self, target: Path, *, require_bundle: bool = False) -> None:
        # Lexically absolute: resolving would follow a link planted at the target.
        self.target = Path(os.path.abspath(target))  # noqa: PTH100
        self.parent = self.target.parent
        self._lock_fd: int | None = None
        self._committed = False
        self.previous: frozenset[str] | None = None
        """Names the current bundle holds (``None``: no directory yet)."""
        self._ident: tuple[int, int] | None = None
        self._check_target()
        with self._parent_locked(wait=True):
            self._inspect(require_bundle)
            self._refuse_if_running()
            token = secrets.token_hex(6)
            self.staging = self.parent / f".{self.target.name}.{_STAGING}-{token}"
            try:
                self.staging.mkdir()  # fails if the name exists: it is ours alone
            except OSError as exc:
                raise StorageError.writing(self.staging, exc) from None
            self._lock_fd = _try_flock(self.staging)

    @property
    def excluded(self) -> tuple[str, ...]:
        """Real paths a repository scan must not walk: the output and staging directories."""
        real_parent = self.parent.resolve()
        return (str(real_parent / self.target.name), str(real_parent / self.staging.name))

    def _check_target(self) -> None:
        if self.target.parent == self.target:
            raise UsageError(f"{self.target}: cannot use the root directory as --output-dir")
        here = Path.cwd().resolve()
        real = self.target.resolve()
        if here == real or real in here.parents:
            raise UsageError(
                f"{self.target}: the output directory contains the working directory; "
                "choose another --output-dir"
            )
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                f"cannot create output directory {self.target}: {exc.strerror}"
            ) from None

    @contextlib.contextmanager
    def _parent_locked(self, *, wait: bool) -> Iterator[None]:
        """Hold the parent directory's lock for a short critical section (claiming or
        swapping); other runs only ever hold it as briefly, so waiting is cheap."""
        try:
            fd = os.open(self.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
        except OSError as exc:
            raise UsageError(f"cannot open {self.parent} to lock it: {exc.strerror}") from None
        try:
            _flock(fd, wait=wait)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock

    def _busy(self) -> str:
        return (
            f"{self.target}: another govscan run is writing into it; "
            "wait for it to finish or choose another --output-dir"
        )

    def _refuse_if_running(self) -> None:
        """Fail when a live run holds a staging directory for the same target.

        A staging directory left by a killed run is not locked; it is left alone
        (a repository could commit a look-alike, so govscan never deletes one)."""
        prefix = f".{self.target.name}.{_STAGING}-"
        with os.scandir(self.parent) as it:
            others = [e.name for e in it if e.name.startswith(prefix)]
        for name in others:
            try:
                fd = os.open(
                    self.parent / name,
                    os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_NOFOLLOW | os.O_CLOEXEC,
                )
            except OSError:
                continue  # not a directory of ours
            try:
                if _flock(fd, wait=False) is False:
                    raise UsageError(self._busy())
            finally:
                os.close(fd)
            log.info("ignoring %s, left behind by an interrupted run", self.parent / name)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def _current(self) -> tuple[frozenset[str] | None, tuple[int, int] | None, str | None]:
        """(names, identity, why it may not be replaced) of what is at the target now."""
        try:
            st = self.target.lstat()
        except FileNotFoundError:
            return None, None, None
        if stat.S_ISLNK(st.st_mode):
            return None, None, "it is a symbolic link"
        if not stat.S_ISDIR(st.st_mode):
            return None, None, f"it is a {kind_of(st.st_mode)}, not a directory"
        try:
            names = frozenset(_names(self.target))
            problem = bundle_problem(self.target) if names else None
        except OSError as exc:
            return None, None, f"it cannot be read ({exc.strerror})"
        return names, (st.st_dev, st.st_ino), problem

    def _inspect(self, require_bundle: bool) -> None:
        names, ident, problem = self._current()
        if problem is not None and names:
            problem = f"it is not empty and not a govscan bundle ({problem})"
        elif problem is None and require_bundle and not names:
            problem = "it is not a govscan bundle"
        if problem is not None:
            raise UsageError(
                f"{self.target}: refusing to write there: {problem}; govscan writes only "
                "into a new or empty directory or replaces its own bundle, so choose "
                "another --output-dir or remove this one"
            )
        self.previous, self._ident = names, ident

    def commit(self) -> None:
        """Swap the finished staging directory in for the target."""
        with self._parent_locked(wait=True):
            self._swap()

    def _swap(self) -> None:
        names, ident, problem = self._current()
        if problem is not None or ident != self._ident:
            raise StorageError(
                f"{self.target} changed during the run ({problem or 'replaced'}); "
                "it was left as it is and the new bundle was not written"
            )
        if names is None:
            self._rename(self.staging, self.target)
            self._committed = True
            return
        aside = self.parent / f".{self.target.name}.{_ASIDE}-{secrets.token_hex(6)}"
        self._rename(self.target, aside)
        try:
            self._rename(self.staging, self.target)
        except StorageError:
            self._rename(aside, self.target)
            raise
        self._committed = True
        # Only names the old bundle was verified to hold; unlink never follows a link.
        for name in sorted(names):
            with contextlib.suppress(FileNotFoundError):
                (aside / name).unlink()
        try:
            aside.rmdir()
        except OSError:
            log.warning("kept %s: it holds files govscan did not write", aside)

    @staticmethod
    def _rename(src: Path, dst: Path) -> None:
        try:
            src.rename(dst)
        except OSError as exc:
            raise StorageError(f"cannot move {src} to {dst}: {exc.strerror}") from None

    def close(self) -> None:
        """Remove the staging directory unless it was committed, and release the lock."""
        try:
            if not self._committed:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._unlock()


def _flock(fd: int, *, wait: bool) -> bool | None:
    """Take an exclusive flock: True when taken, False when another holds it, None
    when the platform or file system has no locks (the run then goes on unlocked)."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError as exc:  # a file system without locks (some network mounts)
        log.warning("cannot lock (%s); running without the lock", exc.strerror)
        return None
    return True


def _try_flock(path: Path) -> int | None:
    """An open descriptor of ``path`` holding its exclusive flock, or None without locks."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    if _flock(fd, wait=False):
        return fd
    os.close(fd)
    return None


@contextlib.contextmanager
def claim_output_dir(target: Path, *, require_bundle: bool = False) -> Iterator[OutputDir]:
    """Claim ``target`` for a new bundle; see the module's rules. Commit before leaving."""
    out = OutputDir(target, require_bundle=require_bundle)
    try:
        yield out
    finally:
        out.close()

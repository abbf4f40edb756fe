"""The one error hierarchy and the exit codes (contract).

Exit code precedence, highest first: 2 (usage or validation, nothing scanned),
3 (assessment incomplete: collection errors), 1 (failures at or above
``--fail-on``), 0.  An incomplete assessment outranks failures because a run
that could not see everything must never look like a complete verdict.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FAILURES = 1
    USAGE = 2
    INCOMPLETE = 3


class GovscanError(Exception):
    """Base of every error govscan reports to the user as one line."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(GovscanError):
    """Bad command-line input: unknown policy, bad ``--param``, missing file."""


class Problem:
    """One located problem in an input file: ``file:line:col: message``."""

    __slots__ = ("col", "line", "message", "path")

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self!s})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class ValidationError(GovscanError):
    """Controls, policies or registries with problems; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "validation failed"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)


class CollectorError(GovscanError):
    """A collector could not start at all (no credentials, unreachable, missing extra)."""

    exit_code = ExitCode.INCOMPLETE


class EvidenceError(GovscanError):
    """A bundle that cannot be read or does not verify."""

    exit_code = ExitCode.FAILURES


class StorageError(GovscanError):
    """Results or evidence could not be written (disk full, no permission): the run
    did not produce its bundle, so it is incomplete."""

    exit_code = ExitCode.INCOMPLETE

    @classmethod
    def writing(cls, path: object, exc: OSError) -> StorageError:
        return cls(f"cannot write {path}: {exc.strerror or exc}")

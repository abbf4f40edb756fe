"""Results kept in memory while they are decided: tests, small scans, small bundles."""

from __future__ import annotations

from govscan.model import Result, ResultList, ResultSet


class MemoryResults:
    """The default result sink; ``seal`` sorts what was added into a :class:`ResultList`."""

    def __init__(self) -> None:
        self._results: list[Result] = []

    def add(self, result: Result) -> None:
        self._results.append(result)

    def seal(self) -> ResultSet:
        return ResultList(self._results)

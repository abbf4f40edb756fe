"""Which results each requirement of a framework relates to, kept on disk.

A requirement such as an access-control family can relate to every result of
a scan, so the links go into a private temporary SQLite database (deleted when
closed); only the per-requirement status counts stay in memory, bounded by
the catalog, never by the estate.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from govscan.model import Result, Status
from govscan.results.spool import storage

_BATCH = 5000


class RequirementIndex:
    """Requirements of the framework ``key`` -> the results mapped to them.

    Each result is added with a reference (the OSCAL report uses the UUID of
    its observation); :meth:`references` returns a requirement's references,
    sorted and without duplicates.
    """

    def __init__(self, key: str) -> None:
        self._key = key
        with storage():
            self._db = sqlite3.connect("", isolation_level=None)
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("CREATE TABLE related (requirement TEXT, reference TEXT)")
        self._pending: list[tuple[str, str]] = []
        self._statuses: dict[str, Counter[Status]] = {}
        self.added = 0
        """How many results were added, mapped to a requirement or not."""

    def add(self, result: Result, reference: str) -> None:
        self.added += 1
        for req in result.frameworks.get(self._key, ()):
            self._statuses.setdefault(req, Counter())[result.status] += 1
            self._pending.append((req, reference))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            with storage():
                self._db.executemany("INSERT INTO related VALUES (?, ?)", self._pending)
            self._pending.clear()

    def requirements(self) -> list[str]:
        """The requirements results were mapped to, in the order first met."""
        return list(self._statuses)

    def statuses(self, requirement: str) -> Counter[Status]:
        """The number of its results per status."""
        return self._statuses[requirement]

    def references(self, requirement: str) -> list[str]:
        self._flush()
        with storage():
            rows = self._db.execute(
                "SELECT DISTINCT reference FROM related WHERE requirement = ? ORDER BY reference",
                (requirement,),
            ).fetchall()
        return [r for (r,) in rows]

    def close(self) -> None:
        self._db.close()

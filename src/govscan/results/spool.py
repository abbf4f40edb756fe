"""Results kept on disk while a scan runs, so memory stays flat however large the estate.

A scan of 100,000 resources makes about half a million results; held as Python
objects they would dominate the scan's memory, and every report built from
them as one document would double it.  The spool writes each result as the
compact JSON line that ``results.json`` carries, into a private temporary
SQLite database (deleted when closed), and hands the results back in either of
the two orders reporters read them in, one at a time.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from govscan.errors import StorageError
from govscan.model import STATUS_TRIAGE, Result, ResultSet, Severity, Status
from govscan.serialize import ResultDecoder, ResultEncoder

# By value, not by member: hashing an Enum member runs Python code, and this is
# looked up for every result a scan makes.
_TRIAGE = {s.value: i for i, s in enumerate(STATUS_TRIAGE)}
_RANK = {s.value: s.rank for s in Severity}

_SCHEMA = """
CREATE TABLE result (
    seq INTEGER PRIMARY KEY,
    control_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    triage INTEGER NOT NULL,
    severity INTEGER NOT NULL,
    mark INTEGER NOT NULL,
    line TEXT NOT NULL
)
"""
_CANONICAL = "ORDER BY control_id, resource_id, status, message, seq"
_TRIAGED = "ORDER BY triage, severity DESC, control_id, resource_id, message, seq"


class ResultSpool(ResultSet):
    """A write-then-read store of results; :meth:`seal` ends the writing.

    ``mark`` is an integer the writer may attach to each result (the runner
    records how many personal names the pseudonymiser knew at that moment) and
    use in :meth:`rewrite` to revisit only results written before a change.
    """

    __slots__ = (
        "_batch",
        "_counts",
        "_db",
        "_encode",
        "_len",
        "_pending",
        "_sealed",
        "_undetermined",
    )

    def __init__(self, batch: int = 1000) -> None:
        # "" opens a private on-disk temporary database, removed on close;
        # SQLite keeps only its page cache in memory.
        with storage():
            # A ScanResult may be rendered in another thread than the one that scanned;
            # SQLite's default (serialized) threading mode makes that safe.
            self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
            for pragma in (
                "journal_mode = OFF",
                "synchronous = OFF",
                "cache_size = -8192",
                "temp_store = FILE",
            ):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.execute(_SCHEMA)
        self._pending: list[tuple[Any, ...]] = []
        self._batch = batch
        # Keyed by the enums' values: hashing an Enum member runs Python code.
        self._counts: Counter[tuple[str, str]] = Counter()
        self._len = 0
        self._undetermined = 0
        self._sealed = False
        self._encode = ResultEncoder()

    # --- writing --------------------------------------------------------------------------

    def add(self, result: Result, mark: int = 0) -> None:
        if self._sealed:
            raise RuntimeError("the result spool is sealed")
        self._pending.append(_row(result, mark, self._encode(result)))
        self._counts[(result.status._value_, result.severity._value_)] += 1
        self._undetermined += result.undetermined
        self._len += 1
        if len(self._pending) >= self._batch:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            with storage():
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT INTO result (control_id, resource_id, status, message, triage,"
                    " severity, mark, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    self._pending,
                )
                self._db.execute("COMMIT")
            self._pending.clear()

    def rewrite(
        self, below: int, fix: Callable[[Result], Result], needles: Sequence[str] = ()
    ) -> int:
        """Replace results written with a mark below ``below`` by ``fix(result)``.

        With ``needles``, only results whose JSON line contains one of them are
        decoded and offered to ``fix``. Returns how many results changed.
        """
        changed: list[tuple[Any, ...]] = []
        for seq, line in self._query("SELECT seq, line FROM result WHERE mark < ?", (below,)):
            if needles and not any(n in line for n in needles):
                continue
            old = _decode(line)
            new = fix(old)
            if new != old:
                self._counts[(old.status.value, old.severity.value)] -= 1
                self._counts[(new.status.value, new.severity.value)] += 1
                self._undetermined += new.undetermined - old.undetermined
                changed.append((*_row(new, below, self._encode(new)), seq))
        if changed:
            with storage():
                self._db.execute("BEGIN")
                self._db.executemany(
                    "UPDATE result SET control_id = ?, resource_id = ?, status = ?, message = ?,"
                    " triage = ?, severity = ?, mark = ?, line = ? WHERE seq = ?",
                    changed,
                )
                self._db.execute("COMMIT")
        return len(changed)

    def seal(self) -> ResultSpool:
        """End writing and index the canonical order (reports read it several times)."""
        if not self._sealed:
            self._flush()
            with storage():
                self._db.execute(
                    "CREATE INDEX canonical ON result"
                    " (control_id, resource_id, status, message, seq)"
                )
            self._sealed = True
        return self

    def close(self) -> None:
        self._db.close()

    # --- reading --------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """Rows of one query, read lazily; pending results are written first."""
        self._flush()
        with storage():
            yield from self._db.execute(sql, params)

    def _lines(self, order: str) -> Iterator[str]:
        for (line,) in self._query(f"SELECT line FROM result {order}"):  # noqa: S608
            yield line

    def __iter__(self) -> Iterator[Result]:
        return map(ResultDecoder(), self._lines(_CANONICAL))

    def __len__(self) -> int:
        return self._len

    def counts(self) -> Mapping[tuple[Status, Severity], int]:
        return {(Status(st), Severity(sev)): n for (st, sev), n in self._counts.items() if n}

    def undetermined_count(self) -> int:
        return self._undetermined

    def in_triage_order(self, statuses: Iterable[Status] | None = None) -> Iterator[Result]:
        if statuses is None:
            return map(ResultDecoder(), self._lines(_TRIAGED))
        return self._select(statuses, _TRIAGED)

    def encoded(self) -> Iterator[str]:
        return self._lines(_CANONICAL)

    def select(self, statuses: Iterable[Status]) -> Iterator[Result]:
        return self._select(statuses, _CANONICAL)

    def _select(self, statuses: Iterable[Status], order: str) -> Iterator[Result]:
        where, values = _status_in(statuses)
        if not values:
            return iter(())
        cur = self._query(f"SELECT line FROM result WHERE {where} {order}", values)  # noqa: S608
        decode = ResultDecoder()
        return (decode(line) for (line,) in cur)

    def counts_by_control(self) -> dict[str, Counter[Status]]:
        out: dict[str, Counter[Status]] = {}
        for cid, status, n in self._query(
            "SELECT control_id, status, count(*) FROM result GROUP BY control_id, status"
        ):
            out.setdefault(cid, Counter())[Status(status)] = n
        return out

    def first_per_resource(self, statuses: Iterable[Status]) -> Iterator[Result]:
        where, values = _status_in(statuses)
        if not values:
            return iter(())
        # SQLite takes the bare column ``line`` from the row that holds min(seq).
        cur = self._query(
            f"SELECT min(seq), line FROM result WHERE {where}"  # noqa: S608
            " GROUP BY resource_id ORDER BY resource_id",
            values,
        )
        decode = ResultDecoder()
        return (decode(line) for _, line in cur)

    def first_per_control(self) -> dict[str, Result]:
        ids = [cid for (cid,) in self._query("SELECT DISTINCT control_id FROM result")]
        out: dict[str, Result] = {}
        for cid in sorted(ids):
            ((line,),) = self._query(
                "SELECT line FROM result WHERE control_id = ? "
                "ORDER BY resource_id, status, message, seq LIMIT 1",
                (cid,),
            )
            out[cid] = _decode(line)
        return out


@contextmanager
def storage() -> Iterator[None]:
    """SQLite failures (a full or read-only temporary directory) as one clear error."""
    try:
        yield
    except sqlite3.Error as exc:
        where = tempfile.gettempdir()
        raise StorageError(
            f"cannot keep the scan's results in a temporary database in {where}: {exc} "
            "(set TMPDIR to a directory with free space)"
        ) from None


def _status_in(statuses: Iterable[Status]) -> tuple[str, list[str]]:
    """An SQL condition on the status column and its parameters."""
    values = sorted({s.value for s in statuses})
    return "status IN (" + ", ".join("?" * len(values)) + ")", values


def _decode(line: str) -> Result:
    return ResultDecoder()(line)


def _row(result: Result, mark: int, line: str) -> tuple[Any, ...]:
    return (
        result.control_id,
        result.resource.id,
        result.status._value_,
        result.message,
        _TRIAGE[result.status._value_],
        _RANK[result.severity._value_],
        mark,
        line,
    )

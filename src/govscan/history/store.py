"""Open a history, bring its schema up to date, and append a run in one transaction."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from govscan.errors import StorageError
from govscan.history import tables as t
from govscan.history.location import HistoryLocation
from govscan.history.record import FindingState, RunRecord

FINGERPRINT_KEY = "fingerprint_key"
_CHUNK = 500
"""Rows per statement: below SQLite's bound-parameter limit."""
_MIGRATION_LOCK = 0x676F7673  # any fixed number: the advisory lock of schema upgrades


class HistoryStore:
    """One history database. Every method is one transaction."""

    def __init__(self, location: HistoryLocation, engine: Engine) -> None:
        self.location = location
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StorageError(f"history {self.location.shown}: {_why(exc)}") from None

    # --- keys -------------------------------------------------------------------------

    def fingerprint_key(self) -> str:
        """The history's fingerprint key (hex), made on first use: scans that append
        here keep their cloud findings' fingerprints from run to run without a
        ``GOVSCAN_FINGERPRINT_KEY``."""
        with self.transaction() as conn:
            row = conn.execute(
                select(t.settings.c.value).where(t.settings.c.name == FINGERPRINT_KEY)
            ).first()
            if row is not None:
                return str(row[0])
            key = secrets.token_hex(32)
            conn.execute(insert(t.settings).values(name=FINGERPRINT_KEY, value=key))
            return key

    # --- appending --------------------------------------------------------------------

    def append(self, run: RunRecord, states: Sequence[FindingState]) -> int:
        """Add one run and its findings; returns the run's number in the history."""
        with self.transaction() as conn:
            series_id = _series(conn, run.series_key, run.series_label)
            previous = conn.execute(
                select(t.runs.c.id)
                .where(t.runs.c.series_id == series_id)
                .order_by(t.runs.c.id.desc())
                .limit(1)
            ).scalar()
            if conn.execute(select(t.runs.c.id).where(t.runs.c.run_id == run.run_id)).first():
                raise StorageError(
                    f"history {self.location.shown}: run {run.run_id} is already recorded"
                )
            run_pk = _new_id(
                conn.execute(
                    insert(t.runs).values(
                        run_id=run.run_id,
                        series_id=series_id,
                        started_at=run.started_at,
                        finished_at=run.finished_at,
                        as_of=_date(run.as_of),
                        govscan_version=run.govscan_version,
                        policy=run.policy,
                        policy_hash=run.policy_hash,
                        controls_hash=run.controls_hash,
                        fingerprints=run.fingerprints,
                        bundle_digest=run.bundle_digest,
                        key_id=run.key_id,
                        exit_code=run.exit_code,
                        counts=json.dumps(run.counts, sort_keys=True),
                        targets=run.targets,
                    )
                )
            )
            finding_ids = _findings(conn, series_id, states)
            _spans(conn, finding_ids, states, previous, run_pk)
            if run.scores:
                conn.execute(
                    insert(t.scores),
                    [
                        {
                            "run_id": run_pk,
                            "framework": s.framework,
                            "assessed": s.assessed,
                            "passed": s.passed,
                            "failed": s.failed,
                            "errors": s.errors,
                            "covered": s.covered,
                            "total": s.total,
                            "ratio": s.ratio,
                        }
                        for s in run.scores
                    ],
                )
            return run_pk


def open_store(location: HistoryLocation) -> HistoryStore:
    """Connect, and create or upgrade the schema (once, under a lock)."""
    engine = _engine(location)
    store = HistoryStore(location, engine)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                from sqlalchemy import text

                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            _upgrade(conn)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StorageError(f"history {location.shown}: {_why(exc)}") from None
    except OSError as exc:
        engine.dispose()
        raise StorageError(f"history {location.shown}: {exc.strerror or exc}") from None
    return store


def _engine(location: HistoryLocation) -> Engine:
    if not location.is_sqlite:
        return create_engine(location.url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    path = Path(location.url.removeprefix("sqlite:///"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"history {location.shown}: {exc.strerror or exc}") from None
    engine = create_engine(location.url, connect_args={"timeout": 60})

    # pysqlite opens transactions lazily and only for writes; a history append reads
    # before it writes, so two appends could both read the same "previous run".
    # BEGIN IMMEDIATE takes the write lock first; the second waits for the first.
    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "govscan.history:migrations")
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _series(conn: Connection, key: str, label: str) -> int:
    found = conn.execute(select(t.series.c.id).where(t.series.c.key == key)).scalar()
    if found is None:
        found = _new_id(conn.execute(insert(t.series).values(key=key, label=label)))
    if conn.dialect.name == "postgresql":
        # Appends to one series take turns: each must see the other's run as previous.
        conn.execute(select(t.series.c.id).where(t.series.c.id == found).with_for_update())
    return int(found)


def _findings(conn: Connection, series_id: int, states: Sequence[FindingState]) -> dict[str, int]:
    known = _known(conn, series_id)
    new = [s for s in states if s.fingerprint not in known]
    for chunk in _chunks(new):
        conn.execute(
            insert(t.findings),
            [
                {
                    "series_id": series_id,
                    "fingerprint": s.fingerprint,
                    "control_id": s.control_id,
                    "resource_type": s.resource_type,
                    "resource_id": s.resource_id,
                }
                for s in chunk
            ],
        )
    return _known(conn, series_id) if new else known


def _known(conn: Connection, series_id: int) -> dict[str, int]:
    query = select(t.findings.c.fingerprint, t.findings.c.id)
    return {
        str(fp): int(fid)
        for fp, fid in conn.execute(query.where(t.findings.c.series_id == series_id))
    }


def _spans(
    conn: Connection,
    finding_ids: dict[str, int],
    states: Sequence[FindingState],
    previous: int | None,
    run_pk: int,
) -> None:
    """Extend each finding's span from the previous run when its status and severity
    stayed; otherwise open a new span at this run."""
    open_spans: dict[int, tuple[int, str, str]] = {}
    if previous is not None:
        for sid, fid, status, severity in conn.execute(
            select(t.spans.c.id, t.spans.c.finding_id, t.spans.c.status, t.spans.c.severity).where(
                t.spans.c.last_run == previous
            )
        ):
            open_spans[fid] = (sid, status, severity)
    extend: list[int] = []
    fresh: list[dict[str, Any]] = []
    for s in states:
        fid = finding_ids[s.fingerprint]
        span = open_spans.get(fid)
        if span is not None and span[1] == s.status and span[2] == s.severity:
            extend.append(span[0])
        else:
            fresh.append(
                {
                    "finding_id": fid,
                    "status": s.status,
                    "severity": s.severity,
                    "first_run": run_pk,
                    "last_run": run_pk,
                }
            )
    for ids in _chunks(extend):
        conn.execute(update(t.spans).where(t.spans.c.id.in_(ids)).values(last_run=run_pk))
    for rows in _chunks(fresh):
        conn.execute(insert(t.spans), rows)


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an integer key
        raise StorageError("the database returned no key for a new row")
    return int(key[0])


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _date(value: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(value) if value else None


def _why(exc: SQLAlchemyError) -> str:
    """The database's own message, first line only (no SQL, no parameters)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

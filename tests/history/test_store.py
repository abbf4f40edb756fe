"""The history store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from sqlalchemy import inspect

from govscan.errors import StorageError
from govscan.history import store as store_module
from govscan.history import tables
from govscan.history.location import resolve
from govscan.history.query import list_runs, prune, show_run, trend
from govscan.history.record import FindingState, FrameworkRow, RunRecord
from govscan.history.store import HistoryStore, open_store


def _run(n: int, series: str = "s1") -> RunRecord:
    return RunRecord(
        run_id=f"run-{series}-{n}",
        series_key=series,
        series_label=f"repo:/{series}",
        started_at=f"2026-{min(n, 12):02d}-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        as_of=None,
        govscan_version="0.1.0",
        policy="baseline",
        policy_hash="sha256:p",
        controls_hash="sha256:c",
        fingerprints="persistent",
        bundle_digest="sha256:abc",
        key_id=None,
        exit_code=1,
        counts={"status": {"fail": 1}, "failing": {"high": 1}},
        targets="[]",
        scores=(FrameworkRow("iso27001-2022", 10, 7, 3, 0, 12, 93),),
    )


def _state(fp: str, status: str = "fail", severity: str = "high") -> FindingState:
    return FindingState(fp, f"ctl.{fp}", "aws.s3.bucket", f"bucket-{fp}", status, severity)


@pytest.fixture
def store(history_url: str) -> Any:
    s = open_store(resolve(history_url))
    yield s
    s.close()


def _spans(store: HistoryStore) -> list[tuple[str, str, int, int]]:
    from sqlalchemy import select

    q = (
        select(
            tables.findings.c.fingerprint,
            tables.spans.c.status,
            tables.spans.c.first_run,
            tables.spans.c.last_run,
        )
        .join(tables.findings, tables.findings.c.id == tables.spans.c.finding_id)
        .order_by(tables.findings.c.fingerprint, tables.spans.c.first_run)
    )
    with store.transaction() as conn:
        return [tuple(r) for r in conn.execute(q)]  # type: ignore[misc]


def test_migrations_create_exactly_the_declared_tables(store: HistoryStore) -> None:
    with store.engine.connect() as conn:
        found = inspect(conn)
        names = set(found.get_table_names()) - {"alembic_version"}
        assert names == set(tables.metadata.tables)
        for name, table in tables.metadata.tables.items():
            assert {c["name"] for c in found.get_columns(name)} == {c.name for c in table.columns}


def test_unchanged_findings_extend_their_span_and_changes_open_one(store: HistoryStore) -> None:
    one = store.append(_run(1), [_state("a"), _state("b")])
    two = store.append(_run(2), [_state("a"), _state("b", "pass")])
    three = store.append(_run(3), [_state("a"), _state("c")])
    assert _spans(store) == [
        ("a", "fail", one, three),
        ("b", "fail", one, one),
        ("b", "pass", two, two),
        ("c", "fail", three, three),
    ]
    _, _, findings = show_run(store, str(two))
    assert {(f.fingerprint, f.status) for f in findings} == {("a", "fail"), ("b", "pass")}
    _, scores, latest = show_run(store, "latest")
    assert {f.fingerprint for f in latest} == {"a", "c"}
    assert scores[0]["framework"] == "iso27001-2022" and scores[0]["passed"] == 7


def test_a_changed_severity_opens_a_new_span(store: HistoryStore) -> None:
    store.append(_run(1), [_state("a", severity="high")])
    store.append(_run(2), [_state("a", severity="critical")])
    assert [s[1:] for s in _spans(store)] == [("fail", 1, 1), ("fail", 2, 2)]


def test_series_are_followed_apart(store: HistoryStore) -> None:
    store.append(_run(1, "s1"), [_state("a")])
    store.append(_run(1, "s2"), [_state("a")])
    store.append(_run(2, "s1"), [_state("a")])
    # The s2 run in between does not break s1's span; the two "a" are different findings.
    spans = _spans(store)
    assert ("a", "fail", 1, 3) in spans and ("a", "fail", 2, 2) in spans


def test_a_failed_append_adds_nothing(store: HistoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.append(_run(1), [_state("a")])

    def broken(*args: Any, **kwargs: Any) -> None:
        raise StorageError("disk gone")

    monkeypatch.setattr(store_module, "_spans", broken)
    with pytest.raises(StorageError):
        store.append(_run(2), [_state("a"), _state("new")])
    assert [r.run_id for r in list_runs(store)] == ["run-s1-1"]
    assert [s[0] for s in _spans(store)] == ["a"]
    monkeypatch.undo()
    number = store.append(_run(2), [_state("a")])
    assert _spans(store) == [("a", "fail", 1, number)]


def test_the_same_run_twice_is_refused(store: HistoryStore) -> None:
    store.append(_run(1), [_state("a")])
    with pytest.raises(StorageError, match="already recorded"):
        store.append(_run(1), [_state("a")])


def test_concurrent_appends_both_land_in_order(history_url: str) -> None:
    stores = [open_store(resolve(history_url)) for _ in range(2)]
    stores[0].append(_run(1), [_state(f"f{i}") for i in range(300)])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(i: int) -> None:
        try:
            barrier.wait()
            stores[i].append(_run(10 + i), [_state(f"f{k}") for k in range(300)])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for s in stores:
        s.close()
    assert errors == []
    check = open_store(resolve(history_url))
    try:
        assert len(list_runs(check)) == 3
        # Each append saw the other's run as the previous one: one span per finding.
        spans = _spans(check)
        assert len(spans) == 300
        assert {(s[2], s[3]) for s in spans} == {(1, 3)}
    finally:
        check.close()


def test_the_fingerprint_key_is_made_once_and_kept(history_url: str) -> None:
    first = open_store(resolve(history_url))
    key = first.fingerprint_key()
    first.close()
    again = open_store(resolve(history_url))
    try:
        assert again.fingerprint_key() == key
        assert len(bytes.fromhex(key)) == 32
    finally:
        again.close()


def test_prune_deletes_old_runs_and_findings_only_they_held(store: HistoryStore) -> None:
    store.append(_run(1), [_state("old"), _state("a")])
    store.append(_run(2), [_state("a")])
    store.append(_run(3), [_state("a"), _state("b")])
    runs, findings = prune(store, date(2026, 2, 15))
    assert (runs, findings) == (2, 1)
    assert [r.number for r in list_runs(store)] == [3]
    assert _spans(store) == [("a", "fail", 3, 3), ("b", "fail", 3, 3)]
    assert [p.number for p in trend(store)] == [3]
    assert prune(store, date(2026, 2, 15)) == (0, 0)


def test_trend_reads_counts_and_scores_per_run(store: HistoryStore) -> None:
    store.append(_run(1), [_state("a")])
    store.append(_run(2), [_state("a")])
    points = trend(store, since="2026-02-01")
    assert [p.number for p in points] == [2]
    assert points[0].failing == {"high": 1}
    assert points[0].scores == {"iso27001-2022": 0.7}

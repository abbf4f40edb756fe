"""The fan-in helper: bounded pool and queue, errors per task, clean cancellation."""

from __future__ import annotations

import _thread
import queue
import threading
from collections.abc import Iterator
from contextlib import closing
from types import SimpleNamespace
from typing import Any

import pytest

from govscan.collectors import fanin
from govscan.collectors.fanin import Task, fan_in


def _ours(prefix: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(prefix)]


def _items(key: str, n: int) -> Task[str, str]:
    return Task(key, lambda: (f"{key}{i}" for i in range(n)))


def _failed(key: str, exc: Exception) -> list[str]:
    return [f"{key} failed: {type(exc).__name__}: {exc}"]


def test_every_item_of_every_task_arrives() -> None:
    tasks = [_items(k, 50) for k in "abcdefghij"]
    got = list(fan_in(tasks, _failed, workers=3, queue_size=4, name="t-all"))
    assert sorted(got) == sorted(f"{k}{i}" for k in "abcdefghij" for i in range(50))
    assert _ours("t-all") == []


def test_no_more_threads_than_workers() -> None:
    running: set[str] = set()
    most = 0
    lock = threading.Lock()

    def task() -> Iterator[int]:
        nonlocal most
        with lock:
            running.add(threading.current_thread().name)
            most = max(most, len(running))
        yield 1

    got = list(fan_in([Task(i, task) for i in range(40)], _failed, workers=4, name="t-pool"))
    assert got == [1] * 40
    assert 1 <= most <= 4


def test_a_failing_task_keeps_its_items_and_the_others() -> None:
    def broken() -> Iterator[str]:
        yield "x0"
        yield "x1"
        raise RuntimeError("boom")

    tasks = [_items("a", 3), Task("x", broken), _items("b", 2)]
    got = sorted(fan_in(tasks, _failed, workers=2, name="t-err"))
    assert got == ["a0", "a1", "a2", "b0", "b1", "x failed: RuntimeError: boom", "x0", "x1"]


def test_a_task_that_fails_before_its_first_item_is_captured() -> None:
    def broken() -> list[str]:
        raise ValueError("no credentials")

    got = list(fan_in([Task("k", broken)], _failed, workers=1, name="t-err0"))
    assert got == ["k failed: ValueError: no credentials"]


class _RecordingQueue(queue.Queue[Any]):
    """Notes the fullest it has been and signals when a put has to wait."""

    blocked = threading.Event()
    fullest = 0

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if self.full():
            _RecordingQueue.blocked.set()
        super().put(item, block, timeout)
        _RecordingQueue.fullest = max(_RecordingQueue.fullest, self.qsize())


def test_the_queue_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanin, "queue", SimpleNamespace(Queue=_RecordingQueue))
    _RecordingQueue.blocked.clear()
    _RecordingQueue.fullest = 0
    made = 0

    def many() -> Iterator[int]:
        nonlocal made
        for i in range(1000):
            made += 1
            yield i

    stream = fan_in([Task("m", many)], _failed, workers=1, queue_size=5, name="t-bound")
    assert next(stream) == 0
    # The producer waits for the consumer instead of running ahead.
    _RecordingQueue.blocked.wait()
    assert made <= 1 + 5 + 1  # consumed, queued, and the one waiting to be put
    assert sum(1 for _ in stream) == 999
    assert _RecordingQueue.fullest <= 5


def test_closing_early_stops_the_workers_and_skips_pending_tasks() -> None:
    started: list[str] = []
    closed: list[str] = []

    def endless(key: str) -> Iterator[str]:
        started.append(key)
        try:
            while True:
                yield key
        finally:
            closed.append(key)

    tasks = [Task(k, lambda k=k: endless(k)) for k in "abcdef"]
    with closing(fan_in(tasks, _failed, workers=2, queue_size=2, name="t-close")) as stream:
        assert next(stream) in "ab"
    assert _ours("t-close") == []
    assert sorted(started) == sorted(closed)
    assert len(started) <= 2 + 2  # at most each worker took one more task while stopping


def test_ctrl_c_while_waiting_cancels_and_leaves_no_thread() -> None:
    closed = threading.Event()

    def interrupter() -> Iterator[str]:
        yield "first"
        _thread.interrupt_main()  # what Ctrl-C does to the consuming thread
        try:
            while True:
                yield "more"
        finally:
            closed.set()

    stream = fan_in([Task("i", interrupter)], _failed, workers=1, queue_size=1, name="t-int")
    with pytest.raises(KeyboardInterrupt), closing(stream):
        for _ in stream:
            pass
    assert closed.is_set()
    assert _ours("t-int") == []


def test_nested_fan_ins_all_stop_when_the_outer_one_is_closed() -> None:
    def inner(key: str) -> Iterator[str]:
        def endless() -> Iterator[str]:
            while True:
                yield key

        return fan_in(
            [Task(key, endless), Task(key + "2", endless)],
            _failed,
            workers=2,
            queue_size=1,
            name="t-inner",
        )

    tasks = [Task(k, lambda k=k: inner(k)) for k in "ab"]
    with closing(fan_in(tasks, _failed, workers=2, queue_size=1, name="t-outer")) as stream:
        assert next(stream) in "ab"
    assert _ours("t-outer") == [] and _ours("t-inner") == []


def test_no_tasks_no_threads() -> None:
    assert list(fan_in([], _failed, workers=4, name="t-none")) == []

"""Run tasks in a bounded pool and stream what they produce into one iterator.

Every collector that fans out (accounts, regions, resource types; the engine
over collectors) has the same needs: at most ``workers`` threads, at most
``queue_size`` items waiting, a failing task turned into items of its own
instead of ending the stream, and a clean stop when the consumer stops
reading (Ctrl-C, an error, ``close()``): no worker left running behind it.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True)
class Task(Generic[K, T]):
    """One unit of work: ``run()`` yields items; ``key`` names it for error capture."""

    key: K
    """Passed to ``on_error`` when ``run`` raises."""
    run: Callable[[], Iterable[T]]
    """Produces the task's items; may block (API calls)."""


_END = object()
"""A worker's last item: it has taken its last task."""


def fan_in(
    tasks: Iterable[Task[K, T]],
    on_error: Callable[[K, Exception], Iterable[T]],
    *,
    workers: int,
    queue_size: int = 512,
    name: str = "fan-in",
) -> Generator[T]:
    """The items of every task, in arrival order.

    A task that raises ends with the items ``on_error(key, exc)`` gives (the
    items it yielded before stay). Closing the iterator early, or an exception
    (KeyboardInterrupt included) while it waits, cancels the tasks not yet
    started, stops running tasks at their next item, and returns only once
    every worker thread has ended.
    """
    pending: deque[Task[K, T]] = deque(tasks)
    if not pending:
        return
    out: queue.Queue[object] = queue.Queue(maxsize=max(1, queue_size))
    cancelled = threading.Event()
    lock = threading.Lock()
    begun = 0

    def next_task() -> Task[K, T] | None:
        with lock:
            return pending.popleft() if pending and not cancelled.is_set() else None

    def work() -> None:
        nonlocal begun
        with lock:
            # A worker that starts after the cancel is not waited for: it posts nothing.
            if cancelled.is_set():
                return
            begun += 1
        try:
            while (task := next_task()) is not None:
                _run(task, on_error, out, cancelled)
        finally:
            out.put(_END)

    threads = [
        threading.Thread(target=work, name=f"{name}-{i}", daemon=True)
        for i in range(max(1, min(workers, len(pending))))
    ]
    ended = 0
    try:
        # Inside the try: Ctrl-C can arrive while a thread is being started.
        for t in threads:
            t.start()
        while ended < len(threads):
            item = out.get()
            if item is _END:
                ended += 1
            else:
                yield cast(T, item)
    finally:
        with lock:
            cancelled.set()
            expected = begun
        # Draining unblocks workers waiting on a full queue so they see the cancel.
        while ended < expected:
            if out.get() is _END:
                ended += 1
        for t in threads:
            if t.ident is not None:
                try:
                    t.join()
                except RuntimeError:  # started as Ctrl-C came: it ends without work
                    continue


def _run(
    task: Task[K, T],
    on_error: Callable[[K, Exception], Iterable[T]],
    out: queue.Queue[object],
    cancelled: threading.Event,
) -> None:
    produced: Iterator[T] = iter(())
    try:
        produced = iter(task.run())
        for item in produced:
            if cancelled.is_set():
                break
            out.put(item)
    except Exception as exc:  # captured per task: the other tasks' items still count
        if not cancelled.is_set():
            for item in on_error(task.key, exc):
                out.put(item)
    finally:
        close = getattr(produced, "close", None)
        if close is not None:
            close()

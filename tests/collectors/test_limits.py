"""Calls in flight per scope and per scan (``Throttle.slot``), on the GCP and Azure
call paths with fake transports."""

from __future__ import annotations

from typing import Any

import pytest

from govscan.collectors.retry import Limits, RetryPolicy, Throttle, limits
from tests.collectors.limits_probe import Probe, run_threads
from tests.virtual_clock import VirtualClock

pytestmark = pytest.mark.timeout(30)

UNLIMITED_RATE = RetryPolicy(rate=float("inf"), attempts=3, backoff_base=0.5, service_rates={})


def test_limits_come_from_the_options_or_their_defaults() -> None:
    assert limits({}, "a", "b") == Limits(8, 32)
    assert limits({"a": 2, "b": 5}, "a", "b") == Limits(2, 5)
    with pytest.raises(ValueError, match="at least 1"):
        Limits(0, 4)


def test_a_slot_counts_while_held_and_is_given_back_once() -> None:
    throttle = Throttle(limits=Limits(per_scope=2, overall=3))
    first = throttle.slot("a")
    with throttle.slot("b"):
        assert (throttle.in_flight("a"), throttle.in_flight("b"), throttle.in_flight()) == (1, 1, 2)
    first.release()
    first.release()  # a second release must not free a slot someone else holds
    assert throttle.in_flight() == 0
    # Both semaphores are whole again: the full limits can be taken once more.
    held = [throttle.slot("a"), throttle.slot("a"), throttle.slot("b")]
    assert throttle.in_flight() == 3
    for s in held:
        s.release()


def test_gcp_calls_in_flight_stay_within_both_limits() -> None:
    from govscan.collectors.gcp.calls import CallLog
    from govscan.collectors.gcp.clients import Clients

    throttle = Throttle(UNLIMITED_RATE, VirtualClock(), limits=Limits(per_scope=2, overall=3))
    clients = Clients(None, {}, None, throttle, CallLog())
    probe = Probe(throttle, threads=12)
    projects = ("p-a", "p-b", "p-c")

    def worker(i: int) -> None:
        project = projects[i % 3]

        def transport() -> str:
            probe.enter(project)
            probe.leave(project)
            return "ok"

        for _ in range(5):
            assert clients.run("iam.googleapis.com", project, "iam.x.list", transport) == "ok"

    run_threads(12, worker)  # 4 threads per project, 12 in all
    assert probe.calls == 60
    assert probe.peak == 3
    assert max(probe.peaks.values()) <= 2
    assert throttle.in_flight() == 0


def test_gcp_per_project_limit_is_reached_and_holds() -> None:
    from govscan.collectors.gcp.calls import CallLog
    from govscan.collectors.gcp.clients import Clients

    throttle = Throttle(UNLIMITED_RATE, VirtualClock(), limits=Limits(per_scope=2, overall=32))
    clients = Clients(None, {}, None, throttle, CallLog())
    probe = Probe(throttle, threads=6)

    def transport() -> int:
        probe.enter("p")
        probe.leave("p")
        return 1

    run_threads(6, lambda _: [clients.run("x", "p", "x.get", transport) for _ in range(4)])
    assert (probe.calls, probe.peak, probe.peaks["p"]) == (24, 2, 2)


def test_gcp_retry_wait_holds_no_slot() -> None:
    from govscan.collectors.gcp.calls import CallLog
    from govscan.collectors.gcp.clients import Clients, HttpError

    seen_while_waiting: list[int] = []

    class Clock(VirtualClock):
        def sleep_until(self, deadline: float) -> None:
            seen_while_waiting.append(throttle.in_flight(("gcp", "p")))
            super().sleep_until(deadline)

    throttle = Throttle(UNLIMITED_RATE, Clock(), jitter=lambda: 1.0, limits=Limits(1, 1))
    clients = Clients(None, {}, None, throttle, CallLog())
    answers = [HttpError(429, "", "slow down", {}), HttpError(503, "", "busy", {})]
    during: list[int] = []

    def flaky() -> str:
        during.append(throttle.in_flight(("gcp", "p")))
        if answers:
            raise answers.pop(0)
        return "ok"

    assert clients.run("x", "p", "x.get", flaky) == "ok"
    assert during == [1, 1, 1]  # every attempt inside its slot
    assert seen_while_waiting == [0, 0]  # no slot held during either back-off


def _azure_policy(throttle: Throttle, subscription: str, send: Any) -> Any:
    from govscan.collectors.azure.arm import CallLog
    from govscan.collectors.azure.retries import GovscanRetryPolicy

    class Transport:
        def send(self, request: Any) -> Any:
            return send(request)

    policy = GovscanRetryPolicy(throttle, subscription, "Microsoft.Storage", CallLog())
    policy.next = Transport()
    return policy


def _request() -> Any:
    from azure.core.pipeline import PipelineContext, PipelineRequest
    from azure.core.rest import HttpRequest

    url = "https://management.example/subscriptions/s/providers/Microsoft.Storage/x"
    return PipelineRequest(HttpRequest("GET", url), PipelineContext(None))


class _Answer:
    def __init__(self, status: int) -> None:
        self.http_response = self
        self.status_code = status
        self.headers: dict[str, str] = {}


def test_azure_calls_in_flight_stay_within_both_limits() -> None:
    pytest.importorskip("azure.core")
    throttle = Throttle(UNLIMITED_RATE, VirtualClock(), limits=Limits(per_scope=2, overall=3))
    probe = Probe(throttle, threads=12)
    subs = ("s-1", "s-2", "s-3")

    def worker(i: int) -> None:
        sub = subs[i % 3]

        def send(_: Any) -> _Answer:
            probe.enter(sub)
            probe.leave(sub)
            return _Answer(200)

        policy = _azure_policy(throttle, sub, send)
        for _ in range(5):
            assert policy.send(_request()).status_code == 200

    run_threads(12, worker)
    assert (probe.calls, probe.peak) == (60, 3)
    assert max(probe.peaks.values()) <= 2
    assert throttle.in_flight() == 0


def test_azure_throttled_attempts_give_their_slot_back_before_waiting() -> None:
    pytest.importorskip("azure.core")
    from govscan.collectors.retry import RetriesExhausted

    waiting: list[int] = []

    class Clock(VirtualClock):
        def sleep_until(self, deadline: float) -> None:
            waiting.append(throttle.in_flight())
            super().sleep_until(deadline)

    throttle = Throttle(UNLIMITED_RATE, Clock(), jitter=lambda: 1.0, limits=Limits(1, 1))
    policy = _azure_policy(throttle, "s-1", lambda _: _Answer(429))
    with pytest.raises(RetriesExhausted, match="throttled: gave up after 3 attempts"):
        policy.send(_request())
    assert waiting == [0, 0]
    # The limit of one is free again: the next call of the subscription goes out.
    ok = _azure_policy(throttle, "s-1", lambda _: _Answer(200))
    assert ok.send(_request()).status_code == 200


def test_the_azure_and_gcp_options_set_their_limits() -> None:
    from govscan.collectors.azure import AzureCollector
    from govscan.collectors.gcp import GcpCollector

    azure = AzureCollector(
        {"azure": True, "azure_max_calls_per_subscription": 3, "azure_max_calls": 7}
    )
    assert azure.throttle.limits == Limits(3, 7)
    gcp = GcpCollector({"gcp": True, "gcp_max_calls_per_project": 1, "gcp_max_calls": 2})
    assert gcp.throttle.limits == Limits(1, 2)
    assert GcpCollector({"gcp": True}).throttle.limits == Limits(8, 32)

"""Run a scan: collectors stream resources, controls judge each one as it arrives.

Collectors run concurrently in worker threads and hand items over through a
bounded queue; the evaluating thread keeps no resource after judging it and
hands each result to a sink (a disk spool for real scans), so memory stays
flat however many resources and results a scan has.
Every control that needed data a collector could not read gets an ``error``
result for that scope: a scan never passes a control it could not judge.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Protocol

from govscan import __version__
from govscan.collectors.fanin import Task, fan_in
from govscan.collectors.interface import Collector
from govscan.engine.evaluator import Evaluator
from govscan.engine.plan import plan_collectors, produces
from govscan.fingerprint import Fingerprinter, code_fingerprint
from govscan.model import (
    ApiCall,
    CollectionError,
    Control,
    NotApplicableScope,
    Policy,
    Resource,
    ResourceRef,
    Result,
    ResultSet,
    RunInfo,
    ScanResult,
    Status,
    Target,
)
from govscan.results.memory import MemoryResults
from govscan.runinfo import ShardInfo, error_order, merge_targets

log = logging.getLogger(__name__)


class ResourceSink(Protocol):
    def write(self, resource: Resource) -> None: ...


class ResultSink(Protocol):
    """Where results go as they are decided; ``seal`` hands back the finished set."""

    def add(self, result: Result) -> None: ...

    def seal(self) -> ResultSet: ...


@dataclass(frozen=True)
class ScanOptions:
    as_of: datetime
    """The moment the scan judges against (timestamp ages, waiver expiry)."""
    run_id: str = ""
    controls_hash: str = ""
    policy_hash: str = ""
    queue_size: int = 2048
    fingerprints: Fingerprinter | None = None
    """The key of cloud findings' fingerprints; ``None``: a random one for this run."""
    shard: ShardInfo | None = None
    """The share of a plan this run covers (its ``collectors`` are filled in here)."""
    planned_targets: tuple[Target, ...] = ()
    """A shard's view of the whole plan's scopes: collectors that judge the others'
    scopes (``after_others``) see these beside the scopes this shard scanned."""
    planned_errors: tuple[CollectionError, ...] = ()
    """Discovery failures of the plan, reported by its first shard."""


@dataclass
class _State:
    errors: list[CollectionError] = field(default_factory=list)
    seen_types: set[tuple[str, str]] = field(default_factory=set)
    """(resource type, origin) pairs for which at least one resource arrived."""
    not_applicable: list[NotApplicableScope] = field(default_factory=list)


def _error_results(
    controls: Sequence[Control],
    errors: Sequence[CollectionError],
    collector_types: Mapping[str, frozenset[str]],
) -> list[Result]:
    """One ``error`` result per (control, failed scope) that needed the missing data."""
    out: list[Result] = []
    seen: set[tuple[str, str]] = set()
    for err in errors:
        if err.fields:
            continue  # reported per resource through Resource.unavailable
        types = set(err.resource_types) or set(collector_types.get(err.collector, ()))
        for c in controls:
            if c.resource not in types:
                continue
            scope = ":".join([err.collector, err.account or "*", err.region or "*", c.resource])
            if (c.id, scope) in seen:
                continue
            seen.add((c.id, scope))
            where = ", ".join(
                x
                for x in (
                    f"account {err.account}" if err.account else "",
                    f"region {err.region}" if err.region else "",
                )
                if x
            )
            op = f"{err.operation}: " if err.operation else ""
            out.append(
                Result(
                    control_id=c.id,
                    title=c.title,
                    severity=c.severity,
                    status=Status.ERROR,
                    resource=ResourceRef(
                        type=c.resource,
                        id=scope,
                        name=f"(could not collect {c.resource})",
                        provider=err.collector,
                        account=err.account,
                        region=err.region,
                    ),
                    frameworks=c.frameworks,
                    message=f"could not collect {c.resource}"
                    + (f" in {where}" if where else "")
                    + f": {op}{err.message}",
                    # A scope names no resource: nothing in it needs the key.
                    fingerprint=code_fingerprint(c.id, "", scope),
                )
            )
    return out


NONE_FOUND_PREFIX = "no "
NONE_FOUND_BY = " found by "


def none_found_message(resource_type: str, collectors: Iterable[str]) -> str:
    """The message of a control no resource of its type reached (``govscan merge``
    joins those of several shards by the collectors they name)."""
    return f"{NONE_FOUND_PREFIX}{resource_type}{NONE_FOUND_BY}{', '.join(sorted(set(collectors)))}"


def none_found_collectors(result: Result) -> tuple[str, ...] | None:
    """The collectors a "none found" result names; None when ``result`` is not one."""
    if result.status is not Status.NOT_APPLICABLE or result.resource.id != none_id(
        result.resource.type
    ):
        return None
    head = f"{NONE_FOUND_PREFIX}{result.resource.type}{NONE_FOUND_BY}"
    if not result.message.startswith(head):
        return None
    return tuple(n for n in result.message[len(head) :].split(", ") if n)


def none_id(resource_type: str) -> str:
    return f"{resource_type}:none"


def _not_applicable(
    controls: Sequence[Control],
    state: _State,
    ran: Sequence[Collector],
    errored_types: set[str],
) -> list[Result]:
    """Controls that a running collector could have fed but found nothing for."""
    out = []
    for c in controls:
        if c.resource in errored_types:
            continue
        if any((c.resource, o) in state.seen_types for o in c.origins):
            continue
        sources = [
            col for col in ran if produces(type(col), c.resource) and col.origin in c.origins
        ]
        if not sources:
            continue
        out.append(
            Result(
                control_id=c.id,
                title=c.title,
                severity=c.severity,
                status=Status.NOT_APPLICABLE,
                resource=ResourceRef(
                    type=c.resource,
                    id=none_id(c.resource),
                    name="(no resources of this type found)",
                    provider=c.resource.split(".", 1)[0],
                ),
                frameworks=c.frameworks,
                message=none_found_message(c.resource, (s.name for s in sources)),
                fingerprint=code_fingerprint(c.id, "", none_id(c.resource)),
            )
        )
    return out


def _scope_results(
    controls: Sequence[Control], scopes: Sequence[NotApplicableScope]
) -> list[Result]:
    """One ``not_applicable`` result per (control, scope) that cannot hold its type."""
    out: list[Result] = []
    seen: set[tuple[str, str]] = set()
    for sc in scopes:
        for c in controls:
            if c.resource not in sc.resource_types:
                continue
            scope = ":".join([sc.collector, sc.account or "*", sc.region or "*", c.resource])
            if (c.id, scope) in seen:
                continue
            seen.add((c.id, scope))
            out.append(
                Result(
                    control_id=c.id,
                    title=c.title,
                    severity=c.severity,
                    status=Status.NOT_APPLICABLE,
                    resource=ResourceRef(
                        type=c.resource,
                        id=scope,
                        name=f"(no {c.resource}: {sc.reason})",
                        provider=sc.collector,
                        account=sc.account,
                        region=sc.region,
                    ),
                    frameworks=c.frameworks,
                    message=sc.reason,
                    fingerprint=code_fingerprint(c.id, "", scope),
                )
            )
    return out


def _collector_failed(col: Collector, plan: Any, exc: Exception) -> list[CollectionError]:
    # A collector bug must not cost the results others already produced.
    # One line for the user; the traceback is for a bug report (-vv).
    log.error("collector %s failed: %s: %s", col.name, type(exc).__name__, exc)
    log.debug("collector %s traceback", col.name, exc_info=True)
    return [
        CollectionError(
            collector=col.name,
            message=f"collector failed: {type(exc).__name__}: {exc}",
            resource_types=tuple(plan.fields),
        )
    ]


def _collect(runs: Sequence[tuple[Collector, Any]], queue_size: int) -> Generator[Any]:
    """Every collector in its own thread, their items in arrival order."""
    return fan_in(
        (Task((col, plan), partial(col.collect, plan)) for col, plan in runs),
        lambda key, exc: _collector_failed(key[0], key[1], exc),
        workers=len(runs),
        queue_size=queue_size,
        name="collector",
    )


def run_scan(
    controls: Sequence[Control],
    policy: Policy,
    collectors: Sequence[Collector],
    options: ScanOptions,
    *,
    sink: ResourceSink | None = None,
    results: ResultSink | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Collect, evaluate and assemble the ScanResult of one run.

    Results go to ``results`` as they are decided (in memory unless the caller
    passes a spool); nothing here keeps them.
    """
    started = datetime.now(UTC)
    fingerprints = options.fingerprints or Fingerprinter.per_run()
    evaluator = Evaluator(controls, policy, options.as_of, fingerprints=fingerprints)
    plans = plan_collectors(collectors, controls, policy.values)
    state = _State(errors=list(options.planned_errors))
    first = [p for p in plans if not p.collector.after_others]
    late = [p for p in plans if p.collector.after_others]
    n_resources = 0
    out: ResultSink = results if results is not None else MemoryResults()
    n_results = 0

    def emit(result: Result) -> None:
        nonlocal n_results
        n_results += 1
        out.add(result)

    def take(item: Any) -> None:
        nonlocal n_resources
        if isinstance(item, CollectionError):
            state.errors.append(item)
            return
        if isinstance(item, NotApplicableScope):
            state.not_applicable.append(item)
            return
        if not isinstance(item, Resource):
            log.warning("collector produced %r, ignored", type(item).__name__)
            return
        state.seen_types.add((item.ref.type, item.origin))
        if sink is not None:
            sink.write(item)
        evaluator.evaluate(item, emit)
        n_resources += 1
        if on_progress is not None and n_resources % 500 == 0:
            on_progress(n_resources, n_results)

    with closing(_collect([(p.collector, p.plan) for p in first], options.queue_size)) as items:
        for item in items:
            take(item)
    if late:
        # Collectors that judge the others' scopes start once those are known.
        seen = merge_targets(
            [*options.planned_targets, *(t for p in first for t in p.collector.targets())]
        )
        runs = [(p.collector, replace(p.plan, targets=seen)) for p in late]
        with closing(_collect(runs, options.queue_size)) as items:
            for item in items:
                take(item)

    collector_types = {p.collector.name: frozenset(p.plan.fields) for p in plans}
    errored = {
        t
        for e in state.errors
        if not e.fields
        for t in (e.resource_types or collector_types.get(e.collector, ()))
    }
    for r in _error_results(controls, state.errors, collector_types):
        emit(r)
    for r in _scope_results(controls, state.not_applicable):
        emit(r)
    # A type whose absence a scope already explained needs no "none found" result.
    explained = errored | {t for sc in state.not_applicable for t in sc.resource_types}
    for r in _not_applicable(controls, state, [p.collector for p in plans], explained):
        emit(r)

    targets: list[Target] = []
    calls: list[ApiCall] = []
    for p in plans:
        targets.extend(p.collector.targets())
        calls.extend(p.collector.api_calls())
    shard = options.shard
    if shard is not None:
        shard = replace(shard, collectors=tuple(sorted({p.collector.name for p in plans})))
    finished = datetime.now(UTC)
    run = RunInfo(
        id=options.run_id or str(uuid.uuid4()),
        started_at=started,
        finished_at=finished,
        govscan_version=__version__,
        policy=policy.name,
        targets=merge_targets(targets),
        controls_hash=options.controls_hash,
        policy_hash=options.policy_hash,
        parameters={k: _jsonable(v) for k, v in sorted(policy.values.items())},
        as_of=options.as_of.date(),
        fingerprints=fingerprints.mode,
        not_applicable=policy.not_applicable,
        shard=shard,
    )
    return ScanResult(
        run=run,
        results=out.seal(),
        errors=tuple(sorted(state.errors, key=error_order)),
        controls=tuple(controls),
        api_calls=tuple(sorted(calls, key=lambda a: (a.account, a.region, a.service, a.operation))),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return list(value)
    return value

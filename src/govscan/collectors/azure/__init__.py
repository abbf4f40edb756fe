"""The Azure collector (``govscan[azure]``): azure-identity and the azure-mgmt clients.

Importing this module imports no Azure SDK; that happens when a scan starts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from govscan.collectors.interface import CollectionPlan, Collector, CollectorOption, Item
from govscan.collectors.units import Discovery, Unit
from govscan.model import ApiCall, CollectionError, Target

if TYPE_CHECKING:
    from govscan.collectors.azure.units import Planned

log = logging.getLogger(__name__)

SUBSCRIPTION_WORKERS = 4
"""Subscriptions scanned at once."""


class AzureCollector(Collector):
    name: ClassVar[str] = "azure"
    produces: ClassVar[tuple[str, ...]] = ("azure.*",)
    title: ClassVar[str] = "Azure"
    sdk_loggers: ClassVar[tuple[str, ...]] = ("azure", "msal", "urllib3")
    options: ClassVar[tuple[CollectorOption, ...]] = (
        CollectorOption(
            "azure",
            "--azure",
            kind="switch",
            target=True,
            help="Scan Azure with azure-identity's default credential.",
        ),
        CollectorOption(
            "azure_subscriptions",
            "--azure-subscriptions",
            "subscriptions",
            kind="list",
            help="Comma-separated subscription ids (default: every enabled one).",
        ),
        CollectorOption(
            "azure_management_group",
            "--azure-management-group",
            "management_group",
            metavar="ID",
            help="Scan the subscriptions under this management group.",
        ),
        CollectorOption(
            "azure_cloud",
            "--azure-cloud",
            "cloud",
            metavar="NAME",
            help="public (default), usgovernment or china.",
        ),
        CollectorOption(
            "azure_endpoint",
            "--azure-endpoint",
            "endpoint",
            metavar="URL",
            help="Resource Manager endpoint to use instead of the cloud's (https).",
        ),
        CollectorOption(
            "azure_graph_endpoint",
            "--azure-graph-endpoint",
            "graph_endpoint",
            metavar="URL",
            help="Microsoft Graph endpoint for Entra ID (https; default: the cloud's, or "
            "the --azure-endpoint host when that is not Microsoft's).",
        ),
        CollectorOption("azure_max_workers", None, "max_workers", kind="int", tuning=True),
        CollectorOption(
            "azure_max_calls_per_subscription",
            "--azure-max-calls-per-subscription",
            "max_calls_per_subscription",
            kind="int",
            tuning=True,
            metavar="N",
            help="API calls in flight at once in one subscription or tenant (default 8).",
        ),
        CollectorOption(
            "azure_max_calls",
            "--azure-max-calls",
            "max_calls",
            kind="int",
            tuning=True,
            metavar="N",
            help="API calls in flight at once across all subscriptions (default 32).",
        ),
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        from govscan.collectors.azure import clients
        from govscan.collectors.azure.arm import CallLog
        from govscan.collectors.azure.clouds import endpoints
        from govscan.collectors.retry import limits

        self.subscriptions: tuple[str, ...] = tuple(options.get("azure_subscriptions") or ())
        self.management_group: str = options.get("azure_management_group") or ""
        self.where = endpoints(
            options.get("azure_cloud"),
            options.get("azure_endpoint"),
            options.get("azure_graph_endpoint"),
        )
        self.workers = int(options.get("azure_max_workers") or SUBSCRIPTION_WORKERS)
        self.log = CallLog()
        # One policy and one token bucket per (subscription, resource provider) per scan.
        self.throttle = clients.new_throttle()
        self.throttle.limit(limits(options, "azure_max_calls_per_subscription", "azure_max_calls"))
        self._targets: list[Target] = []
        self._planned: Planned | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Collector | None:
        if not options.get("azure"):
            return None
        from govscan.collectors.azure.credentials import require_sdk

        require_sdk()
        return cls(options)

    @classmethod
    def permissions(cls, plan: CollectionPlan) -> Mapping[str, Any]:
        """The custom role allowing exactly the reads a scan with ``plan`` makes."""
        from govscan.collectors.azure.permissions import role_definition

        return role_definition(plan)

    def targets(self) -> list[Target]:
        with self._lock:
            return sorted(self._targets, key=lambda t: t.identity)

    def api_calls(self) -> list[ApiCall]:
        return self.log.calls()

    def discover_units(self, plan: CollectionPlan) -> Discovery:
        from govscan.collectors.azure.units import discover

        return discover(self, plan)

    def restrict(self, units: Sequence[Unit]) -> None:
        from govscan.collectors.azure.units import planned

        self._planned = planned(units)

    def connect(self) -> tuple[Any, Any]:
        """The credential, checked, and the scan's clients (closed by the caller)."""
        from govscan.collectors.azure import credentials
        from govscan.collectors.azure.clients import Clients

        credential = credentials.make_credential(self.where)
        credentials.check(credential, self.where)
        return credential, Clients(credential, self.where, self.throttle, self.log)

    def collect(self, plan: CollectionPlan) -> Iterator[Item]:
        from govscan.collectors.azure import entra, units
        from govscan.collectors.azure.collect import (
            TYPE_WORKERS,
            Subscription,
            collect_subscription,
        )
        from govscan.collectors.azure.scope import subscriptions
        from govscan.collectors.azure.types import load
        from govscan.collectors.fanin import Task, fan_in

        types = load()
        credential, clients = self.connect()
        wanted = sorted(t for t in plan.fields if t in types)
        try:
            if self._planned is None:
                given, group = self.subscriptions, self.management_group
                found, errors = subscriptions(clients, self._call, given, group, tuple(plan.fields))
                errors += units.unknown_types(plan.fields)
                tenants = [info.tenant for info in found]
            else:
                # A shard: the plan found its subscriptions and tenants (no discovery).
                found, errors = units.planned_scopes(
                    self, self._planned, clients, tuple(plan.fields)
                )
                tenants = list(self._planned.tenants)
            yield from errors
            for info in found:
                self._record(info)

            def failed(sub: str, exc: Exception) -> list[Item]:
                log.error("subscription %s failed: %s: %s", sub, type(exc).__name__, exc)
                message = f"{type(exc).__name__}: {exc}"
                return [CollectionError("azure", message, tuple(wanted), sub)]

            runs: list[Task[str, Item]] = []
            for info in found:
                sub = Subscription(info.id, info.tenant, clients, self.log, plan.fields)
                # Fewer calls allowed than type threads: the surplus threads would only queue.
                workers = min(TYPE_WORKERS, self.throttle.limits.per_scope)
                runs.append(Task(info.id, partial(collect_subscription, sub, wanted, workers)))
            # Entra ID: the tenant(s) of the scanned subscriptions, through Microsoft Graph.
            if tenants or self._planned is None:
                runs += entra.tasks(
                    credential, self.where, tenants, self.throttle, self.log, plan.fields
                )
            yield from fan_in(runs, failed, workers=self.workers, queue_size=1024, name="azure")
        finally:
            clients.close()

    def _call(self, subscription: str, action: str, fn: Callable[[], Any]) -> Any:
        """One logged call outside a subscription's type collection (discovery)."""
        import time

        from govscan.collectors.azure.arm import calling, failure

        start = time.perf_counter()
        failed = False
        try:
            with calling(subscription, action):
                return fn()
        except Exception as exc:
            failed = True
            raise failure(action, exc) from exc
        finally:
            self.log.record(subscription, action, time.perf_counter() - start, failed)

    def _record(self, info: Any) -> None:
        with self._lock:
            self._targets.append(self.target(info))

    def target(self, info: Any) -> Target:
        """What a scan records of a subscription it scanned."""
        details = {"tenant": info.tenant, "name": info.name, "state": info.state}
        where = {"cloud": self.where.cloud.name, "endpoint": self.where.arm}
        return Target("azure", info.id, {**details, **where})

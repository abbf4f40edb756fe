"""The runner: every planned type of one subscription, listed, detailed, normalised.

Types run concurrently (``fan_in``, bounded per subscription); a type's failure
is a ``CollectionError`` for (subscription, type) naming the resource provider
and the action that failed, and every other type goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Any, cast
from urllib.parse import parse_qsl, quote

from govscan.collectors.azure.arm import CallFailure, CallLog, calling, failure
from govscan.collectors.azure.clients import Clients, to_arm
from govscan.collectors.azure.spec import TYPES, AzureType, Ctx, Detail, Fetched, provider_of
from govscan.collectors.fanin import Task, fan_in
from govscan.collectors.interface import Item
from govscan.model import CollectionError, Resource, ResourceRef

log = logging.getLogger(__name__)

TYPE_WORKERS = 4
"""Resource types collected at once in one subscription."""


class Subscription:
    """One subscription's collection: clients, call log, parent lists, detail errors."""

    def __init__(
        self,
        subscription: str,
        tenant: str,
        clients: Clients,
        log: CallLog,
        fields: Mapping[str, frozenset[str]],
    ) -> None:
        self.id = subscription
        self.tenant = tenant
        self.clients = clients
        self.log = log
        self.fields = fields
        self.ctx = Ctx(subscription, tenant, fields, self._raw)
        self._lock = threading.Lock()
        self._parents: dict[str, tuple[threading.Lock, list[dict[str, Any]] | None]] = {}
        self._detail_errors: dict[tuple[str, str], list[str]] = {}
        self._shared: dict[tuple[str, str], tuple[threading.Lock, list[Any]]] = {}
        self._local = threading.local()

    # -- calls --------------------------------------------------------------------------

    def call(self, action: str, fn: Callable[[], Any]) -> Any:
        """One call, logged under ``action``; failures raised as ``CallFailure``."""
        self._local.calls = self._logged() + 1
        start = time.perf_counter()
        failed = False
        try:
            with calling(self.id, action):
                return fn()
        except Exception as exc:
            failed = True
            raise failure(action, exc) from exc
        finally:
            self.log.record(self.id, action, time.perf_counter() - start, failed)

    def start(self, action: str, fn: Callable[[], Any]) -> Any:
        """Call a list function. A pager or iterator makes its requests while it is
        read (``items`` logs them page by page); anything else was one call."""
        begun = time.perf_counter()
        logged = self._logged()
        try:
            with calling(self.id, action):
                got = fn()
        except CallFailure:
            raise  # a raw call (ctx.arm_get) that logged itself
        except Exception as exc:
            self.log.record(self.id, action, time.perf_counter() - begun, True)
            raise failure(action, exc) from exc
        lazy = getattr(got, "by_page", None) is not None or hasattr(got, "__next__")
        if not lazy and self._logged() == logged:
            self.log.record(self.id, action, time.perf_counter() - begun, False)
        return got

    def _logged(self) -> int:
        return int(getattr(self._local, "calls", 0))

    def items(self, action: str, found: Any) -> Iterator[dict[str, Any]]:
        """ARM JSON of each item of what a list call returned."""
        by_page = getattr(found, "by_page", None)
        if by_page is not None:
            with calling(self.id, action):
                pages = iter(by_page())
            while True:
                begun = time.perf_counter()
                try:
                    with calling(self.id, action):
                        page = next(pages, _END)
                except Exception as exc:
                    self.log.record(self.id, action, time.perf_counter() - begun, True)
                    raise failure(action, exc) from exc
                if page is _END:
                    return  # the pager knew there was no next page: no request made
                self.log.record(self.id, action, time.perf_counter() - begun, False)
                yield from (to_arm(x) for x in cast(Iterable[Any], page))
        if hasattr(found, "__next__"):
            try:
                for x in found:
                    yield to_arm(x)
            except CallFailure:
                raise
            except Exception as exc:
                raise failure(action, exc) from exc
        elif isinstance(found, list | tuple):
            yield from (to_arm(x) for x in found)
        elif found is not None:
            got = to_arm(found)
            values = got.get("value") if isinstance(got, dict) else None
            yield from (values if isinstance(values, list) else [got])

    def _raw(self, method: str, path: str, api_version: str, action: str, paged: bool) -> Any:
        from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
        from azure.core.rest import HttpRequest

        client = self.clients.get("resource", self.id, provider_of(action))
        base = self.clients.where.arm

        def fetch(url: str, params: dict[str, str]) -> dict[str, Any]:
            response = client._client.send_request(HttpRequest(method, url, params=params))
            if response.status_code == 404:
                raise ResourceNotFoundError(response=response)
            if response.status_code >= 400:
                from azure.mgmt.core.exceptions import ARMErrorFormat

                raise HttpResponseError(response=response, error_format=ARMErrorFormat)
            body = response.json() if response.content else {}
            return body if isinstance(body, dict) else {"value": body}

        # Ids in a path come from the server: quoted, so that none can add a query or
        # climb out of its resource.
        route, _, query = path.partition("?")
        first = base + quote(route, safe="/-_.~()")
        start_params = {**dict(parse_qsl(query)), "api-version": api_version}
        if not paged:
            got: dict[str, Any] = self.call(action, partial(fetch, first, start_params))
            return got

        def pages() -> Iterator[dict[str, Any]]:
            url, params = first, start_params
            while url:
                body = self.call(action, partial(fetch, url, params))
                yield from (v for v in body.get("value") or [] if isinstance(v, dict))
                link = body.get("nextLink")
                url, params = (link, {}) if isinstance(link, str) and link else ("", {})

        return pages()

    # -- one type -----------------------------------------------------------------------

    def collect_type(self, spec: AzureType) -> Iterator[Item]:
        client = self.clients.get(spec.client, self.id)
        details = [d for d in spec.details if d.always or self.ctx.wants(spec.type, *d.fields)]
        if spec.children_of:
            try:
                parents = self.parent_list(spec.children_of)
            except CallFailure as failed:
                # No parents, no children: this type is as unreadable as its parent.
                yield self.list_error(spec, failed)
                return
            for parent in parents:
                ctx = self.ctx.with_parent(parent)
                try:
                    found = self.start(spec.action, partial(spec.list, client, ctx))
                    for arm in self.items(spec.action, found):
                        yield from self._one(spec, details, arm, ctx)
                except CallFailure as failed:
                    yield self.list_error(spec, failed, f" (under {parent.get('id', '')})")
        else:
            try:
                found = self.start(spec.action, partial(spec.list, client, self.ctx))
                for arm in self.items(spec.action, found):
                    yield from self._one(spec, details, arm, self.ctx)
            except CallFailure as failed:
                yield self.list_error(spec, failed)
        yield from self.detail_errors()

    def parent_list(self, rtype: str) -> list[dict[str, Any]]:
        """The parent type's items, listed once per subscription (raises CallFailure)."""
        with self._lock:
            lock, done = self._parents.setdefault(rtype, (threading.Lock(), None))
        with lock:
            with self._lock:
                done = self._parents[rtype][1]
            if done is not None:
                return done
            parent = TYPES[rtype]
            client = self.clients.get(parent.client, self.id)
            found = self.start(parent.action, partial(parent.list, client, self.ctx))
            got = list(self.items(parent.action, found))
            with self._lock:
                self._parents[rtype] = (lock, got)
            return got

    def _one(
        self, spec: AzureType, details: list[Detail], arm: dict[str, Any], ctx: Ctx
    ) -> Iterator[Item]:
        responses: dict[str, Any] = {}
        unavailable: dict[str, str] = {}
        for d in details:
            if d.when is not None and not d.when(arm):
                continue
            client = self.clients.get(d.client or spec.client, self.id)
            try:
                if d.shared:
                    responses[d.name] = self.shared(spec, d, client, ctx)
                    continue
                got = self.start(d.action, partial(d.call, client, ctx, arm))
                responses[d.name] = _detail_value(self, d.action, got)
            except CallFailure as failed:
                if failed.kind == "gone":
                    if d.absent_ok:
                        responses[d.name] = None
                        continue
                    return  # deleted between list and detail: skip it
                for f in d.fields:
                    unavailable[f] = f"{d.action}: {failed}"
                with self._lock:
                    self._detail_errors.setdefault((spec.type, d.action), []).append(str(failed))
        fetched = Fetched(responses, unavailable)
        data = spec.normalise(arm, fetched)
        if data is None:
            return
        yield self.resource(spec, arm, data, {**unavailable, **fetched.missing})

    def shared(self, spec: AzureType, d: Detail, client: Any, ctx: Ctx) -> Any:
        """A shared detail's response, fetched once per (type, detail); its failure is
        remembered and raised for every resource."""
        with self._lock:
            lock, done = self._shared.setdefault((spec.type, d.name), (threading.Lock(), []))
        with lock:
            if not done:
                try:
                    got = self.start(d.action, partial(d.call, client, ctx, {}))
                    done.append(_detail_value(self, d.action, got))
                except CallFailure as failed:
                    # Not "gone": a lookup answering 404 says nothing of any resource.
                    kind = "error" if failed.kind == "gone" else failed.kind
                    done.append(CallFailure(failed.operation, kind, failed.code, failed.message))
        if isinstance(done[0], CallFailure):
            raise done[0]
        return done[0]

    def resource(
        self,
        spec: AzureType,
        arm: Mapping[str, Any],
        data: dict[str, Any],
        unavailable: Mapping[str, str],
    ) -> Resource:
        from govscan.collectors.azure.spec import resource_group_of

        rid = str(arm.get("id") or "")
        name = str(data.get("name") or arm.get("name") or rid.rsplit("/", 1)[-1])
        location = (
            # Some providers (Cosmos DB) answer with display names: "West Europe".
            str(arm.get("location") or "").lower().replace(" ", "") if spec.regional else "global"
        )
        tags = {str(k): str(v) for k, v in (arm.get("tags") or {}).items()}
        # The common fields of azure.yaml, unless the normaliser set them.
        data.setdefault("name", name)
        data.setdefault("region", location or None)
        data.setdefault("subscription_id", self.id)
        data.setdefault("resource_group", resource_group_of(rid) or None)
        data.setdefault("tags", tags)
        return Resource(
            ref=ResourceRef(
                type=spec.type,
                id=rid,
                name=name,
                provider="azure",
                account=self.id,
                region=location,
            ),
            data=data,
            unavailable=dict(unavailable),
            tags=tags,
        )

    def list_error(self, spec: AzureType, failed: CallFailure, where: str = "") -> CollectionError:
        return CollectionError(
            collector="azure",
            message=f"{provider_of(failed.operation)}: {failed}{where}",
            resource_types=(spec.type,),
            account=self.id,
            operation=failed.operation,
        )

    def detail_errors(self) -> Iterator[CollectionError]:
        """One entry per failed detail action (the resources carry the specifics)."""
        with self._lock:
            items = sorted(self._detail_errors.items())
            self._detail_errors.clear()
        for (rtype, action), messages in items:
            more = f" (and {len(messages) - 1} more resources)" if len(messages) > 1 else ""
            yield CollectionError(
                collector="azure",
                message=f"{provider_of(action)}: {messages[0]}{more}",
                resource_types=(rtype,),
                account=self.id,
                operation=action,
                fields=("*",),
            )


_END = object()


def _detail_value(sub: Subscription, action: str, got: Any) -> Any:
    if getattr(got, "by_page", None) is not None or hasattr(got, "__next__"):
        return {"value": list(sub.items(action, got))}
    if isinstance(got, list | tuple):
        return {"value": [to_arm(x) for x in got]}
    return to_arm(got)


def collect_subscription(sub: Subscription, wanted: list[str], workers: int) -> Iterator[Item]:
    """Every planned type of one subscription, concurrently."""

    def failed(rtype: str, exc: Exception) -> list[Item]:
        # A bug or an unexpected answer in one type keeps the others' results.
        log.error("azure %s in %s failed: %s: %s", rtype, sub.id, type(exc).__name__, exc)
        log.debug("traceback", exc_info=True)
        action = TYPES[rtype].action
        return [
            CollectionError(
                "azure",
                f"{provider_of(action)}: {type(exc).__name__}: {exc}",
                (rtype,),
                sub.id,
                operation=action,
            )
        ]

    yield from fan_in(
        (Task(t, partial(sub.collect_type, TYPES[t])) for t in wanted),
        failed,
        workers=workers,
        queue_size=512,
        name=f"azure-{sub.id[:8]}",
    )

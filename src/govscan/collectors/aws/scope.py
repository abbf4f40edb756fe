"""What one (account, region) collection needs: clients, the plan, and error bookkeeping."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from govscan.collectors.aws.api import Api, CallFailure, CallLog
from govscan.collectors.aws.session import client, new_throttle
from govscan.collectors.interface import Item
from govscan.collectors.retry import Throttle
from govscan.model import CollectionError, Resource, ResourceRef

PARTITION = "aws"


@dataclass
class Scope:
    session: Any
    account: str
    region: str
    log: CallLog
    fields: Mapping[str, frozenset[str]]
    """The plan: resource type -> fields the controls read."""
    tags: Mapping[str, str] = field(default_factory=dict)
    throttle: Throttle = field(default_factory=new_throttle)
    """The scan's retry policy and token buckets (shared by every scope of a scan)."""
    _clients: dict[str, Api] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _detail_errors: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def api(self, service: str, region: str | None = None) -> Api:
        where = region or self.region
        key = f"{service}@{where}"
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                made = client(self.session, service, where, self.throttle, self.account, self.log)
                found = Api(made, self.log, self.account, where)
                self._clients[key] = found
        return found

    def wants(self, rtype: str, *names: str) -> bool:
        """Does any selected control read one of these fields of this type?"""
        wanted = self.fields.get(rtype)
        return wanted is not None and any(n in wanted for n in names)

    def list_error(self, rtype: str, failure: CallFailure) -> CollectionError:
        return CollectionError(
            collector="aws",
            message=str(failure),
            resource_types=(rtype,),
            account=self.account,
            region=self.region,
            operation=failure.operation,
        )

    def detail(
        self,
        rtype: str,
        rid: str,
        fieldnames: tuple[str, ...],
        unavailable: dict[str, str],
        api: Api,
        method: str,
        *,
        absent_ok: bool = False,
        **kwargs: Any,
    ) -> Any:
        """A per-resource detail call. Returns the response, or None when the thing is not
        configured (``absent_ok``: also when the API answers "no such entity", as IAM does
        for a user without a login profile). Raises ``Gone`` when the resource disappeared.
        On any other failure the fields become unavailable for this resource and the
        failure is remembered."""
        try:
            return api.call(method, **kwargs)
        except CallFailure as failure:
            if failure.kind == "not-configured" or (absent_ok and failure.kind == "gone"):
                return None
            if failure.kind == "gone":
                raise Gone(rid) from None
            for f in fieldnames:
                unavailable[f] = str(failure)
            self.remember(rtype, failure)
            return _FAILED

    def remember(self, rtype: str, failure: CallFailure) -> None:
        """Note a failed detail call for ``detail_errors`` (for callers that decide
        themselves which failures leave a field unavailable)."""
        with self._lock:
            self._detail_errors.setdefault((rtype, failure.operation), []).append(str(failure))

    def detail_errors(self) -> Iterator[CollectionError]:
        """One entry per failed detail operation (the resources carry the specifics)."""
        with self._lock:
            items = sorted(self._detail_errors.items())
            self._detail_errors.clear()
        for (rtype, operation), messages in items:
            first = messages[0]
            more = f" (and {len(messages) - 1} more resources)" if len(messages) > 1 else ""
            yield CollectionError(
                collector="aws",
                message=f"{first}{more}",
                resource_types=(rtype,),
                account=self.account,
                region=self.region,
                operation=operation,
                fields=("*",),
            )

    def resource(
        self,
        rtype: str,
        arn: str,
        name: str,
        data: dict[str, Any],
        unavailable: dict[str, str] | None = None,
        region: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Resource:
        reg = self.region if region is None else region
        data.setdefault("region", reg)
        data.setdefault("account_id", self.account)
        data.setdefault("name", name)
        tag_map = dict(tags or {})
        data.setdefault("tags", tag_map)
        return Resource(
            ref=ResourceRef(
                type=rtype, id=arn, name=name, provider="aws", account=self.account, region=reg
            ),
            data=data,
            unavailable=unavailable or {},
            tags=tag_map,
        )


DETAIL_WORKERS = 8
"""Concurrent per-resource detail calls in one (account, region, resource type)."""


def parallel(fn: Callable[[Any], Item | None], items: Iterable[Any]) -> Iterator[Item]:
    """``fn`` over items with a bounded pool, in order; items whose resource vanished
    (``Gone``) or for which ``fn`` returns None are dropped."""
    items = list(items)
    if len(items) <= 1:
        for item in items:
            try:
                out = fn(item)
            except Gone:
                continue
            if out is not None:
                yield out
        return

    def safe(item: Any) -> Item | None:
        try:
            return fn(item)
        except Gone:
            return None

    with ThreadPoolExecutor(max_workers=DETAIL_WORKERS, thread_name_prefix="aws-detail") as pool:
        for out in pool.map(safe, items):
            if out is not None:
                yield out


class Gone(Exception):
    """The resource was deleted between list and describe; skip it."""


class _Failed:
    def __bool__(self) -> bool:
        return False

    def get(self, *_: Any) -> None:
        return None


_FAILED: Any = _Failed()


def tag_dict(tags: Any) -> dict[str, str]:
    """AWS tag lists ([{Key, Value}]) or maps to a plain dict."""
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for t in tags or []:
        key = t.get("Key", t.get("key"))
        if key is not None:
            out[str(key)] = str(t.get("Value", t.get("value", "")))
    return out


def iso(value: Any) -> str | None:
    """Timestamps as ISO-8601 strings in UTC."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        text: str = value.isoformat()
        return text.replace("+00:00", "Z")
    return str(value)

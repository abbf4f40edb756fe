"""Every GCP call goes through here: endpoint, rate limit, retries, call log.

Google's libraries disagree on retries (generated clients do not retry 429, the
storage client retries it for about 90 s), so their own retries are off
(``retry=None``) and ``Clients.run`` applies govscan's ``RetryPolicy``: 429, 5xx,
timeouts and refused connections are retried, a server's ``Retry-After`` honoured
up to the policy's cap; every attempt takes a token from the bucket of its
(project, API), then a call slot of its project and of the scan (``Throttle.slot``,
held for the attempt only, not for the wait before a retry). A call that fails for
good raises ``CallFailure`` naming the API and the operation (the IAM permission it
needs).

Two ways to call an API, both under the same policy and log:

- ``Clients.rest(api, project)``: plain REST through one authorized session
  (``get``, ``post``, ``pages``), answers as dicts;
- ``Clients.gapic(api, ClientClass)`` for a generated client (REST transport, the
  endpoint override applied), then ``Clients.call`` / ``Clients.pages``.

Google libraries are imported only when a scan runs.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from govscan.collectors.gcp.calls import CallFailure, CallLog, kind_of
from govscan.collectors.retry import GaveUp, RetryPolicy, Throttle

T = TypeVar("T")

READ_ONLY_SCOPE = "https://www.googleapis.com/auth/cloud-platform.read-only"

POLICY = RetryPolicy(
    # Google's per-project read quotas are per minute (e.g. 1,200 a minute for
    # Resource Manager reads); 20 a second per (project, API) stays below them.
    rate=20.0,
    burst=40,
    service_rates={},
)


def new_throttle() -> Throttle:
    """One scan's throttle: ``POLICY`` on the system clock."""
    return Throttle(POLICY)


TRANSIENT = frozenset({"throttled", "server error", "timed out", "unreachable"})


class HttpError(Exception):
    """An HTTP error answer of a plain REST call."""

    def __init__(self, status: int, reason: str, message: str, headers: Mapping[str, str]):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.headers = headers


def _classify(exc: Exception) -> tuple[str, int, str, float | None]:
    """(kind, HTTP status, message, server hint) of a failed attempt."""
    if isinstance(exc, HttpError):
        kind = kind_of(exc.status, exc.reason, exc.message)
        return kind, exc.status, exc.message, retry_after(exc.headers)
    import requests
    from google.api_core import exceptions as gexc
    from google.auth import exceptions as aexc

    if isinstance(exc, gexc.GoogleAPICallError):
        status = int(exc.code or 0)
        reason = str(getattr(exc, "reason", "") or "")
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None) or {}
        message = str(exc.message)
        # "GET http://host/v3/...?%24alt=json: text": the text is what matters.
        if message.startswith(("GET ", "POST ")) and ": " in message:
            message = message.split(": ", 1)[1]
        return kind_of(status, reason, message), status, message, retry_after(headers)
    if isinstance(exc, aexc.RefreshError | aexc.DefaultCredentialsError):
        return "credentials", 0, f"credentials rejected: {_first_line(exc)}", None
    if isinstance(exc, requests.Timeout):
        return "timed out", 0, f"timed out: {type(exc).__name__}", None
    if isinstance(exc, requests.ConnectionError | aexc.TransportError):
        return "unreachable", 0, f"unreachable: {type(exc).__name__}", None
    return "error", 0, f"{type(exc).__name__}: {_first_line(exc)}", None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The server's ``Retry-After`` in seconds (a number or an HTTP date); anything
    unreadable or hostile is no hint (the policy's backoff applies)."""
    value = next(
        (str(v).strip() for k, v in headers.items() if str(k).lower() == "retry-after"), ""
    )
    if not value or len(value) > 64:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        return max((when - datetime.now(UTC)).total_seconds(), 0.0)
    return None if math.isnan(seconds) or seconds < 0 else seconds


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [""])[0][:300]


def as_dict(message: Any) -> dict[str, Any]:
    """A generated client's answer as REST JSON (camelCase keys, defaults omitted)."""
    from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]

    found: dict[str, Any] = MessageToDict(getattr(message, "_pb", message))
    return found


class Clients:
    """One scan's credentials, endpoints, throttle and call log."""

    def __init__(
        self,
        credentials: Any,
        endpoints: Mapping[str, str],
        endpoint: str | None,
        throttle: Throttle,
        log: CallLog,
    ) -> None:
        self.credentials = credentials
        self.endpoints = dict(endpoints)
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.throttle = throttle
        self.log = log
        self._local = threading.local()
        self._lock = threading.Lock()
        self._gapic: dict[tuple[str, Any], Any] = {}
        self._memo: dict[Any, Any] = {}
        self._memo_locks: dict[Any, threading.Lock] = {}

    def once(self, key: Any, fn: Callable[[], T]) -> T:
        """``fn()`` computed once per scan for ``key`` (a project's IAM policy read by
        several types); a failure is not kept, the next caller tries again."""
        with self._lock:
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            if key in self._memo:
                found: T = self._memo[key]
                return found
            value = fn()
            self._memo[key] = value
            return value

    # -- endpoints ---------------------------------------------------------------

    def base_url(self, api: str) -> str:
        """Where ``api`` is reached: its override, the global override, or Google."""
        url = self.endpoints.get(api) or self.endpoint
        return url.rstrip("/") if url else f"https://{api}"

    def client_options(self, api: str) -> dict[str, str]:
        """``client_options`` for a generated client of ``api``."""
        url = self.endpoints.get(api) or self.endpoint
        return {"api_endpoint": url.rstrip("/")} if url else {}

    # -- the policy --------------------------------------------------------------

    def run(self, api: str, project: str, operation: str, fn: Callable[[], T]) -> T:
        """``fn()`` under the retry policy and the (project, api) bucket, logged."""
        policy = self.throttle.policy
        bucket = self.throttle.bucket((project, api), api)
        waited = 0.0
        attempt = 0
        start = time.perf_counter()
        while True:
            attempt += 1
            bucket.take()
            try:
                with self.throttle.slot(("gcp", project)):
                    result = fn()
            except CallFailure:
                raise
            except Exception as exc:
                kind, status, message, hint = _classify(exc)
                if kind in TRANSIENT:
                    wait = policy.next_wait(attempt, waited, hint, self.throttle.jitter())
                    if wait is not None:
                        self.log.retried(project, api, operation)
                        if wait > 0:
                            self.throttle.clock.sleep_until(self.throttle.clock.now() + wait)
                        waited += wait
                        continue
                    detail = f"HTTP {status}: {message}" if status else message
                    message = GaveUp(kind, attempt, round(waited, 3), detail).describe(
                        f"{operation}, project {project}" if project else operation
                    )
                    status = 0
                self.log.record(project, api, operation, time.perf_counter() - start, True)
                raise CallFailure(api, operation, kind, status, message) from None
            self.log.record(project, api, operation, time.perf_counter() - start, False)
            return result

    # -- plain REST --------------------------------------------------------------

    def session(self) -> Any:
        """This thread's authorized session (requests sessions are not shared)."""
        found = getattr(self._local, "session", None)
        if found is None:
            from google.auth.transport.requests import AuthorizedSession

            found = AuthorizedSession(self.credentials)  # type: ignore[no-untyped-call]
            self._local.session = found
        return found

    def rest(self, api: str, project: str) -> Rest:
        return Rest(self, api, project)

    # -- generated clients -------------------------------------------------------

    def gapic(self, api: str, factory: Callable[..., T]) -> T:
        """One generated client of ``factory`` for ``api`` per scan (REST transport)."""
        with self._lock:
            key = (api, factory)
            found = self._gapic.get(key)
            if found is None:
                found = factory(
                    credentials=self.credentials,
                    transport="rest",
                    client_options=self.client_options(api) or None,
                )
                self._gapic[key] = found
            return found

    def call(
        self, api: str, project: str, operation: str, method: Callable[..., T], **kwargs: Any
    ) -> T:
        """One generated-client call, its library retries off."""
        timeout = self.throttle.policy.read_timeout
        return self.run(
            api, project, operation, lambda: method(retry=None, timeout=timeout, **kwargs)
        )

    def pages(
        self,
        api: str,
        project: str,
        operation: str,
        method: Callable[..., Any],
        request: Mapping[str, Any],
        items: str,
    ) -> Iterator[dict[str, Any]]:
        """Every item of a generated list method, page by page (each page one call
        under the policy), as REST JSON dicts."""
        token = ""
        seen: set[str] = set()
        while True:
            req = dict(request)
            if token:
                req["page_token"] = token
            pager = self.call(api, project, operation, method, request=req)
            # The pager's first page is the answer already received: no further call.
            page = next(iter(pager.pages))
            for msg in getattr(page, items):
                yield as_dict(msg)
            token = str(getattr(page, "next_page_token", "") or "")
            # A server that hands out the same token again would page forever.
            if not token or token in seen:
                return
            seen.add(token)


class Rest:
    """Plain REST calls of one API for one project (``project`` names the bucket and
    the log row; the path says what is read)."""

    def __init__(self, clients: Clients, api: str, project: str) -> None:
        self.clients = clients
        self.api = api
        self.project = project
        self.base = clients.base_url(api)

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        body: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        policy = self.clients.throttle.policy
        response = self.clients.session().request(
            method,
            self.base + path,
            params=dict(params or {}),
            json=dict(body) if body is not None else None,
            timeout=(policy.connect_timeout, policy.read_timeout),
        )
        if response.status_code >= 400:
            reason, message = _error_of(response)
            raise HttpError(response.status_code, reason, message, response.headers)
        if not response.content:
            return {}
        try:
            data = response.json()
        except ValueError:
            raise HttpError(response.status_code, "", "the answer is not JSON", {}) from None
        if not isinstance(data, dict):
            raise HttpError(response.status_code, "", "the answer is not a JSON object", {})
        return data

    def get(
        self, operation: str, path: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.clients.run(
            self.api, self.project, operation, lambda: self._send("GET", path, params, None)
        )

    def post(
        self,
        operation: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self.clients.run(
            self.api, self.project, operation, lambda: self._send("POST", path, params, body or {})
        )

    def pages(
        self,
        operation: str,
        path: str,
        items: str,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every item under ``items`` of every page (``pageToken``/``nextPageToken``)."""
        base = dict(params or {})
        if page_size:
            base["pageSize"] = page_size
        token = ""
        seen: set[str] = set()
        while True:
            page = self.get(operation, path, {**base, "pageToken": token} if token else base)
            found = page.get(items) or []
            if isinstance(found, list):
                yield from (i for i in found if isinstance(i, dict))
            token = str(page.get("nextPageToken") or "")
            # A server that hands out the same token again would page forever.
            if not token or token in seen:
                return
            seen.add(token)


def _error_of(response: Any) -> tuple[str, str]:
    """(reason, message) of a Google JSON error answer; anything else by its status."""
    try:
        data = response.json()
    except ValueError:
        return "", f"HTTP {response.status_code}"
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict):
        return "", f"HTTP {response.status_code}"
    message = str(err.get("message") or "")[:500]
    reasons = []
    for d in err.get("details") or err.get("errors") or []:
        if isinstance(d, dict) and d.get("reason"):
            reasons.append(str(d["reason"]))
    if err.get("status"):
        reasons.append(str(err["status"]))
    return " ".join(reasons), message or f"HTTP {response.status_code}"

"""govscan's retry policy and token bucket as an azure-core pipeline policy.

azure-core's own ``RetryPolicy`` honours ``Retry-After`` without any cap (a
server saying 9999 would hold the scan for hours). Every client govscan makes
gets this policy in its place (the clients' ``retry_policy`` argument): each
attempt takes a token from the bucket of (subscription, resource provider),
then a call slot of its subscription and of the scan for the attempt only;
429, 5xx, timeouts and refused connections are retried as
``collectors.retry.RetryPolicy`` says (the server's hint honoured up to its
cap); when it says stop, the call raises ``RetriesExhausted`` naming the
action and subscription. 401 and 403 are never retried, and a request that
would change something (any method but GET, except Resource Graph queries) is
never sent.

Imports azure-core: import this module only when a scan starts.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from azure.core.exceptions import AzureError, ServiceRequestError, ServiceResponseError
from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import HTTPPolicy

from govscan.collectors.azure.arm import CURRENT
from govscan.collectors.retry import GaveUp, RetriesExhausted, Throttle

if TYPE_CHECKING:
    from govscan.collectors.azure.arm import CallLog

READ_METHODS = frozenset({"GET", "HEAD"})
QUERY_PATHS = ("/providers/microsoft.resourcegraph/resources",)
"""POST requests that only read (Resource Graph queries)."""

THROTTLED = frozenset({429})
SERVER_ERROR = frozenset({500, 502, 503, 504})

logger = logging.getLogger(__name__)


class WriteRefused(AzureError):
    """A request that would change something: govscan only reads."""


def refuse_writes(request: Any) -> None:
    """Raise unless the request only reads. The ARM pipeline registers a resource
    provider by itself when an answer says it is missing (a POST, then polling without
    end): a scanner must never do that, whatever a server answers."""
    method = str(request.method).upper()
    path = urlsplit(str(request.url)).path.lower()
    if method in READ_METHODS or (method == "POST" and path.endswith(QUERY_PATHS)):
        return
    raise WriteRefused(f"refused to send {method} {path}: govscan only reads")


class GovscanRetryPolicy(HTTPPolicy):  # type: ignore[type-arg]
    """One client's retries and rate limit (subscription, resource provider)."""

    def __init__(self, throttle: Throttle, subscription: str, provider: str, log: CallLog) -> None:
        super().__init__()
        self.throttle = throttle
        self.subscription = subscription
        self.provider = provider
        self.log = log
        self.bucket = throttle.bucket(("azure", subscription, provider), provider)

    def send(self, request: PipelineRequest[Any]) -> PipelineResponse[Any, Any]:
        policy = self.throttle.policy
        clock = self.throttle.clock
        refuse_writes(request.http_request)
        attempt = 0
        waited = 0.0
        while True:
            attempt += 1
            self.bucket.take()
            hint: float | None = None
            try:
                with self.throttle.slot(("azure", self.subscription)):
                    response = self.next.send(request)
            except (ServiceRequestError, ServiceResponseError) as exc:
                timed_out = "timeout" in type(exc).__name__.lower() or "timed out" in str(exc)
                reason = "timed out" if timed_out else "unreachable"
                detail = type(exc).__name__
                error: Exception | None = exc
            else:
                status = response.http_response.status_code
                if status in THROTTLED:
                    reason = "throttled"
                elif status in SERVER_ERROR:
                    reason = "server error"
                else:
                    return response
                detail = f"HTTP {status}"
                hint = retry_after(response.http_response.headers)
                error = None
            wait = policy.next_wait(attempt, waited, hint, self.throttle.jitter())
            subscription, action = CURRENT.get()
            operation = action or f"{self.provider} {request.http_request.method}"
            if wait is None:
                raise RetriesExhausted(
                    GaveUp(reason, attempt, round(waited, 3), detail),
                    f"{operation}, subscription {subscription or self.subscription}",
                    "",
                    "",
                ) from error
            logger.debug(
                "%s in subscription %s: %s (%s), attempt %d, retrying in %.3g s",
                operation,
                subscription or self.subscription,
                reason,
                detail,
                attempt,
                wait,
            )
            self.log.retried(subscription or self.subscription, operation)
            waited += wait
            if wait > 0:
                clock.sleep_until(clock.now() + wait)


def retry_after(headers: Any) -> float | None:
    """The server's hint in seconds: ``retry-after-ms`` / ``x-ms-retry-after-ms``
    (milliseconds) or ``Retry-After`` (seconds or an HTTP date). Anything
    unreadable is no hint; the policy caps whatever is read."""
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):
        raw = headers.get(name)
        value = _number(str(raw)) if raw is not None else None
        if value is not None:
            return value / 1000.0
    plain = headers.get("retry-after")
    if plain is None or len(str(plain)) > 64:
        return None
    value = _number(str(plain))
    if value is not None:
        return value
    try:
        when = parsedate_to_datetime(str(plain))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _number(text: str) -> float | None:
    text = text.strip()
    if not text or len(text) > 32:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if math.isnan(value) or value < 0:
        return None
    return value

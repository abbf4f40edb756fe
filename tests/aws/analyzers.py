"""IAM Access Analyzer answers for tests: moto does not implement the service, so
``ListAnalyzers`` is answered before the request is sent, for every session the
collector creates (assumed-role sessions included)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore import handlers
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

EVENT = "before-call.accessanalyzer.ListAnalyzers"


def analyzer(region: str, kind: str = "ACCOUNT", status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "arn": f"arn:aws:access-analyzer:{region}:123456789012:analyzer/{kind.lower()}",
        "name": kind.lower(),
        "type": kind,
        "status": status,
    }


@contextmanager
def list_analyzers(answer: Callable[[str], list[dict[str, Any]]]) -> Iterator[None]:
    """``answer(region)`` is the region's analyzer list; it may raise ``ClientError``."""

    def handler(request_signer: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        analyzers = answer(request_signer.region_name)
        return AWSResponse("https://access-analyzer.stub", 200, {}, None), {"analyzers": analyzers}

    entry = (EVENT, handler)
    handlers.BUILTIN_HANDLERS.append(entry)
    try:
        yield
    finally:
        handlers.BUILTIN_HANDLERS.remove(entry)


def denied(_: str) -> list[dict[str, Any]]:
    raise ClientError(
        {
            "Error": {"Code": "AccessDeniedException", "Message": "denied by test"},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        },
        "ListAnalyzers",
    )

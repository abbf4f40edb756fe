"""CloudWatch Logs log groups (regional)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govscan.collectors.aws.scope import Scope
from govscan.collectors.aws.spec import Fetched, ListSpec, define
from govscan.model import Resource

LOG_GROUP = "aws.logs.log_group"


def _created(millis: Any) -> str | None:
    """creationTime is milliseconds since the epoch; the other types carry ISO 8601."""
    if not isinstance(millis, int | float) or isinstance(millis, bool):
        return None
    when = dt.datetime.fromtimestamp(millis / 1000, dt.UTC).replace(microsecond=0)
    return when.isoformat().replace("+00:00", "Z")


def _log_group(scope: Scope, g: dict[str, Any], _: Fetched) -> Resource:
    name = g["logGroupName"]
    # `arn` ends in ":*" (its log streams); logGroupArn, where present, names the group.
    arn = g.get("logGroupArn") or str(g.get("arn") or "").removesuffix(":*")
    arn = arn or f"arn:aws:logs:{scope.region}:{scope.account}:log-group:{name}"
    retention = g.get("retentionInDays")
    data = {
        "log_group_name": name,
        "arn": arn,
        # Absent means the events never expire.
        "retention_days": retention if isinstance(retention, int) and retention > 0 else None,
        "kms_key_id": g.get("kmsKeyId"),
        "stored_bytes": g.get("storedBytes"),
        "log_group_class": g.get("logGroupClass", "STANDARD"),
        "created": _created(g.get("creationTime")),
    }
    return scope.resource(LOG_GROUP, arn, name, data)


define(ListSpec(LOG_GROUP, "logs", "DescribeLogGroups", "logGroups", _log_group))

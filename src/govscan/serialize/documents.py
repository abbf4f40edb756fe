"""JSON forms of the run, collection errors, controls, the API call log and a whole scan.

Round-tripping is exact: ``scan_from_dict(scan_to_dict(s), ...)`` rebuilds a
ScanResult that renders to the same bytes, which is what lets a report be
re-rendered from a bundle a year later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from govscan.model import (
    ApiCall,
    CollectionError,
    Control,
    ResultList,
    RunInfo,
    ScanResult,
    Severity,
    Target,
)
from govscan.runinfo import ShardInfo
from govscan.serialize.baseline_use import baseline_use_from_dict, baseline_use_to_dict
from govscan.serialize.result import ResultDecoder, result_to_dict, text_or_empty

RESULTS_SCHEMA_ID = "govscan/results/v1"


def _ts(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def error_to_dict(e: CollectionError) -> dict[str, Any]:
    return {
        "collector": e.collector,
        "account": e.account,
        "region": e.region,
        "operation": e.operation,
        "message": e.message,
        "resource_types": list(e.resource_types),
        "fields": list(e.fields),
    }


def error_from_dict(doc: Mapping[str, Any]) -> CollectionError:
    return CollectionError(
        collector=doc["collector"],
        message=doc["message"],
        resource_types=tuple(doc.get("resource_types", ())),
        account=doc.get("account", ""),
        region=doc.get("region", ""),
        operation=doc.get("operation", ""),
        fields=tuple(doc.get("fields", ())),
    )


def run_to_dict(run: RunInfo) -> dict[str, Any]:
    return {
        "id": run.id,
        "started_at": _ts(run.started_at),
        "finished_at": _ts(run.finished_at),
        "govscan_version": run.govscan_version,
        "policy": run.policy,
        "targets": [
            {"collector": t.collector, "identity": t.identity, "details": dict(t.details)}
            for t in run.targets
        ],
        "controls_hash": run.controls_hash,
        "policy_hash": run.policy_hash,
        "parameters": dict(run.parameters),
        "as_of": run.as_of.isoformat() if run.as_of else None,
        **({"personal_data": run.personal_data} if run.personal_data else {}),
        **_baseline(run),
        **({"not_applicable": _not_applicable(run.not_applicable)} if run.not_applicable else {}),
        **({"shard": shard_to_dict(run.shard)} if run.shard else {}),
    } | ({"fingerprints": run.fingerprints} if run.fingerprints else {})


def shard_to_dict(shard: ShardInfo) -> dict[str, Any]:
    return {
        "plan_digest": shard.plan_digest,
        "index": shard.index,
        "count": shard.count,
        "units": list(shard.units),
        "collectors": list(shard.collectors),
        **({"merged": list(shard.merged)} if shard.merged else {}),
    }


def shard_from_dict(doc: Mapping[str, Any]) -> ShardInfo:
    return ShardInfo(
        plan_digest=str(doc["plan_digest"]),
        index=int(doc["index"]),
        count=int(doc["count"]),
        units=tuple(str(u) for u in doc.get("units", ())),
        collectors=tuple(str(c) for c in doc.get("collectors", ())),
        merged=tuple(str(m) for m in doc.get("merged", ())),
    )


def _baseline(run: RunInfo) -> dict[str, Any]:
    return {"baseline": baseline_use_to_dict(run.baseline)} if run.baseline else {}


def _not_applicable(na: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    return {k: dict(sorted(v.items())) for k, v in sorted(na.items())}


def run_from_dict(doc: Mapping[str, Any]) -> RunInfo:
    return RunInfo(
        id=doc["id"],
        started_at=_parse_ts(doc["started_at"]),
        finished_at=_parse_ts(doc["finished_at"]),
        govscan_version=doc["govscan_version"],
        policy=doc["policy"],
        targets=tuple(
            Target(t["collector"], t["identity"], t.get("details", {}))
            for t in doc.get("targets", ())
        ),
        controls_hash=doc.get("controls_hash", ""),
        policy_hash=doc.get("policy_hash", ""),
        parameters=doc.get("parameters", {}),
        as_of=date.fromisoformat(doc["as_of"]) if doc.get("as_of") else None,
        fingerprints=text_or_empty(doc.get("fingerprints")),
        personal_data=text_or_empty(doc.get("personal_data")),
        baseline=baseline_use_from_dict(doc["baseline"]) if doc.get("baseline") else None,
        not_applicable=_not_applicable(doc.get("not_applicable") or {}),
        shard=shard_from_dict(doc["shard"]) if doc.get("shard") else None,
    )


def scan_to_dict(scan: ScanResult) -> dict[str, Any]:
    """The results.json document (contract ``govscan/results/v1``)."""
    return {
        "schema": RESULTS_SCHEMA_ID,
        "run": run_to_dict(scan.run),
        "summary": scan.summary,
        "results": [result_to_dict(r) for r in scan.results],
        "errors": [error_to_dict(e) for e in scan.errors],
    }


def control_to_dict(c: Control) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "title": c.title,
        "severity": c.severity.value,
        "resource": c.resource,
        "check": c.check,
        "frameworks": {k: list(v) for k, v in c.frameworks.items()},
        "description": c.description,
        "remediation": c.remediation,
        "message": c.message,
        "tags": list(c.tags),
        "references": list(c.references),
        "origins": list(c.origins),
        "source": c.source,
    }
    if c.applies_when is not None:
        out["applies_when"] = c.applies_when
    if c.replaces:
        out["replaces"] = list(c.replaces)
    return out


def control_from_dict(doc: Mapping[str, Any]) -> Control:
    return Control(
        id=doc["id"],
        title=doc["title"],
        severity=Severity(doc["severity"]),
        resource=doc["resource"],
        check=doc["check"],
        frameworks={k: tuple(v) for k, v in doc.get("frameworks", {}).items()},
        description=doc.get("description", ""),
        remediation=doc.get("remediation", ""),
        message=doc.get("message", ""),
        applies_when=doc.get("applies_when"),
        tags=tuple(doc.get("tags", ())),
        references=tuple(doc.get("references", ())),
        origins=tuple(doc.get("origins", ("cloud", "code"))),
        source=doc.get("source", ""),
        replaces=tuple(doc.get("replaces", ())),
    )


def api_call_to_dict(a: ApiCall) -> dict[str, Any]:
    out: dict[str, Any] = {
        "collector": a.collector,
        "service": a.service,
        "operation": a.operation,
        "account": a.account,
        "region": a.region,
        "count": a.count,
        "errors": a.errors,
        "duration_ms": round(a.duration_ms, 3),
    }
    if a.retries:
        # Only when some call was retried: logs without retries read as before.
        out["retries"] = a.retries
    return out


def api_call_from_dict(doc: Mapping[str, Any]) -> ApiCall:
    return ApiCall(
        collector=doc["collector"],
        service=doc["service"],
        operation=doc["operation"],
        account=doc.get("account", ""),
        region=doc.get("region", ""),
        count=int(doc["count"]),
        errors=int(doc.get("errors", 0)),
        duration_ms=float(doc.get("duration_ms", 0.0)),
        retries=int(doc.get("retries", 0)),
    )


def scan_from_dict(
    doc: Mapping[str, Any],
    controls: Iterable[Mapping[str, Any]] = (),
    api_calls: Iterable[Mapping[str, Any]] = (),
) -> ScanResult:
    """Rebuild a ScanResult from results.json plus the bundle's controls and call log."""
    return ScanResult(
        run=run_from_dict(doc["run"]),
        results=ResultList(map(ResultDecoder().from_dict, doc.get("results", ()))),
        errors=tuple(error_from_dict(e) for e in doc.get("errors", ())),
        controls=tuple(control_from_dict(c) for c in controls),
        api_calls=tuple(api_call_from_dict(a) for a in api_calls),
    )

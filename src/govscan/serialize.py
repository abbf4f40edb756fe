"""Plain-JSON forms of the model: results.json (contract), controls and the API call log.

Round-tripping is exact: ``scan_from_dict(scan_to_dict(s), ...)`` rebuilds a
ScanResult that renders to the same bytes, which is what lets a report be
re-rendered from a bundle a year later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from json.encoder import encode_basestring
from typing import IO, Any

from govscan.model import (
    ApiCall,
    CollectionError,
    Control,
    Location,
    ResourceRef,
    Result,
    ResultList,
    RunInfo,
    ScanResult,
    Severity,
    Status,
    Target,
    WaiverInfo,
)

RESULTS_SCHEMA_ID = "govscan/results/v1"


class Encoded:
    """A list whose items arrive later, already encoded as compact JSON texts.

    Lets :func:`write_json` stream a large array (results, SARIF results) into a
    file without holding it; the items are written as they are, one per line.
    """

    __slots__ = ("items",)

    def __init__(self, items: Iterable[str]) -> None:
        self.items = items


def dumps(doc: Any, depth: int = 2) -> str:
    """The one JSON layout govscan writes, so that bytes are reproducible.

    The outer ``depth`` levels are indented; anything deeper (one result, one
    finding) is written on one line. Python's fast C encoder only runs without
    indentation, so this keeps 50,000-result documents quick to write and still
    readable line by line."""
    return "".join(_chunks(doc, depth, 0)) + "\n"


def write_json(fp: IO[bytes], doc: Any, depth: int = 2, flush_at: int = 1 << 16) -> None:
    """Write ``dumps(doc, depth)`` to ``fp`` piece by piece; :class:`Encoded` lists stream."""
    buf: list[str] = []
    size = 0
    for chunk in _chunks(doc, depth, 0):
        buf.append(chunk)
        size += len(chunk)
        if size >= flush_at:
            fp.write("".join(buf).encode("utf-8"))
            buf.clear()
            size = 0
    buf.append("\n")
    fp.write("".join(buf).encode("utf-8"))


def encode_compact(value: Any) -> str:
    """One value on one line, as the deep levels of :func:`dumps` write it."""
    return _COMPACT.encode(value)


def encode_string(value: str) -> str:
    """One string as :func:`encode_compact` writes it, without the encoder's set-up."""
    return _string(value)


def _chunks(value: Any, depth: int, level: int) -> Iterator[str]:
    if isinstance(value, Encoded):
        yield from _encoded_chunks(value, level, compact=level >= depth)
        return
    if level >= depth or not isinstance(value, dict | list | tuple) or not value:
        yield _COMPACT.encode(value)
        return
    pad = "  " * (level + 1)
    end = "  " * level
    if isinstance(value, dict):
        yield "{\n"
        for i, (k, v) in enumerate(value.items()):
            yield ",\n" + pad if i else pad
            yield _COMPACT.encode(str(k)) + ": "
            yield from _chunks(v, depth, level + 1)
        yield "\n" + end + "}"
        return
    yield "[\n"
    for i, v in enumerate(value):
        yield ",\n" + pad if i else pad
        yield from _chunks(v, depth, level + 1)
    yield "\n" + end + "]"


def _encoded_chunks(value: Encoded, level: int, *, compact: bool) -> Iterator[str]:
    """As ``_chunks`` lays out a list: one item per line, or all on one line when the
    list itself sits below the indented levels."""
    opening, between = (
        ("[", ", ") if compact else ("[\n" + "  " * (level + 1), ",\n" + "  " * (level + 1))
    )
    first = True
    for text in value.items:
        yield (opening if first else between) + text
        first = False
    if first:
        yield "[]"
    else:
        yield "]" if compact else "\n" + "  " * level + "]"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | frozenset | set):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    if isinstance(value, Encoded):
        # Inside a container written on one line: correct, though no longer streamed.
        return [json.loads(text) for text in value.items]
    raise TypeError(f"cannot serialise {type(value).__name__}")


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=_default)
_scan_json = json.JSONDecoder().raw_decode
"""``json.loads`` without its per-call type checks and trailing-space scan (our own lines)."""
_string = encode_basestring
"""One string as JSON, exactly as ``_COMPACT`` writes it (the C function it calls)."""


def _ts(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def ref_to_dict(ref: ResourceRef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ref.type,
        "id": ref.id,
        "name": ref.name,
        "provider": ref.provider,
        "account": ref.account,
        "region": ref.region,
    }
    if ref.location is not None:
        loc: dict[str, Any] = {"path": ref.location.path, "line": ref.location.line}
        if ref.location.end_line is not None:
            loc["end_line"] = ref.location.end_line
        if ref.location.called_from:
            loc["called_from"] = [_location_to_dict(c) for c in ref.location.called_from]
        out["location"] = loc
    return out


def _location_to_dict(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"path": loc.path, "line": loc.line}
    if loc.end_line is not None:
        out["end_line"] = loc.end_line
    return out


def _location_from_dict(loc: Mapping[str, Any]) -> Location:
    # One level only: a calling block has no callers of its own in the bundle.
    called_from = loc.get("called_from")
    if not called_from:  # most resources: no generator to build for every result read
        return Location(loc["path"], loc["line"], loc.get("end_line"))
    calls = tuple(Location(c["path"], c["line"], c.get("end_line")) for c in called_from)
    return Location(loc["path"], loc["line"], loc.get("end_line"), calls)


def ref_from_dict(doc: Mapping[str, Any]) -> ResourceRef:
    loc = doc.get("location")
    return ResourceRef(
        type=doc["type"],
        id=doc["id"],
        name=doc.get("name", ""),
        provider=doc.get("provider", ""),
        account=doc.get("account", ""),
        region=doc.get("region", ""),
        location=_location_from_dict(loc) if loc else None,
    )


def result_to_dict(r: Result) -> dict[str, Any]:
    out: dict[str, Any] = {
        "control_id": r.control_id,
        "title": r.title,
        "severity": r.severity.value,
        "status": r.status.value,
        "resource": ref_to_dict(r.resource),
        "frameworks": {k: list(v) for k, v in r.frameworks.items()},
        "message": r.message,
        "evidence": r.evidence,
    }
    if r.fingerprint:
        # Optional: results of bundles written before fingerprints existed have none.
        out["fingerprint"] = r.fingerprint
    if r.waiver is not None:
        out["waiver"] = {
            "reason": r.waiver.reason,
            "owner": r.waiver.owner,
            "expires": r.waiver.expires.isoformat() if r.waiver.expires else None,
            "expired": r.waiver.expired,
            "inline": r.waiver.inline,
        }
    if r.undetermined:
        # Optional, and only when true: results.json v1 readers that predate it still
        # read every result.
        out["undetermined"] = True
    return out


class ResultEncoder:
    """``encode_compact(result_to_dict(r))``, faster for the many results a scan makes.

    Results of one control share their title, severity and framework mapping, and
    consecutive results usually share their resource; those parts are encoded
    once and reused. The output is byte for byte that of the plain path.
    """

    __slots__ = ("_controls", "_evidence", "_evidence_text", "_ref", "_ref_text")

    def __init__(self) -> None:
        self._controls: dict[str, tuple[str, Severity, Mapping[str, Any], str, str]] = {}
        self._ref: ResourceRef | None = None
        self._ref_text = ""
        self._evidence = ""
        self._evidence_text = '""'

    def __call__(self, r: Result) -> str:
        cached = self._controls.get(r.control_id)
        if (
            cached is None
            or cached[0] != r.title
            or cached[1] is not r.severity
            or (cached[2] is not r.frameworks and cached[2] != r.frameworks)
        ):
            head = (
                '{"control_id": '
                + _string(r.control_id)
                + ', "title": '
                + _string(r.title)
                + ', "severity": '
                + _string(r.severity.value)
                + ', "status": '
            )
            frameworks = _COMPACT.encode({k: list(v) for k, v in r.frameworks.items()})
            cached = (r.title, r.severity, r.frameworks, head, frameworks)
            self._controls[r.control_id] = cached
        if r.resource is not self._ref:
            self._ref = r.resource
            self._ref_text = _COMPACT.encode(ref_to_dict(r.resource))
        if r.evidence != self._evidence:
            self._evidence = r.evidence
            self._evidence_text = _string(r.evidence)
        text = (
            cached[3]
            + _string(r.status._value_)
            + ', "resource": '
            + self._ref_text
            + ', "frameworks": '
            + cached[4]
            + ', "message": '
            + _string(r.message)
            + ', "evidence": '
            + self._evidence_text
        )
        if r.fingerprint:
            text += ', "fingerprint": ' + _string(r.fingerprint)
        if r.waiver is not None:
            text += ', "waiver": ' + _COMPACT.encode(result_to_dict(r)["waiver"])
        return text + (', "undetermined": true}' if r.undetermined else "}")


# Plain lookups: reports decode every spooled result, and Enum(value) is slow.
_SEVERITIES = {s.value: s for s in Severity}
_STATUSES = {s.value: s for s in Status}


def result_from_dict(doc: Mapping[str, Any]) -> Result:
    return ResultDecoder().from_dict(doc)


def _waiver_from_dict(w: Mapping[str, Any]) -> WaiverInfo:
    return WaiverInfo(
        reason=w["reason"],
        owner=w["owner"],
        expires=date.fromisoformat(w["expires"]) if w.get("expires") else None,
        expired=bool(w.get("expired")),
        inline=bool(w.get("inline")),
    )


class ResultDecoder:
    """Results from their JSON form, for many at a time: the parts the results of one
    control share (title, severity, mapping) are built once per control."""

    __slots__ = ("_controls",)

    def __init__(self) -> None:
        self._controls: dict[str, tuple[str, Any, Any, Severity, dict[str, tuple[str, ...]]]] = {}

    def __call__(self, line: str) -> Result:
        """One compact JSON line of results.json."""
        doc, _ = _scan_json(line)
        return self.from_dict(doc)

    def from_dict(self, doc: Mapping[str, Any]) -> Result:
        cid, title, severity = doc["control_id"], doc["title"], doc["severity"]
        frameworks = doc.get("frameworks", {})
        known = self._controls.get(cid)
        if known is None or known[0] != title or known[1] != severity or known[2] != frameworks:
            known = (
                title,
                severity,
                frameworks,
                _SEVERITIES.get(severity) or Severity(severity),
                {k: tuple(v) for k, v in frameworks.items()},
            )
            self._controls[cid] = known
        w = doc.get("waiver")
        return Result(
            control_id=cid,
            title=title,
            severity=known[3],
            status=_STATUSES.get(doc["status"]) or Status(doc["status"]),
            resource=ref_from_dict(doc["resource"]),
            frameworks=known[4],
            message=doc.get("message", ""),
            evidence=doc.get("evidence", ""),
            waiver=_waiver_from_dict(w) if w else None,
            undetermined=doc.get("undetermined") is True,
            fingerprint=_text_or_empty(doc.get("fingerprint")),
        )


def _text_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""


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
    } | ({"fingerprints": run.fingerprints} if run.fingerprints else {})


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
        fingerprints=_text_or_empty(doc.get("fingerprints")),
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

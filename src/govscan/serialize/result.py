"""JSON forms of one result and its resource reference (results.json ``results[]``).

A scan encodes, and every report decodes, each of its results: the encoder
and decoder reuse what the results of one control share, and write and read
exactly the bytes of the plain ``result_to_dict`` path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from json.encoder import encode_basestring
from typing import Any

from govscan.model import Location, ResourceRef, Result, Severity, Status, WaiverInfo
from govscan.serialize.layout import COMPACT

_string = encode_basestring
"""One string as JSON, exactly as ``COMPACT`` writes it (the C function it calls)."""
_scan_json = json.JSONDecoder().raw_decode
"""``json.loads`` without its per-call type checks and trailing-space scan (our own lines)."""


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
            frameworks = COMPACT.encode({k: list(v) for k, v in r.frameworks.items()})
            cached = (r.title, r.severity, r.frameworks, head, frameworks)
            self._controls[r.control_id] = cached
        if r.resource is not self._ref:
            self._ref = r.resource
            self._ref_text = COMPACT.encode(ref_to_dict(r.resource))
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
            text += ', "waiver": ' + COMPACT.encode(result_to_dict(r)["waiver"])
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
            fingerprint=text_or_empty(doc.get("fingerprint")),
        )


def text_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""

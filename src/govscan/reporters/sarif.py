"""SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

Each control is a rule; each judged control × resource is a result.  Only
failures (and results that could not be judged) are written unless the
caller asks for passes too, because code scanning treats every result as an
alert.  Waived results carry an accepted suppression, so dashboards show them
as dismissed with the waiver's reason instead of silently dropping them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any, ClassVar

from govscan.fingerprint import code_fingerprint
from govscan.model import Control, Location, Result, ScanResult, Severity, Status
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.reporters.sarif_baseline import baseline_properties, baseline_results, rule_of_mark
from govscan.results.baseline import view_of
from govscan.serialize import Encoded, encode_compact, encode_string, write_json

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://govscan.dev"
FINGERPRINT_KEY = "govscan/v2"
"""v2: the model's fingerprint (v1 hashed the resource name, pseudonymised for cloud)."""
SRCROOT = "%SRCROOT%"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub buckets security-severity: >= 9 critical, >= 7 high, >= 4 medium, > 0 low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_KIND = {
    Status.FAIL: "fail",
    Status.WAIVED: "fail",
    Status.PASS: "pass",
    Status.NOT_APPLICABLE: "notApplicable",
    # The data was missing: neither pass nor fail, the outcome is still open.
    Status.ERROR: "open",
}
_DEFAULT_STATUSES = frozenset({Status.FAIL, Status.ERROR})


def fingerprint(result: Result) -> str:
    """The finding's fingerprint as results.json carries it (``govscan.fingerprint``).

    A result read from a bundle written before fingerprints existed has none; it
    gets the unkeyed form from what the bundle holds (for cloud findings that is
    the pseudonymised id, so such a value holds for that bundle only)."""
    if result.fingerprint:
        return result.fingerprint
    ref = result.resource
    path = ref.location.path if ref.location is not None else ""
    return code_fingerprint(result.control_id, path, ref.id)


def _framework_tags(frameworks: Mapping[str, tuple[str, ...]]) -> list[str]:
    return sorted(f"{fw}/{rid}" for fw, ids in frameworks.items() for rid in ids)


def _rule(control: Control) -> dict[str, Any]:
    help_text = control.remediation or control.description or control.title
    help_md = help_text
    if control.references:
        help_md += "\n\n" + "\n".join(f"- <{ref}>" for ref in control.references)
    rule: dict[str, Any] = {
        "id": control.id,
        "name": control.id,
        "shortDescription": {"text": control.title},
        "fullDescription": {"text": control.description or control.title},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": _LEVEL[control.severity]},
        "properties": {
            "severity": control.severity.value,
            "security-severity": _SECURITY_SEVERITY[control.severity],
            "resource-type": control.resource,
            "frameworks": {k: list(v) for k, v in sorted(control.frameworks.items())},
            "tags": ["security", "compliance", *_framework_tags(control.frameworks)],
        },
    }
    if control.references:
        rule["helpUri"] = control.references[0]
    return rule


def _control_from_result(r: Result) -> Control:
    """A minimal rule for a result whose control is not in the scan (old bundles)."""
    return Control(
        id=r.control_id,
        title=r.title,
        severity=r.severity,
        resource=r.resource.type,
        check={},
        frameworks=r.frameworks,
    )


def _locations(r: Result) -> dict[str, Any]:
    ref = r.resource
    logical: dict[str, Any] = {
        "name": ref.name or ref.id,
        "fullyQualifiedName": ref.id,
        "kind": "resource",
    }
    out: dict[str, Any] = {"logicalLocations": [logical]}
    if ref.location is not None:
        out["physicalLocation"] = _physical(ref.location)
    return out


def _physical(loc: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": loc.line}
    if loc.end_line is not None and loc.end_line >= loc.line:
        region["endLine"] = loc.end_line
    return {"artifactLocation": {"uri": loc.path, "uriBaseId": SRCROOT}, "region": region}


def _related(r: Result) -> list[dict[str, Any]]:
    """The ``module`` blocks that create this instance of a module's resource."""
    calls = r.resource.location.called_from if r.resource.location is not None else ()
    if not calls:
        return []
    nested = f" ({{}} of {len(calls)}, outermost first)" if len(calls) > 1 else ""
    return [
        {
            "id": i,
            "physicalLocation": _physical(call),
            "message": {"text": "module block creating this instance" + nested.format(i + 1)},
        }
        for i, call in enumerate(calls)
    ]


def _result(r: Result, rule_index: int) -> dict[str, Any]:
    kind = _KIND[r.status]
    text = r.message or r.title
    if r.status is Status.ERROR:
        text = f"Could not be evaluated: {text}"
    out: dict[str, Any] = {
        "ruleId": r.control_id,
        "ruleIndex": rule_index,
        "kind": kind,
        # SARIF requires level "none" for every kind but "fail".
        "level": _LEVEL[r.severity] if kind == "fail" else "none",
        "message": {"text": text},
        "locations": [_locations(r)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(r)},
        "properties": {
            "status": r.status.value,
            "severity": r.severity.value,
            "resourceType": r.resource.type,
            "provider": r.resource.provider,
            "account": r.resource.account,
            "region": r.resource.region,
            "evidence": r.evidence,
        },
    }
    related = _related(r)
    if related:
        out["relatedLocations"] = related
    if r.status is Status.WAIVED and r.waiver is not None:
        expires = r.waiver.expires.isoformat() if r.waiver.expires else "never"
        out["suppressions"] = [
            {
                "kind": "inSource" if r.waiver.inline else "external",
                "status": "accepted",
                "justification": f"{r.waiver.reason} (owner: {r.waiver.owner}, expires: {expires})",
            }
        ]
    return out


def _text(value: Any) -> str:
    """``encode_compact(value)``; a plain string skips the encoder's set-up."""
    return encode_string(value) if type(value) is str else encode_compact(value)


_KIND_TEXT = {status: encode_string(kind) for status, kind in _KIND.items()}
_LEVEL_TEXT = {severity: encode_string(level) for severity, level in _LEVEL.items()}
_NONE_TEXT = encode_string("none")


def _physical_text(loc: Location) -> str:
    line, end = loc.line, loc.end_line
    if type(line) is not int or (end is not None and type(end) is not int):
        return encode_compact(_physical(loc))  # only a hand-edited bundle gets here
    region = '{"startLine": ' + str(line)
    if end is not None and end >= line:
        region += ', "endLine": ' + str(end)
    return (
        '{"artifactLocation": {"uri": '
        + _text(loc.path)
        + ', "uriBaseId": '
        + encode_string(SRCROOT)
        + '}, "region": '
        + region
        + "}}"
    )


def _result_text(r: Result, rule_index: int) -> str:
    """``encode_compact(_result(r, rule_index))``, joined from escaped pieces.

    A scan may fail tens of thousands of times; building each finding as a dict
    only to encode it cost more than the encoding. Waived results (rare) take the
    plain path."""
    if r.status is Status.WAIVED or type(rule_index) is not int:
        return encode_compact(_result(r, rule_index))
    ref = r.resource
    text = r.message or r.title
    if r.status is Status.ERROR:
        text = f"Could not be evaluated: {text}"
    location = (
        '{"logicalLocations": [{"name": '
        + _text(ref.name or ref.id)
        + ', "fullyQualifiedName": '
        + _text(ref.id)
        + ', "kind": "resource"}]'
    )
    if ref.location is not None:
        location += ', "physicalLocation": ' + _physical_text(ref.location)
    parts = [
        '{"ruleId": ',
        _text(r.control_id),
        ', "ruleIndex": ',
        str(rule_index),
        ', "kind": ',
        _KIND_TEXT[r.status],
        ', "level": ',
        _LEVEL_TEXT[r.severity] if _KIND[r.status] == "fail" else _NONE_TEXT,
        ', "message": {"text": ',
        _text(text),
        '}, "locations": [',
        location,
        '}], "partialFingerprints": {',
        encode_string(FINGERPRINT_KEY),
        ": ",
        encode_string(fingerprint(r)),
        '}, "properties": {"status": ',
        _text(r.status.value),
        ', "severity": ',
        _text(r.severity.value),
        ', "resourceType": ',
        _text(ref.type),
        ', "provider": ',
        _text(ref.provider),
        ', "account": ',
        _text(ref.account),
        ', "region": ',
        _text(ref.region),
        ', "evidence": ',
        _text(r.evidence),
        "}",
    ]
    related = _related(r)
    if related:
        parts += [', "relatedLocations": ', encode_compact(related)]
    parts.append("}")
    return "".join(parts)


class SarifReporter(Reporter):
    format: ClassVar[str] = "sarif"
    filename: ClassVar[str] = "results.sarif"

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        write_json(fp, self.document(scan, options), depth=4)

    def document(self, scan: ScanResult, options: ReportOptions) -> dict[str, Any]:
        """The SARIF log; its ``results`` stream from the scan as the log is written."""
        wanted = frozenset(Status) if options.sarif_include_passes else _DEFAULT_STATUSES
        controls = {c.id: c for c in scan.controls}
        for cid, r in scan.results.first_per_control().items():
            controls.setdefault(cid, _control_from_result(r))
        view = view_of(scan)
        if view is not None:  # a baseline entry no result names still needs its rule
            for m in view.use.marks:
                controls.setdefault(m.control_id, rule_of_mark(m))
        ordered = sorted(controls.values(), key=lambda c: c.id)
        index = {c.id: i for i, c in enumerate(ordered)}
        results = Encoded(_result_text(r, index[r.control_id]) for r in scan.results.select(wanted))
        if view is not None:
            results = Encoded(baseline_results(scan, view, wanted, index))
        run = scan.run
        notifications = [
            {
                "level": "error",
                "message": {"text": e.message},
                "descriptor": {"id": f"collection/{e.collector}"},
                "properties": {
                    "collector": e.collector,
                    "account": e.account,
                    "region": e.region,
                    "operation": e.operation,
                    "resourceTypes": list(e.resource_types),
                },
            }
            for e in sorted(
                scan.errors,
                key=lambda e: (e.collector, e.account, e.region, e.operation, e.message),
            )
        ]
        invocation: dict[str, Any] = {
            # An incomplete collection is not a successful assessment.
            "executionSuccessful": not scan.errors,
            "startTimeUtc": _ts(run.started_at.isoformat()),
            "endTimeUtc": _ts(run.finished_at.isoformat()),
        }
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        return {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "govscan",
                            "version": run.govscan_version,
                            "semanticVersion": run.govscan_version,
                            "informationUri": INFORMATION_URI,
                            "rules": [_rule(c) for c in ordered],
                        }
                    },
                    "automationDetails": {"id": f"govscan/{run.policy}/{run.id}"},
                    "invocations": [invocation],
                    "results": results,
                    "columnKind": "unicodeCodePoints",
                    "properties": {
                        "runId": run.id,
                        "policy": run.policy,
                        "controlsHash": run.controls_hash,
                        "policyHash": run.policy_hash,
                        "summary": scan.summary,
                        **baseline_properties(view),
                    },
                }
            ],
        }


def _ts(iso: str) -> str:
    return iso.replace("+00:00", "Z")

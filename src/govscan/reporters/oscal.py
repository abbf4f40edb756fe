"""OSCAL assessment results (1.2.1), for GRC tools and compliance-trestle.

Mapping:

* the scanned resources are inventory items (the observations' subjects);
* every judged control × resource (``not_applicable`` excluded) is an
  observation, with its govscan status and framework mappings as properties;
* every NIST SP 800-53 requirement a judged control maps to is a finding:
  ``satisfied`` when every related observation passed, ``not-satisfied``
  otherwise (a failure, a result that could not be evaluated, or a waived
  deviation all leave the requirement unmet);
* a NIST SP 800-53 requirement the policy declares not applicable is a finding
  whose target's implementation status is ``not-applicable`` with the
  justification; its objective status stays ``not-satisfied`` (reason
  ``other``), so no tool counts it as met;
* the bundle's files are back-matter resources with their SHA-256, and the
  observations point at them as evidence; collection errors are entries of
  the assessment log.

UUIDs are version-5 UUIDs of the run id and the item's content, so the same
scan always renders the same document, byte for byte.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import IO, Any, ClassVar

from govscan.evidence import files
from govscan.model import Result, ScanResult, Status, is_attestation
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.reporters.oscal_parts import (
    Ids,
    bundle_back_matter,
    control_id_for,
    inventory_item,
    md,
    one_line,
    prop,
    props,
    sort_requirement,
    timestamp,
)
from govscan.results.coverage import declared_not_applicable
from govscan.results.requirements import RequirementIndex
from govscan.results.scoring import score
from govscan.serialize import Encoded, encode_compact, write_json

OSCAL_VERSION = "1.2.1"
NIST_KEY = "nist-800-53-r5"


def _requirement_titles() -> Mapping[str, str]:
    try:
        from govscan.catalog.frameworks import load_frameworks

        fw = load_frameworks().get(NIST_KEY)
    except (OSError, ValueError, KeyError):
        return {}
    return {r.id: r.title for r in fw.requirements} if fw is not None else {}


_JUDGED = tuple(s for s in Status if s is not Status.NOT_APPLICABLE)


_ATTESTED_BY = re.compile(r"attested by .*\((examine|interview|test)\)$")


def _method(r: Result) -> str:
    """OSCAL's assessment method: TEST for an automated control; for an attestation
    what its file says (EXAMINE documents, INTERVIEW people), from its message."""
    if not is_attestation(r.control_id):
        return "TEST"
    found = _ATTESTED_BY.search(r.message)
    return found.group(1).upper() if found else "EXAMINE"


def _observation_uuid(uid: Ids, r: Result, position: int) -> str:
    return uid("observation", r.control_id, r.resource.id, r.status.value, str(position))


class OscalReporter(Reporter):
    format: ClassVar[str] = "oscal"
    filename: ClassVar[str] = "oscal-assessment-results.json"

    def write(self, scan: ScanResult, options: ReportOptions, fp: IO[bytes]) -> None:
        write_json(fp, self.document(scan, options.results_sha256), depth=5)

    def document(self, scan: ScanResult, results_sha256: str = "") -> dict[str, Any]:
        """The assessment results; inventory items and observations stream from the
        scan while the document is written, findings come from a disk index.
        ``results_sha256``: the digest of the results.json written beside it, if any."""
        run = scan.run
        uid = Ids(run.id)
        tool_uuid = uid("component", "govscan")
        back_matter, evidence = bundle_back_matter(scan, uid, results_sha256)
        index = RequirementIndex(NIST_KEY)
        for i, r in enumerate(scan.results.select(_JUDGED)):
            index.add(r, _observation_uuid(uid, r, i))

        def observations() -> Iterator[str]:
            collected = timestamp(run.finished_at)
            for i, r in enumerate(scan.results.select(_JUDGED)):
                obs_uuid = _observation_uuid(uid, r, i)
                yield encode_compact(
                    self._observation(r, obs_uuid, uid, evidence, tool_uuid, collected)
                )

        titles = _requirement_titles()
        declared = declared_not_applicable(getattr(run, "not_applicable", None), NIST_KEY)
        by_requirement = list(dict.fromkeys([*index.requirements(), *declared]))
        # One finding at a time: a finding lists every observation it relates to.
        findings = Encoded(
            encode_compact(self._finding(req, index, titles.get(req, ""), uid, declared.get(req)))
            for req in sorted(by_requirement, key=sort_requirement)
        )

        local_definitions: dict[str, Any] = {
            "components": [
                {
                    "uuid": tool_uuid,
                    "type": "software",
                    "title": "govscan",
                    "description": "Compliance-as-code scanner that produced these results.",
                    "props": props(prop("version", run.govscan_version)),
                    "status": {"state": "operational"},
                }
            ]
        }
        if index.added:  # every judged result has a subject
            local_definitions["inventory-items"] = Encoded(
                encode_compact(inventory_item(uid, r.resource))
                for r in scan.results.first_per_resource(_JUDGED)
            )
        if by_requirement:
            reviewed: dict[str, Any] = {
                "include-controls": [
                    {"control-id": control_id_for(req)}
                    for req in sorted(by_requirement, key=sort_requirement)
                ]
            }
        else:
            reviewed = {"include-all": {}}

        targets = ", ".join(f"{t.collector} {t.identity}" for t in run.targets) or "none"
        result: dict[str, Any] = {
            "uuid": uid("result"),
            "title": one_line(f"govscan run {run.id}"),
            "description": md(
                f"Automated assessment with policy {run.policy} of: {targets}. "
                f"Summary: {', '.join(f'{k} {v}' for k, v in scan.summary.items())}."
            ),
            "start": timestamp(run.started_at),
            "end": timestamp(run.finished_at),
            "props": props(
                prop("run-id", run.id),
                prop("policy", run.policy),
                prop("controls-hash", run.controls_hash),
                prop("policy-hash", run.policy_hash),
                prop("as-of", run.as_of.isoformat() if run.as_of else ""),
            ),
            "local-definitions": local_definitions,
            "reviewed-controls": {"control-selections": [reviewed]},
        }
        if index.added:
            result["observations"] = Encoded(observations())
        if by_requirement:
            result["findings"] = findings
        if scan.errors:
            result["assessment-log"] = {"entries": list(self._log(scan, uid))}
            result["remarks"] = md(
                f"The assessment is incomplete: {len(scan.errors)} collection error(s); "
                "requirements depending on the missing data are not satisfied."
            )

        return {
            "assessment-results": {
                "uuid": uid("assessment-results"),
                "metadata": {
                    "title": one_line(f"govscan assessment results: policy {run.policy}"),
                    "last-modified": timestamp(run.finished_at),
                    "version": run.id,
                    "oscal-version": OSCAL_VERSION,
                },
                "import-ap": {"href": f"#{uid('back-matter', 'policy')}"},
                "results": [result],
                "back-matter": back_matter,
            }
        }

    @staticmethod
    def _observation(
        r: Result,
        obs_uuid: str,
        uid: Ids,
        evidence: Mapping[str, str],
        tool_uuid: str,
        collected: str,
    ) -> dict[str, Any]:
        ref = r.resource
        mappings = [
            prop("framework-requirement", rid, cls=fw)
            for fw, ids in sorted(r.frameworks.items())
            for rid in ids
        ]
        obs: dict[str, Any] = {
            "uuid": obs_uuid,
            "title": one_line(f"{r.control_id}: {r.title}"),
            "description": md(r.message or r.title),
            "props": props(
                prop("control-id", r.control_id),
                prop("status", r.status.value),
                prop("severity", r.severity.value),
                *mappings,
            ),
            "methods": [_method(r)],
            "types": ["finding" if r.status is not Status.PASS else "control-objective"],
            "origins": [{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}],
            "subjects": [{"subject-uuid": uid("inventory-item", ref.id), "type": "inventory-item"}],
            "relevant-evidence": [
                {
                    "href": f"#{evidence[files.RESOURCES]}",
                    "description": md(f"Collected data of {ref.id} ({r.evidence or 'n/a'})"),
                },
                {
                    "href": f"#{evidence[files.RESULTS]}",
                    "description": "The run's results (govscan/results/v1).",
                },
            ],
            "collected": collected,
        }
        if r.waiver is not None:
            until = r.waiver.expires.isoformat() if r.waiver.expires else "no expiry"
            obs["remarks"] = md(
                f"Waived by {r.waiver.owner} ({until}): {r.waiver.reason}"
                + (" [expired]" if r.waiver.expired else "")
            )
        return obs

    @staticmethod
    def _finding(
        requirement: str,
        index: RequirementIndex,
        title: str,
        uid: Ids,
        justification: str | None = None,
    ) -> dict[str, Any]:
        try:
            statuses = index.statuses(requirement)
            judged = True
        except KeyError:  # declared not applicable, and no result maps to it
            statuses, judged = Counter[Status](), False
        verdict = score(statuses)
        counts = ", ".join(f"{s.value} {statuses[s]}" for s in Status if statuses[s])
        control_id = control_id_for(requirement)
        target: dict[str, Any] = {
            "type": "statement-id",
            "target-id": f"{control_id}_smt",
            "status": {
                "state": "satisfied" if verdict.satisfied else "not-satisfied",
                "reason": verdict.reason,
            },
        }
        description = f"{statuses.total()} automated check(s) mapped to {requirement}: {counts}."
        if justification is not None:
            # Out of scope is not met: the declaration is the finding, with its reason.
            why = md(justification or "no justification given")
            target["status"] = {"state": "not-satisfied", "reason": "other", "remarks": why}
            target["implementation-status"] = {"state": "not-applicable", "remarks": why}
            description = f"{requirement} is declared not applicable by the policy."
        finding: dict[str, Any] = {
            "uuid": uid("finding", requirement),
            "title": one_line(f"{requirement} {title}".strip()),
            "description": md(description),
            "target": target,
        }
        if judged:
            finding["related-observations"] = [
                {"observation-uuid": obs} for obs in index.references(requirement)
            ]
        return finding

    @staticmethod
    def _log(scan: ScanResult, uid: Ids) -> Iterator[dict[str, Any]]:
        errors = sorted(
            scan.errors, key=lambda e: (e.collector, e.account, e.region, e.operation, e.message)
        )
        for i, e in enumerate(errors):
            where = " ".join(x for x in (e.account, e.region, e.operation) if x)
            yield {
                "uuid": uid("log", e.collector, where, e.message, str(i)),
                "title": one_line(f"Collection error: {e.collector} {where}".strip()),
                "description": md(e.message),
                "start": timestamp(scan.run.started_at),
                "end": timestamp(scan.run.finished_at),
            }

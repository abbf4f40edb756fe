"""OSCAL assessment results (1.2.1), for GRC tools and compliance-trestle.

Mapping:

* the scanned resources are inventory items (the observations' subjects);
* every judged control × resource (``not_applicable`` excluded) is an
  observation, with its govscan status and framework mappings as properties;
* every NIST SP 800-53 requirement a judged control maps to is a finding:
  ``satisfied`` when every related observation passed, ``not-satisfied``
  otherwise (a failure, a result that could not be evaluated, or a waived
  deviation all leave the requirement unmet);
* the bundle's files are back-matter resources with their SHA-256, and the
  observations point at them as evidence; collection errors are entries of
  the assessment log.

UUIDs are version-5 UUIDs of the run id and the item's content, so the same
scan always renders the same document, byte for byte.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import IO, Any, ClassVar

from govscan.evidence import files
from govscan.model import ResourceRef, Result, ScanResult, Status
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.serialize import Encoded, encode_compact, write_json

OSCAL_VERSION = "1.2.1"
NIST_KEY = "nist-800-53-r5"
PROP_NS = "https://govscan.dev/ns/oscal"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://govscan.dev/oscal/assessment-results")
_NAMESPACE_BYTES = _NAMESPACE.bytes
_SATISFIED_STATUSES = frozenset({Status.PASS})
_REQ = re.compile(r"^([A-Z]{2})-(\d+)(?:\((\d+)\))?$")


def control_id_for(requirement: str) -> str:
    """NIST requirement id as written in controls (``SC-28(1)``) -> OSCAL id (``sc-28.1``)."""
    m = _REQ.match(requirement.strip())
    if m is None:
        return re.sub(r"[^a-z0-9.\-_]", "-", requirement.strip().lower())
    family, number, enh = m.groups()
    return f"{family.lower()}-{int(number)}" + (f".{int(enh)}" if enh else "")


def _sort_requirement(requirement: str) -> tuple[str, int, int, str]:
    m = _REQ.match(requirement)
    if m is None:
        return (requirement, 0, 0, requirement)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 0), requirement)


def _md(text: str) -> str:
    """OSCAL markup is Markdown: keep scanned text from turning into HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _line(text: str) -> str:
    return _md(" ".join(text.split()))


def _ts(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _prop(name: str, value: str, cls: str = "") -> dict[str, str] | None:
    # OSCAL string values may not be empty or start or end with whitespace.
    value = " ".join(value.split())
    if not value:
        return None
    out = {"name": name, "ns": PROP_NS, "value": value}
    if cls:
        out["class"] = cls
    return out


def _props(*items: dict[str, str] | None) -> list[dict[str, str]]:
    return [p for p in items if p is not None]


def _requirement_titles() -> Mapping[str, str]:
    try:
        from govscan.catalog.frameworks import load_frameworks

        fw = load_frameworks().get(NIST_KEY)
    except (OSError, ValueError, KeyError):
        return {}
    return {r.id: r.title for r in fw.requirements} if fw is not None else {}


class _Ids:
    """Deterministic UUIDs scoped to one run."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id

    def __call__(self, *parts: str) -> str:
        return _uuid5(_NAMESPACE_BYTES, "\x1f".join((self.run_id, *parts)))


def _uuid5(namespace: bytes, name: str) -> str:
    """``str(uuid.uuid5(ns, name))`` without building a UUID object: a report makes
    one per observation, and the object costs more than the hash."""
    raw = bytearray(hashlib.sha1(namespace + name.encode("utf-8"), usedforsecurity=False).digest())
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_JUDGED = tuple(s for s in Status if s is not Status.NOT_APPLICABLE)


def _observation_uuid(uid: _Ids, r: Result, position: int) -> str:
    return uid("observation", r.control_id, r.resource.id, r.status.value, str(position))


def _inventory_item(uid: _Ids, ref: ResourceRef) -> dict[str, Any]:
    return {
        "uuid": uid("inventory-item", ref.id),
        "description": _line(f"{ref.type} {ref.name or ref.id}"),
        "props": _props(
            _prop("asset-id", ref.id),
            _prop("resource-type", ref.type),
            _prop("resource-name", ref.name),
            _prop("provider", ref.provider),
            _prop("account", ref.account),
            _prop("region", ref.region),
            _prop(
                "location",
                f"{ref.location.path}:{ref.location.line}" if ref.location else "",
            ),
        ),
    }


class _RequirementIndex:
    """Which observations each NIST requirement relates to, kept in a private
    temporary SQLite database: a finding can relate to every result of a scan."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("CREATE TABLE related (requirement TEXT, observation TEXT)")
        self._pending: list[tuple[str, str]] = []
        self._statuses: dict[str, Counter[Status]] = {}
        self.observations = 0

    def add(self, r: Result, obs_uuid: str) -> None:
        self.observations += 1
        for req in r.frameworks.get(NIST_KEY, ()):
            self._statuses.setdefault(req, Counter())[r.status] += 1
            self._pending.append((req, obs_uuid))
        if len(self._pending) >= 5000:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO related VALUES (?, ?)", self._pending)
            self._pending.clear()

    def requirements(self) -> list[str]:
        return list(self._statuses)

    def statuses(self, requirement: str) -> Counter[Status]:
        return self._statuses[requirement]

    def observation_uuids(self, requirement: str) -> list[str]:
        self._flush()
        rows = self._db.execute(
            "SELECT DISTINCT observation FROM related WHERE requirement = ? ORDER BY observation",
            (requirement,),
        )
        return [o for (o,) in rows]


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
        uid = _Ids(run.id)
        tool_uuid = uid("component", "govscan")
        back_matter, evidence = self._back_matter(scan, uid, results_sha256)
        index = _RequirementIndex()
        for i, r in enumerate(scan.results.select(_JUDGED)):
            index.add(r, _observation_uuid(uid, r, i))

        def observations() -> Iterator[str]:
            collected = _ts(run.finished_at)
            for i, r in enumerate(scan.results.select(_JUDGED)):
                obs_uuid = _observation_uuid(uid, r, i)
                yield encode_compact(
                    self._observation(r, obs_uuid, uid, evidence, tool_uuid, collected)
                )

        titles = _requirement_titles()
        by_requirement = index.requirements()
        # One finding at a time: a finding lists every observation it relates to.
        findings = Encoded(
            encode_compact(self._finding(req, index, titles.get(req, ""), uid))
            for req in sorted(by_requirement, key=_sort_requirement)
        )

        local_definitions: dict[str, Any] = {
            "components": [
                {
                    "uuid": tool_uuid,
                    "type": "software",
                    "title": "govscan",
                    "description": "Compliance-as-code scanner that produced these results.",
                    "props": _props(_prop("version", run.govscan_version)),
                    "status": {"state": "operational"},
                }
            ]
        }
        if index.observations:  # every judged result has a subject
            local_definitions["inventory-items"] = Encoded(
                encode_compact(_inventory_item(uid, r.resource))
                for r in scan.results.first_per_resource(_JUDGED)
            )
        if by_requirement:
            reviewed: dict[str, Any] = {
                "include-controls": [
                    {"control-id": control_id_for(req)}
                    for req in sorted(by_requirement, key=_sort_requirement)
                ]
            }
        else:
            reviewed = {"include-all": {}}

        targets = ", ".join(f"{t.collector} {t.identity}" for t in run.targets) or "none"
        result: dict[str, Any] = {
            "uuid": uid("result"),
            "title": _line(f"govscan run {run.id}"),
            "description": _md(
                f"Automated assessment with policy {run.policy} of: {targets}. "
                f"Summary: {', '.join(f'{k} {v}' for k, v in scan.summary.items())}."
            ),
            "start": _ts(run.started_at),
            "end": _ts(run.finished_at),
            "props": _props(
                _prop("run-id", run.id),
                _prop("policy", run.policy),
                _prop("controls-hash", run.controls_hash),
                _prop("policy-hash", run.policy_hash),
                _prop("as-of", run.as_of.isoformat() if run.as_of else ""),
            ),
            "local-definitions": local_definitions,
            "reviewed-controls": {"control-selections": [reviewed]},
        }
        if index.observations:
            result["observations"] = Encoded(observations())
        if by_requirement:
            result["findings"] = findings
        if scan.errors:
            result["assessment-log"] = {"entries": list(self._log(scan, uid))}
            result["remarks"] = _md(
                f"The assessment is incomplete: {len(scan.errors)} collection error(s); "
                "requirements depending on the missing data are not satisfied."
            )

        return {
            "assessment-results": {
                "uuid": uid("assessment-results"),
                "metadata": {
                    "title": _line(f"govscan assessment results: policy {run.policy}"),
                    "last-modified": _ts(run.finished_at),
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
        uid: _Ids,
        evidence: Mapping[str, str],
        tool_uuid: str,
        collected: str,
    ) -> dict[str, Any]:
        ref = r.resource
        mappings = [
            _prop("framework-requirement", rid, cls=fw)
            for fw, ids in sorted(r.frameworks.items())
            for rid in ids
        ]
        obs: dict[str, Any] = {
            "uuid": obs_uuid,
            "title": _line(f"{r.control_id}: {r.title}"),
            "description": _md(r.message or r.title),
            "props": _props(
                _prop("control-id", r.control_id),
                _prop("status", r.status.value),
                _prop("severity", r.severity.value),
                *mappings,
            ),
            "methods": ["TEST"],
            "types": ["finding" if r.status is not Status.PASS else "control-objective"],
            "origins": [{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}],
            "subjects": [{"subject-uuid": uid("inventory-item", ref.id), "type": "inventory-item"}],
            "relevant-evidence": [
                {
                    "href": f"#{evidence[files.RESOURCES]}",
                    "description": _md(f"Collected data of {ref.id} ({r.evidence or 'n/a'})"),
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
            obs["remarks"] = _md(
                f"Waived by {r.waiver.owner} ({until}): {r.waiver.reason}"
                + (" [expired]" if r.waiver.expired else "")
            )
        return obs

    @staticmethod
    def _finding(
        requirement: str, index: _RequirementIndex, title: str, uid: _Ids
    ) -> dict[str, Any]:
        statuses = index.statuses(requirement)
        satisfied = set(statuses) <= _SATISFIED_STATUSES
        if satisfied:
            reason = "pass"
        elif Status.FAIL in statuses:
            reason = "fail"
        else:
            reason = "other"
        counts = ", ".join(f"{s.value} {statuses[s]}" for s in Status if statuses[s])
        control_id = control_id_for(requirement)
        return {
            "uuid": uid("finding", requirement),
            "title": _line(f"{requirement} {title}".strip()),
            "description": _md(
                f"{statuses.total()} automated check(s) mapped to {requirement}: {counts}."
            ),
            "target": {
                "type": "statement-id",
                "target-id": f"{control_id}_smt",
                "status": {
                    "state": "satisfied" if satisfied else "not-satisfied",
                    "reason": reason,
                },
            },
            "related-observations": [
                {"observation-uuid": obs} for obs in index.observation_uuids(requirement)
            ],
        }

    @staticmethod
    def _log(scan: ScanResult, uid: _Ids) -> Iterator[dict[str, Any]]:
        errors = sorted(
            scan.errors, key=lambda e: (e.collector, e.account, e.region, e.operation, e.message)
        )
        for i, e in enumerate(errors):
            where = " ".join(x for x in (e.account, e.region, e.operation) if x)
            yield {
                "uuid": uid("log", e.collector, where, e.message, str(i)),
                "title": _line(f"Collection error: {e.collector} {where}".strip()),
                "description": _md(e.message),
                "start": _ts(scan.run.started_at),
                "end": _ts(scan.run.finished_at),
            }

    @staticmethod
    def _back_matter(
        scan: ScanResult, uid: _Ids, results_sha256: str
    ) -> tuple[dict[str, Any], dict[str, str]]:
        run = scan.run
        data = files.data_files(scan)
        digests = {
            files.RESULTS: results_sha256 or files.results_sha256(scan),
            files.API_CALLS: files.sha256_hex(data[files.API_CALLS]),
        }
        evidence: dict[str, str] = {}
        resources: list[dict[str, Any]] = [
            {
                "uuid": uid("back-matter", "policy"),
                "title": _line(f"govscan policy {run.policy}"),
                "description": "The policy and control set this run assessed against, "
                "identified by their content hashes (stands in for an assessment plan).",
                "props": _props(
                    _prop("policy-hash", run.policy_hash),
                    _prop("controls-hash", run.controls_hash),
                ),
                "rlinks": [
                    {
                        "href": files.CONTROLS,
                        "media-type": "application/json",
                        "hashes": [
                            {
                                "algorithm": "SHA-256",
                                "value": files.sha256_hex(data[files.CONTROLS]),
                            }
                        ],
                    }
                ],
            }
        ]
        media = {
            files.RESULTS: "application/json",
            files.API_CALLS: "application/json",
        }
        titles = {
            files.RESULTS: "Results of the run (govscan/results/v1)",
            files.API_CALLS: "API call log of the run",
        }
        for name in (files.RESULTS, files.API_CALLS):
            evidence[name] = uid("back-matter", name)
            resources.append(
                {
                    "uuid": evidence[name],
                    "title": titles[name],
                    "rlinks": [
                        {
                            "href": name,
                            "media-type": media[name],
                            "hashes": [{"algorithm": "SHA-256", "value": digests[name]}],
                        }
                    ],
                }
            )
        # Collected data is streamed during the scan, so its hash is only known to
        # the bundle manifest, which the manifest resource below points at.
        evidence[files.RESOURCES] = uid("back-matter", files.RESOURCES)
        resources.append(
            {
                "uuid": evidence[files.RESOURCES],
                "title": "Collected resources (redacted), one JSON document per line",
                "description": "SHA-256 listed in manifest.json of the evidence bundle.",
                "rlinks": [{"href": files.RESOURCES, "media-type": "application/gzip"}],
            }
        )
        resources.append(
            {
                "uuid": uid("back-matter", "manifest.json"),
                "title": "Evidence bundle manifest (SHA-256 of every file)",
                "rlinks": [{"href": "manifest.json", "media-type": "application/json"}],
            }
        )
        return {"resources": resources}, evidence


def dangling_references(doc: Mapping[str, Any]) -> list[str]:
    """Cross-reference problems the JSON Schema cannot see.

    Every ``*-uuid`` reference and every ``#<uuid>`` href must name a uuid
    defined in the document, and no uuid may be defined twice.
    """
    defined: list[str] = []
    refs: list[tuple[str, str]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, val in node.items():
                here = f"{path}/{key}"
                if key == "uuid" and isinstance(val, str):
                    defined.append(val)
                elif key.endswith("-uuid") and isinstance(val, str):
                    refs.append((here, val))
                elif key == "href" and isinstance(val, str) and val.startswith("#"):
                    refs.append((here, val[1:]))
                else:
                    walk(val, here)
        elif isinstance(node, list):
            for i, val in enumerate(node):
                walk(val, f"{path}/{i}")

    walk(doc, "")
    counts = Counter(defined)
    problems = [f"duplicate uuid {u}" for u in sorted(u for u, n in counts.items() if n > 1)]
    known = set(counts)
    problems += [
        f"{where}: {target} is not defined" for where, target in refs if target not in known
    ]
    return problems

"""OSCAL building blocks: deterministic UUIDs, properties, text, inventory items, back matter.

The assessment results document itself is assembled in ``reporters.oscal``;
these pieces carry no view of the document as a whole.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from govscan.evidence import files
from govscan.model import ResourceRef, ScanResult

PROP_NS = "https://govscan.dev/ns/oscal"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://govscan.dev/oscal/assessment-results")
NAMESPACE_BYTES = NAMESPACE.bytes
_REQ = re.compile(r"^([A-Z]{2})-(\d+)(?:\((\d+)\))?$")


def control_id_for(requirement: str) -> str:
    """NIST requirement id as written in controls (``SC-28(1)``) -> OSCAL id (``sc-28.1``)."""
    m = _REQ.match(requirement.strip())
    if m is None:
        return re.sub(r"[^a-z0-9.\-_]", "-", requirement.strip().lower())
    family, number, enh = m.groups()
    return f"{family.lower()}-{int(number)}" + (f".{int(enh)}" if enh else "")


def sort_requirement(requirement: str) -> tuple[str, int, int, str]:
    m = _REQ.match(requirement)
    if m is None:
        return (requirement, 0, 0, requirement)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 0), requirement)


def md(text: str) -> str:
    """OSCAL markup is Markdown: keep scanned text from turning into HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str) -> str:
    return md(" ".join(text.split()))


def timestamp(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def prop(name: str, value: str, cls: str = "") -> dict[str, str] | None:
    # OSCAL string values may not be empty or start or end with whitespace.
    value = " ".join(value.split())
    if not value:
        return None
    out = {"name": name, "ns": PROP_NS, "value": value}
    if cls:
        out["class"] = cls
    return out


def props(*items: dict[str, str] | None) -> list[dict[str, str]]:
    return [p for p in items if p is not None]


class Ids:
    """Deterministic UUIDs scoped to one run."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id

    def __call__(self, *parts: str) -> str:
        return uuid5(NAMESPACE_BYTES, "\x1f".join((self.run_id, *parts)))


def uuid5(namespace: bytes, name: str) -> str:
    """``str(uuid.uuid5(ns, name))`` without building a UUID object: a report makes
    one per observation, and the object costs more than the hash."""
    raw = bytearray(hashlib.sha1(namespace + name.encode("utf-8"), usedforsecurity=False).digest())
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def inventory_item(uid: Ids, ref: ResourceRef) -> dict[str, Any]:
    return {
        "uuid": uid("inventory-item", ref.id),
        "description": one_line(f"{ref.type} {ref.name or ref.id}"),
        "props": props(
            prop("asset-id", ref.id),
            prop("resource-type", ref.type),
            prop("resource-name", ref.name),
            prop("provider", ref.provider),
            prop("account", ref.account),
            prop("region", ref.region),
            prop(
                "location",
                f"{ref.location.path}:{ref.location.line}" if ref.location else "",
            ),
        ),
    }


def bundle_back_matter(
    scan: ScanResult, uid: Ids, results_sha256: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The back matter (policy, the bundle's files, manifest) and the uuid of each
    data file's resource by file name, for observations to cite as evidence."""
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
            "title": one_line(f"govscan policy {run.policy}"),
            "description": "The policy and control set this run assessed against, "
            "identified by their content hashes (stands in for an assessment plan).",
            "props": props(
                prop("policy-hash", run.policy_hash),
                prop("controls-hash", run.controls_hash),
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

"""Turn a validated registry, records file and the scanned scopes into resources.

Every rule of the DSGVO controls reads one of four resource types:

``dsgvo.processor``      one per registry entry (contract, clauses, review, ...)
``dsgvo.transfer``       one per third country an entry or its sub-processors reach
``dsgvo.service_usage``  one per processor detected in use (``registry.usage``)
``dsgvo.activity``       one per processing activity of the records (VVT)

Facts that need more than the condition language offers (which Art. 28(3)
clauses are missing, which SCC module fits the roles, whether the VVT agrees
with the registry) are computed here.  Anything that depends on the date of
the scan is left to the controls' date operators, so ``--as-of`` governs them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from govscan.catalog.countries import (
    ADEQUACY,
    DPF_COUNTRY,
    has_adequacy,
    in_eea,
)
from govscan.catalog.yamlsource import Pointer, YamlDocument
from govscan.collectors.registry.schema import CLAUSES
from govscan.collectors.registry.validate import plain
from govscan.model import Location, Resource, ResourceRef

PROVIDER = "dsgvo"
LOCATION_KINDS = ("processing", "storage", "backup", "support_access")
SCC_MODULES = {
    ("controller", "controller"): 1,
    ("controller", "processor"): 2,
    ("processor", "processor"): 3,
    ("processor", "controller"): 4,
}


@dataclass(frozen=True)
class Source:
    """A parsed registry or records file with the positions of its entries."""

    doc: YamlDocument
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: YamlDocument) -> Source:
        data = plain(doc.data)
        return cls(doc, data if isinstance(data, dict) else {})

    def location(self, pointer: Pointer) -> Location:
        line, _ = self.doc.where(pointer)
        return Location(self.doc.path, line)


def dsgvo_ref(kind: str, rid: str, name: str, loc: Location | None = None) -> ResourceRef:
    return ResourceRef(type=f"dsgvo.{kind}", id=rid, name=name, provider=PROVIDER, location=loc)


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _countries(p: Mapping[str, Any]) -> dict[str, list[str]]:
    """Country -> the kinds of location (processing, storage, ...) it appears as."""
    locations = p.get("locations") or {}
    out: dict[str, list[str]] = {}
    for kind in LOCATION_KINDS:
        for country in as_list(locations.get(kind)):
            out.setdefault(str(country), []).append(kind)
    return out


# --- processors -----------------------------------------------------------------------------


def processors(
    registry: Source, activities_by_processor: Mapping[str, list[str]] | None
) -> Iterator[Resource]:
    for i, p in enumerate(as_list(registry.data.get("processors"))):
        pid = str(p["id"])
        contract = p.get("contract") or {}
        document = contract.get("document") or {}
        clauses = p.get("clauses") or {}
        review = p.get("review") or {}
        countries = _countries(p)
        subs = as_list(p.get("sub_processors"))
        data: dict[str, Any] = {
            "processor_id": pid,
            "legal_name": p.get("legal_name"),
            "address": p.get("address"),
            "country": p.get("country"),
            "role": p.get("role"),
            "engaged_by": p.get("engaged_by"),
            "purpose": p.get("purpose"),
            "services": as_list(p.get("services")),
            "data_categories": as_list(p.get("data_categories")),
            "special_categories": as_list(p.get("special_categories")),
            "has_special_categories": bool(p.get("special_categories")),
            "data_subjects": as_list(p.get("data_subjects")),
            "contract": {
                "type": contract.get("type"),
                "signed": contract.get("signed"),
                "effective": contract.get("effective"),
                "ends": contract.get("ends"),
                "document_reference": document.get("reference"),
                "document_sha256": document.get("sha256"),
            },
            "clauses": dict(clauses),
            "clauses_missing": [k for k in CLAUSES if not clauses.get(k)],
            "toms": p.get("toms"),
            "certifications": as_list(p.get("certifications")),
            "sub_processors": subs,
            "sub_processor_countries": sorted(
                {str(c) for s in subs for c in as_list(s.get("countries"))}
            ),
            "locations": p.get("locations"),
            "countries": sorted(countries),
            "third_countries": sorted(c for c in countries if not in_eea(c)),
            "transfer": p.get("transfer"),
            "review": {
                "owner": review.get("owner"),
                "last_review": review.get("last_review"),
                "next_review": review.get("next_review"),
            },
        }
        if activities_by_processor is not None:
            data["activities"] = sorted(activities_by_processor.get(pid, []))
        yield Resource(
            dsgvo_ref(
                "processor",
                f"avv:{pid}",
                str(p.get("legal_name") or pid),
                registry.location(("processors", i)),
            ),
            data,
        )


# --- transfers ------------------------------------------------------------------------------


def _mechanism_problem(country: str, t: Mapping[str, Any]) -> str:
    mech = t.get("mechanism")
    if not mech:
        return f"no transfer mechanism for {country}"
    if mech == "adequacy" and not has_adequacy(country):
        extra = " (US importers need the DPF)" if country == DPF_COUNTRY else ""
        return f"{country} has no adequacy decision{extra}"
    if mech == "dpf" and country != DPF_COUNTRY:
        return f"the EU-US Data Privacy Framework does not cover {country}"
    if mech == "scc" and t.get("scc_module") not in (1, 2, 3, 4):
        return "SCC without a module"
    if mech == "art49" and not t.get("art49_basis"):
        return "Art. 49 derogation without a basis"
    return ""


def _transfer_data(
    pid: str,
    p: Mapping[str, Any],
    country: str,
    t: Mapping[str, Any],
    *,
    source: str,
    exporter_role: str,
    kinds: Sequence[str],
    sub: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    tia = t.get("tia") or {}
    expected = SCC_MODULES[(exporter_role, "processor")]
    problem = _mechanism_problem(country, t)
    return {
        "processor_id": pid,
        "processor_name": p.get("legal_name"),
        "source": source,
        "sub_processor": (sub or {}).get("name"),
        "importer": (sub or {}).get("name") or p.get("legal_name"),
        "country": country,
        "location_kinds": list(kinds),
        "in_eea": False,
        "adequacy": has_adequacy(country),
        "adequacy_decision": ADEQUACY.get(country),
        "mechanism": t.get("mechanism"),
        "mechanism_valid": not problem,
        "mechanism_problem": problem,
        "exporter_role": exporter_role,
        "importer_role": "processor",
        "scc_module": t.get("scc_module"),
        "expected_scc_module": expected,
        "scc_module_fits": t.get("scc_module") == expected,
        "tia": {"date": tia.get("date"), "result": tia.get("result")} if tia else None,
        "supplementary_measures": as_list(t.get("supplementary_measures")),
        "dpf_certified": t.get("dpf_certified"),
        "dpf_checked": t.get("dpf_checked"),
        "art49_basis": t.get("art49_basis"),
        "inherited_mechanism": sub is not None and not (sub.get("transfer")),
    }


def transfers(registry: Source) -> Iterator[Resource]:
    for i, p in enumerate(as_list(registry.data.get("processors"))):
        pid = str(p["id"])
        own = p.get("transfer") or {}
        # The controller exports to its processors; a sub-processor receives
        # from the processor that engaged it (SCC module 2 vs module 3).
        exporter = "processor" if p.get("role") == "sub-processor" else "controller"
        subs = as_list(p.get("sub_processors"))
        for country, kinds in sorted(_countries(p).items()):
            if in_eea(country):
                continue
            t, role, via = own, exporter, None
            if not own:
                # A third-country location that exists because a sub-processor
                # sits there is covered by that sub-processor's mechanism.
                via = next(
                    (
                        s
                        for s in subs
                        if s.get("transfer") and country in as_list(s.get("countries"))
                    ),
                    None,
                )
                if via is not None:
                    t, role = via["transfer"], "processor"
            data = _transfer_data(
                pid, p, country, t, source="processor", exporter_role=role, kinds=kinds
            )
            data["via_sub_processor"] = via.get("name") if via else None
            yield Resource(
                dsgvo_ref(
                    "transfer",
                    f"avv:{pid}/transfer/{country}",
                    f"{p.get('legal_name')} -> {country}",
                    registry.location(("processors", i, "locations")),
                ),
                data,
            )
        for j, sub in enumerate(subs):
            for country in sorted({str(c) for c in as_list(sub.get("countries"))}):
                if in_eea(country):
                    continue
                t = sub.get("transfer") or own
                yield Resource(
                    dsgvo_ref(
                        "transfer",
                        f"avv:{pid}/sub/{sub.get('name')}/{country}",
                        f"{sub.get('name')} ({p.get('legal_name')}) -> {country}",
                        registry.location(("processors", i, "sub_processors", j)),
                    ),
                    _transfer_data(
                        pid,
                        p,
                        country,
                        t,
                        source="sub-processor",
                        exporter_role="processor",
                        kinds=["sub-processing"],
                        sub=sub,
                    ),
                )


# --- records of processing ------------------------------------------------------------------


def activities_by_processor(records: Source) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in as_list(records.data.get("activities")):
        for pid in as_list(a.get("processors")):
            out.setdefault(str(pid), []).append(str(a.get("id")))
    return out


def activities(records: Source, registry: Source) -> Iterator[Resource]:
    entries = {str(p.get("id")): p for p in as_list(registry.data.get("processors"))}
    for i, a in enumerate(as_list(records.data.get("activities"))):
        pids = [str(x) for x in as_list(a.get("processors"))]
        declared = sorted(
            {str(t.get("country")) for t in as_list(a.get("transfers")) if t.get("country")}
        )
        # A transfer naming another recipient (a controller abroad) is not the
        # registry's business; one naming no recipient or a processor is.
        via_processors = {
            str(t.get("country"))
            for t in as_list(a.get("transfers"))
            if t.get("country") and (not t.get("recipient") or t.get("recipient") in pids)
        }
        registry_countries: set[str] = set()
        for pid in pids:
            p = entries.get(pid)
            if p is None:
                continue
            registry_countries.update(c for c in _countries(p) if not in_eea(c))
            for sub in as_list(p.get("sub_processors")):
                registry_countries.update(
                    str(c) for c in as_list(sub.get("countries")) if not in_eea(str(c))
                )
        yield Resource(
            dsgvo_ref(
                "activity",
                f"vvt:{a.get('id')}",
                str(a.get("name") or a.get("id")),
                records.location(("activities", i)),
            ),
            {
                "activity_id": a.get("id"),
                "name": a.get("name"),
                "purpose": a.get("purpose"),
                "legal_basis": as_list(a.get("legal_basis")),
                "data_subjects": as_list(a.get("data_subjects")),
                "data_categories": as_list(a.get("data_categories")),
                "special_categories": as_list(a.get("special_categories")),
                "recipients": as_list(a.get("recipients")),
                "processors": pids,
                "unknown_processors": [pid for pid in pids if pid not in entries],
                "transfer_countries": declared,
                "registry_third_countries": sorted(registry_countries),
                "transfers_undeclared": sorted(registry_countries - set(declared)),
                "transfers_not_in_registry": sorted(set(via_processors) - registry_countries),
                "erasure": a.get("erasure"),
                "toms": a.get("toms"),
                "owner": a.get("owner"),
                "high_risk": a.get("high_risk") is True,
                "dpia": a.get("dpia"),
            },
        )

"""JSON Schemas of the AVV registry and of the records of processing (VVT).

The schemas are the single description of both formats: ``validate.py`` checks
files against them (then adds the checks JSON Schema cannot express), and the
same documents are shipped as ``data/schemas/{registry,records}.schema.json``
for editors and ``govscan schema registry``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

CLAUSES: dict[str, str] = {
    "a": "processes only on documented instructions, including on transfers",
    "b": "persons authorised to process are bound to confidentiality",
    "c": "takes all measures required under Art. 32",
    "d": "respects the conditions of Art. 28(2) and (4) for sub-processors",
    "e": "assists with data subject requests",
    "f": "assists with Art. 32 to 36 obligations",
    "g": "deletes or returns all personal data at the end of the services",
    "h": "makes information available and allows for audits",
}
"""Art. 28(3)(a)-(h) DSGVO: what every processing agreement must stipulate."""

CONTRACT_TYPES = ("provider-dpa", "individual-avv", "scc-2021-915")
MECHANISMS = ("adequacy", "dpf", "scc", "bcr", "art49")
ART49_BASES = (
    "explicit-consent",
    "contract-with-data-subject",
    "contract-in-interest-of-data-subject",
    "public-interest",
    "legal-claims",
    "vital-interests",
    "public-register",
)
TIA_RESULTS = ("acceptable", "acceptable-with-measures", "not-acceptable")
SPECIAL_CATEGORIES = (
    # Art. 9(1)
    "racial-or-ethnic-origin",
    "political-opinions",
    "religious-or-philosophical-beliefs",
    "trade-union-membership",
    "genetic-data",
    "biometric-data",
    "health",
    "sex-life-or-sexual-orientation",
    # Art. 10
    "criminal-convictions-and-offences",
)
CLOUDS = ("aws", "azure", "gcp", "github")

_STR: dict[str, Any] = {"type": "string", "minLength": 1}
_DATE: dict[str, Any] = {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
_COUNTRY: dict[str, Any] = {
    "type": "string",
    "pattern": "^[A-Z]{2}$",
    "description": "ISO 3166-1 alpha-2 country code",
}
_COUNTRIES: dict[str, Any] = {"type": "array", "items": _COUNTRY, "uniqueItems": True}
_STRINGS: dict[str, Any] = {"type": "array", "items": _STR}
_ID: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}


def _obj(
    properties: dict[str, Any], required: tuple[str, ...] = (), **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


def _transfer() -> dict[str, Any]:
    return _obj(
        {
            "mechanism": {
                "enum": list(MECHANISMS),
                "description": "adequacy (Art. 45), dpf (EU-US Data Privacy Framework), "
                "scc (Art. 46(2)(c), (EU) 2021/914), bcr (Art. 47), art49 (derogation)",
            },
            "scc_module": {"type": "integer", "minimum": 1, "maximum": 4},
            "dpf_certified": {"type": "boolean"},
            "dpf_checked": _DATE,
            "tia": _obj(
                {"date": _DATE, "result": {"enum": list(TIA_RESULTS)}, "reference": _STR},
                ("date", "result"),
            ),
            "supplementary_measures": _STRINGS,
            "art49_basis": {"enum": list(ART49_BASES)},
        },
        ("mechanism",),
        allOf=[
            {
                "if": {"properties": {"mechanism": {"const": "scc"}}},
                "then": {"required": ["scc_module"]},
            },
            {
                "if": {"properties": {"mechanism": {"const": "art49"}}},
                "then": {"required": ["art49_basis"]},
            },
        ],
    )


def _controller() -> dict[str, Any]:
    return _obj(
        {
            "name": _STR,
            "address": _STR,
            "country": _COUNTRY,
            "dpo": _obj({"name": _STR, "email": _STR}),
        },
        ("name", "country"),
    )


def registry_schema() -> dict[str, Any]:
    detect = _obj(
        {
            "cloud": {"enum": list(CLOUDS)},
            "accounts": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "Account, subscription or project ids; ['*'] for every one",
            },
            "saas_domains": _STRINGS,
            "repository_integrations": {
                "type": "array",
                "items": _STR,
                "description": "GitHub Actions and apps as owner/name or owner/*",
            },
        },
        minProperties=1,
    )
    service = _obj({"name": _STR, "detect": detect}, ("name",))
    contract = _obj(
        {
            "type": {
                "enum": list(CONTRACT_TYPES),
                "description": "provider-dpa (standard terms), individual-avv (negotiated), "
                "scc-2021-915 (Commission clauses under Art. 28(7))",
            },
            "signed": _DATE,
            "effective": _DATE,
            "ends": {"oneOf": [_DATE, {"type": "null"}]},
            "document": _obj(
                {
                    "reference": _STR,
                    "sha256": {"type": "string", "pattern": SHA256_PATTERN},
                },
                ("reference",),
            ),
        },
        ("type", "signed", "effective", "document"),
    )
    clauses = _obj(
        {k: {**_STR, "description": f"Art. 28(3)({k}): {v}"} for k, v in CLAUSES.items()},
        description="Where the agreement stipulates each Art. 28(3) item (clause reference)",
    )
    certification = _obj(
        {"name": _STR, "issued": _DATE, "valid_until": _DATE, "scope": _STR},
        ("name", "valid_until"),
    )
    sub_processor = _obj(
        {
            "name": _STR,
            "service": _STR,
            "countries": {**_COUNTRIES, "minItems": 1},
            "list_url": _STR,
            "last_checked": _DATE,
            "transfer": _transfer(),
        },
        ("name", "countries"),
    )
    locations = _obj(
        {
            "processing": {**_COUNTRIES, "minItems": 1},
            "storage": {**_COUNTRIES, "minItems": 1},
            "backup": _COUNTRIES,
            "support_access": _COUNTRIES,
        },
        ("processing", "storage"),
    )
    processor = _obj(
        {
            "id": _ID,
            "legal_name": _STR,
            "address": _STR,
            "country": _COUNTRY,
            "role": {"enum": ["processor", "sub-processor"]},
            "engaged_by": {**_ID, "description": "For sub-processors: id of the processor"},
            "services": {"type": "array", "items": service, "minItems": 1},
            "purpose": _STR,
            "data_categories": {**_STRINGS, "minItems": 1},
            "special_categories": {
                "type": "array",
                "items": {"enum": list(SPECIAL_CATEGORIES)},
                "uniqueItems": True,
            },
            "data_subjects": {**_STRINGS, "minItems": 1},
            "contract": contract,
            "clauses": clauses,
            "toms": _obj({"reference": _STR, "reviewed": _DATE}, ("reference",)),
            "certifications": {"type": "array", "items": certification},
            "sub_processors": {"type": "array", "items": sub_processor},
            "locations": locations,
            "transfer": _transfer(),
            "review": _obj(
                {"owner": _STR, "last_review": _DATE, "next_review": _DATE},
                ("owner", "next_review"),
            ),
            "notes": {"type": "string"},
        },
        (
            "id",
            "legal_name",
            "country",
            "role",
            "services",
            "purpose",
            "data_categories",
            "data_subjects",
            "contract",
            "clauses",
            "locations",
            "review",
        ),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govscan.dev/schemas/registry.schema.json",
        "title": "govscan AVV registry (processors under Art. 28 DSGVO)",
        **_obj(
            {
                "version": {"const": 1},
                "controller": _controller(),
                "processors": {"type": "array", "items": processor, "minItems": 1},
            },
            ("version", "controller", "processors"),
        ),
    }


def records_schema() -> dict[str, Any]:
    transfer = _obj(
        {"country": _COUNTRY, "recipient": _STR, "mechanism": {"enum": list(MECHANISMS)}},
        ("country",),
    )
    activity = _obj(
        {
            "id": _ID,
            "name": _STR,
            "purpose": _STR,
            "legal_basis": _STRINGS,
            "data_subjects": {**_STRINGS, "minItems": 1},
            "data_categories": {**_STRINGS, "minItems": 1},
            "special_categories": {
                "type": "array",
                "items": {"enum": list(SPECIAL_CATEGORIES)},
                "uniqueItems": True,
            },
            "recipients": _STRINGS,
            "processors": {"type": "array", "items": _ID, "uniqueItems": True},
            "transfers": {"type": "array", "items": transfer},
            "erasure": {**_STR, "description": "Time limit for erasure (Art. 30(1)(f))"},
            "toms": {**_STR, "description": "Reference to the TOMs (Art. 30(1)(g))"},
            "owner": _STR,
            "high_risk": {
                "type": "boolean",
                "description": "Likely to result in a high risk (Art. 35(1), (3)); needs a DPIA",
            },
            "dpia": _obj(
                {
                    "reference": {**_STR, "description": "Where the DPIA report is kept"},
                    "completed": {**_DATE, "description": "Date the DPIA was completed"},
                },
                ("reference",),
            ),
        },
        ("id", "name", "purpose", "data_subjects", "data_categories", "erasure", "toms"),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://govscan.dev/schemas/records.schema.json",
        "title": "govscan records of processing activities (Art. 30 DSGVO)",
        **_obj(
            {
                "version": {"const": 1},
                "controller": _controller(),
                "activities": {"type": "array", "items": activity, "minItems": 1},
            },
            ("version", "controller", "activities"),
        ),
    }


SCHEMAS = {"registry": registry_schema, "records": records_schema}


def schema_json(kind: str) -> str:
    return json.dumps(SCHEMAS[kind](), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> None:
    """Regenerate the shipped schema files (run after changing this module)."""
    for kind in SCHEMAS:
        (directory / f"{kind}.schema.json").write_text(schema_json(kind), encoding="utf-8")

"""Validate AVV registries and records of processing: every problem, with its position.

JSON Schema finds the structural problems; the checks below add what a schema
cannot say (unique ids, references between entries, dates in order, real
calendar dates).  ``govscan validate`` and the registry collector both call
:func:`validate_document`, so a registry that validates is one the collector
can read.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

import jsonschema

from govscan.catalog.countries import in_eea
from govscan.catalog.schema_problems import Wording, path_text, schema_problems
from govscan.catalog.yamlsource import Pointer, YamlDocument
from govscan.collectors.registry.schema import (
    DATE_PATTERN,
    ID_PATTERN,
    SCHEMAS,
    SHA256_PATTERN,
)
from govscan.errors import Problem

KINDS = tuple(SCHEMAS)


@cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    schema = SCHEMAS[kind]()
    cls = jsonschema.validators.validator_for(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def plain(value: Any) -> Any:
    """The document as JSON data: YAML dates become ISO strings."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def validate_document(kind: str, doc: YamlDocument) -> list[Problem]:
    """Every problem of a registry (``kind="registry"``) or records file (``"records"``)."""
    if kind not in SCHEMAS:
        return [doc.problem((), f"unknown document kind '{kind}'")]
    problems: list[Problem] = list(doc.duplicates)
    data = plain(doc.data)
    if not isinstance(data, dict):
        problems.append(doc.problem((), f"a {kind} file must be a YAML mapping"))
        return problems
    problems.extend(schema_problems(doc, _validator(kind).iter_errors(data), WORDING))
    checks = _registry_checks if kind == "registry" else _records_checks
    problems.extend(checks(doc, data))
    # The YAML loader already reports unquoted impossible dates (2025-13-01).
    flagged = {p.line for p in doc.duplicates}
    problems.extend(p for p in _calendar_dates(doc, data, ()) if p.line not in flagged)
    return sorted(set(problems), key=lambda p: (p.line, p.col, p.message))


# --- JSON Schema errors -> located, readable problems ---------------------------------------

_NOUNS = {
    "processors": "processor",
    "sub_processors": "sub-processor",
    "activities": "activity",
    "transfers": "transfer",
    "transfer": "transfer",
    "contract": "contract",
    "dpia": "DPIA",
}


def _noun(ptr: Pointer) -> str | None:
    key = next((p for p in reversed(ptr) if isinstance(p, str)), None)
    return _NOUNS.get(key) if key is not None else None


WORDING = Wording(
    noun=_noun,
    patterns={
        DATE_PATTERN: "must be a date written YYYY-MM-DD, got {value}",
        SHA256_PATTERN: "must be a SHA-256 digest: 64 lowercase hexadecimal digits, got {value}",
        ID_PATTERN: "must be an id of lowercase letters, digits and '-', got {value}",
        "^[A-Z]{2}$": "must be an ISO 3166-1 alpha-2 country code such as DE or US, got {value}",
    },
    paths=True,
    condition=lambda inst: (
        f" (needed when mechanism is {inst.get('mechanism')})" if isinstance(inst, dict) else ""
    ),
)


def where(pointer: Pointer) -> str:
    return path_text(pointer)


def _at(doc: YamlDocument, pointer: Pointer, message: str) -> Problem:
    key = bool(pointer) and isinstance(pointer[-1], str)
    return doc.problem(pointer, f"{where(pointer)}: {message}", key=key)


# --- checks beyond the schema ---------------------------------------------------------------


def _calendar_dates(doc: YamlDocument, value: Any, ptr: Pointer) -> Iterator[Problem]:
    """Date-shaped strings that are not real dates (YAML leaves '2025-02-30' a string)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _calendar_dates(doc, v, (*ptr, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _calendar_dates(doc, v, (*ptr, i))
    elif isinstance(value, str) and len(value) == 10 and value[4:5] == "-" == value[7:8]:
        try:
            date.fromisoformat(value)
        except ValueError:
            if value[:4].isdigit() and value[5:7].isdigit() and value[8:].isdigit():
                yield _at(doc, ptr, f"{value!r} is not a calendar date")


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _before(
    doc: YamlDocument,
    obj: Mapping[str, Any],
    ptr: Pointer,
    first: str,
    second: str,
    strict: bool = True,
) -> Iterator[Problem]:
    a, b = _date(obj.get(first)), _date(obj.get(second))
    if a is None or b is None:
        return
    if (a >= b) if strict else (a > b):
        yield _at(
            doc,
            (*ptr, second),
            f"{second} ({b}) must be after {first} ({a})",
        )


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _registry_checks(doc: YamlDocument, data: Mapping[str, Any]) -> Iterator[Problem]:
    processors = list(_dicts(data.get("processors")))
    first_seen: dict[str, int] = {}
    for i, p in processors:
        pid = p.get("id")
        if not isinstance(pid, str):
            continue
        if pid in first_seen:
            line, _ = doc.where(("processors", first_seen[pid], "id"))
            yield _at(
                doc,
                ("processors", i, "id"),
                f"duplicate processor id '{pid}' (first at line {line})",
            )
        else:
            first_seen[pid] = i
    ids = set(first_seen)
    for i, p in processors:
        yield from _processor_checks(doc, ("processors", i), p, ids)


def _processor_checks(
    doc: YamlDocument, ptr: Pointer, p: Mapping[str, Any], ids: set[str]
) -> Iterator[Problem]:
    role, parent = p.get("role"), p.get("engaged_by")
    if role == "sub-processor" and parent is None:
        yield _at(doc, ptr, "a sub-processor needs 'engaged_by' (the id of its processor)")
    if role == "processor" and parent is not None:
        yield _at(doc, (*ptr, "engaged_by"), "'engaged_by' is only for sub-processors")
    if isinstance(parent, str) and parent not in ids:
        close = difflib.get_close_matches(parent, sorted(ids), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        yield _at(doc, (*ptr, "engaged_by"), f"no processor with id '{parent}'{hint}")
    if isinstance(parent, str) and parent == p.get("id"):
        yield _at(doc, (*ptr, "engaged_by"), "a processor cannot engage itself")
    contract = p.get("contract")
    if isinstance(contract, dict):
        cptr = (*ptr, "contract")
        yield from _before(doc, contract, cptr, "effective", "ends")
        yield from _before(doc, contract, cptr, "signed", "ends")
    review = p.get("review")
    if isinstance(review, dict):
        yield from _before(doc, review, (*ptr, "review"), "last_review", "next_review")
    for j, cert in _dicts(p.get("certifications")):
        yield from _before(doc, cert, (*ptr, "certifications", j), "issued", "valid_until")
    for j, svc in _dicts(p.get("services")):
        detect = svc.get("detect")
        if not isinstance(detect, dict):
            continue
        dptr = (*ptr, "services", j, "detect")
        accounts = detect.get("accounts")
        if accounts is not None and "cloud" not in detect:
            yield _at(doc, (*dptr, "accounts"), "'accounts' needs 'cloud' (whose accounts?)")
        if detect.get("cloud") == "aws" and isinstance(accounts, list):
            for k, acct in enumerate(accounts):
                if (
                    isinstance(acct, str)
                    and acct != "*"
                    and not (len(acct) == 12 and acct.isdigit())
                ):
                    yield _at(
                        doc, (*dptr, "accounts", k), f"AWS account ids have 12 digits, got {acct!r}"
                    )
    transfers = [((*ptr, "transfer"), p.get("transfer"))]
    transfers += [
        ((*ptr, "sub_processors", j, "transfer"), s.get("transfer"))
        for j, s in _dicts(p.get("sub_processors"))
    ]
    for tptr, t in transfers:
        if isinstance(t, dict):
            yield from _transfer_checks(doc, tptr, t)


def _transfer_checks(doc: YamlDocument, ptr: Pointer, t: Mapping[str, Any]) -> Iterator[Problem]:
    mech = t.get("mechanism")
    if "scc_module" in t and mech != "scc":
        yield _at(doc, (*ptr, "scc_module"), "'scc_module' only applies to mechanism scc")
    if "art49_basis" in t and mech != "art49":
        yield _at(doc, (*ptr, "art49_basis"), "'art49_basis' only applies to mechanism art49")
    for name in ("dpf_certified", "dpf_checked"):
        if name in t and mech != "dpf":
            yield _at(doc, (*ptr, name), f"'{name}' only applies to mechanism dpf")


def _records_checks(doc: YamlDocument, data: Mapping[str, Any]) -> Iterator[Problem]:
    first_seen: dict[str, int] = {}
    for i, a in _dicts(data.get("activities")):
        aid = a.get("id")
        if isinstance(aid, str):
            if aid in first_seen:
                line, _ = doc.where(("activities", first_seen[aid], "id"))
                yield _at(
                    doc,
                    ("activities", i, "id"),
                    f"duplicate activity id '{aid}' (first at line {line})",
                )
            else:
                first_seen[aid] = i
        for j, t in _dicts(a.get("transfers")):
            country = t.get("country")
            if isinstance(country, str) and in_eea(country):
                yield _at(
                    doc,
                    ("activities", i, "transfers", j, "country"),
                    f"{country} is in the EEA; list only transfers to third countries",
                )

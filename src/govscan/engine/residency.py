"""The ``jurisdiction-in`` operator: does data stay in the allowed jurisdictions?

The resource value is a provider region (``eu-central-1``), an ISO country code
(``dsgvo.*`` resources) or a list of them (replica and copy destinations);
the expected value is the list of allowed jurisdictions, usually
``{param: allowed_jurisdictions}``.  Every listed location must be allowed; an
empty list (no copies) is.  The policy parameters ``allowed_regions`` and
``dpf_certified`` refine the judgement.

Regions are placed by the scan's jurisdiction tables, which the evaluation
context carries (``ctx.jurisdictions``); a context without them is a
programming error, judged ``error`` like any other evaluation error.
A region the jurisdiction tables do not know raises ``UnknownRegion``: the
engine reports ``error`` for that resource, because an unknown location must
never pass a residency rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from govscan.catalog.countries import country_allowed, is_country_code
from govscan.catalog.jurisdictions import JurisdictionTables, UnknownLocation
from govscan.catalog.jurisdictions import allowed as allowed_in
from govscan.engine.conditions import EvalContext, EvaluationError
from govscan.language.operators import bind_operator

COUNTRY_PROVIDERS = frozenset({"dsgvo"})
"""Resource providers whose locations are ISO country codes, not regions."""


class UnknownRegion(EvaluationError):
    """A location whose jurisdiction is not known; judged ``error``, never ``pass``."""


def _locations(actual: Any) -> Sequence[Any]:
    return list(actual) if isinstance(actual, list | tuple | set | frozenset) else [actual]


def _country(location: str, allowed: tuple[str, ...], ctx: EvalContext) -> bool:
    if not is_country_code(location):
        raise UnknownRegion(f"'{location}' is not an ISO 3166-1 country code")
    return country_allowed(location, allowed, dpf_certified=bool(ctx.params.get("dpf_certified")))


def _region(location: str, allowed: tuple[str, ...], ctx: EvalContext) -> bool:
    if ctx.jurisdictions is None:
        raise EvaluationError(
            "no jurisdiction tables in the evaluation context (the evaluator supplies them)"
        )
    regions = ctx.params.get("allowed_regions") or ()
    key = (
        ctx.jurisdictions,  # by identity: verdicts hold only for the tables that gave them
        ctx.resource_provider,
        location,
        allowed,
        tuple(regions),
        ctx.as_of.date(),
        bool(ctx.params.get("dpf_certified")),
    )
    try:
        verdict, why = _region_verdict(*key)
    except TypeError:  # a parameter value that cannot be a cache key: judge it uncached
        verdict, why = _region_verdict.__wrapped__(*key)
    if verdict is None:
        raise UnknownRegion(why)
    return verdict


@lru_cache(maxsize=4096)
def _region_verdict(
    tables: JurisdictionTables,
    provider: str,
    location: str,
    allowed: tuple[str, ...],
    allowed_regions: tuple[str, ...],
    as_of: date,
    dpf_certified: bool,
) -> tuple[bool | None, str]:
    """(allowed, "") or (None, why the location is unknown). The same few regions
    recur for every resource of a scan and the tables never change within one;
    bounded, because locations come from scanned code."""
    try:
        where = tables.resolve(provider, location)
    except UnknownLocation:
        return None, f"unknown {provider} region '{location}': its jurisdiction cannot be judged"
    verdict = allowed_in(
        where,
        allowed,
        allowed_regions=allowed_regions,
        as_of=as_of,
        dpf_certified=dpf_certified,
    )
    return bool(verdict), ""


def jurisdiction_in(actual: Any, allowed: tuple[str, ...], ctx: EvalContext) -> bool:
    judge = _country if ctx.resource_provider in COUNTRY_PROVIDERS else _region
    for location in _locations(actual):
        if not isinstance(location, str) or not location.strip() or location == "unknown":
            raise UnknownRegion(
                f"location {location!r} is unknown: its jurisdiction cannot be judged"
            )
        if not judge(location.strip(), allowed, ctx):
            return False
    return True


def register() -> None:
    bind_operator("jurisdiction-in", jurisdiction_in)


register()

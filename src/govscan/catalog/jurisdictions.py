"""Where a cloud location is, legally: region -> country -> status under Chapter V DSGVO.

Statuses: ``EU`` (member state), ``EEA`` (Norway, Iceland, Liechtenstein),
``adequacy`` (an Art. 45 decision; some expire, some are limited in scope),
``us-dpf`` (adequate only for importers certified under the EU-US Data Privacy
Framework) and ``third-country``.  Tables with sources and their as-of date
are package data (``data/jurisdictions/*.yaml``).  A location that is not in
the tables raises ``UnknownLocation``: callers report ``error``, never pass.

This is a technical aid for assessing data residency, not legal advice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from govscan.catalog.countries import ADEQUACY, DPF_COUNTRY, EEA, EU, country_allowed
from govscan.datafile import load_data_yaml
from govscan.paths import data_dir

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

ADEQUACY_VALID_UNTIL: Mapping[str, date] = {"GB": date(2031, 12, 27)}
"""Adequacy decisions with a sunset clause (UK: renewed in 2025 for six years)."""

SCOPE_NOTES: Mapping[str, str] = {
    "CA": "adequacy covers commercial organisations subject to PIPEDA only",
    "JP": "adequacy relies on the APPI with the supplementary rules",
    "US": "adequate only for importers certified under the EU-US Data Privacy Framework "
    "(Commission Implementing Decision (EU) 2023/1795)",
}


class UnknownLocation(LookupError):
    """A region or location the tables do not know or cannot place in a country."""


@dataclass(frozen=True)
class Jurisdiction:
    provider: str
    location: str
    countries: tuple[str, ...]
    statuses: tuple[str, ...]
    partition: str = ""
    notes: tuple[str, ...] = ()


def status_of(country: str, as_of: date | None = None) -> str:
    code = country.upper()
    if code in EU:
        return "EU"
    if code in EEA:
        return "EEA"
    if code in ADEQUACY:
        until = ADEQUACY_VALID_UNTIL.get(code)
        if until is not None and as_of is not None and as_of > until:
            return "third-country"
        return "adequacy"
    if code == DPF_COUNTRY:
        return "us-dpf"
    return "third-country"


class JurisdictionTables:
    """The tables of one folder (``<provider>.yaml`` each), every one read at its first use.

    The engine receives one such object per scan through its evaluation context;
    verdicts cached for it hold for it alone, so its identity is its hash."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._tables: dict[str, Mapping[str, Any]] = {}

    def table(self, provider: str) -> Mapping[str, Any]:
        loaded = self._tables.get(provider)
        if loaded is None:
            path = self.folder / f"{provider}.yaml"
            # The provider name comes from scanned code: it must not lead out of the folder.
            if not _NAME.fullmatch(provider) or not path.is_file():
                raise UnknownLocation(f"no jurisdiction table for provider '{provider}'")
            with path.open(encoding="utf-8") as fh:
                loaded = load_data_yaml(fh)
            if not isinstance(loaded, Mapping):
                raise UnknownLocation(f"{path}: a jurisdiction table must be a mapping")
            self._tables[provider] = loaded
        return loaded

    def resolve(self, provider: str, location: str | None) -> Jurisdiction:
        """The jurisdiction of a region or location; ``UnknownLocation`` when it cannot
        be placed."""
        return _resolve(self, provider, location)

    def secondary(self, provider: str, location: str) -> str | None:
        """The region a provider keeps the geo-redundant copy of ``location``'s data in
        (Azure's region pairs); None for a region published without a pair,
        ``UnknownLocation`` for a region the pairs table does not classify."""
        key = location.lower().replace(" ", "")
        pairs = self.table(provider).get("pairs")
        pairs = pairs if isinstance(pairs, Mapping) else {}
        secondaries = pairs.get("secondary")
        found = secondaries.get(key) if isinstance(secondaries, Mapping) else None
        if isinstance(found, str):
            return found
        unpaired = pairs.get("unpaired")
        if isinstance(unpaired, list) and key in unpaired:
            return None
        raise UnknownLocation(f"no region pair known for {provider} location '{location}'")


@cache
def packaged_tables() -> JurisdictionTables:
    """The tables shipped with govscan; they never change while it runs."""
    return JurisdictionTables(data_dir() / "jurisdictions")


def _table(provider: str) -> Mapping[str, Any]:
    return packaged_tables().table(provider)


def secondary_location(provider: str, location: str) -> str | None:
    """The paired region of ``location`` in the packaged tables (see ``secondary``)."""
    return packaged_tables().secondary(provider, location)


def table_as_of(provider: str) -> str:
    return str(_table(provider).get("as_of", ""))


def known_regions(provider: str) -> set[str]:
    t = _table(provider)
    return set(t.get("regions", {})) | set(t.get("unlocated", {})) | set(t.get("multi", {}))


def _notes(countries: Sequence[str]) -> tuple[str, ...]:
    out = []
    for c in countries:
        if c in ADEQUACY:
            out.append(f"{c}: adequacy decision {ADEQUACY[c]}")
        if c in ADEQUACY_VALID_UNTIL:
            out.append(f"{c}: adequacy valid until {ADEQUACY_VALID_UNTIL[c].isoformat()}")
        if c in SCOPE_NOTES:
            out.append(f"{c}: {SCOPE_NOTES[c]}")
    return tuple(out)


def _make(
    provider: str,
    location: str,
    countries: Sequence[str],
    partition: str = "",
    as_of: date | None = None,
) -> Jurisdiction:
    cs = tuple(sorted(set(countries)))
    return Jurisdiction(
        provider, location, cs, tuple(status_of(c, as_of) for c in cs), partition, _notes(cs)
    )


def resolve(provider: str, location: str | None) -> Jurisdiction:
    """The jurisdiction of a region or location in the packaged tables."""
    return _resolve(packaged_tables(), provider, location)


def _resolve(tables: JurisdictionTables, provider: str, location: str | None) -> Jurisdiction:
    provider = {"google": "gcp"}.get(provider, provider)
    table = tables.table(provider)
    if provider == "aws":
        name = (location or "").strip()
        if not name:
            name = "us-east-1"  # S3: a null LocationConstraint is us-east-1
        name = table.get("aliases", {}).get(name, name)
        if name in table.get("unlocated", {}):
            note = table["unlocated"][name]["note"]
            raise UnknownLocation(f"aws region '{name}': {note}")
        entry = table.get("regions", {}).get(name)
        if entry is None:
            raise UnknownLocation(f"unknown aws region '{name}'")
        return _make("aws", name, [entry[0]], entry[1])
    name = (location or "").strip()
    if not name:
        raise UnknownLocation(f"no {provider} location given")
    if provider == "azure":
        key = name.lower().replace(" ", "")
        if key in table.get("logical", []):
            raise UnknownLocation(
                f"azure location '{name}' is a logical location (a geography or 'global'), "
                "not a data centre region; its country cannot be judged"
            )
        entry = table.get("regions", {}).get(key)
        if entry is None:
            raise UnknownLocation(f"unknown azure location '{name}'")
        return _make("azure", key, [entry[0]])
    if provider == "gcp":
        return _gcp(table, name)
    raise UnknownLocation(f"no jurisdiction table for provider '{provider}'")


def _gcp(table: Mapping[str, Any], name: str) -> Jurisdiction:
    """A GCP location, or a value of the ``gcp.resourceLocations`` constraint:
    ``in:<group>`` stands for every location of the group, ``is:<location>`` for
    that location."""
    value = name[3:] if name.startswith("is:") else name
    if not value.startswith("in:"):
        return _gcp_location(table, value)
    group = value[3:]
    members = table.get("value_groups", {}).get(group)
    if isinstance(members, list):
        countries = [c for m in members for c in _gcp_location(table, str(m)).countries]
        return _make("gcp", value, countries)
    region = group.removesuffix("-locations")
    if region != group and region in table.get("regions", {}):
        return _gcp_location(table, region)  # one region and its zones
    raise UnknownLocation(f"unknown gcp value group '{value}': its locations are not known")


def _gcp_location(table: Mapping[str, Any], name: str) -> Jurisdiction:
    """A region; a zone is placed as its region (``europe-west3-a``: ``europe-west3``);
    a multi- or dual-region by all its countries; ``global`` by every region's."""
    multi = table.get("multi", {})
    if name.upper() in multi:
        return _make("gcp", name.upper(), multi[name.upper()])
    regions = table.get("regions", {})
    key = name.lower()
    if key in table.get("global", ()):
        return _make("gcp", key, [entry[0] for entry in regions.values()])
    zone = _GCP_ZONE.fullmatch(key)
    region = zone.group(1) if zone and zone.group(1) in regions else key
    entry = regions.get(region)
    if entry is None:
        raise UnknownLocation(f"unknown gcp location '{name}'")
    return _make("gcp", region, [entry[0]])


_GCP_ZONE = re.compile(r"([a-z]+-[a-z]+[0-9]+)-[a-z]")


def allowed(
    j: Jurisdiction,
    allowed_jurisdictions: Sequence[str],
    allowed_regions: Sequence[str] = (),
    as_of: date | None = None,
    dpf_certified: bool = False,
) -> bool:
    """Every country the location may use is allowed (and the region is listed, when
    ``allowed_regions`` is given). ``EU`` means member states, ``EEA`` the whole EEA,
    ``adequacy`` countries with a decision in force at ``as_of``, ``us-dpf`` certified
    US importers; country codes match themselves."""
    if allowed_regions and j.location not in allowed_regions:
        return False
    if not j.countries:
        return False
    for country in j.countries:
        status = status_of(country, as_of)
        wanted = list(allowed_jurisdictions)
        if status == "third-country" and country in ADEQUACY:
            # An expired decision: only an explicit country entry still allows it.
            wanted = [w for w in wanted if w.strip().lower() != "adequacy"]
        if not country_allowed(country, wanted, dpf_certified=dpf_certified):
            return False
    return True

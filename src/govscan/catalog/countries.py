"""Country facts the transfer rules of Chapter V DSGVO need.

Kept small on purpose: membership of the EEA and the adequacy decisions of the
European Commission (Art. 45).  Region-to-country tables of the cloud
providers live in :mod:`govscan.catalog.jurisdictions`; this module judges the
ISO country codes written in AVV registries and records of processing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EU = frozenset(
    (
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    )
)
EEA = EU | {"IS", "LI", "NO"}

ADEQUACY: dict[str, str] = {
    "AD": "Andorra (2010/625/EU)",
    "AR": "Argentina (2003/490/EC)",
    "CA": "Canada, commercial organisations under PIPEDA (2002/2/EC)",
    "CH": "Switzerland (2000/518/EC)",
    "FO": "Faroe Islands (2010/146/EU)",
    "GB": "United Kingdom (C(2021) 4800, renewed 2025)",
    "GG": "Guernsey (2003/821/EC)",
    "IL": "Israel (2011/61/EU)",
    "IM": "Isle of Man (2004/411/EC)",
    "JE": "Jersey (2008/393/EC)",
    "JP": "Japan (EU) 2019/419",
    "KR": "Republic of Korea (EU) 2022/254",
    "NZ": "New Zealand (2013/65/EU)",
    "UY": "Uruguay (2012/484/EU)",
}
"""Countries with a general adequacy decision under Art. 45 DSGVO."""

DPF_COUNTRY = "US"
"""The EU-US Data Privacy Framework ((EU) 2023/1795) covers certified US importers only."""

_CODE = re.compile(r"^[A-Z]{2}$")


def is_country_code(value: str) -> bool:
    return bool(_CODE.match(value))


def in_eea(country: str) -> bool:
    return country.upper() in EEA


def has_adequacy(country: str) -> bool:
    return country.upper() in ADEQUACY


def country_allowed(country: str, allowed: Iterable[str], *, dpf_certified: bool = False) -> bool:
    """Whether a country is inside one of the allowed jurisdictions.

    ``allowed`` holds country codes and the groups ``EU``, ``EEA``, ``adequacy``
    (Art. 45 decisions, the United States only with ``dpf_certified``) and
    ``us-dpf`` (certified US importers).
    """
    code = country.upper()
    for item in allowed:
        group = item.strip()
        key = group.lower()
        if group.upper() == code:
            return True
        if key == "eu" and code in EU:
            return True
        if key == "eea" and code in EEA:
            return True
        if key == "adequacy" and (code in ADEQUACY or (code == DPF_COUNTRY and dpf_certified)):
            return True
        if key == "us-dpf" and code == DPF_COUNTRY and dpf_certified:
            return True
    return False

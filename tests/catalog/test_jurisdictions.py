"""Jurisdiction tables: every botocore region classified, and the legal edge cases."""

from __future__ import annotations

from datetime import date

import botocore.session
import pytest

from govscan.catalog.jurisdictions import UnknownLocation, allowed, known_regions, resolve


def test_every_botocore_region_is_classified() -> None:
    """A region AWS adds to botocore fails here until it is placed in the table."""
    data = botocore.session.get_session().get_data("endpoints")
    regions = {r for p in data["partitions"] for r in p["regions"]}
    missing = regions - known_regions("aws")
    assert not missing, f"classify these regions in data/jurisdictions/aws.yaml: {missing}"


@pytest.mark.parametrize(
    ("location", "country", "partition"),
    [
        (None, "US", "aws"),
        ("", "US", "aws"),
        ("EU", "IE", "aws"),
        ("eu-central-1", "DE", "aws"),
        ("eusc-de-east-1", "DE", "aws-eusc"),
        ("us-gov-west-1", "US", "aws-us-gov"),
        ("cn-north-1", "CN", "aws-cn"),
        ("us-iso-east-1", "US", "aws-iso"),
    ],
)
def test_aws_special_cases(location: str | None, country: str, partition: str) -> None:
    j = resolve("aws", location)
    assert j.countries == (country,)
    assert j.partition == partition


def test_statuses_and_notes() -> None:
    assert resolve("aws", "eu-west-1").statuses == ("EU",)
    assert resolve("azure", "norwayeast").statuses == ("EEA",)
    assert resolve("aws", "eu-central-2").statuses == ("adequacy",)
    assert resolve("aws", "us-east-1").statuses == ("us-dpf",)
    assert resolve("aws", "ap-south-1").statuses == ("third-country",)
    assert any("PIPEDA" in n for n in resolve("aws", "ca-central-1").notes)
    assert any("2031-12-27" in n for n in resolve("aws", "eu-west-2").notes)


def test_unknown_and_unplaceable_locations_raise() -> None:
    for provider, loc in (
        ("aws", "mars-north-1"),
        ("aws", "eu-isoe-west-1"),
        ("azure", "europe"),
        ("azure", "global"),
        ("gcp", "moon1"),
    ):
        with pytest.raises(UnknownLocation):
            resolve(provider, loc)


def test_gcp_multi_dual_regions_and_zones() -> None:
    eu = resolve("gcp", "EU")
    assert "GB" not in eu.countries and "DE" in eu.countries and "CH" not in eu.countries
    assert resolve("gcp", "eur4").countries == ("FI", "NL")
    assert resolve("gcp", "EUR7").countries == ("DE", "GB")
    assert resolve("gcp", "europe-west3-a").countries == ("DE",)


@pytest.mark.parametrize(
    ("loc", "allow", "want"),
    [
        ("eu-central-1", ["DE"], True),
        ("eu-west-1", ["DE"], False),
        ("eu-west-1", ["EU"], True),
        ("eu-central-2", ["EU", "EEA"], False),
        ("eu-central-2", ["EU", "EEA", "adequacy"], True),
        ("us-east-1", ["EU", "EEA", "adequacy"], False),
        ("us-east-1", ["EU", "us-dpf"], False),
    ],
)
def test_allowed(loc: str, allow: list[str], want: bool) -> None:
    assert allowed(resolve("aws", loc), allow) is want


def test_dpf_needs_certification_and_uk_adequacy_expires() -> None:
    us = resolve("aws", "us-east-1")
    assert allowed(us, ["EU", "us-dpf"], dpf_certified=True)
    uk = resolve("aws", "eu-west-2")
    assert allowed(uk, ["EU", "adequacy"], as_of=date(2031, 12, 27))
    assert not allowed(uk, ["EU", "adequacy"], as_of=date(2031, 12, 28))
    assert allowed(uk, ["EU", "GB"], as_of=date(2032, 1, 1)), "an explicit country still counts"


def test_allowed_regions_restrict_further() -> None:
    j = resolve("aws", "eu-west-1")
    assert not allowed(j, ["EU"], allowed_regions=["eu-central-1"])
    assert allowed(j, ["EU"], allowed_regions=["eu-central-1", "eu-west-1"])


def test_multi_region_needs_every_country_allowed() -> None:
    assert not allowed(resolve("gcp", "EUR5"), ["EU"])
    assert allowed(resolve("gcp", "EUR5"), ["EU", "adequacy"])


def test_tables_hold_country_codes_only() -> None:
    """YAML 1.1 reads a bare NO as false; every entry must stay an ISO code string."""
    import re

    from govscan.catalog.jurisdictions import _table

    for provider in ("aws", "azure", "gcp"):
        t = _table(provider)
        codes = [e[0] for e in t["regions"].values()] + [
            c for v in t.get("multi", {}).values() for c in v
        ]
        assert all(isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c) for c in codes), provider

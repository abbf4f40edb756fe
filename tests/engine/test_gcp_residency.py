"""GCP locations through the jurisdiction tables: zones as their region, multi- and
dual-regions by all their countries, ``global`` by every region's, and the value groups
of the ``gcp.resourceLocations`` constraint."""

from __future__ import annotations

import pytest

from govscan.catalog.jurisdictions import UnknownLocation, _table, allowed, resolve


@pytest.mark.parametrize(
    ("location", "region", "countries"),
    [
        ("europe-west3-a", "europe-west3", ("DE",)),
        ("northamerica-northeast1-b", "northamerica-northeast1", ("CA",)),
        ("is:europe-west4", "europe-west4", ("NL",)),
        ("in:europe-west3-locations", "europe-west3", ("DE",)),
        ("EUR7", "EUR7", ("DE", "GB")),
    ],
)
def test_locations_resolve_to_their_region_and_countries(
    location: str, region: str, countries: tuple[str, ...]
) -> None:
    j = resolve("gcp", location)
    assert (j.location, j.countries) == (region, countries)


def test_a_zone_is_allowed_where_its_region_is_listed() -> None:
    assert allowed(resolve("gcp", "europe-west3-b"), ["EU"], allowed_regions=["europe-west3"])
    assert not allowed(resolve("gcp", "europe-west4-b"), ["EU"], allowed_regions=["europe-west3"])


def test_global_stands_for_every_country_with_a_region() -> None:
    j = resolve("gcp", "global")
    regions = _table("gcp")["regions"].values()
    assert set(j.countries) == {entry[0] for entry in regions}
    assert not allowed(j, ["EU", "EEA", "adequacy"])


def test_the_eu_value_group_holds_member_states_only() -> None:
    eu = resolve("gcp", "in:eu-locations")
    assert "GB" not in eu.countries and "CH" not in eu.countries and "DE" in eu.countries
    assert allowed(eu, ["EU"])


def test_the_europe_value_group_includes_london_and_zurich() -> None:
    europe = resolve("gcp", "in:europe-locations")
    assert {"GB", "CH"} <= set(europe.countries)
    assert not allowed(europe, ["EU"])
    assert allowed(europe, ["EU", "adequacy"])


def test_us_groups_are_american() -> None:
    assert resolve("gcp", "in:us-locations").countries == ("US",)
    assert set(resolve("gcp", "in:northamerica-locations").countries) == {"CA", "MX", "US"}


def test_every_value_group_member_is_a_known_location() -> None:
    table = _table("gcp")
    for group, members in table["value_groups"].items():
        for member in members:
            resolve("gcp", member)  # raises for a typo
        assert resolve("gcp", f"in:{group}").countries, group


@pytest.mark.parametrize(
    "location",
    ["in:mars-locations", "in:moon1-locations", "in:", "in:eu-locations-extra", "nowhere-west1-a"],
)
def test_an_unknown_value_group_or_location_cannot_be_placed(location: str) -> None:
    with pytest.raises(UnknownLocation):
        resolve("gcp", location)

"""Azure region pairs: where geo-redundant copies go, read from the packaged
jurisdiction table (source and as-of date in the file), and how residency judges
those copies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govscan.catalog.jurisdictions import (
    JurisdictionTables,
    UnknownLocation,
    packaged_tables,
    secondary_location,
)
from govscan.paths import data_dir

TABLE = yaml.safe_load((data_dir() / "jurisdictions" / "azure.yaml").read_text())
PAIRS = TABLE["pairs"]


def test_the_pairs_table_names_its_source_and_date() -> None:
    assert PAIRS["source"].startswith("https://learn.microsoft.com/")
    assert str(PAIRS["as_of"]) == "2026-11-24"


def test_every_region_is_either_paired_or_listed_without_a_pair() -> None:
    regions = set(TABLE["regions"])
    paired = set(PAIRS["secondary"])
    unpaired = set(PAIRS["unpaired"])
    assert paired & unpaired == set()
    assert paired | unpaired == regions
    # A secondary is itself a region the tables can place in a country.
    assert set(PAIRS["secondary"].values()) <= regions


@pytest.mark.parametrize(
    ("region", "secondary"),
    [
        ("brazilsouth", "southcentralus"),  # one-way: South Central US pairs with North Central
        ("southcentralus", "northcentralus"),
        ("westeurope", "northeurope"),
        ("northeurope", "westeurope"),
        ("germanywestcentral", "germanynorth"),
        ("westus3", "eastus"),
        ("West India", "southindia"),  # display names are read as ARM writes them
    ],
)
def test_the_secondary_region_of_a_region(region: str, secondary: str) -> None:
    assert secondary_location("azure", region) == secondary


def test_pairs_stay_inside_one_country_except_where_microsoft_crosses_borders() -> None:
    crossing = {
        r: s
        for r, s in PAIRS["secondary"].items()
        if TABLE["regions"][r][0] != TABLE["regions"][s][0]
    }
    assert crossing == {
        "brazilsouth": "southcentralus",
        "northeurope": "westeurope",
        "westeurope": "northeurope",
        "eastasia": "southeastasia",
        "southeastasia": "eastasia",
    }


def test_a_region_without_a_pair_has_no_secondary() -> None:
    assert secondary_location("azure", "polandcentral") is None


@pytest.mark.parametrize("location", ["europe", "global", "marsnorth"])
def test_a_location_the_pairs_table_does_not_classify_is_unknown(location: str) -> None:
    with pytest.raises(UnknownLocation, match=location):
        secondary_location("azure", location)


def test_other_tables_are_read_through_the_same_object(tmp_path: Path) -> None:
    (tmp_path / "azure.yaml").write_text(
        "provider: azure\nregions: {a: [DE, x], b: [US, y]}\n"
        "pairs: {secondary: {a: b}, unpaired: []}\n"
    )
    tables = JurisdictionTables(tmp_path)
    assert tables.secondary("azure", "a") == "b"
    with pytest.raises(UnknownLocation):
        tables.secondary("azure", "b")
    # A table without pairs classifies nothing.
    with pytest.raises(UnknownLocation, match="no region pair"):
        packaged_tables().secondary("gcp", "europe-west3")


def test_a_pairs_table_of_the_wrong_shape_classifies_nothing(tmp_path: Path) -> None:
    (tmp_path / "azure.yaml").write_text("provider: azure\npairs: [westeurope, northeurope]\n")
    with pytest.raises(UnknownLocation, match="no region pair"):
        JurisdictionTables(tmp_path).secondary("azure", "westeurope")

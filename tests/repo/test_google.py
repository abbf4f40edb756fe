"""Terraform ``google_*`` resources normalised into the shapes of the live GCP collector:
placement, provider defaults, joined companions, copies and values unknown before apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govscan.collectors.repo.gcp_defaults import DEFAULTS
from govscan.collectors.repo.normalize_gcp import normalise
from govscan.collectors.repo.terraform import load_module
from govscan.language.paths import getter

Out = dict[str, tuple[str, dict[str, Any], dict[str, str]]]


def _normalised(tmp_path: Path, tf: str) -> Out:
    (tmp_path / "main.tf").write_text(tf)
    module = load_module(tmp_path, tmp_path)
    assert not module.errors
    return {r.address: (t, data, unknown) for r, t, data, unknown in normalise(module.resources)}


EU_PROVIDER = (
    'provider "google" {\n  project = "p"\n  region = "europe-west3"\n'
    '  zone = "europe-west3-c"\n}\n'
)


# --- provider defaults ------------------------------------------------------------------


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource}.{d.argument}")
def test_an_unset_argument_reads_as_the_documented_default(tmp_path: Path, entry: Any) -> None:
    out = _normalised(tmp_path, EU_PROVIDER + f'resource "{entry.resource}" "x" {{}}\n')
    _, data, unknown = out[f"{entry.resource}.x"]
    assert entry.field.split(".")[0].split("[")[0] not in unknown
    assert getter(entry.field)(data) == entry.value


def test_the_table_names_each_argument_once() -> None:
    keys = [(d.resource, d.argument) for d in DEFAULTS]
    assert len(keys) == len(set(keys))
    assert {d.decided_by for d in DEFAULTS} == {"gcp", "provider"}


# --- where a resource is ----------------------------------------------------------------


def test_locations_are_spelled_as_the_jurisdiction_tables_spell_them(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_storage_bucket" "multi" {\n  location = "eu"\n}\n'
        + 'resource "google_storage_bucket" "region" {\n  location = "EUROPE-WEST4"\n}\n'
        + 'resource "google_storage_bucket" "dual" {\n  location = "eur4"\n}\n',
    )
    assert out["google_storage_bucket.multi"][1]["location"] == "EU"
    assert out["google_storage_bucket.multi"][1]["location_type"] == "multi-region"
    assert out["google_storage_bucket.region"][1]["location"] == "europe-west4"
    assert out["google_storage_bucket.region"][1]["location_type"] == "region"
    assert out["google_storage_bucket.dual"][1]["location"] == "EUR4"
    assert out["google_storage_bucket.dual"][1]["location_type"] == "dual-region"


def test_zonal_resources_take_the_provider_zone_and_are_judged_by_its_region(
    tmp_path: Path,
) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_compute_instance" "vm" {}\n'
        + 'resource "google_compute_disk" "d" {\n  zone = "us-east1-b"\n}\n'
        + 'resource "google_sql_database_instance" "db" {}\n',
    )
    vm = out["google_compute_instance.vm"][1]
    assert (vm["location"], vm["region"], vm["zone"]) == (
        "europe-west3-c",
        "europe-west3",
        "europe-west3-c",
    )
    disk = out["google_compute_disk.d"][1]
    assert (disk["location"], disk["region"]) == ("us-east1-b", "us-east1")
    assert out["google_sql_database_instance.db"][1]["region"] == "europe-west3"
    assert out["google_sql_database_instance.db"][1]["project_id"] == "p"


def test_without_a_static_provider_region_the_location_is_unknown(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        'variable "r" {}\nprovider "google" {\n  region = var.r\n}\n'
        'resource "google_sql_database_instance" "db" {}\n'
        'resource "google_compute_instance" "vm" {}\n',
    )
    _, data, unknown = out["google_sql_database_instance.db"]
    assert "var.r" in unknown["location"] and "region" in unknown
    assert "location" not in data
    _, _, vm_unknown = out["google_compute_instance.vm"]
    assert "sets no zone" in vm_unknown["location"]


def test_no_provider_block_leaves_the_location_unknown(tmp_path: Path) -> None:
    out = _normalised(tmp_path, 'resource "google_container_cluster" "c" {}\n')
    _, _, unknown = out["google_container_cluster.c"]
    assert 'no provider "google" configuration' in unknown["location"]


# --- companions and copies --------------------------------------------------------------


BUCKETS = (
    EU_PROVIDER
    + 'resource "google_storage_bucket" "a" {\n  name = "a"\n  location = "EU"\n}\n'
    + 'resource "google_storage_bucket" "b" {\n  name = "b"\n  location = "EU"\n}\n'
)


def test_bucket_iam_members_join_their_bucket_by_reference_or_name(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        BUCKETS
        + 'resource "google_storage_bucket_iam_member" "m" {\n'
        + '  bucket = google_storage_bucket.a.name\n  role = "r"\n  member = "allUsers"\n}\n'
        + 'resource "google_storage_bucket_iam_binding" "n" {\n'
        + '  bucket = "b"\n  role = "r"\n'
        + '  members = ["user:x@example.com", "allAuthenticatedUsers"]\n}\n',
    )
    assert out["google_storage_bucket.a"][1]["iam_public_members"] == ["allUsers"]
    assert out["google_storage_bucket.b"][1]["iam_public_members"] == ["allAuthenticatedUsers"]


def test_a_grant_to_an_unknown_bucket_leaves_every_bucket_undecided(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        BUCKETS
        + 'variable "target" {}\n'
        + 'resource "google_storage_bucket_iam_member" "m" {\n'
        + '  bucket = var.target\n  role = "r"\n  member = "allUsers"\n}\n',
    )
    for name in ("a", "b"):
        _, data, unknown = out[f"google_storage_bucket.{name}"]
        assert "var.target" in unknown["iam_public_members"]
        assert "iam_public_members" not in data


def test_a_known_public_member_decides_even_beside_an_unknown_one(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        BUCKETS
        + 'variable "who" {}\n'
        + 'resource "google_storage_bucket_iam_binding" "n" {\n'
        + '  bucket = "a"\n  role = "r"\n  members = ["allUsers", var.who]\n}\n',
    )
    _, data, unknown = out["google_storage_bucket.a"]
    assert data["iam_public_members"][0] == "allUsers"
    assert "iam_public_members[1]" in unknown
    assert out["google_storage_bucket.b"][1]["iam_public_members"] == []


def test_sql_copies_are_replicas_failover_and_backups_in_other_regions(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_sql_database_instance" "p" {\n  name = "p"\n  settings {\n'
        + '    location_preference {\n      secondary_zone = "europe-west4-a"\n    }\n'
        + '    backup_configuration {\n      enabled = true\n      location = "us"\n    }\n  }\n}\n'
        + 'resource "google_sql_database_instance" "r" {\n  region = "asia-east1"\n'
        + "  master_instance_name = google_sql_database_instance.p.name\n}\n"
        + 'resource "google_sql_database_instance" "same" {\n  master_instance_name = "p"\n}\n',
    )
    primary = out["google_sql_database_instance.p"][1]
    assert primary["replica_locations"] == ["US", "asia-east1", "europe-west4"]
    assert {r["region"] for r in primary["replicas"]} == {"asia-east1", "europe-west3"}
    assert out["google_sql_database_instance.r"][1]["instance_type"] == "READ_REPLICA_INSTANCE"
    assert out["google_sql_database_instance.r"][1]["master_instance"] == "p"


def test_a_replica_in_an_unknown_region_makes_the_copies_unknown(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'variable "where" {}\n'
        + 'resource "google_sql_database_instance" "p" {\n  name = "p"\n}\n'
        + 'resource "google_sql_database_instance" "r" {\n  region = var.where\n'
        + '  master_instance_name = "p"\n}\n',
    )
    _, _, unknown = out["google_sql_database_instance.p"]
    assert "var.where" in unknown["replica_locations"]


def test_secret_replication_kinds(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_secret_manager_secret" "auto" {\n  replication {\n    auto {}\n  }\n}\n'
        + 'resource "google_secret_manager_secret" "um" {\n  replication {\n    user_managed {\n'
        + '      replicas {\n        location = "europe-west3"\n'
        + '        customer_managed_encryption {\n          kms_key_name = "k"\n        }\n'
        + "      }\n    }\n  }\n"
        + '  rotation {\n    rotation_period = "2592000s"\n  }\n}\n'
        + 'resource "google_secret_manager_regional_secret" "reg" {\n'
        + '  location = "europe-west4"\n}\n',
    )
    auto = out["google_secret_manager_secret.auto"][1]
    assert (auto["location"], auto["replication"], auto["replica_locations"]) == (
        "global",
        "automatic",
        [],
    )
    um = out["google_secret_manager_secret.um"][1]
    assert um["replica_locations"] == ["europe-west3"] and um["cmek"] is True
    assert um["rotation_period_days"] == 30
    reg = out["google_secret_manager_regional_secret.reg"][1]
    assert (reg["location"], reg["replication"]) == ("europe-west4", "regional")


def test_kms_keys_are_placed_by_their_key_ring(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_kms_key_ring" "r" {\n  name = "ring"\n  location = "europe-west4"\n}\n'
        + 'resource "google_kms_crypto_key" "by_ref" {\n  key_ring = google_kms_key_ring.r.id\n'
        + '  rotation_period = "7776000s"\n}\n'
        + 'resource "google_kms_crypto_key" "by_name" {\n'
        + '  key_ring = "projects/other/locations/global/keyRings/legacy"\n}\n',
    )
    by_ref = out["google_kms_crypto_key.by_ref"][1]
    assert (by_ref["location"], by_ref["key_ring"], by_ref["rotation_period_days"]) == (
        "europe-west4",
        "ring",
        90,
    )
    by_name = out["google_kms_crypto_key.by_name"][1]
    assert (by_name["location"], by_name["key_ring"], by_name["project_id"]) == (
        "global",
        "legacy",
        "other",
    )


# --- rules, grants, clusters ------------------------------------------------------------


def test_firewall_rules_are_flattened_per_protocol_and_port_range(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_compute_firewall" "f" {\n  source_ranges = ["10.0.0.0/8"]\n'
        + '  allow {\n    protocol = "TCP"\n    ports = ["22", "8000-8080"]\n  }\n'
        + '  allow {\n    protocol = "icmp"\n  }\n  allow {\n    protocol = "udp"\n  }\n}\n'
        + 'resource "google_compute_firewall" "egress" {\n  direction = "egress"\n'
        + '  deny {\n    protocol = "all"\n  }\n}\n',
    )
    f = out["google_compute_firewall.f"][1]
    assert f["allowed_ports"] == [
        {"protocol": "tcp", "from_port": 22, "to_port": 22},
        {"protocol": "tcp", "from_port": 8000, "to_port": 8080},
        {"protocol": "icmp", "from_port": None, "to_port": None},
        {"protocol": "udp", "from_port": 0, "to_port": 65535},
    ]
    egress = out["google_compute_firewall.egress"][1]
    assert egress["direction"] == "EGRESS" and egress["source_ranges"] == []
    assert egress["denied_ports"] == [{"protocol": "all", "from_port": 0, "to_port": 65535}]


def test_unknown_ports_make_the_flattened_rules_unknown(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'variable "ports" {}\n'
        + 'resource "google_compute_firewall" "f" {\n'
        + '  allow {\n    protocol = "tcp"\n    ports = var.ports\n  }\n}\n',
    )
    _, _, unknown = out["google_compute_firewall.f"]
    assert "var.ports" in unknown["allowed_ports"]


def test_each_project_grant_is_a_project_with_that_binding(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'variable "who" {}\n'
        + 'resource "google_project_iam_binding" "b" {\n  project = "p"\n  role = "roles/editor"\n'
        + '  members = ["user:a@example.com", "serviceAccount:s@p.iam.gserviceaccount.com"]\n}\n'
        + 'resource "google_project_iam_member" "v" {\n  project = "p"\n  role = "roles/viewer"\n'
        + "  member = var.who\n}\n",
    )
    rtype, b, _ = out["google_project_iam_binding.b"]
    assert rtype == "gcp.project"
    assert b["primitive_role_users"] == ["user:a@example.com"]
    assert b["service_account_admins"] == ["serviceAccount:s@p.iam.gserviceaccount.com"]
    assert b["iam_bindings"][0]["role"] == "roles/editor"
    _, _, unknown = out["google_project_iam_member.v"]
    assert "var.who" in unknown["primitive_role_users"]
    assert "var.who" in unknown["iam_public_members"]


def test_a_cluster_without_node_pools_has_its_default_pool(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_container_cluster" "c" {\n  location = "europe-west3"\n'
        + '  workload_identity_config {\n    workload_pool = "p.svc.id.goog"\n  }\n'
        + '  node_config {\n    service_account = "nodes@p.iam.gserviceaccount.com"\n  }\n}\n'
        + 'resource "google_container_cluster" "removed" {\n  remove_default_node_pool = true\n}\n',
    )
    pools = out["google_container_cluster.c"][1]["node_pools"]
    assert [p["name"] for p in pools] == ["default-pool"]
    assert pools[0]["gke_metadata_server"] is True and pools[0]["default_service_account"] is False
    assert out["google_container_cluster.removed"][1]["node_pools"] == []


def test_dataset_access_entries_in_iam_spelling(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'resource "google_bigquery_dataset" "d" {\n  dataset_id = "d"\n  location = "EU"\n'
        + '  access {\n    role = "READER"\n    group_by_email = "g@example.com"\n  }\n'
        + '  access {\n    role = "OWNER"\n    special_group = "projectOwners"\n  }\n}\n'
        + 'resource "google_bigquery_dataset_access" "pub" {\n'
        + "  dataset_id = google_bigquery_dataset.d.dataset_id\n"
        + '  role = "READER"\n  iam_member = "allUsers"\n}\n',
    )
    d = out["google_bigquery_dataset.d"][1]
    assert [a["member"] for a in d["access"]] == [
        "group:g@example.com",
        "specialGroup:projectOwners",
        "allUsers",
    ]
    assert d["iam_public_members"] == ["allUsers"]


def test_planned_google_resources_are_normalised_from_their_planned_values() -> None:
    import json

    from govscan.collectors.repo.tfplan import load_plan

    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "google_sql_database_instance.db",
                        "mode": "managed",
                        "type": "google_sql_database_instance",
                        "name": "db",
                        "values": {
                            "name": "db",
                            "region": "us-east4",
                            "database_version": "POSTGRES_16",
                            "settings": [{"ip_configuration": [{"ipv4_enabled": False}]}],
                        },
                    },
                    {
                        "address": "google_compute_instance.vm",
                        "mode": "managed",
                        "type": "google_compute_instance",
                        "name": "vm",
                        "values": {"name": "vm"},
                    },
                ]
            }
        },
    }
    loaded = load_plan(json.dumps(plan).encode(), "plan.json")
    assert loaded is not None
    out = {r.address: (data, unknown) for r, _, data, unknown in normalise(loaded[0])}
    db, _ = out["google_sql_database_instance.db"]
    assert (db["location"], db["public_ip"], db["engine"]) == ("us-east4", False, "postgres")
    _, vm_unknown = out["google_compute_instance.vm"]
    assert "the plan records no zone" in vm_unknown["location"]


DOCS = Path(__file__).parents[2] / "docs" / "gcp.md"


@pytest.mark.parametrize("entry", DEFAULTS, ids=lambda d: f"{d.resource}.{d.argument}")
def test_every_default_is_in_the_docs_table_with_its_source(entry: Any) -> None:
    rows = [line for line in DOCS.read_text().splitlines() if line.startswith("| `google_")]
    row = next((r for r in rows if f"`{entry.resource}` | `{entry.argument}`" in r), None)
    assert row is not None, entry
    assert entry.source in row and entry.since in row and f"`{entry.field}`" in row
    assert ("not applied" in row) is not entry.applied


def test_code_findings_point_at_the_defining_block(tmp_path: Path) -> None:
    import json

    from tests.repo.test_cases import scan

    case = Path(__file__).parent / "cases" / "gcp_storage"
    scan(case, tmp_path)
    sarif = json.loads((tmp_path / "results.sarif").read_text())
    hits = [
        r["locations"][0]["physicalLocation"]
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "residency.gcp.storage-bucket-location"
    ]
    assert hits and all(h["artifactLocation"]["uri"] == "main.tf" for h in hits)
    assert hits[0]["region"]["startLine"] == 27  # resource "google_storage_bucket" "bad"


def test_an_ingress_rule_whose_only_source_is_unknown_may_admit_everyone(tmp_path: Path) -> None:
    out = _normalised(
        tmp_path,
        EU_PROVIDER
        + 'variable "tags" {}\n'
        + 'resource "google_compute_firewall" "f" {\n  source_tags = var.tags\n'
        + '  allow {\n    protocol = "tcp"\n  }\n}\n',
    )
    _, data, unknown = out["google_compute_firewall.f"]
    assert "var.tags" in unknown["source_ranges"] and "source_ranges" not in data

"""The GCP control library as a whole: its size, what it covers, which controls judge
infrastructure code, and that the shipped policies select it like the AWS library.
Each control's own behaviour is tested by its sibling ``.test.yaml`` (govscan test)."""

from __future__ import annotations

from govscan.catalog.controls import load_control_dirs
from govscan.catalog.policies import load_policy, select_controls
from govscan.catalog.resource_types import builtin_resource_types
from govscan.model import Control

ALL = load_control_dirs([])[0].controls.values()
GCP = {c.id: c for c in ALL if c.id.startswith("gcp.")}

CODE_TYPES = {
    "gcp.project",
    "gcp.storage.bucket",
    "gcp.compute.instance",
    "gcp.compute.disk",
    "gcp.compute.firewall",
    "gcp.sql.instance",
    "gcp.kms.key",
    "gcp.bigquery.dataset",
    "gcp.container.cluster",
    "gcp.secretmanager.secret",
}
"""The types Terraform ``google_*`` resources are normalised into."""

CLOUD_ONLY_FIELDS = {
    "gcp.project": {
        "data_access_audit_all_services",
        "audit_exempted_members",
        "log_sinks_all_entries",
        "essential_contact_categories",
        "os_login_metadata",
    },
}
"""Project fields only the live collector can know (inheritance, other APIs)."""


def _reads(c: Control, field: str) -> bool:
    return field in repr(c.check)


def test_at_least_sixty_gcp_controls_on_gcp_types() -> None:
    assert len(GCP) >= 60
    types = builtin_resource_types()
    for c in GCP.values():
        assert c.resource.startswith("gcp.") and c.resource in types, c.id
        assert types[c.resource].provider == "gcp", c.id


def test_the_cis_style_checks_are_covered() -> None:
    expected = {
        "gcp.iam.no-primitive-roles-for-users",
        "gcp.iam.no-public-project-members",
        "gcp.iam.no-project-sa-user",
        "gcp.iam.no-project-sa-token-creator",
        "gcp.iam.sa-no-user-managed-keys",
        "gcp.iam.sa-key-rotation",
        "gcp.logging.data-access-audit-logs",
        "gcp.project.essential-contacts",
        "gcp.storage.bucket-uniform-access",
        "gcp.storage.bucket-public-access-prevention",
        "gcp.storage.bucket-no-public-iam",
        "gcp.storage.bucket-versioning",
        "gcp.storage.bucket-retention-policy",
        "gcp.storage.bucket-access-logging",
        "gcp.compute.instance-no-external-ip",
        "gcp.compute.instance-os-login",
        "gcp.compute.instance-serial-port-disabled",
        "gcp.compute.instance-default-sa-full-access",
        "gcp.compute.instance-shielded-vm",
        "gcp.compute.instance-ip-forwarding-off",
        "gcp.compute.instance-confidential",
        "gcp.compute.disk-cmek",
        "gcp.compute.firewall-no-open-ssh",
        "gcp.compute.firewall-no-open-rdp",
        "gcp.compute.firewall-logging",
        "gcp.compute.no-default-network",
        "gcp.compute.subnet-flow-logs",
        "gcp.compute.subnet-private-google-access",
        "gcp.sql.instance-not-open-to-internet",
        "gcp.sql.instance-ssl-required",
        "gcp.sql.instance-backups",
        "gcp.sql.instance-pitr",
        "gcp.sql.postgres-log-connections",
        "gcp.sql.postgres-log-disconnections",
        "gcp.sql.postgres-log-min-duration-disabled",
        "gcp.sql.mysql-local-infile-off",
        "gcp.kms.key-rotation",
        "gcp.kms.key-not-public",
        "gcp.logging.sink-all-entries",
        "gcp.logging.bucket-retention",
        "gcp.logging.bucket-locked",
        "gcp.bigquery.dataset-not-public",
        "gcp.bigquery.dataset-cmek",
        "gcp.gke.private-nodes",
        "gcp.gke.workload-identity",
        "gcp.gke.legacy-abac-disabled",
        "gcp.gke.network-policy",
        "gcp.gke.shielded-nodes",
        "gcp.gke.release-channel",
        "gcp.gke.master-authorized-networks",
        "gcp.secretmanager.rotation",
        "gcp.orgpolicy.require-os-login",
        "gcp.orgpolicy.disable-sa-key-creation",
        "gcp.orgpolicy.storage-public-access-prevention",
        "gcp.orgpolicy.sql-restrict-public-ip",
    }
    assert expected - set(GCP) == set()


def test_ids_and_folders_follow_the_layout() -> None:
    for c in GCP.values():
        _, service, check = c.id.split(".")
        assert c.source.replace("\\", "/").endswith(f"/gcp/{service}/{c.id}.yaml"), c.source
        assert check == check.lower()


def test_code_is_judged_only_where_terraform_can_define_the_setting() -> None:
    """A control tagged iac judges code too; one on a type no Terraform resource is
    normalised into, or reading a field only the live state knows, is cloud-only."""
    for c in GCP.values():
        cloud_only_field = any(_reads(c, f) for f in CLOUD_ONLY_FIELDS.get(c.resource, ()))
        if "iac" in c.tags:
            assert set(c.origins) == {"cloud", "code"}, c.id
            assert c.resource in CODE_TYPES and not cloud_only_field, c.id
        else:
            assert c.origins == ("cloud",), c.id
    # Every type Terraform defines has settings the library judges in code.
    assert {c.resource for c in GCP.values() if "iac" in c.tags} == CODE_TYPES


def test_every_gcp_control_maps_to_a_framework_and_the_policies_select_it() -> None:
    baseline = {c.id for c in select_controls(load_policy("baseline"), ALL)}
    assert set(GCP) <= baseline
    for policy, key in [
        ("iso27001", "iso27001-2022"),
        ("nist-800-53", "nist-800-53-r5"),
        ("nist-csf", "nist-csf-2.0"),
        ("bsi-c5", "bsi-c5-2020"),
        ("dsgvo", "dsgvo"),
    ]:
        selected = {c.id for c in select_controls(load_policy(policy), ALL)}
        mapped = {cid for cid, c in GCP.items() if c.frameworks.get(key)}
        assert mapped, policy
        assert {cid for cid in GCP if cid in selected} == mapped, policy
    for c in GCP.values():
        assert c.frameworks, c.id


def test_residency_is_left_to_the_residency_controls() -> None:
    # Location rules live in controls/gcp/residency (residency.gcp.*), judged with the
    # jurisdiction tables; the security library never hard-codes a location.
    for c in GCP.values():
        assert "jurisdiction-in" not in repr(c.check), c.id
        assert not _reads(c, "allowed_locations"), c.id

"""The GCP normalisers as pure functions: REST JSON in, documented fields out."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from govscan.collectors.gcp import types_common as common
from govscan.collectors.gcp.clients import HttpError
from govscan.collectors.gcp.spec import Fetched
from govscan.collectors.gcp.target import Project
from govscan.collectors.gcp.types_bigquery import member
from govscan.collectors.gcp.types_bigquery import normalise as dataset
from govscan.collectors.gcp.types_compute import GET_PROJECT, normalise_instance
from govscan.collectors.gcp.types_gke import normalise as cluster
from govscan.collectors.gcp.types_kms import normalise as crypto_key
from govscan.collectors.gcp.types_logging import destination_type
from govscan.collectors.gcp.types_network import flatten, normalise_network
from govscan.collectors.gcp.types_secrets import normalise as secret
from govscan.collectors.gcp.types_sql import normalise as sql
from govscan.collectors.gcp.types_storage import GET, GET_IAM
from govscan.collectors.gcp.types_storage import normalise as bucket

P = Project("p", "42")


def fetched(**responses: Any) -> Fetched:
    return Fetched(responses, {}, P)


@pytest.mark.parametrize(
    ("given", "location", "region"),
    [
        ("EUROPE-WEST3", "europe-west3", "europe-west3"),
        ("europe-west3-a", "europe-west3-a", "europe-west3"),
        ("https://x/compute/v1/projects/p/zones/us-central1-f", "us-central1-f", "us-central1"),
        ("eu", "EU", "EU"),
        ("nam4", "NAM4", "NAM4"),
        ("Global", "global", "global"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_locations_take_the_jurisdiction_tables_spelling(
    given: Any, location: str | None, region: str | None
) -> None:
    assert common.location(given) == location
    assert common.region_of(common.location(given)) == region


def test_durations_and_int64s_as_json_carries_them() -> None:
    assert common.days("7776000s") == 90.0
    assert common.days("1.5s") == round(1.5 / 86400, 4)
    assert common.days("90d") is None
    assert common.integer("10") == 10
    assert common.integer(True) is None
    assert common.integer("x") is None


def test_firewall_rules_are_flattened_per_protocol_and_port_range() -> None:
    rules = [
        {"IPProtocol": "TCP", "ports": ["22", "1000-2000", "bogus"]},
        {"IPProtocol": "17"},
        {"IPProtocol": "icmp", "ports": []},
        {"IPProtocol": "all"},
        "not a rule",
    ]
    assert flatten(rules) == [
        {"protocol": "tcp", "from_port": 22, "to_port": 22},
        {"protocol": "tcp", "from_port": 1000, "to_port": 2000},
        {"protocol": "udp", "from_port": 0, "to_port": 65535},
        {"protocol": "icmp", "from_port": None, "to_port": None},
        {"protocol": "all", "from_port": 0, "to_port": 65535},
    ]


def test_instance_metadata_keeps_only_the_keys_govscan_reads() -> None:
    item = {
        "name": "vm",
        "zone": "https://x/zones/europe-west3-a",
        "metadata": {
            "items": [
                {"key": "startup-script", "value": "password=Hunter2"},
                {"key": "ssh-keys", "value": "ana:ssh-rsa AAAA"},
                {"key": "block-project-ssh-keys", "value": "true"},
            ]
        },
    }
    # Not read: the fields stay out rather than guessing the project's value.
    data = normalise_instance(item, fetched())
    assert "os_login_enabled" not in data and "serial_port_enabled" not in data
    assert data["block_project_ssh_keys"] is True
    assert "Hunter2" not in repr(data) and "ssh-rsa" not in repr(data)
    # The project's metadata answers where the instance says nothing.
    data = normalise_instance(item, fetched(**{GET_PROJECT: {"enable-oslogin": "TRUE"}}))
    assert data["os_login_enabled"] is True
    assert data["serial_port_enabled"] is False
    assert (data["location"], data["region"], data["zone"]) == (
        "europe-west3-a",
        "europe-west3",
        "europe-west3-a",
    )


def test_instance_external_address_counts_before_it_is_assigned() -> None:
    item = {
        "networkInterfaces": [
            {"accessConfigs": [{"type": "ONE_TO_ONE_NAT"}]},
            {
                "ipv6AccessConfigs": [
                    {"externalIpv6": "2001:db8::1", "externalIpv6PrefixLength": 96}
                ]
            },
        ],
        "serviceAccounts": [
            {
                "email": "1-compute@developer.gserviceaccount.com",
                "scopes": ["https://www.googleapis.com/auth/devstorage.read_only"],
            }
        ],
    }
    data = normalise_instance(item, fetched())
    assert data["has_external_ip"] is True
    assert data["external_ips"] == ["2001:db8::1/96"]
    assert data["uses_default_service_account"] is True
    assert data["default_sa_full_api_access"] is False


def test_storage_bucket_public_access_and_retention() -> None:
    item = {
        "name": "b",
        "location": "US",
        "iamConfiguration": {
            "uniformBucketLevelAccess": {"enabled": True},
            "publicAccessPrevention": "unspecified",
        },
        "retentionPolicy": {"retentionPeriod": "172800", "isLocked": False},
    }
    public_acl = {"acl": [{"entity": "allUsers", "role": "READER"}], "defaultObjectAcl": []}
    policy = {"bindings": [{"role": "r", "members": ["allAuthenticatedUsers", "user:a@b.c"]}]}
    data = bucket(item, fetched(**{GET: public_acl, GET_IAM: policy}))
    assert data["public_access_prevention"] == "inherited"
    # Uniform access makes the remaining ACL entries meaningless.
    assert data["acl_public"] is False
    assert data["iam_public_members"] == ["allAuthenticatedUsers"]
    assert data["retention_policy"] == {
        "retention_days": 2,
        "locked": False,
        "effective_time": None,
    }
    assert (data["location"], data["region"]) == ("US", "US")
    without = bucket({"name": "b"}, fetched())
    assert "iam_public_members" not in without and "acl_public" not in without
    assert without["retention_days"] is None and without["logging"] is None


def test_sql_ssl_modes_public_exposure_and_replicas() -> None:
    item = {
        "name": "db",
        "region": "europe-west3",
        "databaseVersion": "MYSQL_8_0",
        "replicaNames": ["r-other-project"],
        "failoverReplica": {"name": "fo"},
        "settings": {
            "ipConfiguration": {
                "ipv4Enabled": False,
                "requireSsl": False,
                "authorizedNetworks": [{"value": "0.0.0.0/0"}],
            },
            "backupConfiguration": {"binaryLogEnabled": True, "pointInTimeRecoveryEnabled": False},
        },
        "govscan:replicaRegions": {"fo": "europe-west3"},
    }
    data = sql(item, fetched())
    assert data["engine"] == "mysql" and data["pitr_enabled"] is True
    assert data["ssl_mode"] == "ALLOW_UNENCRYPTED_AND_ENCRYPTED" and data["ssl_required"] is False
    # Authorised networks without a public address expose nothing.
    assert data["open_to_internet"] is False
    assert data["replicas"] == [
        {"name": "fo", "region": "europe-west3"},
        {"name": "r-other-project", "region": None},
    ]
    assert data["replica_locations"] == []
    assert "govscan:replicaRegions" not in data


def test_kms_key_rotation_and_location_from_its_name() -> None:
    item = {
        "name": "projects/p/locations/europe-west3/keyRings/r/cryptoKeys/k",
        "rotationPeriod": "2592000s",
        "versionTemplate": {"protectionLevel": "HSM"},
    }
    data = crypto_key(item, fetched())
    assert (data["name"], data["key_ring"], data["location"]) == ("k", "r", "europe-west3")
    assert data["rotation_period_days"] == 30.0
    assert data["protection_level"] == "HSM"
    assert "iam_public_members" not in data


def test_log_sink_destinations() -> None:
    assert destination_type("storage.googleapis.com/b") == "storage"
    assert destination_type("logging.googleapis.com/projects/p/locations/l/buckets/b") == "logging"
    assert destination_type("logging.googleapis.com/projects/other") == "project"
    assert destination_type("splunk://x") is None


def test_bigquery_access_entries_in_iam_spelling() -> None:
    assert member({"userByEmail": "a@b.c"}) == "user:a@b.c"
    assert member({"specialGroup": "allAuthenticatedUsers"}) == "allAuthenticatedUsers"
    assert member({"specialGroup": "projectReaders"}) == "specialGroup:projectReaders"
    assert member({"iamMember": "allUsers"}) == "allUsers"
    assert member({"view": {"projectId": "p", "datasetId": "d", "tableId": "t"}}) == "view:p.d.t"
    listed = {"datasetReference": {"projectId": "p", "datasetId": "d"}, "location": "EU"}
    data = dataset(listed, fetched())
    assert data == {
        "name": "d",
        "location": "EU",
        "region": "EU",
        "labels": {},
        "dataset_id": "d",
    }


def test_gke_endpoint_and_network_policy_variants() -> None:
    newer = {
        "location": "europe-west3",
        "controlPlaneEndpointsConfig": {"ipEndpointsConfig": {"enablePublicEndpoint": False}},
        "networkPolicy": {"enabled": True},
        "addonsConfig": {"networkPolicyConfig": {"disabled": True}},
        "masterAuth": {"clientCertificate": "", "clusterCaCertificate": "LS0t"},
        "releaseChannel": {"channel": "STABLE"},
    }
    data = cluster(newer, fetched())
    assert data["private_endpoint"] is True
    assert data["network_policy"] is False  # the addon that enforces it is off
    assert data["client_certificate"] is False
    assert data["release_channel"] == "STABLE"
    assert "LS0t" not in repr(data)


def test_secret_replication_kinds() -> None:
    auto = secret({"name": "projects/1/secrets/a", "replication": {"automatic": {}}}, fetched())
    assert (auto["replication"], auto["replica_locations"], auto["cmek"]) == (
        "automatic",
        [],
        False,
    )
    user = secret(
        {
            "name": "projects/1/secrets/u",
            "replication": {
                "userManaged": {
                    "replicas": [
                        {"location": "us-east1", "customerManagedEncryption": {"kmsKeyName": "k"}},
                        {"location": "europe-west3"},
                    ]
                }
            },
            "rotation": {"rotationPeriod": "7776000s"},
        },
        fetched(),
    )
    assert user["replication"] == "user_managed"
    assert user["replica_locations"] == ["europe-west3", "us-east1"]
    assert user["cmek"] is False  # one replica without a customer key
    assert user["rotation_period_days"] == 90.0
    assert (user["location"], user["secret_id"]) == ("global", "u")
    assert secret({"name": "projects/1/secrets/x"}, fetched())["replication"] is None


def test_network_without_its_subnets_read_names_none() -> None:
    data = normalise_network({"name": "default", "autoCreateSubnetworks": True}, fetched())
    assert data["is_default"] is True and data["legacy"] is False
    assert "subnets" not in data


class _Request:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def execute(self, num_retries: int = 0) -> Any:
        raise self.exc


def test_discovery_failures_become_what_the_retry_policy_classifies() -> None:
    import httplib2  # type: ignore[import-untyped]
    from googleapiclient.errors import HttpError as DiscoveryError  # type: ignore[import-untyped]

    body = (
        b'{"error": {"code": 403, "message": "Cloud SQL Admin API has not been used",'
        b' "status": "PERMISSION_DENIED", "details": [{"reason": "SERVICE_DISABLED"}]}}'
    )
    with pytest.raises(HttpError) as denied:
        common._execute(
            _Request(DiscoveryError(httplib2.Response({"status": "403", "retry-after": "3"}), body))
        )
    assert denied.value.status == 403
    assert denied.value.reason == "SERVICE_DISABLED PERMISSION_DENIED"
    assert denied.value.headers["retry-after"] == "3"
    with pytest.raises(requests.ConnectionError):
        common._execute(_Request(ConnectionRefusedError()))
    with pytest.raises(requests.Timeout):
        common._execute(_Request(TimeoutError()))


def _samples() -> list[tuple[Any, dict[str, Any]]]:
    from govscan.collectors.gcp import types_logging, types_network
    from govscan.collectors.gcp.types_compute import normalise_disk
    from tests.gcp.estate import types_compute as compute
    from tests.gcp.estate import types_data as data
    from tests.gcp.estate import types_platform as platform
    from tests.gcp.estate import types_storage as storage
    from tests.gcp.estate.core import ALPHA

    return [
        (bucket, storage.BUCKETS[ALPHA][0]),
        (normalise_instance, compute.WEB),
        (normalise_instance, compute.DB),
        (normalise_disk, compute.DISKS[ALPHA]["regions/europe-west3"][0]),
        (types_network.normalise_firewall, compute.FIREWALLS[ALPHA][0]),
        (normalise_network, compute.NETWORKS[ALPHA][1]),
        (sql, data.SQL[0]),
        (crypto_key, data.KEYS[0]),
        (dataset, data.DATASETS[0]),
        (cluster, platform.CLUSTERS[0]),
        (secret, platform.SECRETS[ALPHA][1]),
        (types_logging.normalise_bucket, platform.log_bucket("p", "eu", "b", locked=True)),
        (types_logging.normalise_sink, {"name": "s", "exclusions": [{"name": "e"}]}),
    ]


WRONG = ("x", 7, True, None, [], ["x"], {}, {"a": "b"})


def test_answers_of_the_wrong_shape_never_crash_a_normaliser() -> None:
    # The answers come from the network: a field of the wrong JSON type reads as
    # unset or odd, and never takes the project's scan down with it.
    tried = 0
    for normalise, item in _samples():
        for key, value in item.items():
            nested = value if isinstance(value, dict) else {}
            for wrong in WRONG:
                out = normalise({**item, key: wrong}, fetched())
                assert isinstance(out, dict), (normalise, key, wrong)
                for inner in nested:
                    out = normalise({**item, key: {**nested, inner: wrong}}, fetched())
                    assert isinstance(out, dict), (normalise, key, inner, wrong)
                tried += 1
    assert tried > 500

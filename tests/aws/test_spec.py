"""A resource type declared as data plus a normaliser, collected over moto."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from govscan.collectors.aws import registry
from govscan.collectors.aws.permissions import required_actions
from govscan.collectors.aws.scope import Scope
from govscan.collectors.aws.spec import Detail, Fetched, ListSpec
from govscan.collectors.interface import CollectionPlan
from govscan.model import CollectionError, Resource

from .conftest import REGIONS
from .test_collector import collector, fail_with, with_hook

LOG_GROUP = "aws.logs.log_group"


def _log_group(scope: Scope, g: dict[str, Any], got: Fetched) -> Resource | None:
    if g["logGroupName"].startswith("/skip/"):
        return None
    data: dict[str, Any] = {
        "retention_days": g.get("retentionInDays"),
        "encrypted": bool(g.get("kmsKeyId")),
    }
    tags: dict[str, str] = {}
    if "ListTagsLogGroup" in got:
        tags = dict(got["ListTagsLogGroup"].get("tags", {}))
    arn = g["arn"].removesuffix(":*")
    return scope.resource(LOG_GROUP, arn, g["logGroupName"], data, got.unavailable, tags=tags)


SPEC = ListSpec(
    LOG_GROUP,
    "logs",
    "DescribeLogGroups",
    "logGroups",
    _log_group,
    details=(Detail("ListTagsLogGroup", ("tags",), lambda g: {"logGroupName": g["logGroupName"]}),),
    parallel=True,
)


@pytest.fixture
def log_groups(mocked: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.TYPES, LOG_GROUP, SPEC.typedef())
    logs = boto3.client("logs", region_name="eu-central-1")
    logs.create_log_group(logGroupName="/app/orders", tags={"team": "shop"})
    logs.put_retention_policy(logGroupName="/app/orders", retentionInDays=30)
    logs.create_log_group(logGroupName="/app/audit")
    logs.create_log_group(logGroupName="/skip/me")
    boto3.client("logs", region_name="eu-west-1").create_log_group(logGroupName="/app/west")


def _collect(fields: set[str]) -> tuple[list[Resource], list[CollectionError], set[str]]:
    col = collector()
    items = list(col.collect(CollectionPlan({LOG_GROUP: frozenset(fields)})))
    resources = [i for i in items if isinstance(i, Resource)]
    errors = [i for i in items if isinstance(i, CollectionError)]
    ops = {f"{a.service}:{a.operation}" for a in col.api_calls() if a.service == "logs"}
    return resources, errors, ops


def test_listed_in_every_region_and_normalised(log_groups: None) -> None:
    resources, errors, ops = _collect({"retention_days"})
    assert errors == []
    by_name = {r.ref.name: r for r in resources}
    assert set(by_name) == {"/app/orders", "/app/audit", "/app/west"}  # the normaliser skipped one
    assert by_name["/app/orders"].data["retention_days"] == 30
    assert by_name["/app/audit"].data["retention_days"] is None
    assert by_name["/app/west"].ref.region == "eu-west-1"
    assert by_name["/app/orders"].tags == {}  # not fetched
    # No control reads the tags: the detail call is not made.
    assert ops == {"logs:DescribeLogGroups"}


def test_detail_call_only_for_a_field_a_control_reads(log_groups: None) -> None:
    resources, errors, ops = _collect({"retention_days", "tags"})
    assert errors == []
    assert ops == {"logs:DescribeLogGroups", "logs:ListTagsLogGroup"}
    by_name = {r.ref.name: r for r in resources}
    assert by_name["/app/orders"].tags == {"team": "shop"}
    assert by_name["/app/audit"].tags == {}


def test_denied_detail_call_makes_the_field_unavailable(
    log_groups: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_hook(monkeypatch, "before-call.logs.ListTagsLogGroup", fail_with("AccessDenied"))
    resources, errors, _ = _collect({"tags"})
    assert len(resources) == 3
    assert all("AccessDenied" in r.unavailable["tags"] for r in resources)
    assert {(e.operation, e.fields) for e in errors} == {("logs:ListTagsLogGroup", ("*",))}


def test_denied_list_call_is_an_error_for_that_scope(
    log_groups: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_hook(monkeypatch, "before-call.logs.DescribeLogGroups", fail_with("AccessDenied"))
    resources, errors, _ = _collect({"tags"})
    assert resources == []
    assert {e.region for e in errors} == set(REGIONS)
    assert all(e.operation == "logs:DescribeLogGroups" and not e.fields for e in errors)


def test_permissions_follow_from_the_declaration(log_groups: None) -> None:
    td = SPEC.typedef()
    assert td.list_ops == ("logs:DescribeLogGroups",)
    assert dict(td.detail_ops) == {"tags": ("logs:ListTagsLogGroup",)}
    plain = required_actions(CollectionPlan({LOG_GROUP: frozenset({"retention_days"})}))
    tagged = required_actions(CollectionPlan({LOG_GROUP: frozenset({"tags"})}))
    assert "logs:DescribeLogGroups" in plain and "logs:ListTagsLogGroup" not in plain
    assert "logs:ListTagsLogGroup" in tagged


def test_always_details_are_listing_permissions() -> None:
    spec = ListSpec(
        "aws.x.thing",
        "efs",
        "DescribeThings",
        "Things",
        lambda scope, item, got: None,
        prefix="elasticfilesystem",
        details=(
            Detail("DescribeThing", ("a",), lambda t: {}, always=True),
            Detail("GetThingPolicy", ("b", "c"), lambda t: {}),
        ),
        regional=False,
    )
    td = spec.typedef()
    assert td.list_ops == (
        "elasticfilesystem:DescribeThings",
        "elasticfilesystem:DescribeThing",
    )
    assert dict(td.detail_ops) == {
        "b": ("elasticfilesystem:GetThingPolicy",),
        "c": ("elasticfilesystem:GetThingPolicy",),
    }
    assert td.regional is False

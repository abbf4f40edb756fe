from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from govscan.model import Resource
from tests.aws.analyzers import analyzer, list_analyzers


def _analyzers(region: str) -> list[dict[str, Any]]:
    """IAM Access Analyzer, which moto lacks: an external-access analyzer in
    eu-central-1, only an unused-access one in eu-west-1, none in us-east-1."""
    return {
        "eu-central-1": [analyzer(region)],
        "eu-west-1": [analyzer(region, "ACCOUNT_UNUSED_ACCESS")],
    }.get(region, [])


@pytest.fixture(scope="session")
def estate() -> Iterator[list[Resource]]:
    """The demo estate plus extras, collected once with every field of every AWS type."""
    from moto import mock_aws

    from govscan.catalog.resource_types import builtin_resource_types
    from govscan.collectors.aws import AwsCollector
    from govscan.collectors.interface import CollectionPlan
    from govscan.demo.aws_estate import seed_estate

    from .estate_extra import SECOND_ACCOUNT, seed_extra

    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    saved = {k: os.environ.get(k) for k in (*env, "AWS_PROFILE", "AWS_ENDPOINT_URL")}
    os.environ.update(env)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws(), list_analyzers(_analyzers):
            seed_estate()
            seed_extra()
            fields = {
                t: frozenset(s.fields)
                for t, s in builtin_resource_types().items()
                if t.startswith("aws.")
            }
            items: list[Resource] = []
            for role in ("", f"arn:aws:iam::{SECOND_ACCOUNT}:role/audit"):
                col = AwsCollector(
                    {
                        "aws": True,
                        "aws_role_arn": role,
                        "aws_regions": ["eu-central-1", "eu-west-1", "us-east-1"],
                    }
                )
                found = list(col.collect(CollectionPlan(fields)))
                items += [i for i in found if isinstance(i, Resource)]
        # Yielded after moto's mock is closed: the resources are plain data, and an open
        # mock would leak this estate into every later test of the same worker.
        yield items
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

from __future__ import annotations

from collections.abc import Iterator

import pytest

REGIONS = ["eu-central-1", "eu-west-1", "us-east-1"]


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def mocked(aws_env: None) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield

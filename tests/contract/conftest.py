from __future__ import annotations

from collections.abc import Iterator

import pytest

from govscan.model import Resource
from tests.controls.aws.conftest import estate as aws_estate


@pytest.fixture(scope="module")
def estate() -> Iterator[list[Resource]]:
    """The moto test estate of the AWS control tests, collected with every documented
    field; module-scoped, so moto's mock is closed before other suites run."""
    yield from aws_estate.__wrapped__()  # type: ignore[attr-defined]

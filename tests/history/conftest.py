from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from .pgserver import fresh_database, pg_bin, postgres_server

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (.ci/install-postgres installs it)")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty history on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite3")
    server: str = request.getfixturevalue("pg_server")
    return fresh_database(server, f"h{next(_names)}_{id(request) % 100000}")

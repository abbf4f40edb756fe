from __future__ import annotations

from collections.abc import Iterator

import pytest

from govscan import plugins

from .fakes import FakeCollector

# Registered for the whole session: module-scoped fixtures validate fake controls too.
plugins.register(plugins.COLLECTORS_GROUP, "fake", FakeCollector)


@pytest.fixture(autouse=True)
def fake_collector() -> Iterator[type[FakeCollector]]:
    # Other suites register and remove their own "fake" plugin; take the name back.
    plugins.register(plugins.COLLECTORS_GROUP, "fake", FakeCollector)
    FakeCollector.items = []
    FakeCollector.plans = []
    FakeCollector.explode = False
    FakeCollector.always = False
    yield FakeCollector
    FakeCollector.always = False

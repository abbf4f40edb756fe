"""Migration 0003_trend_indexes: spans lose the last_run index (and, on PostgreSQL,
keep free space per page), on a new history and on one written by 0001."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from govscan.history.location import resolve
from govscan.history.store import HistoryStore, _engine, open_store

from .test_store import _run, _spans, _state


def _upgrade_to(url: str, revision: str) -> None:
    engine = _engine(resolve(url))
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", "govscan.history:migrations")
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_a_history_of_0001_is_upgraded_and_keeps_its_spans(history_url: str) -> None:
    _upgrade_to(history_url, "0001")
    old = HistoryStore(resolve(history_url), _engine(resolve(history_url)))
    old.append(_run(1), [_state("a")])  # written by a govscan that knew only 0001
    old.close()
    store = open_store(resolve(history_url))  # upgrades to head
    try:
        store.append(_run(2), [_state("a")])
        assert _spans(store) == [("a", "fail", 1, 2)]
        with store.engine.connect() as conn:
            names = {i["name"] for i in inspect(conn).get_indexes("spans")}
            assert "spans_last_run" not in names and "spans_finding" in names
            if conn.dialect.name == "postgresql":
                options = conn.execute(
                    text("SELECT reloptions FROM pg_class WHERE relname = 'spans'")
                ).scalar()
                assert options == ["fillfactor=70"]
    finally:
        store.close()

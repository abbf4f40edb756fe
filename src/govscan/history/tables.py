"""The history's tables (SQLAlchemy Core). Migrations in ``migrations/versions``
create exactly these; a test compares the two."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

settings = Table(
    "settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
"""Values that belong to the history, e.g. its fingerprint key."""

series = Table(
    "series",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("label", Text, nullable=False),
)
"""Runs over the same targets: findings are followed within one series."""

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, unique=True),
    Column("series_id", Integer, ForeignKey("series.id"), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40), nullable=False),
    Column("as_of", Date, nullable=True),
    Column("govscan_version", String(40), nullable=False),
    Column("policy", Text, nullable=False),
    Column("policy_hash", String(80), nullable=False),
    Column("controls_hash", String(80), nullable=False),
    Column("fingerprints", String(16), nullable=False),
    Column("bundle_digest", String(80), nullable=True),
    Column("key_id", String(80), nullable=True),
    Column("exit_code", Integer, nullable=False),
    # JSON: results per status, and failing results per severity.
    Column("counts", Text, nullable=False),
    # JSON: the run's targets as results.json records them.
    Column("targets", Text, nullable=False),
)
Index("runs_series", runs.c.series_id, runs.c.id)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("series_id", Integer, ForeignKey("series.id"), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("control_id", Text, nullable=False),
    Column("resource_type", Text, nullable=False),
    Column("resource_id", Text, nullable=False),
    UniqueConstraint("series_id", "fingerprint", name="findings_series_fingerprint"),
)

spans = Table(
    "spans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finding_id", Integer, ForeignKey("findings.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("first_run", Integer, ForeignKey("runs.id"), nullable=False),
    Column("last_run", Integer, ForeignKey("runs.id"), nullable=False),
)
"""A finding's status over consecutive runs of its series: ``first_run`` to ``last_run``."""
Index("spans_last_run", spans.c.last_run)
Index("spans_finding", spans.c.finding_id)

scores = Table(
    "scores",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id"), primary_key=True),
    Column("framework", String(40), primary_key=True),
    Column("assessed", Integer, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("covered", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("ratio", Float, nullable=False),
)

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
# No index on last_run: extending a span then stays a heap-only update on
# PostgreSQL (migration 0003_trend_indexes).
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

pushes = Table(
    "pushes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False),
    Column("bundle_digest", String(80), nullable=False),
    Column("url", Text, nullable=False),
    Column("pushed_at", String(40), nullable=False),
    Column("retain_until", String(40), nullable=False),
    # JSON: [{"name", "key", "version_id", "sha256", "size"}] in upload order.
    Column("objects", Text, nullable=False),
)
"""Bundles pushed to write-once storage (``govscan evidence push``): where each
object version is and until when it is retained. Not tied to ``runs``: a bundle
can be pushed without its run in this history."""
Index("pushes_bundle", pushes.c.bundle_digest)

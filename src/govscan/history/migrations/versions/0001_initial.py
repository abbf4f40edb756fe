"""The first schema: settings, series, runs, findings, spans, scores."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.Text, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, unique=True),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("series.id"), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("finished_at", sa.String(40), nullable=False),
        sa.Column("as_of", sa.Date, nullable=True),
        sa.Column("govscan_version", sa.String(40), nullable=False),
        sa.Column("policy", sa.Text, nullable=False),
        sa.Column("policy_hash", sa.String(80), nullable=False),
        sa.Column("controls_hash", sa.String(80), nullable=False),
        sa.Column("fingerprints", sa.String(16), nullable=False),
        sa.Column("bundle_digest", sa.String(80), nullable=True),
        sa.Column("key_id", sa.String(80), nullable=True),
        sa.Column("exit_code", sa.Integer, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
    )
    op.create_index("runs_series", "runs", ["series_id", "id"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("series_id", sa.Integer, sa.ForeignKey("series.id"), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("control_id", sa.Text, nullable=False),
        sa.Column("resource_type", sa.Text, nullable=False),
        sa.Column("resource_id", sa.Text, nullable=False),
        sa.UniqueConstraint("series_id", "fingerprint", name="findings_series_fingerprint"),
    )
    op.create_table(
        "spans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finding_id", sa.Integer, sa.ForeignKey("findings.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("first_run", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("last_run", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    )
    op.create_index("spans_last_run", "spans", ["last_run"])
    op.create_index("spans_finding", "spans", ["finding_id"])
    op.create_table(
        "scores",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("framework", sa.String(40), primary_key=True),
        sa.Column("assessed", sa.Integer, nullable=False),
        sa.Column("passed", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("covered", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("ratio", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in ("scores", "spans", "findings", "runs", "series", "settings"):
        op.drop_table(table)

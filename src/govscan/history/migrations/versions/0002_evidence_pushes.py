"""Bundles pushed to write-once storage: the ``pushes`` table."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_pushes"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pushes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("bundle_digest", sa.String(80), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("pushed_at", sa.String(40), nullable=False),
        sa.Column("retain_until", sa.String(40), nullable=False),
        sa.Column("objects", sa.Text, nullable=False),
    )
    op.create_index("pushes_bundle", "pushes", ["bundle_digest"])


def downgrade() -> None:
    op.drop_index("pushes_bundle", "pushes")
    op.drop_table("pushes")

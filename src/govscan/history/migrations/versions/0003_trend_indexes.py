"""Spans extended in place: no index on ``spans.last_run``, room for new row versions.

Every append moves ``last_run`` of each unchanged finding's span to the new run.
With ``last_run`` indexed, each such update on PostgreSQL writes a new index
entry and leaves the old row version behind until a vacuum: a year of daily runs
of 10,000 findings grew the database to 141 MB for 16 MB of data. Without the
index, and with free space kept in each page (``fillfactor``), PostgreSQL
updates the row within its page (a heap-only update) and reclaims the old
version itself: 21 MB, and appends twice as fast. The lookup of the previous
run's spans reads the table instead, which grows with the changes only
(docs/performance.md, "History").
"""

from __future__ import annotations

from alembic import op

revision = "0002_trend"
# Chained after the pushes table so the history keeps one head; both only add to 0001.
down_revision = "0002_pushes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("spans_last_run", table_name="spans")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE spans SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE spans RESET (fillfactor)")
    op.create_index("spans_last_run", "spans", ["last_run"])

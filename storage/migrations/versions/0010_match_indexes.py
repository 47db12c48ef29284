"""indexes on matches.matcher_version and matches.alerts_queued

Every poll counts the verdicts of an older matcher version (`count_pending`) and marks the
verdicts whose alerts are not queued yet (`queue_alerts`); without these indexes both read the
whole matches table, evidence included, and grow with the history (two scans of ~10 ms at
30,000 verdicts on SQLite), with them both look at the few rows concerned.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_matches_matcher_version", "matches", ["matcher_version"])
    op.create_index("ix_matches_alerts_queued", "matches", ["alerts_queued"])


def downgrade() -> None:
    op.drop_index("ix_matches_alerts_queued", table_name="matches")
    op.drop_index("ix_matches_matcher_version", table_name="matches")

"""outbox from database state: matches.alerts_queued, subscriptions.paused_reason

Alerts are queued from verdicts whose `alerts_queued` mark is still false, so a crash between
judging and queueing is caught up on restart. Verdicts stored before this revision were queued
by the previous code, so they start marked. `paused_reason` says why delivery paused a chat.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: no table rebuild, so no cascade can fire on SQLite.
    op.add_column(
        "matches",
        sa.Column("alerts_queued", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(sa.text("UPDATE matches SET alerts_queued = :yes").bindparams(yes=True))
    op.add_column(
        "subscriptions",
        sa.Column("paused_reason", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("paused_reason")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("alerts_queued")

"""article fetching: feeds.fetch_articles, items.article_fetched_at

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetch_articles", sa.Boolean(), nullable=True))
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("article_fetched_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("article_fetched_at")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("fetch_articles")

"""matches: the matcher's verdict per item

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matches",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("matcher_version", sa.Integer(), nullable=False),
        sa.Column("allegation", sa.Boolean(), nullable=False),
        sa.Column("denial", sa.Boolean(), nullable=False),
        sa.Column("official_denial", sa.Boolean(), nullable=False),
        sa.Column("score_allegation", sa.Float(), nullable=False),
        sa.Column("score_denial", sa.Float(), nullable=False),
        sa.Column("score_official", sa.Float(), nullable=False),
        sa.Column("accuser", sa.Text(), nullable=False),
        sa.Column("accused", sa.Text(), nullable=False),
        sa.Column("denier", sa.Text(), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_matches_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_matches")),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matches_allegation"), ["allegation"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_denial"), ["denial"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matches_denial"))
        batch_op.drop_index(batch_op.f("ix_matches_allegation"))
    op.drop_table("matches")

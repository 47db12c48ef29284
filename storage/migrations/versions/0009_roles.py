"""matches.roles_version: which parser set the stored parties (0: the matcher's rules)

The pipeline's roles stage parses the evidence sentences of newly flagged items and stores the
parser's accuser / accused / denier in the same columns, marking them with the parser's
version, so each flagged item is parsed once (and again only when the parser changes).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: no table rebuild, so no cascade can fire on SQLite.
    op.add_column(
        "matches",
        sa.Column("roles_version", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("roles_version")

"""a social worker's summary may be withdrawn when what they may read narrows

A summary kept in rhi went on opening with words its reader might no longer read (a decision
declined, or the child took back their agreement), and was handed to a new social worker so
(a review). It is now withdrawn, and a new one made with what they may read.

Revision ID: d8e9f0a1b2c3
Revises: c7d8e9f0a1b2
Create Date: 2026-12-06 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d8e9f0a1b2c3"
down_revision = "c7d8e9f0a1b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("summaries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_why", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("summaries", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_why")
        batch_op.drop_column("withdrawn_at")

"""returns keep the child's legal status they had

The SSDA903 return and the looked-after figures read the child's legal status now, so a child
who went home took their episodes in care out of the year's return (a probe). Each episode now
keeps the status it had (`Episode.legal_status`, rhi/episodes/legal_status.py). rhi kept no
history before this, so the episodes already held are given the child's status now: the best
that is known.

Revision ID: e3f4a5b6c7d8
Revises: d2e3f4a5b6c7
Create Date: 2026-12-06 07:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3f4a5b6c7d8"
down_revision = "d2e3f4a5b6c7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_status", sa.String(length=30), nullable=True))
    op.execute(
        "UPDATE episodes SET legal_status = "
        "(SELECT children.legal_status FROM children WHERE children.id = episodes.child_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_column("legal_status")

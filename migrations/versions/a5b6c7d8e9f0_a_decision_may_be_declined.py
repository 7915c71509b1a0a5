"""a safeguarding decision may be declined by the person named as deciding it

A decision to share without the child's agreement could only be confirmed: one recorded by
mistake, or one the named decider did not make, stayed waiting for good, and an urgent one
stayed in force (a probe). The named decider may now decline it, with why: it is then in force
for no copy made after.

Revision ID: a5b6c7d8e9f0
Revises: f4a5b6c7d8e9
Create Date: 2026-12-06 10:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a5b6c7d8e9f0"
down_revision = "f4a5b6c7d8e9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sharing_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declined_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("declined_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("declined_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_sharing_decisions_declined_by_id_users"),
            "users",
            ["declined_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("sharing_decisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sharing_decisions_declined_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("declined_reason")
        batch_op.drop_column("declined_by_id")
        batch_op.drop_column("declined_at")

"""the child is told what became of what was agreed

Once an action agreed in a child's interview was done, or not done, nothing in rhi asked that
the child be told (a probe): the Actions pages followed it for professionals only. Each action
now keeps when the child was told what became of it, how, and who recorded it.

Revision ID: b6c7d8e9f0a1
Revises: a5b6c7d8e9f0
Create Date: 2026-12-06 10:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b6c7d8e9f0a1"
down_revision = "a5b6c7d8e9f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_told_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("child_told_how", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("child_told_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_actions_child_told_by_id_users"), "users", ["child_told_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_actions_child_told_by_id_users"), type_="foreignkey")
        batch_op.drop_column("child_told_by_id")
        batch_op.drop_column("child_told_how")
        batch_op.drop_column("child_told_on")

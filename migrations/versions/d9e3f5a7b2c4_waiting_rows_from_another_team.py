"""waiting rows from another team

A police notification imported by one team that may be a child another team keeps waits on the
keeping team's list, for a person who can see that child to confirm (rhi/episodes/
imports_apply.py): one child, one record. `from_team_id` is the team whose import sent it, which
keeps the child if the keeping team says it is a different child, and which meets the row again
when the police send the reference's found notification.

Revision ID: d9e3f5a7b2c4
Revises: c8d2e4f6a1b3
Create Date: 2026-12-07 11:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d9e3f5a7b2c4"
down_revision = "c8d2e4f6a1b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_waiting_rows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_team_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_import_waiting_rows_from_team_id"), ["from_team_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_import_waiting_rows_from_team_id_teams"),
            "teams",
            ["from_team_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("import_waiting_rows", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_import_waiting_rows_from_team_id_teams"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_import_waiting_rows_from_team_id"))
        batch_op.drop_column("from_team_id")

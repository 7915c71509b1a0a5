"""children remember being looked after

The retention rule read a child's legal status as it is today: a looked-after child who went
home (status changed to "None known") was due for destruction at 25, not 75, with their
looked-after records in it. A child now keeps `was_looked_after` once rhi is told they are
looked after or a care leaver (rhi/models/children.py). Children held before this are marked
from their status now, and from a missing episode recorded as away from placement (DfE type
"A", which only a looked-after child has).

Revision ID: c1d2e3f4a5b6
Revises: b0c1d2e3f4a5
Create Date: 2026-12-06 02:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c1d2e3f4a5b6"
down_revision = "b0c1d2e3f4a5"
branch_labels = None
depends_on = None

children = sa.table(
    "children",
    sa.column("id", sa.Integer),
    sa.column("legal_status", sa.String),
    sa.column("was_looked_after", sa.Boolean),
)
episodes = sa.table("episodes", sa.column("child_id", sa.Integer), sa.column("dfe_type", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("was_looked_after", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    away_from_placement = sa.exists(
        sa.select(episodes.c.child_id).where(
            episodes.c.child_id == children.c.id, episodes.c.dfe_type == "A"
        )
    )
    op.get_bind().execute(
        children.update()
        .where(
            sa.or_(
                children.c.legal_status.in_(("looked_after", "care_leaver")), away_from_placement
            )
        )
        .values(was_looked_after=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("was_looked_after")

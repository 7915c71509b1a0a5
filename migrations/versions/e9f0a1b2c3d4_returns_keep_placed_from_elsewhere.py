"""returns keep whether the child was placed here by another council

The service page's "Returns of children placed here by another council" read the child's
placing and home authority as they are now, so last month's figure changed when a child was
placed here or went home (a probe). Each episode now keeps it beside its legal status
(`Episode.placed_from_elsewhere`, rhi/episodes/legal_status.py): None while no placing
authority is recorded. rhi kept no history before this, so the episodes already held are given
the child's authorities now (Child.placed_from_elsewhere's rule, in SQL): the best that is
known.

Revision ID: e9f0a1b2c3d4
Revises: d8e9f0a1b2c3
Create Date: 2026-12-06 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e9f0a1b2c3d4"
down_revision = "d8e9f0a1b2c3"
branch_labels = None
depends_on = None

episodes = sa.table(
    "episodes",
    sa.column("child_id", sa.Integer),
    sa.column("placed_from_elsewhere", sa.Boolean),
)
children = sa.table(
    "children",
    sa.column("id", sa.Integer),
    sa.column("placing_authority", sa.String),
    sa.column("home_authority", sa.String),
)


def _placed() -> sa.ColumnElement[bool]:
    """Child.placed_from_elsewhere for the episode's child, None with no placing authority."""
    placing = sa.func.trim(sa.func.coalesce(children.c.placing_authority, ""))
    home = sa.func.trim(sa.func.coalesce(children.c.home_authority, ""))
    value = sa.case(
        (placing == "", sa.null()),
        (sa.func.lower(placing) != sa.func.lower(home), sa.true()),
        else_=sa.false(),
    )
    return sa.select(value).where(children.c.id == episodes.c.child_id).scalar_subquery()


def upgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placed_from_elsewhere", sa.Boolean(), nullable=True))
    op.get_bind().execute(episodes.update().values(placed_from_elsewhere=_placed()))


def downgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_column("placed_from_elsewhere")

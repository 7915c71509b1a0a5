"""children remember being placed in care

A child whose record showed a council placement (a care placement, or a placing authority) had
the looked-after retention rule only while it showed it: moved home, they were destroyed at 25,
not 75 (a probe). The app now remembers it in `Child.was_looked_after` (rhi/models/children.py,
rhi/episodes/looked_after.py); the children held before are marked from their placement now and
from any return recorded as placed here by another council (`Episode.placed_from_elsewhere`).

And a police notification waiting for a person as possibly a child whose record was destroyed
since is now destroyed with the record (rhi/retention/held.py ABOUT_ONLY_WHILE): those already
left waiting with a destroyed record's tombstone, never recorded as anyone, are deleted, as
destroying the record would now have done.

Revision ID: f0a1b2c3d4e5
Revises: e9f0a1b2c3d4
Create Date: 2026-12-06 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f0a1b2c3d4e5"
down_revision = "e9f0a1b2c3d4"
branch_labels = None
depends_on = None

# rhi/models/children.py CARE_PLACEMENTS as it is written today: every placement but at home.
CARE_PLACEMENTS = ("foster", "kinship", "childrens_home", "supported", "secure", "other")

children = sa.table(
    "children",
    sa.column("id", sa.Integer),
    sa.column("placement_type", sa.String),
    sa.column("placing_authority", sa.String),
    sa.column("was_looked_after", sa.Boolean),
)
episodes = sa.table(
    "episodes",
    sa.column("child_id", sa.Integer),
    sa.column("placed_from_elsewhere", sa.Boolean),
)
waiting = sa.table(
    "import_waiting_rows",
    sa.column("candidate_child_id", sa.Integer),
    sa.column("episode_id", sa.Integer),
)
destroyed = sa.table("destroyed_children", sa.column("child_id", sa.Integer))


def upgrade() -> None:
    placed_from_elsewhere = sa.exists(
        sa.select(episodes.c.child_id).where(
            episodes.c.child_id == children.c.id, episodes.c.placed_from_elsewhere.is_(sa.true())
        )
    )
    conn = op.get_bind()
    conn.execute(
        children.update()
        .where(
            sa.or_(
                children.c.placement_type.in_(CARE_PLACEMENTS),
                sa.func.trim(sa.func.coalesce(children.c.placing_authority, "")) != "",
                placed_from_elsewhere,
            )
        )
        .values(was_looked_after=True)
    )
    conn.execute(
        waiting.delete().where(
            waiting.c.episode_id.is_(None),
            waiting.c.candidate_child_id.in_(sa.select(destroyed.c.child_id)),
        )
    )


def downgrade() -> None:
    # Neither can be told apart from what rhi knew before: both are left as they are.
    pass

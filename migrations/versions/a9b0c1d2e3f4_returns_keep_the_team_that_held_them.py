"""returns keep the team that held them

A manager saw a return through the team of the worker holding it, as that worker's team was
now: a worker who moved team took their returns, closed ones and their interviews included,
to the new team's manager, and the old team's figures lost them. A return now keeps the team
it was held by (`episodes.held_by_team_id`, rhi/episodes/holding.py). Returns held before
this are given the team they are allocated to, or their worker's team as it is today (rhi
kept no history of a person's team; a worker who already moved is taken to have held them in
the team they are in now, as before).

Revision ID: a9b0c1d2e3f4
Revises: f8a9b0c1d2e3
Create Date: 2026-12-06 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9b0c1d2e3f4"
down_revision = "f8a9b0c1d2e3"
branch_labels = None
depends_on = None

episodes = sa.table(
    "episodes",
    sa.column("id", sa.Integer),
    sa.column("assigned_worker_id", sa.Integer),
    sa.column("assigned_team_id", sa.Integer),
    sa.column("held_by_team_id", sa.Integer),
)
users = sa.table("users", sa.column("id", sa.Integer), sa.column("team_id", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_by_team_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_episodes_held_by_team_id"), ["held_by_team_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_episodes_held_by_team_id_teams"), "teams", ["held_by_team_id"], ["id"]
        )
    workers_team = (
        sa.select(users.c.team_id)
        .where(users.c.id == episodes.c.assigned_worker_id)
        .scalar_subquery()
    )
    op.get_bind().execute(
        episodes.update().values(
            held_by_team_id=sa.func.coalesce(episodes.c.assigned_team_id, workers_team)
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_episodes_held_by_team_id_teams"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_episodes_held_by_team_id"))
        batch_op.drop_column("held_by_team_id")

"""open returns found by index: episodes.closed_at, partial indexes of open returns, and
episodes(child_id, started_at) for the repeat count

Revision ID: a3b4c5d6e7f8
Revises: f2a3b4c5d6e7
Create Date: 2026-12-03 22:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3b4c5d6e7f8'
down_revision = 'f2a3b4c5d6e7'
branch_labels = None
depends_on = None

# As rhi/models/episodes.py says it: back, and without the return's one outcome yet.
OPEN = "returned_at IS NOT NULL AND closed_at IS NULL"

# The rule of rhi/episodes/closing.py, for the rows already there: closed when the latest
# interview covering the episode (created_at, then id) has an outcome, at its outcome's time
# (or its last change, for an outcome recorded without one). Plain SQL both databases run.
BACKFILL = """
UPDATE episodes SET closed_at = (
    SELECT CASE WHEN i.outcome IS NOT NULL THEN COALESCE(i.outcome_at, i.updated_at) END
    FROM interviews i
    JOIN interview_episodes ie ON ie.interview_id = i.id
    WHERE ie.episode_id = episodes.id
    ORDER BY i.created_at DESC, i.id DESC
    LIMIT 1
)
"""


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
    op.execute(BACKFILL)
    op.create_index(
        'ix_episodes_open_team',
        'episodes',
        ['assigned_team_id', 'returned_at'],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_index(
        'ix_episodes_open_worker',
        'episodes',
        ['assigned_worker_id', 'returned_at'],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_index(
        'ix_episodes_open',
        'episodes',
        ['closed_at', 'returned_at'],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_index(
        'ix_episodes_child_started', 'episodes', ['child_id', 'started_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_episodes_child_started', table_name='episodes')
    op.drop_index('ix_episodes_open', table_name='episodes')
    op.drop_index('ix_episodes_open_worker', table_name='episodes')
    op.drop_index('ix_episodes_open_team', table_name='episodes')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

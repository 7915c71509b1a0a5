"""the interview made for an episode, found by index

"The interview made for this episode" (the first covering it) is asked per episode by the
service page, the exports and the Returns page; the link table's key starts with the interview,
so without this every such question scanned the table (seconds with 50,000 episodes).

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-03 18:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9d0e1f2a3b4'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('interview_episodes', schema=None) as batch_op:
        batch_op.create_index('ix_interview_episodes_episode_id', ['episode_id', 'interview_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('interview_episodes', schema=None) as batch_op:
        batch_op.drop_index('ix_interview_episodes_episode_id')

"""strategy meetings asked for without an interview

A strategy meeting can now be asked for from the repeat episodes page or the episode page, not
only in an interview: `actions.interview_id` may be empty, and every action names its child
(`child_id`, filled from its interview for the rows from before), the episode it was asked for
from and who asked.

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-12-03 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('episode_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('requested_by_id', sa.Integer(), nullable=True))
    op.execute("""
        UPDATE actions SET child_id = (
            SELECT child_id FROM interviews WHERE interviews.id = actions.interview_id)""")
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.alter_column('child_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('interview_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_actions_child_id'), ['child_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_actions_child_id_children'), 'children',
                                    ['child_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_actions_episode_id_episodes'), 'episodes',
                                    ['episode_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_actions_requested_by_id_users'), 'users',
                                    ['requested_by_id'], ['id'])


def downgrade() -> None:
    # Requests made without an interview have nowhere to go in the older schema: they, and the
    # notices about them, are removed (the audit trail keeps that they were made).
    op.execute("DELETE FROM notices WHERE action_id IN "
               "(SELECT id FROM actions WHERE interview_id IS NULL)")
    op.execute("DELETE FROM actions WHERE interview_id IS NULL")
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_actions_requested_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_actions_episode_id_episodes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_actions_child_id_children'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_actions_child_id'))
        batch_op.alter_column('interview_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('requested_by_id')
        batch_op.drop_column('episode_id')
        batch_op.drop_column('child_id')

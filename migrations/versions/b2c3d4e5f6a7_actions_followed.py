"""actions agreed in interviews, followed until done

Each action in a finished interview becomes a row (`actions`): its owner (a user, or an agency
with a named contact), its due date and its status (open, done, not done with a reason; a
strategy meeting: held or declined with the date). A notice may now be about an action (a
strategy meeting asked for tells the child's social worker and their manager), so
`notices.allocation_id` may be empty and `notices.action_id` is new.

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2026-12-03 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2c3d4e5f6a7'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('interview_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('owner_kind', sa.String(length=30), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('contact', sa.String(length=200), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome_on', sa.Date(), nullable=True),
        sa.Column('outcome_note', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'],
                                name=op.f('fk_actions_interview_id_interviews')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_actions_owner_id_users')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_actions_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
        sa.UniqueConstraint('interview_id', 'item_id', name=op.f('uq_actions_interview_id')),
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_status'), ['status'], unique=False)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.alter_column('allocation_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('action_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notices_action_id_actions'), 'actions',
                                    ['action_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notices_action_id_actions'), type_='foreignkey')
        batch_op.drop_column('action_id')
    op.execute("DELETE FROM notices WHERE allocation_id IS NULL")
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.alter_column('allocation_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_status'))
        batch_op.drop_index(batch_op.f('ix_actions_due_on'))
        batch_op.drop_index(batch_op.f('ix_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_actions_interview_id'))
    op.drop_table('actions')

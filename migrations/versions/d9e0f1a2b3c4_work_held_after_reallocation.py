"""work a tablet sent after its return was reallocated, held for a manager

Revision ID: d9e0f1a2b3c4
Revises: b7c8d9e0f1a2
Create Date: 2026-12-03 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd9e0f1a2b3c4'
down_revision = 'b7c8d9e0f1a2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('held_work',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_uuid', sa.String(length=36), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('episode_ids', sa.JSON(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_team_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('passed_to_id', sa.Integer(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_held_work_child_id_children')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_held_work_handled_by_id_users')),
    sa.ForeignKeyConstraint(['passed_to_id'], ['users.id'], name=op.f('fk_held_work_passed_to_id_users')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_held_work_sent_by_id_users')),
    sa.ForeignKeyConstraint(['sent_by_team_id'], ['teams.id'], name=op.f('fk_held_work_sent_by_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_work'))
    )
    with op.batch_alter_table('held_work', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_work_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_work_item_uuid'), ['item_uuid'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_work_passed_to_id'), ['passed_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_work_sent_by_id'), ['sent_by_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('held_work', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_work_sent_by_id'))
        batch_op.drop_index(batch_op.f('ix_held_work_passed_to_id'))
        batch_op.drop_index(batch_op.f('ix_held_work_item_uuid'))
        batch_op.drop_index(batch_op.f('ix_held_work_child_id'))

    op.drop_table('held_work')

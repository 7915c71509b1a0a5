"""missing and found notifications recorded in rhi, and returns allocated

An episode now holds the missing notification as a coordinator records it (when it was reported,
whether to the police, where the child went missing from, who recorded it) and the return: how
the child came back and the police's safe and well check (by whom, when, and anything new the
child said). Each allocation of a return is kept (`episode_allocations`, with the reason for a
reallocation), and the workers it concerns are told (`notices`, shown until dismissed).

Revision ID: c8d9e0f1a2b3
Revises: e0f1a2b3c4d5
Create Date: 2026-12-03 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8d9e0f1a2b3'
down_revision = 'e0f1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reported_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reported_to_police', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('missing_from', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('return_method', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('safe_and_well_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('safe_and_well_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('safe_and_well_new', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_episodes_recorded_by_id_users'), 'users',
                                    ['recorded_by_id'], ['id'])

    op.create_table(
        'episode_allocations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('episode_id', sa.Integer(), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('from_worker_id', sa.Integer(), nullable=True),
        sa.Column('from_team_id', sa.Integer(), nullable=True),
        sa.Column('allocated_by_id', sa.Integer(), nullable=False),
        sa.Column('allocated_at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['allocated_by_id'], ['users.id'],
                                name=op.f('fk_episode_allocations_allocated_by_id_users')),
        sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'],
                                name=op.f('fk_episode_allocations_episode_id_episodes')),
        sa.ForeignKeyConstraint(['from_team_id'], ['teams.id'],
                                name=op.f('fk_episode_allocations_from_team_id_teams')),
        sa.ForeignKeyConstraint(['from_worker_id'], ['users.id'],
                                name=op.f('fk_episode_allocations_from_worker_id_users')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_episode_allocations_team_id_teams')),
        sa.ForeignKeyConstraint(['worker_id'], ['users.id'],
                                name=op.f('fk_episode_allocations_worker_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_episode_allocations')),
    )
    with op.batch_alter_table('episode_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_episode_allocations_episode_id'), ['episode_id'],
                              unique=False)

    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('allocation_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('dismissed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['allocation_id'], ['episode_allocations.id'],
                                name=op.f('fk_notices_allocation_id_episode_allocations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_user_id'))
    op.drop_table('notices')
    with op.batch_alter_table('episode_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_episode_allocations_episode_id'))
    op.drop_table('episode_allocations')

    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_episodes_recorded_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('safe_and_well_new')
        batch_op.drop_column('safe_and_well_at')
        batch_op.drop_column('safe_and_well_by')
        batch_op.drop_column('return_method')
        batch_op.drop_column('recorded_by_id')
        batch_op.drop_column('missing_from')
        batch_op.drop_column('reported_to_police')
        batch_op.drop_column('reported_at')

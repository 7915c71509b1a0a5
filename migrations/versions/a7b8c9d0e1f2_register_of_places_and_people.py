"""register of places, people, vehicles and phones: a manager's word on two entries

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-03 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key_a', sa.String(length=200), nullable=False),
    sa.Column('key_b', sa.String(length=200), nullable=False),
    sa.Column('same', sa.Boolean(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_register_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_register_decisions_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_decisions'))
    )
    with op.batch_alter_table('register_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_register_decisions_pair', ['team_id', 'kind', 'key_a', 'key_b'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('register_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_register_decisions_pair')

    op.drop_table('register_decisions')

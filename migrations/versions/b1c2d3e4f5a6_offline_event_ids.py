"""offline events: tablet ids for contact attempts, offers and answers

Revision ID: b1c2d3e4f5a6
Revises: 6aea083746fd
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1c2d3e4f5a6'
down_revision = '6aea083746fd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_id', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_contact_attempts_client_id'), ['client_id'])

    op.create_table('sync_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_sync_events_interview_id_interviews')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sync_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_events')),
    sa.UniqueConstraint('client_id', name=op.f('uq_sync_events_client_id'))
    )
    with op.batch_alter_table('sync_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_events_interview_id'), ['interview_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sync_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_events_interview_id'))

    op.drop_table('sync_events')
    with op.batch_alter_table('contact_attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_contact_attempts_client_id'), type_='unique')
        batch_op.drop_column('client_id')

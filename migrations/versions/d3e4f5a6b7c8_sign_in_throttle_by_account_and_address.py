"""sign-in throttle by account and address: failures and known addresses, no per-user lock

Revision ID: d3e4f5a6b7c8
Revises: c2d3e4f5a6b7
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3e4f5a6b7c8'
down_revision = 'c2d3e4f5a6b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email_key', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_failures_email_key_at', ['email_key', 'at'], unique=False)
        batch_op.create_index('ix_sign_in_failures_address_at', ['address', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failures_at'), ['at'], unique=False)

    op.create_table('sign_in_addresses',
    sa.Column('email_key', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('last_signed_in_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('email_key', 'address', name=op.f('pk_sign_in_addresses'))
    )
    with op.batch_alter_table('sign_in_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_addresses_last_signed_in_at'),
                              ['last_signed_in_at'], unique=False)

    # The per-account lock is gone: anyone could use it to lock a worker out.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('last_failed_sign_in_at')
        batch_op.drop_column('failed_sign_ins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('last_failed_sign_in_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))

    with op.batch_alter_table('sign_in_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_addresses_last_signed_in_at'))
    op.drop_table('sign_in_addresses')

    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_at'))
        batch_op.drop_index('ix_sign_in_failures_address_at')
        batch_op.drop_index('ix_sign_in_failures_email_key_at')
    op.drop_table('sign_in_failures')

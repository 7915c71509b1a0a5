"""settings a council changes in the app

An administrator's override of a setting (the environment stays the default), the history of
every change, and where a summary went when its child had no allocated social worker (the duty
inbox, or a person chosen on finishing).

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-12-03 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settings',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_settings_changed_by_id_users')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_settings'))
    )
    op.create_table('setting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.String(length=200), nullable=False),
    sa.Column('new_value', sa.String(length=200), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_setting_changes_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_setting_changes'))
    )
    with op.batch_alter_table('setting_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_setting_changes_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_setting_changes_changed_at'), ['changed_at'], unique=False)
    op.create_table('summary_addressees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('addressed_as', sa.String(length=20), nullable=False),
    sa.Column('chosen_by_id', sa.Integer(), nullable=True),
    sa.Column('chosen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id'], name=op.f('fk_summary_addressees_chosen_by_id_users')),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_summary_addressees_summary_id_summaries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_addressees')),
    sa.UniqueConstraint('summary_id', name=op.f('uq_summary_addressees_summary_id'))
    )


def downgrade() -> None:
    op.drop_table('summary_addressees')
    with op.batch_alter_table('setting_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_setting_changes_changed_at'))
        batch_op.drop_index(batch_op.f('ix_setting_changes_name'))
    op.drop_table('setting_changes')
    op.drop_table('settings')

"""children created and edited in rhi, the coordinator role and the standing profile with its history

A child's record now says who made it and which team keeps it, and holds the child's school. Every
change to the standing profile (the Philomena Protocol's description, friends, places, phones,
transport and medical needs) is kept as a row of its own. The coordinator role needs no schema
change: users.role is a string checked by the app.

Revision ID: a6b7c8d9e0f1
Revises: f5a6b7c8d9e0
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6b7c8d9e0f1'
down_revision = 'f5a6b7c8d9e0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_children_date_of_birth'), ['date_of_birth'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_children_team_id'), ['team_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_children_created_by_id_users'), 'users',
                                    ['created_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_children_team_id_teams'), 'teams',
                                    ['team_id'], ['id'])

    op.create_table(
        'child_profile_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('old_value', sa.Text(), nullable=True),
        sa.Column('new_value', sa.Text(), nullable=True),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                                name=op.f('fk_child_profile_changes_changed_by_id_users')),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'],
                                name=op.f('fk_child_profile_changes_child_id_children')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_child_profile_changes')),
    )
    with op.batch_alter_table('child_profile_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_profile_changes_child_id'), ['child_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('child_profile_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_profile_changes_child_id'))
    op.drop_table('child_profile_changes')

    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_children_team_id_teams'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_children_created_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_children_team_id'))
        batch_op.drop_index(batch_op.f('ix_children_date_of_birth'))
        batch_op.drop_column('team_id')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('school')
    # The older app does not know the coordinator role: such users are deactivated, for an
    # administrator to give them a role it knows.
    op.execute("UPDATE users SET active = false WHERE role = 'coordinator'")

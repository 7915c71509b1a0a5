"""police notifications imported from a file or an API

Column mappings kept by name, uploaded files between preview and apply (with what happened to
each row), the police's person ids linked to children, notifications waiting for a person to
say "same child" or "new child", and service tokens (only their SHA-256) for a case system.
New tables only: nothing existing is altered.

Revision ID: a1b2c3d4e5f6
Revises: c8d9e0f1a2b3
Create Date: 2026-12-03 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = 'c8d9e0f1a2b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_mappings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('saved_by_id', sa.Integer(), nullable=True),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'],
                                name=op.f('fk_import_mappings_saved_by_id_users')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_import_mappings_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
        sa.UniqueConstraint('name', name=op.f('uq_import_mappings_name')),
    )
    op.create_table(
        'import_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=True),
        sa.Column('mapping_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['mapping_id'], ['import_mappings.id'],
                                name=op.f('fk_import_batches_mapping_id_import_mappings')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_import_batches_team_id_teams')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_import_batches_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches')),
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_team_id'), ['team_id'], unique=False)

    op.create_table(
        'police_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('police_person_id', sa.String(length=60), nullable=False),
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['child_id'], ['children.id'],
                                name=op.f('fk_police_people_child_id_children')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_police_people')),
        sa.UniqueConstraint('police_person_id', name=op.f('uq_police_people_police_person_id')),
    )
    with op.batch_alter_table('police_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_people_child_id'), ['child_id'], unique=False)

    op.create_table(
        'import_waiting_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('police_reference', sa.String(length=60), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('candidate_child_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=80), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolution', sa.String(length=20), nullable=True),
        sa.Column('episode_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['candidate_child_id'], ['children.id'],
                                name=op.f('fk_import_waiting_rows_candidate_child_id_children')),
        sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'],
                                name=op.f('fk_import_waiting_rows_episode_id_episodes')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'],
                                name=op.f('fk_import_waiting_rows_resolved_by_id_users')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_import_waiting_rows_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_waiting_rows')),
    )
    with op.batch_alter_table('import_waiting_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_waiting_rows_candidate_child_id'),
                              ['candidate_child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_waiting_rows_police_reference'),
                              ['police_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_waiting_rows_team_id'), ['team_id'],
                              unique=False)

    op.create_table(
        'service_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=30), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_service_tokens_created_by_id_users')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f('fk_service_tokens_revoked_by_id_users')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_service_tokens_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_service_tokens_token_hash')),
    )


def downgrade() -> None:
    op.drop_table('service_tokens')
    with op.batch_alter_table('import_waiting_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_waiting_rows_team_id'))
        batch_op.drop_index(batch_op.f('ix_import_waiting_rows_police_reference'))
        batch_op.drop_index(batch_op.f('ix_import_waiting_rows_candidate_child_id'))
    op.drop_table('import_waiting_rows')
    with op.batch_alter_table('police_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_people_child_id'))
    op.drop_table('police_people')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batches_team_id'))
    op.drop_table('import_batches')
    op.drop_table('import_mappings')

"""summaries recorded as sent, opened, acknowledged with what happens next, and questions to the worker

Revision ID: f5a6b7c8d9e0
Revises: e4f5a6b7c8d9
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5a6b7c8d9e0'
down_revision = 'e4f5a6b7c8d9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The first opening, and what happens next (said with "I have read this").
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('opened_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_step', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('next_step_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_summaries_opened_by_id_users'), 'users', ['opened_by_id'], ['id']
        )

    # Every copy that left rhi: to whom, how, when, recorded by whom.
    op.create_table('summary_sendings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=30), nullable=False),
    sa.Column('sent_to', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_summary_sendings_interview_id_interviews')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_summary_sendings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_sendings'))
    )
    with op.batch_alter_table('summary_sendings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_sendings_interview_id'), ['interview_id'], unique=False)

    # The social worker's questions to the worker who wrote the summary, and the answers.
    op.create_table('summary_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asked_to_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_summary_questions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_summary_questions_asked_by_id_users')),
    sa.ForeignKeyConstraint(['asked_to_id'], ['users.id'], name=op.f('fk_summary_questions_asked_to_id_users')),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_summary_questions_summary_id_summaries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_questions'))
    )
    with op.batch_alter_table('summary_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_questions_summary_id'), ['summary_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('summary_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_questions_summary_id'))
    op.drop_table('summary_questions')

    with op.batch_alter_table('summary_sendings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_sendings_interview_id'))
    op.drop_table('summary_sendings')

    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_summaries_opened_by_id_users'), type_='foreignkey')
        batch_op.drop_column('next_step_note')
        batch_op.drop_column('next_step')
        batch_op.drop_column('opened_by_id')
        batch_op.drop_column('opened_at')

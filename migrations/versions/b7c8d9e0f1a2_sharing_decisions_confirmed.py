"""safeguarding decisions confirmed by the named decider

A decision to share without the child's agreement now names its decider (a user of rhi), who
confirms it; a copy is released on confirmation, or at once when recorded as urgent. Decisions
recorded before this (a reason and a typed name) each get an id and a row here that keeps them
in force, as they were: nobody is left to confirm them.

Revision ID: b7c8d9e0f1a2
Revises: a6b7c8d9e0f1
Create Date: 2026-12-03 12:00:00.000000

"""
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c8d9e0f1a2'
down_revision = 'a6b7c8d9e0f1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sharing_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.String(length=36), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=30), nullable=False),
    sa.Column('decider_id', sa.Integer(), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_sharing_decisions_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['decider_id'], ['users.id'], name=op.f('fk_sharing_decisions_decider_id_users')),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_sharing_decisions_interview_id_interviews')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_sharing_decisions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_decisions')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_sharing_decisions_decision_id'))
    )
    with op.batch_alter_table('sharing_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_decisions_decider_id'), ['decider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_decisions_interview_id'), ['interview_id'], unique=False)

    # Decisions already recorded keep the effect they had: each gets an id and a confirmed row.
    interviews = sa.table(
        'interviews', sa.column('id', sa.Integer()), sa.column('content', sa.JSON())
    )
    decisions = sa.table(
        'sharing_decisions',
        sa.column('decision_id', sa.String()),
        sa.column('interview_id', sa.Integer()),
        sa.column('recipient', sa.String()),
        sa.column('urgent', sa.Boolean()),
        sa.column('recorded_at', sa.DateTime()),
        sa.column('confirmed_at', sa.DateTime()),
    )
    connection = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for interview_id, content in connection.execute(sa.select(interviews.c.id, interviews.c.content)):
        overrides = (content or {}).get('overrides') or []
        if not any(isinstance(o, dict) and not o.get('id') for o in overrides):
            continue
        for entry in overrides:
            if not isinstance(entry, dict) or entry.get('id'):
                continue
            entry['id'] = uuid.uuid4().hex
            connection.execute(
                decisions.insert().values(
                    decision_id=entry['id'],
                    interview_id=interview_id,
                    recipient=str(entry.get('recipient', ''))[:30],
                    urgent=False,
                    recorded_at=now,
                    confirmed_at=now,
                )
            )
        connection.execute(
            interviews.update().where(interviews.c.id == interview_id).values(content=content)
        )


def downgrade() -> None:
    with op.batch_alter_table('sharing_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_decisions_interview_id'))
        batch_op.drop_index(batch_op.f('ix_sharing_decisions_decider_id'))

    op.drop_table('sharing_decisions')

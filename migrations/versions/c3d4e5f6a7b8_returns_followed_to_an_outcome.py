"""every return followed to an outcome

Each interview may now hold the return's one outcome (held, declined, not reached after
attempts, decided not to interview: who recorded it, when, the reason and who decided), a
re-offer date after a "no" with the offer kept open, what a carer said when asked instead, and
the reason an interview finished late. A notice may be about an interview (a child said no:
the allocated social worker is told). Interviews already finished are "held"; a "no" with the
offer not to be repeated is "declined", so nothing old reappears as open.

Revision ID: c3d4e5f6a7b8
Revises: b2c3d4e5f6a7
Create Date: 2026-12-03 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'b2c3d4e5f6a7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reoffer_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('carer_said', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('outcome_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('outcome_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('outcome_decided_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('outcome_recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('delay_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('delay_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_interviews_outcome_recorded_by_id_users'),
                                    'users', ['outcome_recorded_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_interviews_outcome'), ['outcome'], unique=False)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interview_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notices_interview_id_interviews'),
                                    'interviews', ['interview_id'], ['id'])
    # Returns already over keep being over: finished interviews were held, and a "no" the child
    # asked us not to repeat is the outcome "declined", in the words already recorded.
    op.execute(
        "UPDATE interviews SET outcome = 'held', outcome_at = finished_at "
        "WHERE status IN ('finished', 'shared')"
    )
    op.execute(
        "UPDATE interviews SET outcome = 'declined', outcome_at = declined_at, "
        "outcome_reason = decline_reason WHERE status = 'declined' AND offer_again = false"
    )


def downgrade() -> None:
    op.execute("DELETE FROM notices WHERE interview_id IS NOT NULL")
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notices_interview_id_interviews'),
                                 type_='foreignkey')
        batch_op.drop_column('interview_id')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_outcome'))
        batch_op.drop_constraint(batch_op.f('fk_interviews_outcome_recorded_by_id_users'),
                                 type_='foreignkey')
        for column in ('delay_note', 'delay_reason', 'outcome_recorded_by_id',
                       'outcome_decided_by', 'outcome_reason', 'outcome_at', 'outcome',
                       'carer_said', 'reoffer_at'):
            batch_op.drop_column(column)

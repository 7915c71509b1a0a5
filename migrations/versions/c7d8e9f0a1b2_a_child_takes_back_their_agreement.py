"""a child may take back their agreement to share after the interview was finished

A child who changed their mind after finishing could not be heard: consent could not change,
and copies went on holding what they no longer agreed to share (a probe). A recipient's consent
may now be narrowed after finishing; this table keeps each change (rhi/models/consent_changes.py).

Revision ID: c7d8e9f0a1b2
Revises: b6c7d8e9f0a1
Create Date: 2026-12-06 10:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7d8e9f0a1b2"
down_revision = "b6c7d8e9f0a1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=30), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("child_words", sa.Text(), nullable=False),
        sa.Column("said_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_consent_changes_interview_id_interviews"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_consent_changes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_changes")),
    )
    with op.batch_alter_table("consent_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_changes_interview_id"), ["interview_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("consent_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_changes_interview_id"))
    op.drop_table("consent_changes")

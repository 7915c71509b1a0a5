"""an addendum belongs to a part of the interview, and reaches whoever may read that part

Addenda reached no one outside the interviewer's side: a correction that the adult carries a
knife and knows where the aunt lives never reached the social worker (a probe). Each addendum
now names the part it belongs to (content.SHARED_PARTS) and goes with it (rhi/sharing.py). The
addenda already held name none: they stay with the interviewer's side, as they were written.

Revision ID: f4a5b6c7d8e9
Revises: e3f4a5b6c7d8
Create Date: 2026-12-06 10:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f4a5b6c7d8e9"
down_revision = "e3f4a5b6c7d8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interview_addenda", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part", sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interview_addenda", schema=None) as batch_op:
        batch_op.drop_column("part")

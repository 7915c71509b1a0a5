"""interviews remember the tablet upload that last wrote them

An upload whose answer was lost on a poor signal, followed by more typing on the tablet, was
shown to the worker as a clash with their own words: the tablet still sent the version it last
read an answer for. The interview now keeps which device last wrote it, from which version,
and the content it wrote (`Interview.last_sync`), so the same device's next upload on that
version continues its own unanswered one (rhi/sync/apply.py). Empty for every interview held
before this: nothing to continue.

Revision ID: d2e3f4a5b6c7
Revises: c1d2e3f4a5b6
Create Date: 2026-12-06 05:35:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2e3f4a5b6c7"
down_revision = "c1d2e3f4a5b6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_sync", sa.String(length=160), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_column("last_sync")

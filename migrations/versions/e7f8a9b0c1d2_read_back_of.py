"""what was read back to the child, kept beside the interview's document

The child's read-back answer is to what was read to them then: `interviews.read_back_of` keeps
a fingerprint of the read-back page's lists when they answered (rhi/interviews/read_back.py),
so a change to what is shared afterwards shows the answer was to something else. Beside the
document, not in it: tablets send the document back whole, and know no such field.

Revision ID: e7f8a9b0c1d2
Revises: d6e7f8a9b0c1
Create Date: 2026-12-05 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7f8a9b0c1d2"
down_revision = "d6e7f8a9b0c1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("read_back_of", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("read_back_of")

"""child's language and question band: the words the interview pages use with a child

Revision ID: c5d6e7f8a9b0
Revises: b4c5d6e7f8a9
Create Date: 2026-12-03 22:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d6e7f8a9b0"
down_revision = "b4c5d6e7f8a9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # None: the words for the child's age (rhi/interviews/child_words.py).
    with op.batch_alter_table("children") as batch:
        batch.add_column(sa.Column("question_band", sa.String(length=20), nullable=True))
    # The children lists walk names in order instead of sorting every child (issue 16).
    op.create_index("ix_children_name", "children", ["last_name", "first_name", "id"])


def downgrade() -> None:
    op.drop_index("ix_children_name", table_name="children")
    with op.batch_alter_table("children") as batch:
        batch.drop_column("question_band")

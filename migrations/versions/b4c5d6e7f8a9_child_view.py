"""child view and read-back: nothing to migrate

The feelings scale, "What I want my social worker to know" and the read-back's answer live in
the interview's document (Interview.content), as fields of the field catalogue
(rhi/interviews/fields.py): every existing interview has them empty (content.normalise), so no
column or table is needed. The revision stays so the chain of revisions is unchanged.

Revision ID: b4c5d6e7f8a9
Revises: a3b4c5d6e7f8
Create Date: 2026-12-03 22:50:00.000000

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "b4c5d6e7f8a9"
down_revision = "a3b4c5d6e7f8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # nothing: the new fields are in the interview's JSON document


def downgrade() -> None:
    pass  # nothing to undo

"""police references compared in any case, by an index

Imports meet a file's police references without regard to case (rhi/episodes/references.py):
`lower(police_reference)` is indexed, so each file's references are found by the index rather
than by reading every episode.

Revision ID: d6e7f8a9b0c1
Revises: c5d6e7f8a9b0
Create Date: 2026-12-05 13:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d6e7f8a9b0c1"
down_revision = "c5d6e7f8a9b0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_episodes_police_reference_lower", "episodes", [sa.text("lower(police_reference)")]
    )


def downgrade() -> None:
    op.drop_index("ix_episodes_police_reference_lower", table_name="episodes")

"""police references compared in any case, by an index

Imports meet a file's police references without regard to case (rhi/episodes/references.py):
`lower(police_reference)` is indexed, so each file's references are found by the index rather
than by reading every episode. References kept with stray spaces are tidied as new ones are.

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
    # References kept before they were tidied: no space at either end, one space inside where
    # there were several (rhi/episodes/references.py tidy), so a file's tidied reference meets
    # them. Each pass halves every run of spaces; a few passes settle any real reference.
    for table in ("episodes", "import_waiting_rows"):
        op.execute(
            f"UPDATE {table} SET police_reference = trim(police_reference) "
            "WHERE police_reference <> trim(police_reference)"
        )
        for _ in range(8):
            op.execute(
                f"UPDATE {table} SET police_reference = replace(police_reference, '  ', ' ') "
                "WHERE police_reference LIKE '%  %'"
            )
    op.create_index(
        "ix_episodes_police_reference_lower", "episodes", [sa.text("lower(police_reference)")]
    )


def downgrade() -> None:
    op.drop_index("ix_episodes_police_reference_lower", table_name="episodes")

"""open waiting rows by team

The Returns page now counts the police notifications waiting for a person to say who the child
is (rhi/episodes/queries.py waiting_notifications), every minute, as the waiting page lists them:
an index of the rows still waiting, by team and age, so neither reads every row a person ever
settled.

Revision ID: c8d2e4f6a1b3
Revises: b7c41d9e2a60
Create Date: 2026-12-07 09:25:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c8d2e4f6a1b3"
down_revision = "b7c41d9e2a60"
branch_labels = None
depends_on = None

OPEN = "resolved_at IS NULL"


def upgrade():
    op.create_index(
        "ix_import_waiting_rows_open_team",
        "import_waiting_rows",
        ["team_id", "created_at"],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index("ix_import_waiting_rows_open_team", table_name="import_waiting_rows")

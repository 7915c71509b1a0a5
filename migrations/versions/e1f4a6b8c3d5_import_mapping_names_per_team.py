"""import mapping names per team

A team's saved columns ("Police daily export") are named within the team: two teams may use one
name. Unique on the name alone, the second team was told another team used it, which said that
team and its columns existed.

Revision ID: e1f4a6b8c3d5
Revises: d9e3f5a7b2c4
Create Date: 2026-12-07 11:50:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e1f4a6b8c3d5"
down_revision = "d9e3f5a7b2c4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_mappings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_import_mappings_name", type_="unique")
        batch_op.create_unique_constraint("uq_import_mappings_team_id_name", ["team_id", "name"])


def downgrade():
    # Fails where two teams use one name: rename one first.
    with op.batch_alter_table("import_mappings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_import_mappings_team_id_name", type_="unique")
        batch_op.create_unique_constraint("uq_import_mappings_name", ["name"])

"""import files remember their hash

A file of police notifications uploaded again (yesterday's, by mistake, after a correction made
since) put back what it said then without a word (an intake probe). Each upload now keeps the
SHA-256 of its text (`ImportBatch.content_sha256`, rhi/models/imports.py), so the preview of a
file imported before says when, and by whom. Files uploaded before have none: nothing to
compare them with, and nothing is worked out for them.

Revision ID: b7c41d9e2a60
Revises: f0a1b2c3d4e5
Create Date: 2026-12-06 19:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c41d9e2a60"
down_revision = "f0a1b2c3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_sha256", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_import_batches_content_sha256"), ["content_sha256"], unique=False
        )


def downgrade():
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_content_sha256"))
        batch_op.drop_column("content_sha256")

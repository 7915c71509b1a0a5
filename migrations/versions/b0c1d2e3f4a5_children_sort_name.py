"""children are filed by last name without case or accents

The children list sorted and jumped by the last name as typed, so "adams", "de Souza" and
"Éclair" came after "Zed" on SQLite, and "From D" skipped "de Souza". A child now keeps the
last name as the lists file it (`children.sort_name`, rhi.models.children.sort_name_of: no
case, accents, spaces or punctuation), worked out by the app, which both databases then sort
alike; the list's index walks it instead of the last name. Children recorded before this are
filed here with the app's own rule.

Revision ID: b0c1d2e3f4a5
Revises: a9b0c1d2e3f4
Create Date: 2026-12-06 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b0c1d2e3f4a5"
down_revision = "a9b0c1d2e3f4"
branch_labels = None
depends_on = None

children = sa.table(
    "children",
    sa.column("id", sa.Integer),
    sa.column("last_name", sa.String),
    sa.column("sort_name", sa.String),
)

BATCH = 1000  # children filed per statement: a council's whole history need not fit in memory


def upgrade() -> None:
    # Here, not at the top: only this upgrade files names, and serving never loads migrations.
    from rhi.models.children import sort_name_of

    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_name", sa.String(length=80), nullable=True))
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.select(children.c.id, children.c.last_name)
            .where(children.c.id > after)
            .order_by(children.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            children.update()
            .where(children.c.id == sa.bindparam("child_id"))
            .values(sort_name=sa.bindparam("filed_as")),
            [{"child_id": i, "filed_as": sort_name_of(last or "")} for i, last in rows],
        )
        after = rows[-1][0]
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.alter_column("sort_name", existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_index("ix_children_name")
        batch_op.create_index(
            "ix_children_sort_name", ["sort_name", "first_name", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index("ix_children_sort_name")
        batch_op.create_index("ix_children_name", ["last_name", "first_name", "id"], unique=False)
        batch_op.drop_column("sort_name")

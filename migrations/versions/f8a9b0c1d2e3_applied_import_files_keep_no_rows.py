"""applied police files keep their header and refused rows only

A police file applied before this kept its whole text for ever: every child in it, by name
and date of birth, and a child's rows survived the destruction of their record. An applied
file now keeps its header row, and each refused row's cells with its result (to download and
put right); the rows taken in live in the children's records. This tidies the files applied
before, read with the app's own CSV reader (the one that numbered their lines), as applying
a file now leaves them. Files not yet applied are left whole: they wait to be applied.

Revision ID: f8a9b0c1d2e3
Revises: e7f8a9b0c1d2
Create Date: 2026-12-05 16:20:00.000000

"""

import csv
import io

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f8a9b0c1d2e3"
down_revision = "e7f8a9b0c1d2"
branch_labels = None
depends_on = None

batches = sa.table(
    "import_batches",
    sa.column("id", sa.Integer),
    sa.column("content", sa.Text),
    sa.column("results", sa.JSON),
)


def upgrade() -> None:
    # Here, not at the top: only this upgrade reads files, and serving never loads migrations.
    from rhi.episodes.imports_csv import FileProblem, parse

    bind = op.get_bind()
    applied = bind.execute(
        sa.select(batches.c.id, batches.c.content, batches.c.results).where(
            batches.c.results.is_not(None)
        )
    ).all()
    for batch_id, content, results in applied:
        if not isinstance(results, list):
            continue
        try:
            table = parse(content or "")
        except FileProblem:
            continue  # not a file the reader takes: nothing of it was ever applied
        cells_at = dict(table.rows)
        for result in results:
            if result.get("outcome") == "problem" and result.get("line") in cells_at:
                result.setdefault("cells", cells_at[result["line"]])
        out = io.StringIO()
        csv.writer(out).writerow(table.headers)
        bind.execute(
            batches.update()
            .where(batches.c.id == batch_id)
            .values(content=out.getvalue(), results=results)
        )


def downgrade() -> None:
    # The rows kept are the refused rows: what was taken in is not brought back into the file.
    pass

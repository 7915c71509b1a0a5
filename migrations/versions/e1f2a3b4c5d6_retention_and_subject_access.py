"""retention, legal hold, subject access and audit immutability

Legal holds, the disclosure log of subject access exports, the marker of a destroyed record, and
triggers that refuse any UPDATE or DELETE of audit_events (and TRUNCATE, on PostgreSQL). The
trigger SQL is spelled out here, not imported from rhi.models.audit, so this migration keeps
doing what it did whatever the app's code later says.

Revision ID: e1f2a3b4c5d6
Revises: d0e1f2a3b4c5
Create Date: 2026-12-03 22:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'd0e1f2a3b4c5'
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_events rows cannot be changed or deleted (' || TG_OP || ')',
        ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGERS = (
    "CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_immutable()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_immutable()",
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events rows cannot be changed'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events rows cannot be deleted'); END",
)


def upgrade() -> None:
    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_legal_holds_child_id_children')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_legal_holds_lifted_by_id_users')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_legal_holds_placed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_child_id'), ['child_id'], unique=False)

    op.create_table('disclosure_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('exported_by_id', sa.Integer(), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_disclosure_log_child_id_children')),
    sa.ForeignKeyConstraint(['exported_by_id'], ['users.id'], name=op.f('fk_disclosure_log_exported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_log'))
    )
    with op.batch_alter_table('disclosure_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_log_child_id'), ['child_id'], unique=False)

    op.create_table('destroyed_children',
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('destroyed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_destroyed_children_child_id_children')),
    sa.ForeignKeyConstraint(['destroyed_by_id'], ['users.id'], name=op.f('fk_destroyed_children_destroyed_by_id_users')),
    sa.PrimaryKeyConstraint('child_id', name=op.f('pk_destroyed_children'))
    )

    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    elif dialect == 'sqlite':
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_immutable ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_immutable()")
    elif dialect == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")

    op.drop_table('destroyed_children')
    with op.batch_alter_table('disclosure_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_log_child_id'))
    op.drop_table('disclosure_log')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_holds_child_id'))
    op.drop_table('legal_holds')

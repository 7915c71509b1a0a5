"""one child per interview, held by the database; every user has a device secret

An interview now names its child, and each link between an interview and an episode carries
the child too, with two foreign keys that make the database itself refuse an interview
covering episodes of two children. Users from before get their device secret here, so that
GET /sync/v1/session only reads.

Revision ID: e4f5a6b7c8d9
Revises: d3e4f5a6b7c8
Create Date: 2026-12-03 09:40:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f5a6b7c8d9'
down_revision = 'd3e4f5a6b7c8'
branch_labels = None
depends_on = None


def _refuse_if_any(bind, sql, problem):
    found = bind.execute(sa.text(sql)).scalars().all()
    if found:
        # Not fixed silently: which child such an interview is about is for a person to decide.
        raise RuntimeError(f"{problem}: {', '.join(found)}. Put each interview right by hand "
                           "(one child's episodes only), then run the upgrade again.")


def upgrade():
    bind = op.get_bind()
    _refuse_if_any(bind, """
        SELECT i.uuid FROM interviews i
        JOIN interview_episodes ie ON ie.interview_id = i.id
        JOIN episodes e ON e.id = ie.episode_id
        GROUP BY i.id, i.uuid HAVING COUNT(DISTINCT e.child_id) > 1""",
                   "These interviews cover episodes of more than one child")
    _refuse_if_any(bind, """
        SELECT uuid FROM interviews
        WHERE id NOT IN (SELECT interview_id FROM interview_episodes)""",
                   "These interviews cover no episode")

    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_id', sa.Integer(), nullable=True))
    bind.execute(sa.text("""
        UPDATE interviews SET child_id = (
            SELECT MIN(e.child_id) FROM interview_episodes ie
            JOIN episodes e ON e.id = ie.episode_id
            WHERE ie.interview_id = interviews.id)"""))
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.alter_column('child_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_interviews_child_id'), ['child_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_interviews_child_id_children'), 'children',
                                    ['child_id'], ['id'])
        batch_op.create_unique_constraint('uq_interviews_id_child', ['id', 'child_id'])

    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_episodes_id_child', ['id', 'child_id'])

    with op.batch_alter_table('interview_episodes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_id', sa.Integer(), nullable=True))
    bind.execute(sa.text("""
        UPDATE interview_episodes SET child_id = (
            SELECT child_id FROM episodes WHERE episodes.id = interview_episodes.episode_id)"""))
    with op.batch_alter_table('interview_episodes', schema=None) as batch_op:
        batch_op.alter_column('child_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_interview_episodes_episode_of_child', 'episodes',
                                    ['episode_id', 'child_id'], ['id', 'child_id'])
        batch_op.create_foreign_key('fk_interview_episodes_interview_of_child', 'interviews',
                                    ['interview_id', 'child_id'], ['id', 'child_id'])

    for user_id in bind.execute(sa.text(
            "SELECT id FROM users WHERE device_secret IS NULL")).scalars().all():
        bind.execute(sa.text("UPDATE users SET device_secret = :secret WHERE id = :id"),
                     {"secret": secrets.token_hex(32), "id": user_id})
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('device_secret', existing_type=sa.String(length=64),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('device_secret', existing_type=sa.String(length=64),
                              nullable=True)
    with op.batch_alter_table('interview_episodes', schema=None) as batch_op:
        batch_op.drop_constraint('fk_interview_episodes_interview_of_child', type_='foreignkey')
        batch_op.drop_constraint('fk_interview_episodes_episode_of_child', type_='foreignkey')
        batch_op.drop_column('child_id')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_constraint('uq_episodes_id_child', type_='unique')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_constraint('uq_interviews_id_child', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_interviews_child_id_children'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_interviews_child_id'))
        batch_op.drop_column('child_id')

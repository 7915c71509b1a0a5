-- The role the app connects as in production: it reads and writes the app's tables, but may
-- only INSERT and SELECT audit_events (no UPDATE, DELETE or TRUNCATE), and owns nothing, so it
-- cannot drop the trigger that refuses changes to audit rows or alter any table.
--
-- Make rhi_app first, as a superuser (`createuser rhi_app --pwprompt`): the owner need not be
-- allowed to make roles. Then run this as the role that owns the schema (the one
-- `flask db upgrade` runs as), once, after the first upgrade; run it again after any upgrade
-- that adds a table if that upgrade was run by a different role than this one:
--
--   psql -v ON_ERROR_STOP=1 "postgresql://rhi_owner@db.example/rhi" -f scripts/audit_role.sql
--
-- (Where the role does not exist yet it is made here, which needs an owner allowed to make
-- roles: a test database's superuser, say.)
--
-- Then RHI_DATABASE_URL=postgresql+psycopg://rhi_app:...@db.example/rhi for the app (gunicorn,
-- the worker, cron's `flask rhi purge` and `flask rhi retention`), and the owner's URL only when
-- running `flask db upgrade`. See docs/deploy.md.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rhi_app') THEN
        CREATE ROLE rhi_app LOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO rhi_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO rhi_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO rhi_app;

-- The audit trail: written and read, never changed.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM rhi_app;

-- Tables and sequences the owner makes in later migrations get the same grants...
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO rhi_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO rhi_app;
-- ...which is why audit_events' own grants are revoked above, after the grant on every table.

-- The database role web, worker and beat connect as: it reads and writes rows and owns nothing.
-- It cannot create, alter or drop tables, TRUNCATE, or disable a trigger (so the audit trail's append-only
-- triggers hold against it); migrations run as the owner (docker-compose's one-shot `migrate` service).
--
-- Run as the owner of the tables (POSTGRES_USER) in the application's database, with two settings:
--   SET jointly.app_role = 'jointly_app';        -- optional, this is the default
--   SET jointly.app_password = '<password>';     -- required
-- deploy/postgres/10-app-role.sh does this on a fresh volume; run it by hand on an existing one.
-- Idempotent: running it again updates the password and re-applies the grants.
DO $$
DECLARE
    app_role text := coalesce(nullif(current_setting('jointly.app_role', true), ''), 'jointly_app');
    app_password text := current_setting('jointly.app_password', true);
    owner_role text := current_user;
BEGIN
    IF app_password IS NULL OR length(app_password) < 16 THEN
        RAISE EXCEPTION 'Set jointly.app_password to a password of at least 16 characters first';
    END IF;
    IF app_role = owner_role THEN
        RAISE EXCEPTION 'The application role must not be the owner (%)', owner_role;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) THEN
        EXECUTE format('ALTER ROLE %I WITH LOGIN PASSWORD %L', app_role, app_password);
    ELSE
        EXECUTE format(
            'CREATE ROLE %I WITH LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
            app_role, app_password
        );
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app_role);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);
    EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', app_role);
    -- Rows only: no TRUNCATE, REFERENCES or TRIGGER.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app_role);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);
    -- Tables and sequences the owner creates later (every future migration) get the same grants.
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
        owner_role, app_role
    );
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I',
        owner_role, app_role
    );
END
$$;

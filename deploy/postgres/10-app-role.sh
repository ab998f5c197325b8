#!/bin/sh
# PostgreSQL image init hook (runs once, on a fresh data volume, as POSTGRES_USER, the owner of the tables):
# creates the application's own role from deploy/postgres/sql/app-role.sql.
set -eu
: "${JOINTLY_APP_DB_PASSWORD:?set JOINTLY_APP_DB_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set=app_password="$JOINTLY_APP_DB_PASSWORD" --set=app_role="${JOINTLY_APP_DB_USER:-jointly_app}" <<'SQL'
SELECT set_config('jointly.app_password', :'app_password', false);
SELECT set_config('jointly.app_role', :'app_role', false);
\i /docker-entrypoint-initdb.d/sql/app-role.sql
SQL

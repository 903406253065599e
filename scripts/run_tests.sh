#!/usr/bin/env bash
# Run the whole suite on SQLite and on PostgreSQL when a server is reachable
# (TRYTOND_DATABASE__URI=postgresql://... or a local server on
# 127.0.0.1:5432).  The two runs go side by side (one core each); set
# TEST_SEQUENTIAL=1 to run them one after the other.  Extra arguments go to
# pytest.  Exits non-zero on any failure, and when no test ran (pytest's
# exit code 5).
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# the DB_CACHE key ignores code and XML changes: start from an empty cache
rm -rf var/test-cache
mkdir -p var/test-cache
logs=var/test-cache

run_sqlite() {
    local start=$(date +%s) status=0
    env TRYTOND_DATABASE__URI=sqlite:// DB_NAME=:memory: \
        DB_CACHE="$PWD/var/test-cache/sqlite" \
        "$PY" -m pytest --durations=40 "$@" || status=$?
    echo "SQLite suite: $(( $(date +%s) - start )) s, exit $status"
    return $status
}

# PostgreSQL caches each activated module set as a template database
# ("test-<hash>", DB_CACHE=postgresql://): a scenario's database is then a
# copy of the template instead of a pg_restore.  The key ignores code and
# XML changes, so the templates of earlier runs are dropped first.
drop_pg_templates() {
    "$PY" - "$pg_uri" <<'PYEOF'
import sys
import psycopg
from psycopg import sql
with psycopg.connect(sys.argv[1].rstrip('/') + '/postgres',
        autocommit=True) as conn:
    names = [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'test-%'")]
    for name in names:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            .format(sql.Identifier(name)))
print(f"dropped {len(names)} cached template databases", file=sys.stderr)
PYEOF
}

# A test database need not survive a crash of the server: its sessions do
# not wait for the WAL to reach the disk at each commit (libpq's PGOPTIONS,
# for these connections only; the server's settings are untouched).
run_postgresql() {
    local start=$(date +%s) status=0
    drop_pg_templates
    env TRYTOND_DATABASE__URI="$pg_uri" DB_NAME="test_ntt_mart_$$" \
        DB_CACHE="postgresql://" \
        PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=off" \
        "$PY" -m pytest --durations=40 "$@" || status=$?
    echo "PostgreSQL suite: $(( $(date +%s) - start )) s, exit $status"
    return $status
}

pg_uri="${TRYTOND_DATABASE__URI:-}"
case "$pg_uri" in
    postgresql://*) ;;
    *) pg_uri="postgresql://postgres@127.0.0.1:5432/" ;;
esac
if "$PY" - "$pg_uri" <<'PYEOF'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1].rstrip('/') + '/postgres',
        connect_timeout=3).close()
except Exception as exception:
    print(f"PostgreSQL not reachable: {exception}", file=sys.stderr)
    sys.exit(1)
PYEOF
then
    postgresql=1
else
    postgresql=
    echo "=== PostgreSQL skipped: no server reachable"
fi

status=0
if [ -n "$postgresql" ] && [ -z "${TEST_SEQUENTIAL:-}" ]; then
    echo "=== SQLite and PostgreSQL ($pg_uri) side by side"
    run_sqlite "$@" > "$logs/sqlite.log" 2>&1 &
    sqlite_pid=$!
    run_postgresql "$@" > "$logs/postgresql.log" 2>&1 &
    postgresql_pid=$!
    wait $sqlite_pid || status=1
    wait $postgresql_pid || status=1
    echo "=== SQLite"
    cat "$logs/sqlite.log"
    echo "=== PostgreSQL ($pg_uri)"
    cat "$logs/postgresql.log"
else
    echo "=== SQLite"
    run_sqlite "$@" || status=1
    if [ -n "$postgresql" ]; then
        echo "=== PostgreSQL ($pg_uri)"
        run_postgresql "$@" || status=1
    fi
fi
if [ -z "$postgresql" ] && [ -n "${REQUIRE_POSTGRESQL:-}" ]; then
    status=1
fi
exit $status

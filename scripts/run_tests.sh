#!/usr/bin/env bash
# Run the whole suite on SQLite, then on PostgreSQL when a server is
# reachable (TRYTOND_DATABASE__URI=postgresql://... or a local server on
# 127.0.0.1:5432).  Extra arguments go to pytest.  Exits non-zero on any
# failure, and when no test ran (pytest's exit code 5).
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# the DB_CACHE key ignores code and XML changes: start from an empty cache
rm -rf var/test-cache
mkdir -p var/test-cache
status=0

echo "=== SQLite"
start=$(date +%s)
env TRYTOND_DATABASE__URI=sqlite:// DB_NAME=:memory: \
    DB_CACHE="$PWD/var/test-cache/sqlite" \
    "$PY" -m pytest "$@" || status=1
echo "SQLite suite: $(( $(date +%s) - start )) s"

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
    echo "=== PostgreSQL ($pg_uri)"
    start=$(date +%s)
    env TRYTOND_DATABASE__URI="$pg_uri" DB_NAME="test_ntt_mart_$$" \
        DB_CACHE="$PWD/var/test-cache/postgresql" \
        "$PY" -m pytest "$@" || status=1
    echo "PostgreSQL suite: $(( $(date +%s) - start )) s"
else
    echo "=== PostgreSQL skipped: no server reachable"
    if [ -n "${REQUIRE_POSTGRESQL:-}" ]; then
        status=1
    fi
fi
exit $status

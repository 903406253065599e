#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a NEW database:
#   scripts/restore.sh BACKUP_DIRECTORY NEW_DATABASE
# Refuses to overwrite an existing database or filestore folder (drop them
# yourself first if that is what you want), checks the checksums, creates
# the database, restores the dump and the filestore under the new name.
# Same environment as backup.sh: TRYTOND_DATABASE__URI and
# TRYTOND_DATABASE__PATH.  Then run trytond with -d NEW_DATABASE (after a
# Tryton upgrade, trytond-admin -d NEW_DATABASE --all first).
set -euo pipefail

usage() { echo "usage: $0 BACKUP_DIRECTORY NEW_DATABASE" >&2; exit 2; }
[ $# -eq 2 ] || usage
backup=$1
database=$2
uri=${TRYTOND_DATABASE__URI:-postgresql://postgres@127.0.0.1:5432/}
case "$uri" in
    postgresql://*) ;;
    *) echo "TRYTOND_DATABASE__URI must name a PostgreSQL server" >&2; exit 2 ;;
esac
filestore=${TRYTOND_DATABASE__PATH:-$HOME/db}
server="${uri%/}/postgres"

[ -f "$backup/database.dump" ] || {
    echo "$backup has no database.dump: not a backup of backup.sh" >&2
    exit 2; }
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || {
    echo "$backup: checksums do not match, the backup is damaged" >&2
    exit 1; }
exists=$(psql "$server" -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '${database//\'/\'\'}'")
if [ -n "$exists" ]; then
    echo "database $database exists already: choose a new name" >&2
    exit 1
fi
if [ -e "$filestore/$database" ]; then
    echo "filestore folder $filestore/$database exists already" >&2
    exit 1
fi

psql "$server" -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE \"${database//\"/\"\"}\" ENCODING 'unicode' TEMPLATE template0"
pg_restore --dbname="${uri%/}/$database" --no-owner --no-privileges \
    --exit-on-error "$backup/database.dump"
if [ -f "$backup/filestore.tar" ]; then
    mkdir -p "$filestore/$database"
    # the archive holds the folder of the original database
    tar -C "$filestore/$database" --strip-components=1 \
        -xf "$backup/filestore.tar"
fi
echo "restored $backup into $database"

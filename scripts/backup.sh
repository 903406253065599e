#!/usr/bin/env bash
# Back up an NTT Mart PostgreSQL database and its filestore (attachments,
# report files) into one folder:
#   scripts/backup.sh DATABASE [DIRECTORY]
# writes DIRECTORY/DATABASE-<UTC date and time>/ with
#   database.dump   pg_dump in the custom format (pg_restore reads it)
#   filestore.tar   the database's folder of the filestore, when it has one
#   SHA256SUMS      the checksums of both
# and prints that folder.  The server comes from TRYTOND_DATABASE__URI
# (postgresql://user:password@host:port/), the filestore from
# TRYTOND_DATABASE__PATH (trytond's [database] path, default ~/db).
# A dump holds the users' password hashes and open sessions: keep it where
# only the administrators can read it (the folder is created mode 700).
set -euo pipefail

usage() { echo "usage: $0 DATABASE [DIRECTORY]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
database=$1
directory=${2:-var/backups}
uri=${TRYTOND_DATABASE__URI:-postgresql://postgres@127.0.0.1:5432/}
case "$uri" in
    postgresql://*) ;;
    *) echo "TRYTOND_DATABASE__URI must name a PostgreSQL server" >&2; exit 2 ;;
esac
filestore=${TRYTOND_DATABASE__PATH:-$HOME/db}

target="$directory/$database-$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$target"
# --no-owner/--no-privileges: the dump restores under another role too
pg_dump --dbname="${uri%/}/$database" --format=custom --no-owner \
    --no-privileges --file="$target/database.dump"
if [ -d "$filestore/$database" ]; then
    tar -C "$filestore" -cf "$target/filestore.tar" "$database"
fi
(cd "$target" && sha256sum -- * > SHA256SUMS)
echo "$target"

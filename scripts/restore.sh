#!/usr/bin/env bash
# `npm run restore -- <file> [--force]`: restores a dump made by `npm run backup` into the
# database DATABASE_URL names (created when missing). A database that already holds tables is
# refused unless --force, which replaces its whole public schema with the dump's.
# The restore runs in one transaction: on any error the database is left as it was.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[meshbench restore] %s\n' "$*"; }
die() { printf '[meshbench restore] error: %s\n' "$*" >&2; exit 1; }
usage="usage: npm run restore -- <file.dump> [--force]   (DATABASE_URL names the target database)"

file=""
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help) printf '%s\n' "$usage"; exit 0 ;;
    -*) die "unknown option $arg; $usage" ;;
    *) [ -z "$file" ] || die "one dump file at a time; $usage"; file="$arg" ;;
  esac
done
[ -n "$file" ] || die "no dump file given; $usage"
[ -f "$file" ] || die "$file: no such file"
command -v pg_restore >/dev/null && command -v psql >/dev/null ||
  die "pg_restore/psql not found: install PostgreSQL's client (Debian: apt-get install postgresql-client)"
pg_restore --list "$file" >/dev/null 2>&1 || die "$file is not a pg_dump custom-format archive (make one with npm run backup)"

if [ -z "${DATABASE_URL:-}" ] && [ -f "$ROOT/var/secrets.env" ]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$ROOT/var/secrets.env" | tail -1)"
fi
DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/meshbench}"
shown_url="$(printf '%s' "$DATABASE_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"

# The database itself, created through the server's maintenance database when missing.
db_name="$(printf '%s' "$DATABASE_URL" | sed -E 's#^[^/]*//[^/]*/([^?]*).*#\1#')"
[ -n "$db_name" ] && [ "$db_name" != "$DATABASE_URL" ] || die "DATABASE_URL names no database: $shown_url"
maintenance_url="$(printf '%s' "$DATABASE_URL" | sed -E 's#^([^/]*//[^/]*/)[^?]*#\1postgres#')"
exists="$(psql "$maintenance_url" -XtAc "SELECT 1 FROM pg_database WHERE datname = '${db_name//\'/\'\'}'")" ||
  die "cannot reach the server of $shown_url (see above)"
if [ "$exists" != "1" ]; then
  log "creating database $db_name"
  psql "$maintenance_url" -Xqc "CREATE DATABASE \"${db_name//\"/\"\"}\"" >/dev/null
fi

tables="$(psql "$DATABASE_URL" -XtAc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
if [ "$tables" != "0" ]; then
  [ "$force" = 1 ] || die "$shown_url already holds $tables table(s); refusing to restore over it. Restore into an empty database, or add --force to replace its contents with the dump's (npm run restore -- $file --force)."
  log "--force: replacing the $tables table(s) of $shown_url with the dump's"
fi

log "restoring $file into $shown_url with $(pg_restore --version)"
# pg_restore writes the dump as SQL and psql applies it in one transaction, after (--force) the
# old schema is dropped in that same transaction: tables a newer MeshBench added do not survive
# next to the restored ones, and a failure leaves the database exactly as it was.
{
  if [ "$force" = 1 ]; then printf 'DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n'; fi
  pg_restore --no-owner --no-privileges --file=- "$file"
} | PGOPTIONS="-c client_min_messages=warning" psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 --single-transaction >/dev/null ||
  die "the restore failed (see above) and was rolled back: $shown_url is as it was"

if migrations="$(psql "$DATABASE_URL" -XtAc 'SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL' 2>/dev/null)"; then
  log "done: the database has $migrations MeshBench migration(s); starting MeshBench (or its migrations Job) applies newer ones"
else
  log "done, but the dump holds no MeshBench migrations table: is it a MeshBench backup?"
fi

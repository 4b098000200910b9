#!/usr/bin/env bash
# `npm run backup`: one pg_dump of MeshBench's database (custom format: compressed, restorable
# table by table) into BACKUP_DIR, then keeps only the newest BACKUP_KEEP dumps.
#
#   DATABASE_URL   the database (default: var/secrets.env's, else the app's default)
#   BACKUP_DIR     where dumps go (default: var/backups)
#   BACKUP_KEEP    how many dumps to keep (default: 7)
#
# Needs only bash and pg_dump (no Node), so the Kubernetes CronJob runs it in the official
# postgres image whose major version matches the server's. pg_dump refuses a server newer than
# itself; a dump from an older pg_dump would still restore, but may miss what it does not know.
# It lives next to that CronJob because kustomize reads files only from below a kustomization;
# scripts/backup.sh links here, and ROOT below is the repository when run through that link.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$#" -gt 0 ]; then
  sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
  exit 2
fi
log() { printf '[meshbench backup] %s\n' "$*"; }
die() { printf '[meshbench backup] error: %s\n' "$*" >&2; exit 1; }

if [ -z "${DATABASE_URL:-}" ] && [ -f "$ROOT/var/secrets.env" ]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$ROOT/var/secrets.env" | tail -1)"
fi
DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/meshbench}"
BACKUP_DIR="${BACKUP_DIR:-$ROOT/var/backups}"
BACKUP_KEEP="${BACKUP_KEEP:-7}"
[[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP must be a whole number ≥ 1 (got '$BACKUP_KEEP')"
command -v pg_dump >/dev/null || die "pg_dump not found: install PostgreSQL's client (Debian: apt-get install postgresql-client)"

# The URL without its password, for messages.
shown_url="$(printf '%s' "$DATABASE_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"
mkdir -p "$BACKUP_DIR"
name="meshbench-$(date -u +%Y%m%dT%H%M%S.%3NZ).dump"
partial="$BACKUP_DIR/.$name.partial"
trap 'rm -f "$partial"' EXIT

log "dumping $shown_url with $(pg_dump --version)"
# Written aside and renamed when complete: a failed dump never counts as a backup, and never
# pushes a good one out of the retention window.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$partial" --dbname="$DATABASE_URL" ||
  die "pg_dump failed (see above); nothing was written to $BACKUP_DIR"
mv "$partial" "$BACKUP_DIR/$name"
log "wrote $BACKUP_DIR/$name ($(du -h "$BACKUP_DIR/$name" | cut -f1))"

# Names sort by time; everything but the newest BACKUP_KEEP goes.
mapfile -t dumps < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name 'meshbench-*.dump' -printf '%f\n' | sort)
excess=$((${#dumps[@]} - BACKUP_KEEP))
for ((i = 0; i < excess; i++)); do
  rm -f -- "$BACKUP_DIR/${dumps[$i]}"
  log "removed ${dumps[$i]} (keeping the newest $BACKUP_KEEP)"
done

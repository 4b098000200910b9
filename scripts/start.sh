#!/usr/bin/env bash
# `npm start`: install what is missing, start services, migrate, seed, build, run web + worker
# (each restarted when it crashes; Ctrl-C stops both).
. "$(dirname "$0")/lib.sh"
setup_all

export PORT="${PORT:-3000}"
export NEXTAUTH_URL="${NEXTAUTH_URL:-http://localhost:$PORT}"
export NODE_ENV=production

npx tsx scripts/prepare.ts

# Rebuild only when a source file is newer than the last build.
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components server trpc types next.config.ts package-lock.json -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
  log "building the web app (next build)"
  npx next build >var/build.log 2>&1 || { tail -40 var/build.log; die "next build failed (full log: var/build.log)"; }
fi

# Web and worker each run under a supervisor (supervise, in lib.sh) that restarts them when they
# crash. How long each may take to stop after SIGTERM before its process group is killed: the
# worker stops an active run and its processes; Next.js waits for open keep-alive connections,
# and the app's Prometheus scrapes it over one every 5 s, so without a limit Ctrl-C would hang.
supervisors=()
stop_all() {
  trap - INT TERM EXIT
  log "stopping web and worker"
  for pid in "${supervisors[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Only the supervisors: Prometheus and the node exporter, when this script started them, are
  # children too but stay up (like PostgreSQL and Redis), and a bare `wait` would hang on them.
  wait "${supervisors[@]}" 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# One process (no tsx launcher in front), so the pid the supervisor sees is the worker's own: the
# one its runs are recorded under, and the one a signal that kills it hits.
supervise worker 30 var/worker/exits node --import tsx worker/index.ts &
supervisors+=($!)
supervise web 5 "" node_modules/.bin/next start -p "$PORT" &
supervisors+=($!)

log "MeshBench is up: $NEXTAUTH_URL  (log in with the admin account above; Ctrl-C stops web and worker)"
# The supervisors only return when told to stop; one that ends otherwise is a bug: stop it all.
wait -n "${supervisors[@]}" || true
die "a supervisor exited unexpectedly; stopping"

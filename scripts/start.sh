#!/usr/bin/env bash
# `npm start`: install what is missing, start services, migrate, seed, build, run web + worker.
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

pids=()
# How long each may take to stop after SIGTERM before its process group is killed: the worker
# stops an active run and its processes; Next.js waits for open keep-alive connections, and the
# app's Prometheus scrapes it over one every 5 s, so without a limit Ctrl-C would hang for good.
grace=(30 5)
cleanup() {
  trap - INT TERM EXIT
  log "stopping web and worker"
  # Each child leads its own process group (setsid), so this reaches the processes npx/tsx/next spawn too.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  local start=$SECONDS
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && ((SECONDS - start < grace[i])); do sleep 0.2; done
    kill -KILL -- "-${pids[$i]}" 2>/dev/null || true
  done
  # Only web and worker: Prometheus and the node exporter, when this script started them, are
  # children too but stay up (like PostgreSQL and Redis), and a bare `wait` would hang on them.
  wait "${pids[@]}" 2>/dev/null
}
trap cleanup INT TERM EXIT

setsid node_modules/.bin/tsx worker/index.ts & pids+=($!)
setsid node_modules/.bin/next start -p "$PORT" & pids+=($!)

log "MeshBench is up: $NEXTAUTH_URL  (log in with the admin account above; Ctrl-C stops web and worker)"
# If either process dies, stop the other too rather than limp along half-alive.
wait -n "${pids[@]}"
die "a process exited; stopping"

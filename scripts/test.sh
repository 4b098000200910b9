#!/usr/bin/env bash
# `npm test`: lint, type check, unit + integration tests (real PostgreSQL, Redis, nginx, HAProxy),
# then the app built for production and driven end to end in Chromium, then the container images
# built and smoke-tested in Docker. Prints a summary and exits non-zero on any failure.
. "$(dirname "$0")/lib.sh"
setup_for_tests

mkdir -p var/test
rm -f var/test/*.json var/test/kubeconfig  # a kubeconfig left by an interrupted e2e run would point at a dead fake
results=()
failed=0
step() {
  local name="$1"; shift
  log "── $name"
  local start=$SECONDS
  if "$@"; then results+=("PASS  $name ($((SECONDS - start)) s)"); else results+=("FAIL  $name ($((SECONDS - start)) s)"); failed=1; fi
}

step "lint + format (biome)" npx biome check .
step "type check (tsc)" npx tsc --noEmit
step "unit + integration tests (vitest)" npx vitest run --reporter=default --reporter=json --outputFile.json=var/test/vitest.json
step "production build (next build)" bash -c 'npx next build >var/test/build.log 2>&1 || { tail -40 var/test/build.log; exit 1; }'
step "end-to-end tests (playwright, chromium)" npx playwright test
step "container images (docker build, compose config, smoke test)" bash scripts/test-images.sh

node scripts/test-summary.mjs "${results[@]}"
exit "$failed"

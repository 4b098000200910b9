#!/usr/bin/env bash
# Runs a Prometheus in the foreground with the project's config: `run-prometheus.sh PORT DATA_DIR`.
# Used by the tests (their own instance, so stopping it never touches the app's Prometheus).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# The config scrapes the web app's /api/metrics with var/metrics-token, written from var/secrets.env.
ensure_secrets
port="$1"
data="$2"
mkdir -p "$data"
exec prometheus --config.file=monitoring/prometheus.yml --storage.tsdb.path="$data" \
  --web.listen-address="127.0.0.1:$port" --log.level=warn

# Shared by start.sh, test.sh and .ci/run: installs what is missing and starts services.
# Idempotent: on a machine that has everything it only checks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NEXT_TELEMETRY_DISABLED=1
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf '\033[1;34m[meshbench]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[meshbench] %s\033[0m\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "Missing $*; install it with your package manager (apt-get not found)."
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  log "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# command -> Debian package, for the programs the local backend, the tests and the bench run.
ensure_system_packages() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v prometheus >/dev/null || missing+=(prometheus)
  command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter)
  # eBPF probes; the probe tests run real bpftrace programs.
  command -v bpftrace >/dev/null || missing+=(bpftrace)
  # npm run backup / restore, and the test that round-trips a backup.
  { command -v pg_dump && command -v pg_restore && command -v psql; } >/dev/null || missing+=(postgresql-client)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  # Debian may start packaged nginx/Prometheus services; MeshBench runs its own instances only.
  if command -v systemctl >/dev/null; then
    for unit in nginx prometheus; do
      if systemctl is-active --quiet "$unit" 2>/dev/null; then $SUDO systemctl disable --now "$unit" >/dev/null 2>&1 || true; fi
    done
  fi
}

ensure_secrets() {
  local random='console.log(require("crypto").randomBytes(32).toString("base64url"))'
  mkdir -p var
  if [ ! -f var/secrets.env ]; then
    log "generating var/secrets.env (auth secret; git-ignored)"
    (umask 077 && printf 'NEXTAUTH_SECRET=%s\n' "$(node -e "$random")" > var/secrets.env)
  fi
  # Added to older secrets files too: /api/metrics answers only to this token.
  if ! grep -q '^METRICS_TOKEN=' var/secrets.env; then
    log "adding METRICS_TOKEN to var/secrets.env (Prometheus's token for /api/metrics)"
    printf 'METRICS_TOKEN=%s\n' "$(node -e "$random")" >> var/secrets.env
  fi
  set -a
  # shellcheck disable=SC1091
  . var/secrets.env
  set +a
  # Prometheus reads the token from a file of its own (monitoring/prometheus.yml, credentials_file).
  if [ ! -f var/metrics-token ] || [ "$(cat var/metrics-token)" != "$METRICS_TOKEN" ]; then
    (umask 077 && printf '%s' "$METRICS_TOKEN" > var/metrics-token)
  fi
}

ensure_postgres() {
  if port_open 5432; then return; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    # A fresh Debian cluster only trusts peer auth; give MeshBench its own password-protected role.
    local pw
    pw="$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    $SUDO -u postgres psql -qc "CREATE ROLE meshbench LOGIN CREATEDB PASSWORD '$pw'" || su postgres -c "psql -qc \"CREATE ROLE meshbench LOGIN CREATEDB PASSWORD '$pw'\""
    printf 'DATABASE_URL=postgresql://meshbench:%s@127.0.0.1:5432/meshbench\n' "$pw" >> var/secrets.env
    ensure_secrets
  fi
  log "starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 30); do port_open 5432 && return; sleep 1; done
  die "PostgreSQL did not come up on 127.0.0.1:5432"
}

ensure_redis() {
  if port_open 6379; then return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting Redis"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/meshbench.log
  for _ in $(seq 1 30); do port_open 6379 && return; sleep 1; done
  die "Redis did not come up on 127.0.0.1:6379"
}

ensure_node_modules() {
  local stamp=node_modules/.meshbench-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
  if [ ! -f server/db/generated/client.ts ] || [ prisma/schema.prisma -nt server/db/generated/client.ts ]; then
    log "prisma generate"
    # generate contacts no database, but Prisma insists on a well-formed URL (see README).
    DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/meshbench}" npx prisma generate >/dev/null
  fi
}

# The node exporter (host CPU for the live charts), as a plain background process.
ensure_node_exporter() {
  mkdir -p var/log
  if ! port_open 9100; then
    log "starting prometheus-node-exporter on 127.0.0.1:9100"
    setsid prometheus-node-exporter --web.listen-address=127.0.0.1:9100 >var/log/node-exporter.log 2>&1 < /dev/null &
  fi
}

# The app's Prometheus (project config, data under var/), as a plain background process.
ensure_prometheus() {
  mkdir -p var/prometheus var/log
  if ! port_open 9090; then
    log "starting Prometheus on 127.0.0.1:9090 (monitoring/prometheus.yml, data in var/prometheus)"
    setsid prometheus --config.file=monitoring/prometheus.yml --storage.tsdb.path=var/prometheus \
      --storage.tsdb.retention.time=15d --web.listen-address=127.0.0.1:9090 --web.enable-lifecycle \
      >var/log/prometheus.log 2>&1 < /dev/null &
    for _ in $(seq 1 30); do port_open 9090 && return; sleep 0.5; done
    log "warning: Prometheus did not come up (see var/log/prometheus.log); live charts will say so"
  fi
}

# What the tests need. They run their own Prometheus (port 9091), so the app's is left alone.
setup_for_tests() {
  ensure_secrets
  ensure_system_packages
  ensure_postgres
  ensure_redis
  ensure_node_modules
  ensure_node_exporter
}

setup_all() {
  setup_for_tests
  ensure_prometheus
}

# ── Process supervision (npm start) ──────────────────────────────────────────────────────────────
# A crashed web or worker is restarted on its own, the other one left running. Backoff: 1 s, 2 s,
# 4 s ... up to SUPERVISE_MAX_DELAY, back to 1 s once the process has stayed up
# SUPERVISE_HEALTHY_AFTER seconds, so a crash loop neither spins nor keeps a healed process waiting.
SUPERVISE_MAX_DELAY="${SUPERVISE_MAX_DELAY:-30}"
SUPERVISE_HEALTHY_AFTER="${SUPERVISE_HEALTHY_AFTER:-60}"

# How a process ended, from its wait status: "SIGKILL" when a signal ended it, else "exit code N".
describe_exit() {
  if (($1 > 128)); then printf 'SIG%s' "$(kill -l "$(($1 - 128))")"; else printf 'exit code %d' "$1"; fi
}

# supervise NAME GRACE EXIT_DIR COMMAND...   (run it in the background: `supervise ... &`)
# Runs COMMAND in a session of its own (so its whole process group can be signalled) and restarts
# it whenever it dies, logging how (exit code or signal). With EXIT_DIR set, that is also written
# to EXIT_DIR/<pid of the dead process>: the worker reads it to tell the runs its dead predecessor
# held how it died. On SIGTERM: SIGTERM to COMMAND's process group, SIGKILL after GRACE seconds,
# then exit.
supervise() {
  local name="$1" grace="$2" exit_dir="$3"
  shift 3
  # Failures are handled one by one below; errexit would end the supervisor on the first.
  set +e
  local child="" dead="" sleeper="" delay=1 started status how
  # Ctrl-C reaches the whole foreground process group: the script that started the supervisors
  # decides what stops, and tells each with SIGTERM.
  trap '' INT
  trap '_supervise_stop' TERM
  while true; do
    started=$SECONDS
    setsid "$@" &
    child=$!
    # stderr away: bash's own "Killed" job notice would repeat the line logged below.
    { wait "$child"; } 2>/dev/null
    status=$?
    dead=$child
    # Its pid is free for reuse now: the SIGTERM handler must not signal it any more.
    child=""
    how="$(describe_exit "$status")"
    # Whatever it started and left behind in its process group (the worker's proxies, say) goes too.
    kill -TERM -- "-$dead" 2>/dev/null
    if [ -n "$exit_dir" ]; then mkdir -p "$exit_dir" && printf '%s\n' "$how" >"$exit_dir/$dead"; fi
    if ((SECONDS - started >= SUPERVISE_HEALTHY_AFTER)); then delay=1; fi
    log "$name (pid $dead) ended ($how) after $((SECONDS - started)) s; restarting it in $delay s"
    # In the background so that SIGTERM is handled at once, not after the pause.
    sleep "$delay" &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
    delay=$((delay * 2 > SUPERVISE_MAX_DELAY ? SUPERVISE_MAX_DELAY : delay * 2))
  done
}

# supervise's SIGTERM handler: it runs inside supervise, so it sees that call's locals.
_supervise_stop() {
  trap '' TERM
  if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null; fi
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM -- "-$child" 2>/dev/null
    local start=$SECONDS
    while kill -0 "$child" 2>/dev/null && ((SECONDS - start < grace)); do sleep 0.2; done
    kill -KILL -- "-$child" 2>/dev/null
  fi
  wait 2>/dev/null
  exit 0
}

# ── Containers (the image tests: scripts/test-images.sh) ───────────────────────────────────────
# Debian's Docker engine, started as a plain background process where there is no systemd, and
# debootstrap for the tests' stand-in base image.
ensure_docker() {
  local missing=()
  command -v dockerd >/dev/null || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  command -v docker >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install $(printf '%s\n' "${missing[@]}" | sort -u); fi
  if docker info >/dev/null 2>&1; then return; fi
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    $SUDO systemctl start docker || true
  fi
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (log: /var/log/meshbench-dockerd.log)"
    $SUDO sh -c 'setsid dockerd >/var/log/meshbench-dockerd.log 2>&1 < /dev/null &'
  fi
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return; sleep 1; done
  die "the Docker daemon did not come up (see /var/log/meshbench-dockerd.log)"
}

# Debian's docker-compose (v1) validates compose.yaml in the tests.
ensure_docker_compose() {
  command -v docker-compose >/dev/null || apt_install docker-compose
}

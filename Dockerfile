# MeshBench's two images, from one multi-stage build:
#   docker build --target web    -t meshbench/web:<version>    .
#   docker build --target worker -t meshbench/worker:<version> .
# Both run as an unprivileged user (uid 10001) and work with a read-only root filesystem: the web
# needs /tmp and /app/.next/cache writable, the worker /tmp and /app/var (spooled results, run
# dirs; a volume, so results survive a restart). See compose.yaml.
#
# The base is the official Node 20 image on Debian bookworm; any image with Node 20 on bookworm
# at /usr/local/bin/node works (the tests build a stand-in offline: scripts/test-images.sh).
ARG NODE_IMAGE=node:20-bookworm-slim

# ── dependencies: the lockfile's packages, install scripts off (Prisma's would download engines
#    MeshBench does not use; native addons ship prebuilt in optional dependencies) ─────────────
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --loglevel=error \
 && cp -a node_modules /tmp/all-modules \
 && npm prune --omit=dev --ignore-scripts --loglevel=error \
 && mv node_modules /prod-modules && mv /tmp/all-modules node_modules

# ── build: Prisma client, then the Next.js standalone server ───────────────────────────────────
FROM deps AS build
COPY . .
# generate contacts no database; Prisma only insists on a well-formed URL.
RUN DATABASE_URL=postgresql://build@127.0.0.1:5432/build npx prisma generate >/dev/null
RUN MESHBENCH_STANDALONE=1 npx next build \
 && cp -r .next/static .next/standalone/.next/static

# ── runtime base: tini reaps what the processes leave (the worker's proxies and browser) and
#    passes signals on; one unprivileged user ───────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 meshbench \
 && useradd --system --uid 10001 --gid meshbench --home-dir /nonexistent --shell /usr/sbin/nologin meshbench
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 LOG_FORMAT=json
COPY deploy/healthcheck.mjs /usr/local/lib/meshbench/healthcheck.mjs
ENTRYPOINT ["/usr/bin/tini", "--"]

# ── web: the standalone server and its static files only ───────────────────────────────────────
FROM runtime AS web
COPY --from=build --chown=root:root /app/.next/standalone ./
RUN mkdir -p .next/cache && chown meshbench:meshbench .next/cache
USER 10001:10001
# server.js listens on HOSTNAME:PORT; Docker sets HOSTNAME to the container's id otherwise.
ENV PORT=3000 HOSTNAME=0.0.0.0
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/meshbench/healthcheck.mjs "http://127.0.0.1:${PORT}/api/health/ready"
CMD ["node", "server.js"]

# ── worker: the TypeScript sources run by tsx, and the programs a local run starts ────────────
FROM runtime AS worker
# nginx and HAProxy (the local backend's proxy pairs), Chromium and fonts (PDF reports), bpftrace
# (eBPF probes: they need root, CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN and the host's tracefs and
# BTF, so they report "unavailable" in this unprivileged container unless run as documented).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      nginx haproxy chromium fonts-dejavu-core bpftrace \
 && rm -rf /var/lib/apt/lists/* /var/log/nginx/* \
 && rm -f /etc/nginx/sites-enabled/default
COPY --from=deps --chown=root:root /prod-modules ./node_modules
COPY --chown=root:root package.json package-lock.json tsconfig.json prisma.config.ts ./
COPY --chown=root:root core ./core
COPY --chown=root:root server ./server
COPY --chown=root:root worker ./worker
COPY --chown=root:root prisma ./prisma
# prepare.ts (migrations, first admin) for the migrate job; backup.sh for the backup CronJob.
COPY --chown=root:root scripts ./scripts
COPY --from=build --chown=root:root /app/server/db/generated ./server/db/generated
RUN mkdir -p var && chown meshbench:meshbench var
USER 10001:10001
# Chromium and tsx keep their profiles and caches under HOME and the temp dir: both on /tmp.
ENV HOME=/tmp WORKER_METRICS_PORT=9464 WORKER_METRICS_HOST=0.0.0.0
EXPOSE 9464
VOLUME ["/app/var"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/meshbench/healthcheck.mjs "http://127.0.0.1:${WORKER_METRICS_PORT}/health/ready"
# `node --import tsx scripts/prepare.ts` in this image migrates the database (compose's migrate job).
CMD ["node", "--import", "tsx", "worker/index.ts"]

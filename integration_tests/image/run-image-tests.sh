#!/usr/bin/env bash
# `npm run test:image`: build the connector image and test it as Airbyte runs it.
#   1. a Docker engine (scripts/docker/ensure-docker.sh),
#   2. the base image, or an offline stand-in (scripts/docker/make-base-image.sh),
#   3. `npm run build` (the suite compares the image with `node dist/src/main.js`),
#   4. `docker build --network host -t $SOURCE_HYROS_IMAGE .` (default source-hyros:dev),
#   5. the vitest suite integration_tests/image/image.test.ts (its own vitest config).
# Env: SOURCE_HYROS_IMAGE (image tag), SKIP_IMAGE_BUILD=1 (reuse an existing image).
set -euo pipefail

cd "$(dirname "$0")/../.."
export SOURCE_HYROS_IMAGE="${SOURCE_HYROS_IMAGE:-source-hyros:dev}"

log() { echo "[test:image] $*" >&2; }

bash scripts/docker/ensure-docker.sh
bash scripts/docker/make-base-image.sh

log "npm run build"
npm run build >&2

if [ "${SKIP_IMAGE_BUILD:-0}" != "1" ]; then
  log "docker build -t $SOURCE_HYROS_IMAGE ."
  start=$(date +%s)
  docker build --network host -t "$SOURCE_HYROS_IMAGE" . >&2
  log "image built in $(( $(date +%s) - start ))s; size $(docker image inspect --format '{{.Size}}' "$SOURCE_HYROS_IMAGE" | awk '{printf "%.1f MB", $1/1000000}')"
  # The vfs storage driver copies every layer in full: drop the untagged leftovers of earlier
  # builds (about 0.5-1 GB each) so repeated CI runs on one machine do not fill its disk.
  docker image prune -f >/dev/null 2>&1 || true
fi

exec npx vitest run --config integration_tests/image/vitest.config.ts "$@"

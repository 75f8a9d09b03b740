#!/usr/bin/env bash
# `npm run test:image`: build both connector images and test them as Airbyte runs them.
#   1. a Docker engine (scripts/docker/ensure-docker.sh),
#   2. the base image, or an offline stand-in (scripts/docker/make-base-image.sh),
#   3. `npm run build` (the suites compare the images with the host build under dist/),
#   4. `docker build --network host -t $SOURCE_HYROS_IMAGE .` (default source-hyros:dev; the last
#      stage) and `docker build --network host --target destination-hyros -t $DESTINATION_HYROS_IMAGE .`
#      (default destination-hyros:dev; every layer comes from the first build's cache),
#   5. the vitest suites integration_tests/image/*.test.ts (their own vitest config), among them the
#      documentation's Docker examples (doc-examples.test.ts), then drops untagged image leftovers.
# Env: SOURCE_HYROS_IMAGE / DESTINATION_HYROS_IMAGE (image tags), SKIP_IMAGE_BUILD=1 (reuse existing images).
set -euo pipefail

cd "$(dirname "$0")/../.."
export SOURCE_HYROS_IMAGE="${SOURCE_HYROS_IMAGE:-source-hyros:dev}"
export DESTINATION_HYROS_IMAGE="${DESTINATION_HYROS_IMAGE:-destination-hyros:dev}"

log() { echo "[test:image] $*" >&2; }

bash scripts/docker/ensure-docker.sh
bash scripts/docker/make-base-image.sh

log "npm run build"
npm run build >&2

size() { docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1/1000000}'; }

if [ "${SKIP_IMAGE_BUILD:-0}" != "1" ]; then
  log "docker build -t $SOURCE_HYROS_IMAGE ."
  start=$(date +%s)
  docker build --network host -t "$SOURCE_HYROS_IMAGE" . >&2
  log "source image built in $(( $(date +%s) - start ))s; size $(size "$SOURCE_HYROS_IMAGE")"
  log "docker build --target destination-hyros -t $DESTINATION_HYROS_IMAGE ."
  start=$(date +%s)
  docker build --network host --target destination-hyros -t "$DESTINATION_HYROS_IMAGE" . >&2
  log "destination image built in $(( $(date +%s) - start ))s; size $(size "$DESTINATION_HYROS_IMAGE") (layers shared with the source image)"
fi

status=0
npx vitest run --config integration_tests/image/vitest.config.ts "$@" || status=$?
if [ "${SKIP_IMAGE_BUILD:-0}" != "1" ]; then
  # The vfs storage driver copies every layer in full: drop the untagged leftovers (about 0.5-1 GB
  # each) so repeated CI runs on one machine do not fill its disk. Only after the suites: the
  # documentation's examples build the images again under their documented names, and the untagged
  # build stages are the cache that makes that a matter of seconds.
  docker image prune -f >/dev/null 2>&1 || true
fi
exit "$status"

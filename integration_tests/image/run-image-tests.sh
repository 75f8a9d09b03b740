#!/usr/bin/env bash
# `npm run test:image`: build both connector images and test them as Airbyte runs them.
#   1. a Docker engine (scripts/docker/ensure-docker.sh),
#   2. `npm run build` (the suites compare the images with the host build under dist/),
#   3. both images (scripts/docker/build-images.sh: base image, $SOURCE_HYROS_IMAGE (default
#      source-hyros:dev, the last stage) and $DESTINATION_HYROS_IMAGE (default destination-hyros:dev)),
#   4. the vitest suites integration_tests/image/*.test.ts (their own vitest config), among them the
#      documentation's Docker examples (doc-examples.test.ts).
# Env: SOURCE_HYROS_IMAGE / DESTINATION_HYROS_IMAGE (image tags), SKIP_IMAGE_BUILD=1 (reuse existing images).
set -euo pipefail

cd "$(dirname "$0")/../.."
export SOURCE_HYROS_IMAGE="${SOURCE_HYROS_IMAGE:-source-hyros:dev}"
export DESTINATION_HYROS_IMAGE="${DESTINATION_HYROS_IMAGE:-destination-hyros:dev}"

log() { echo "[test:image] $*" >&2; }

bash scripts/docker/ensure-docker.sh

log "npm run build"
npm run build >&2

size() { docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1/1000000}'; }

if [ "${SKIP_IMAGE_BUILD:-0}" != "1" ]; then
  bash scripts/docker/build-images.sh
  log "sizes: $SOURCE_HYROS_IMAGE $(size "$SOURCE_HYROS_IMAGE"), $DESTINATION_HYROS_IMAGE $(size "$DESTINATION_HYROS_IMAGE") (layers shared)"
fi

status=0
npx vitest run --config integration_tests/image/vitest.config.ts "$@" || status=$?
exit "$status"

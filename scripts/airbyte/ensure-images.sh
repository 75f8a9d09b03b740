#!/usr/bin/env bash
# The two connector images the Airbyte tool tests run (Docker mode of the CDK's standard tests,
# PyAirbyte's docker_image): a Docker engine (scripts/docker/ensure-docker.sh), then both images
# built under the tags the image tests use (scripts/docker/build-images.sh), so either suite reuses
# the other's build (a rebuild of an unchanged tree is all cache hits).
# Env: SOURCE_HYROS_IMAGE / DESTINATION_HYROS_IMAGE (default source-hyros:dev /
# destination-hyros:dev), SKIP_IMAGE_BUILD=1 (use the existing images as they are).
set -euo pipefail
cd "$(dirname "$0")/../.."
export SOURCE_HYROS_IMAGE="${SOURCE_HYROS_IMAGE:-source-hyros:dev}"
export DESTINATION_HYROS_IMAGE="${DESTINATION_HYROS_IMAGE:-destination-hyros:dev}"
log() { echo "[ensure-images] $*" >&2; }

bash scripts/docker/ensure-docker.sh
if [ "${SKIP_IMAGE_BUILD:-0}" = "1" ]; then
  docker image inspect "$SOURCE_HYROS_IMAGE" "$DESTINATION_HYROS_IMAGE" >/dev/null \
    || { log "ERROR: SKIP_IMAGE_BUILD=1 but $SOURCE_HYROS_IMAGE / $DESTINATION_HYROS_IMAGE do not exist"; exit 1; }
  exit 0
fi
mkdir -p out
: >out/airbyte-image-build.log
start=$(date +%s)
log "building $SOURCE_HYROS_IMAGE and $DESTINATION_HYROS_IMAGE (log: out/airbyte-image-build.log)"
BUILD_LOG=out/airbyte-image-build.log bash scripts/docker/build-images.sh
log "images ready in $(( $(date +%s) - start ))s: $SOURCE_HYROS_IMAGE, $DESTINATION_HYROS_IMAGE"

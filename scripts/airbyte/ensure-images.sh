#!/usr/bin/env bash
# The two connector images the Airbyte tool tests run (Docker mode of the CDK's standard tests,
# PyAirbyte's docker_image): a Docker engine (scripts/docker/ensure-docker.sh), the base image or its
# offline stand-in (scripts/docker/make-base-image.sh), then `docker build` of both targets under the
# tags the image tests use, so either suite reuses the other's build (a rebuild of an unchanged tree
# is all cache hits). Env: SOURCE_HYROS_IMAGE / DESTINATION_HYROS_IMAGE (default source-hyros:dev /
# destination-hyros:dev), SKIP_IMAGE_BUILD=1 (use the existing images as they are).
set -euo pipefail
cd "$(dirname "$0")/../.."
SOURCE_HYROS_IMAGE="${SOURCE_HYROS_IMAGE:-source-hyros:dev}"
DESTINATION_HYROS_IMAGE="${DESTINATION_HYROS_IMAGE:-destination-hyros:dev}"
log() { echo "[ensure-images] $*" >&2; }
# Two test runs on one machine share the engine and the tags: one builds (and prunes) at a time, or a
# prune could remove the other build's untagged stage image between its steps.
exec 9>"${TMPDIR:-/tmp}/source-hyros-ensure-images.lock"
flock -w 1800 9 || { log "ERROR: another run held the image build lock for 30 minutes"; exit 1; }

bash scripts/docker/ensure-docker.sh
if [ "${SKIP_IMAGE_BUILD:-0}" = "1" ]; then
  docker image inspect "$SOURCE_HYROS_IMAGE" "$DESTINATION_HYROS_IMAGE" >/dev/null \
    || { log "ERROR: SKIP_IMAGE_BUILD=1 but $SOURCE_HYROS_IMAGE / $DESTINATION_HYROS_IMAGE do not exist"; exit 1; }
  exit 0
fi
bash scripts/docker/make-base-image.sh
mkdir -p out
start=$(date +%s)
log "docker build -t $SOURCE_HYROS_IMAGE . (log: out/airbyte-image-build.log)"
docker build --network host -t "$SOURCE_HYROS_IMAGE" . >out/airbyte-image-build.log 2>&1 \
  || { tail -n 30 out/airbyte-image-build.log >&2; log "ERROR: docker build failed"; exit 1; }
docker build --network host --target destination-hyros -t "$DESTINATION_HYROS_IMAGE" . >>out/airbyte-image-build.log 2>&1 \
  || { tail -n 30 out/airbyte-image-build.log >&2; log "ERROR: docker build --target destination-hyros failed"; exit 1; }
docker image prune -f >/dev/null 2>&1 || true
log "images ready in $(( $(date +%s) - start ))s: $SOURCE_HYROS_IMAGE, $DESTINATION_HYROS_IMAGE"

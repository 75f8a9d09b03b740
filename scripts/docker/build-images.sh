#!/usr/bin/env bash
# Build both connector images from this tree, for the Airbyte tool tests and the image tests alike:
#   1. the base image, or its offline stand-in (scripts/docker/make-base-image.sh);
#   2. `docker build` of the last stage as $SOURCE_HYROS_IMAGE and of the destination-hyros target
#      as $DESTINATION_HYROS_IMAGE (every layer of the second comes from the first's cache);
#   3. the `build` and `deps` stages tagged too ($STAGE_CACHE_REPO:build, :deps), then untagged
#      leftovers pruned.
# Why 3: the vfs storage driver copies every layer in full, so untagged leftovers must go or repeated
# runs fill the disk. An untagged stage is such a leftover, and without it the next build of an
# unchanged tree (the image suite after test:airbyte, the next npm test) compiles and installs again.
# One build at a time per machine: another run's prune could remove this build's stage between steps.
# Docker's own output goes to $BUILD_LOG (default: stderr). Needs a running engine.
# Env: SOURCE_HYROS_IMAGE (default source-hyros:dev), DESTINATION_HYROS_IMAGE (default
#      destination-hyros:dev), STAGE_CACHE_REPO (default source-hyros-stages), BUILD_LOG.
set -euo pipefail
cd "$(dirname "$0")/../.."
SOURCE_HYROS_IMAGE="${SOURCE_HYROS_IMAGE:-source-hyros:dev}"
DESTINATION_HYROS_IMAGE="${DESTINATION_HYROS_IMAGE:-destination-hyros:dev}"
STAGE_CACHE_REPO="${STAGE_CACHE_REPO:-source-hyros-stages}"
log() { echo "[build-images] $*" >&2; }

exec 9>"${TMPDIR:-/tmp}/source-hyros-build-images.lock"
flock -w 1800 9 || { log "ERROR: another run held the image build lock for 30 minutes"; exit 1; }

if [ -n "${BUILD_LOG:-}" ]; then
  mkdir -p "$(dirname "$BUILD_LOG")"
  exec 3>>"$BUILD_LOG"
else
  exec 3>&2
fi
build() {  # build TAG [docker build options...]
  local tag="$1" start; shift
  start=$(date +%s)
  docker build --network host "$@" -t "$tag" . >&3 2>&1 || {
    [ -z "${BUILD_LOG:-}" ] || tail -n 30 "$BUILD_LOG" >&2
    log "ERROR: docker build $* -t $tag failed"; exit 1; }
  log "$tag built in $(( $(date +%s) - start ))s"
}

bash scripts/docker/make-base-image.sh
build "$SOURCE_HYROS_IMAGE"
build "$DESTINATION_HYROS_IMAGE" --target destination-hyros
build "$STAGE_CACHE_REPO:build" --target build
build "$STAGE_CACHE_REPO:deps" --target deps
docker image prune -f >/dev/null 2>&1 || true

#!/usr/bin/env bash
# CI stage after `npm test`: build the container image and run the image test suite.
# Called by .ci/run (owned by the project lead).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/docker/ensure-docker.sh
npm run test:image

#!/usr/bin/env bash
# `npm run test:airbyte` (the second half of `npm test`): Airbyte's own tools drive both connectors.
#   1. the Python environments (scripts/airbyte/setup-venv.sh; fails, never skips, without python3),
#   2. PostgreSQL on 127.0.0.1 (scripts/airbyte/ensure-postgres.sh),
#   3. both images (scripts/airbyte/ensure-images.sh: Docker engine, base image, docker build),
#   4. pytest integration_tests/airbyte: the CDK's standard tests in Docker mode, PyAirbyte with the
#      source (DuckDB, PostgreSQL; bin and image), PyAirbyte with source-file -> destination-hyros.
# Needs the TypeScript build (npm run build). Extra arguments go to pytest (e.g. -k standard).
# Env: SKIP_IMAGE_BUILD=1 (reuse the images as they are), AIRBYTE_VENV_DIR, PG_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { echo "[test:airbyte] $*" >&2; }

for bin in dist/src/source/main.js dist/src/destination/main.js dist/integration_tests/airbyte/sandbox-control.js; do
  [ -f "$bin" ] || { log "ERROR: $bin is missing: run npm run build first"; exit 1; }
done

start=$(date +%s)
bash scripts/airbyte/setup-venv.sh
bash scripts/airbyte/ensure-postgres.sh >/dev/null
bash scripts/airbyte/ensure-images.sh
log "set-up took $(( $(date +%s) - start ))s; running pytest"

venv="${AIRBYTE_VENV_DIR:-.venv-airbyte}"
status=0
"$venv/harness/bin/python" -m pytest -c integration_tests/airbyte/pytest.ini --rootdir integration_tests/airbyte \
  integration_tests/airbyte "$@" || status=$?
if [ "$status" -eq 5 ]; then
  log "ERROR: pytest collected no test (exit 5): that is a failure here, not a pass"
  exit 1
fi
log "done in $(( $(date +%s) - start ))s (pytest exit $status)"
exit "$status"

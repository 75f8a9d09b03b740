#!/usr/bin/env bash
# Python environments for the tests of Airbyte's own tools (integration_tests/airbyte/), created on
# first use and reused while their requirements do not change (a stamp holds the requirements' hash):
#   .venv-airbyte/harness      pytest, airbyte-cdk (standard tests, protocol models), PyAirbyte, psycopg2
#   .venv-airbyte/source-file  Airbyte's own File source (airbyte-source-file), which PyAirbyte runs as a
#                              local executable: it pins pyarrow 14 against PyAirbyte's >=16, and its
#                              published metadata asks for a smart-open release that does not exist, so it
#                              is installed from exact pins with --no-deps (see requirements-source-file.txt).
# Both are git-ignored. Python is the test harness only: the connectors stay TypeScript.
# Env: AIRBYTE_VENV_DIR (default .venv-airbyte), PYTHON (default python3), PIP_TIMEOUT_SECONDS (default 900).
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV_DIR="${AIRBYTE_VENV_DIR:-.venv-airbyte}"
PYTHON="${PYTHON:-python3}"
PIP_TIMEOUT="${PIP_TIMEOUT_SECONDS:-900}"
REQ_DIR=integration_tests/airbyte
log() { echo "[setup-venv] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  die "$PYTHON is not installed. The tests of Airbyte's own tools (CDK standard tests, PyAirbyte, source-file) need Python 3.10 or 3.11 with venv: install it (Debian: apt-get install python3 python3-venv) and run the tests again. They are not skipped."
fi
version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
case "$version" in
  3.10|3.11) ;;
  *) die "$PYTHON is Python $version; airbyte-source-file supports 3.10-3.11 only (PyAirbyte 3.10-3.12). Set PYTHON to a python3.10/3.11." ;;
esac

make_venv() { # DIR REQUIREMENTS
  local dir="$1" req="$2" stamp want
  stamp="$dir/.requirements.sha256"
  want="$(sha256sum "$req" | cut -d' ' -f1) $version"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    log "$dir is up to date"
    return 0
  fi
  log "creating $dir from $req (a few minutes on a fresh machine)"
  rm -rf "$dir"
  if ! "$PYTHON" -m venv "$dir" 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "python3 -m venv failed; installing Debian's python3-venv"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }
      rm -rf "$dir"
      "$PYTHON" -m venv "$dir" || die "cannot create a virtual environment with $PYTHON -m venv"
    else
      die "$PYTHON -m venv failed: install python3-venv"
    fi
  fi
  # Exact pins of every package (a pip freeze): --no-deps installs exactly that set.
  if ! timeout "$PIP_TIMEOUT" "$dir/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$req" \
      >"$dir/pip-install.log" 2>&1; then
    grep -v "^WARNING: Location 'file:" "$dir/pip-install.log" | tail -n 30 >&2 || true
    die "pip install -r $req failed or timed out after ${PIP_TIMEOUT}s (log: $dir/pip-install.log)"
  fi
  echo "$want" >"$stamp"
}

mkdir -p "$VENV_DIR"
make_venv "$VENV_DIR/harness" "$REQ_DIR/requirements.txt"
"$VENV_DIR/harness/bin/python" -W ignore -c 'import airbyte, airbyte_cdk.test.standard_tests, psycopg2, pytest' \
  || die "the harness environment $VENV_DIR/harness is broken; delete it and run again"
make_venv "$VENV_DIR/source-file" "$REQ_DIR/requirements-source-file.txt"
[ -x "$VENV_DIR/source-file/bin/source-file" ] || die "$VENV_DIR/source-file/bin/source-file is missing"
log "ready: $VENV_DIR/harness (airbyte-cdk, PyAirbyte, pytest), $VENV_DIR/source-file (source-file)"

#!/usr/bin/env bash
# Make sure a working Docker engine is available (idempotent).
#
# On the project's machines there is no container registry, no general internet access and no
# daemon running by default. This script:
#   1. returns at once if `docker info` already answers;
#   2. installs Debian's docker.io when dockerd is missing (the docker CLI alone may already
#      exist at /usr/local/bin/docker without an engine);
#   3. starts dockerd in the background (vfs storage, no iptables, no bridge: containers use
#      --network host) logging to /var/log/dockerd.log, and waits (bounded) until it answers.
#
# Env: DOCKERD_WAIT_SECONDS (default 60), DOCKERD_LOG (default /var/log/dockerd.log).
set -euo pipefail

WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"

log() { echo "[ensure-docker] $*" >&2; }
# Two runs started together would both start a dockerd on the same state folder.
exec 9>"${TMPDIR:-/tmp}/source-hyros-ensure-docker.lock"
flock -w 600 9 || { log "ERROR: another run held the docker start-up lock for 10 minutes"; exit 1; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  log "docker engine already running"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "ERROR: no running docker engine and not root; cannot install or start dockerd"
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  log "dockerd not found; installing docker.io from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if ! command -v docker >/dev/null 2>&1; then
  log "ERROR: docker CLI still missing after installing docker.io"
  exit 1
fi

# A dockerd that was killed may linger as a zombie until its parent reaps it: only a live one counts.
dockerd_alive() { ps -C dockerd -o stat= 2>/dev/null | grep -qv '^Z'; }

if ! dockerd_alive; then
  log "starting dockerd (log: $DOCKERD_LOG)"
  # A pid file left by a killed daemon would stop the new one from starting.
  rm -f /var/run/docker.pid
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  nohup dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    >>"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &  # the daemon must not hold the start-up lock
else
  log "dockerd process exists but does not answer yet; waiting"
fi

deadline=$(( $(date +%s) + WAIT_SECONDS ))
until docker info >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "ERROR: docker engine did not answer within ${WAIT_SECONDS}s; last lines of $DOCKERD_LOG:"
    tail -n 20 "$DOCKERD_LOG" >&2 || true
    exit 1
  fi
  sleep 1
done
log "docker engine ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"

#!/usr/bin/env bash
# A PostgreSQL server on 127.0.0.1 for PyAirbyte's Postgres cache tests (idempotent):
#   1. installs Debian's `postgresql` when its server binaries are missing;
#   2. initialises a cluster of its own (not the Debian service's) under $PG_DATA_DIR, trust
#      authentication, listening on 127.0.0.1:$PG_PORT only;
#   3. starts it unless it already answers, waiting at most $PG_WAIT_SECONDS;
#   4. prints one line: the port.
# The tests create their own database per run, so several runs share the server.
# Env: PG_PORT (default 25432, below the ephemeral port range so no outgoing connection holds it), PG_DATA_DIR (default /var/tmp/source-hyros-pg/data), PG_WAIT_SECONDS (default 60).
set -euo pipefail

PG_PORT="${PG_PORT:-25432}"
PG_DATA_DIR="${PG_DATA_DIR:-/var/tmp/source-hyros-pg/data}"
WAIT="${PG_WAIT_SECONDS:-60}"
log() { echo "[ensure-postgres] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# Two test runs started together would both find no server and both start one on the same data folder.
exec 9>"${TMPDIR:-/tmp}/source-hyros-ensure-postgres.lock"
flock -w 600 9 || die "another run held the PostgreSQL start-up lock for 10 minutes"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and this is not root: apt-get install postgresql"
  log "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get install -y -qq postgresql >/dev/null 2>&1 \
    || { timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq postgresql >/dev/null; } \
    || die "apt-get install postgresql failed"
fi
BIN="$(bindir)"
[ -x "$BIN/pg_ctl" ] || die "no pg_ctl under /usr/lib/postgresql/*/bin"

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

answers() { as_pg "$BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q 2>/dev/null; }

if answers; then
  log "PostgreSQL already answers on 127.0.0.1:$PG_PORT"
  echo "$PG_PORT"
  exit 0
fi

if [ ! -s "$PG_DATA_DIR/PG_VERSION" ]; then
  log "initdb $PG_DATA_DIR"
  mkdir -p "$PG_DATA_DIR"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$(dirname "$PG_DATA_DIR")"
  chmod 700 "$PG_DATA_DIR"
  as_pg "$BIN/initdb" -D "$PG_DATA_DIR" --auth=trust --username=postgres --encoding=UTF8 >/dev/null \
    || die "initdb failed"
fi

log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
# A server killed earlier may have left its pid file behind.
if [ -f "$PG_DATA_DIR/postmaster.pid" ] && ! as_pg "$BIN/pg_ctl" -D "$PG_DATA_DIR" status >/dev/null 2>&1; then
  rm -f "$PG_DATA_DIR/postmaster.pid"
fi
# 9>&-: the server must not inherit, and so hold, the start-up lock.
as_pg "$BIN/pg_ctl" -D "$PG_DATA_DIR" -l "$PG_DATA_DIR/../server.log" -w -t "$WAIT" \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=/tmp -c fsync=off" start >/dev/null 9>&- \
  || { tail -n 20 "$PG_DATA_DIR/../server.log" >&2 || true; die "PostgreSQL did not start within ${WAIT}s"; }

deadline=$(( $(date +%s) + WAIT ))
until answers; do
  [ "$(date +%s)" -lt "$deadline" ] || die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT after ${WAIT}s"
  sleep 0.5
done
log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
echo "$PG_PORT"

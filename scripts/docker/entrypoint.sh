#!/bin/sh
# Container entrypoint of source-hyros and destination-hyros (copied to /airbyte/entrypoint.sh by the
# Dockerfile). It runs the bin named by CONNECTOR_BIN, which each Dockerfile target sets (default: the
# source's bin, as before there were two connectors).
#
# Node sizes its default old-space heap from the host's RAM, not from the container's memory
# limit, so a connector in a 512 MiB pod could grow past the limit and be OOM-killed instead of
# garbage-collecting. This script reads the cgroup memory limit and, when there is one, passes
# --max-old-space-size = 75 % of it (in MiB) through NODE_OPTIONS. It leaves NODE_OPTIONS alone
# when it already sets --max-old-space-size, and adds nothing when the container is unlimited.
# Then it execs the connector with the Airbyte arguments (spec|check|discover|read|write ...).
set -eu

heap_percent=75
min_heap_mb=64

limit=""
if [ -r /sys/fs/cgroup/memory.max ]; then
  limit="$(cat /sys/fs/cgroup/memory.max 2>/dev/null || true)"          # cgroup v2: bytes or "max"
elif [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
  limit="$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || true)"  # cgroup v1
fi

case "${NODE_OPTIONS:-}" in
  *--max-old-space-size*|*--max_old_space_size*) limit="" ;;   # the caller chose a heap size
esac

case "$limit" in
  ''|max|*[!0-9]*) ;;                                          # unknown or unlimited (v2)
  *)
    # cgroup v1 reports "unlimited" as a huge number (about 2^63): treat anything at or above
    # the machine's RAM as no limit.
    host_kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)"
    limit_mb=$((limit / 1048576))
    if [ -n "$host_kb" ] && [ "$limit_mb" -ge $((host_kb / 1024)) ]; then
      :
    elif [ "$limit_mb" -gt 0 ]; then
      heap_mb=$((limit_mb * heap_percent / 100))
      [ "$heap_mb" -ge "$min_heap_mb" ] || heap_mb="$min_heap_mb"
      NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--max-old-space-size=$heap_mb"
      export NODE_OPTIONS
    fi
    ;;
esac

# Run the bin itself (the source sizes its heap in-process, see src/memory.ts; the destination's
# shebang carries its V8 flags).
exec "${CONNECTOR_BIN:-/airbyte/dist/src/source/main.js}" "$@"

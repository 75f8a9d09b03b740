#!/bin/sh
# Run a command next to a freshly started Hyros sandbox (same host / same container, loopback URL).
#
#   with-sandbox.sh COMMAND [ARGS...]
#
# Starts `node $SANDBOX_CLI --port 0` in the background, waits (bounded) for the base URL it prints,
# writes $SANDBOX_CONFIG_OUT = $SANDBOX_CONFIG_TEMPLATE with "base_url" set to that URL (and the same
# for each TEMPLATE:OUT pair of $SANDBOX_CONFIGS), runs the command, stops the sandbox and exits with
# the command's status. The URL is exported as HYROS_SANDBOX_URL. Used by the Dagger pipeline inside the connector image (the connector only
# accepts plain http on loopback hosts, so the sandbox cannot be a separate service there), and
# usable on a developer machine:
#   SANDBOX_CLI=dist/integration_tests/sandbox/cli.js SANDBOX_CONFIG_TEMPLATE=integration_tests/sample_config.json \
#     scripts/docker/with-sandbox.sh node dist/src/source/main.js check --config /tmp/hyros-sandbox-config.json
#
# Env: SANDBOX_CLI (default /airbyte/dist/integration_tests/sandbox/cli.js), SANDBOX_ARGS (extra CLI
#      flags), SANDBOX_CONFIG_TEMPLATE (default /data/config.template.json), SANDBOX_CONFIG_OUT
#      (default /tmp/hyros-sandbox-config.json), SANDBOX_CONFIGS (more "TEMPLATE:OUT" pairs, space
#      separated, e.g. a source and a destination config for one sandbox), SANDBOX_WAIT_SECONDS (default 20).
set -eu

cli="${SANDBOX_CLI:-/airbyte/dist/integration_tests/sandbox/cli.js}"
template="${SANDBOX_CONFIG_TEMPLATE:-/data/config.template.json}"
config_out="${SANDBOX_CONFIG_OUT:-/tmp/hyros-sandbox-config.json}"
wait_seconds="${SANDBOX_WAIT_SECONDS:-20}"

[ "$#" -gt 0 ] || { echo "usage: with-sandbox.sh COMMAND [ARGS...]" >&2; exit 64; }
[ -f "$cli" ] || { echo "with-sandbox: sandbox CLI not found at $cli" >&2; exit 66; }

workdir="$(mktemp -d)"
# shellcheck disable=SC2086 # SANDBOX_ARGS is a list of flags
node "$cli" --port 0 ${SANDBOX_ARGS:-} >"$workdir/url" 2>"$workdir/sandbox.log" &
sandbox_pid=$!
cleanup() {
  kill "$sandbox_pid" 2>/dev/null || true
  wait "$sandbox_pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tries=$((wait_seconds * 10))
while [ ! -s "$workdir/url" ]; do
  if ! kill -0 "$sandbox_pid" 2>/dev/null || [ "$tries" -le 0 ]; then
    echo "with-sandbox: the sandbox did not print its URL within ${wait_seconds}s:" >&2
    cat "$workdir/sandbox.log" >&2 || true
    exit 70
  fi
  tries=$((tries - 1))
  sleep 0.1
done
HYROS_SANDBOX_URL="$(head -n 1 "$workdir/url")"
export HYROS_SANDBOX_URL

write_config() {
  node -e '
    const fs = require("node:fs");
    const [template, out, url] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(template, "utf8"));
    config.base_url = url;
    fs.writeFileSync(out, JSON.stringify(config, null, 2), { mode: 0o600 });
  ' "$1" "$2" "$HYROS_SANDBOX_URL"
}
if [ -f "$template" ]; then write_config "$template" "$config_out"; fi
for pair in ${SANDBOX_CONFIGS:-}; do
  write_config "${pair%%:*}" "${pair#*:}"
done

status=0
"$@" || status=$?
exit "$status"

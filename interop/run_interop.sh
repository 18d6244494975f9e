#!/usr/bin/env bash
# Interop test: an independent client (ali-ons, pure JavaScript, pinned in package-lock.json) against
# `rmqsim serve` with 2 brokers. Usage: run_interop.sh RMQSIM_BINARY [extra serve flags...]
# Exit 0 = pass, 1 = fail, 77 = skipped (node missing outside CI; in CI a missing node is a failure).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rmqsim="$1"
shift

if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: node/npm are missing; ci/install-deps should have installed them" >&2
    exit 1
  fi
  echo "SKIP: node and npm are not installed (bash ci/install-deps installs them); the interop test needs them"
  exit 77
fi
if [ ! -d "$here/node_modules/ali-ons" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

log="$(mktemp)"
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2> /dev/null; then kill -TERM "$serve_pid"; wait "$serve_pid" || true; fi
  rm -f "$log"
}
trap cleanup EXIT

# Ports in a range nothing else here uses; retried with another base if taken.
for attempt in 1 2 3 4 5; do
  base=$(( 20000 + (RANDOM % 2000) * 10 ))
  "$rmqsim" serve --namesrv-port "$base" --broker-base-port $(( base + 1 )) --brokers 2 \
    --topic InteropTopic:4 "$@" > "$log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 100); do
    grep -q "rmqsim serve: ready" "$log" && break
    kill -0 "$serve_pid" 2> /dev/null || break
    sleep 0.1
  done
  grep -q "rmqsim serve: ready" "$log" && break
  wait "$serve_pid" || true
  serve_pid=""
  echo "serve did not start on base port $base (attempt $attempt): $(head -c 300 "$log")" >&2
done
[ -n "$serve_pid" ] || { echo "FAIL: rmqsim serve never became ready" >&2; exit 1; }
head -1 "$log"

status=0
node "$here/produce_consume.js" --namesrv "127.0.0.1:$base" --topic InteropTopic --count 200 \
  --timeout-ms 90000 || status=$?

kill -TERM "$serve_pid"
wait "$serve_pid" || { echo "FAIL: rmqsim serve did not stop cleanly on SIGTERM" >&2; status=1; }
serve_pid=""
grep -q "rmqsim serve: stopped" "$log" || { echo "FAIL: no 'stopped' line from rmqsim serve" >&2; status=1; }
grep "rmqsim serve: broker-" "$log" || true
# With a fault plan, the faults must actually have hit some requests, or the run proved nothing.
if [[ " $* " == *" --faults "* ]] && ! grep -qE "faults_applied=[1-9]" "$log"; then
  echo "FAIL: a fault plan was given but no fault was applied" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "PASS" || echo "FAIL (exit $status)"
exit "$status"

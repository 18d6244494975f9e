#!/usr/bin/env bash
# Interop test: an independent client (ali-ons, pure JavaScript, pinned in package-lock.json) against
# `rmqsim serve` with 2 brokers. Usage: run_interop.sh RMQSIM_BINARY [extra serve flags...]
# Exit 0 = pass, 1 = fail, 77 = skipped (node missing outside CI; in CI a missing node is a failure).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rmqsim="$1"
shift

source "$here/lib.sh"
require_node
start_serve 20000 2000 "$@"  # a port range the other interop scripts do not use

status=0
node "$here/produce_consume.js" --namesrv "127.0.0.1:$base" --topic InteropTopic --count 200 \
  --timeout-ms 90000 || status=$?

stop_serve
# With a fault plan, the faults must actually have hit some requests, or the run proved nothing.
if [[ " $* " == *" --faults "* ]] && ! grep -qE "faults_applied=[1-9]" "$log"; then
  echo "FAIL: a fault plan was given but no fault was applied" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "PASS" || echo "FAIL (exit $status)"
exit "$status"

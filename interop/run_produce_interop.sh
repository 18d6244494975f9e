#!/usr/bin/env bash
# Interop test: our producer core (`rmqsim produce`, over real sockets) sends to `rmqsim serve` with 2 brokers, and
# an independent consumer (ali-ons, pure JavaScript, pinned in package-lock.json) must receive every message the
# producer saw acknowledged with SEND_OK — once for --mode sync, once for --mode async.
# Usage: run_produce_interop.sh RMQSIM_BINARY
# Exit 0 = pass, 1 = fail, 77 = skipped (node missing outside CI; in CI a missing node is a failure).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rmqsim="$1"
count=50
body="rmqsim-interop"
tags="TagP"

source "$here/lib.sh"
require_node
start_serve 42000 2000  # a port range the other interop scripts do not use

status=0
# Every send must succeed, print one JSON line with status SEND_OK, and the process must exit 0 (after shutting the
# producer down; `timeout` turns a hang into a failure with a message instead of the ctest timeout).
for mode in sync async; do
  out="$work/produce-$mode.jsonl"
  rc=0
  timeout 120 "$rmqsim" produce --namesrv "127.0.0.1:$base" --topic InteropTopic --count "$count" --mode "$mode" \
    --body "$body" --tags "$tags" > "$out" 2> "$work/produce-$mode.err" || rc=$?
  ok=$(grep -c '"status":"SEND_OK"' "$out" || true)
  total=$(wc -l < "$out")
  echo "rmqsim produce --mode $mode: exit $rc, $ok of $total lines SEND_OK"
  if [ "$rc" -ne 0 ] || [ "$ok" -ne "$count" ] || [ "$total" -ne "$count" ]; then
    echo "FAIL: rmqsim produce --mode $mode: $(head -c 500 "$work/produce-$mode.err") $(grep -v SEND_OK "$out" | head -3)" >&2
    status=1
  fi
done

# ali-ons starts after the producer ran: a new group consuming from the first offset reads every queue from 0.
summary="$work/consume.json"
node "$here/consume_only.js" --namesrv "127.0.0.1:$base" --topic InteropTopic --group CG_RMQSIM_PRODUCE \
  --ids "$work/produce-sync.jsonl" --ids "$work/produce-async.jsonl" --body "$body" --tags "$tags" \
  --timeout-ms 90000 > "$summary" || status=$?
cat "$summary"
grep -q "\"expected\":$(( 2 * count ))," "$summary" || { echo "FAIL: expected $(( 2 * count )) message ids" >&2; status=1; }
grep -q '"unexpected":0,' "$summary" || { echo "FAIL: ali-ons received messages nobody acknowledged" >&2; status=1; }

stop_serve
check_stored $(( 2 * count ))  # sync then async; the producer spread its sends
[ "$status" -eq 0 ] && echo "PASS" || echo "FAIL (exit $status)"
exit "$status"

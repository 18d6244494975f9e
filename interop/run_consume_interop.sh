#!/usr/bin/env bash
# Interop test: an independent producer (ali-ons, pure JavaScript, pinned in package-lock.json) sends to
# `rmqsim serve` with 2 brokers, and our push consumer core (`rmqsim consume`, over real sockets) must receive every
# message ali-ons saw acknowledged with SEND_OK — same message id, broker, queue, offset, tags, keys and body — then
# shut down cleanly (exit 0).
# ali-ons sets no UNIQ_KEY, so the id to compare is the offset msgId: ali-ons's send result msgId (the broker's
# answer) against our line's msgId (Java's getMsgId(): UNIQ_KEY when present, else the offset msgId of the record).
# Usage: run_consume_interop.sh RMQSIM_BINARY
# Exit 0 = pass, 1 = fail, 77 = skipped (node missing outside CI; in CI a missing node is a failure).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rmqsim="$1"
count=50
tags="TagI"
keys="key-"
body="ali-ons-interop-"

source "$here/lib.sh"
require_node
start_serve 12000 700  # a port range the other interop scripts do not use

status=0
produced="$work/produced.json"
rc=0
timeout 120 node "$here/produce_only.js" --namesrv "127.0.0.1:$base" --topic InteropTopic --count "$count" \
  --tags "$tags" --keys "$keys" --body "$body" > "$produced" 2> "$work/produce.err" || rc=$?
echo "ali-ons produce: exit $rc, $(head -c 200 "$produced")..."
if [ "$rc" -ne 0 ]; then
  echo "FAIL: ali-ons did not send every message: $(head -c 500 "$work/produce.err") $(head -c 300 "$produced")" >&2
  status=1
fi

# A new group from the first offset reads every queue from 0; --count ends the run once all arrived, the idle limit
# if some never do (the check below then names them). `timeout` turns a hang into a failure with a message.
consumed="$work/consumed.jsonl"
rc=0
begin=$(date +%s)
timeout 120 "$rmqsim" consume --namesrv "127.0.0.1:$base" --group CG_RMQSIM --topic InteropTopic --from first \
  --count "$count" --idle-exit-ms 20000 > "$consumed" 2> "$work/consume.err" || rc=$?
echo "rmqsim consume: exit $rc after $(( $(date +%s) - begin )) s, $(wc -l < "$consumed") lines"
if [ "$rc" -ne 0 ]; then
  echo "FAIL: rmqsim consume exited $rc: $(head -c 500 "$work/consume.err")" >&2
  status=1
fi

# Every acknowledged message arrived exactly once, with the fields ali-ons was told and sent.
node - "$produced" "$consumed" "$count" <<'EOF' || status=1
'use strict';
const fs = require('fs');
const [producedFile, consumedFile, countText] = process.argv.slice(2);
const fail = message => { console.error(`FAIL: ${message}`); process.exitCode = 1; };
let produced;
try {
  produced = JSON.parse(fs.readFileSync(producedFile, 'utf8').trim().split('\n').pop() || '{}');
} catch (err) {
  fail(`no summary line from produce_only.js: ${err.message}`);
  process.exit(1);
}
const expected = new Map((produced.messages || []).map(m => [ m.msgId, m ]));
if (expected.size !== Number(countText)) fail(`ali-ons acknowledged ${expected.size} messages, not ${countText}`);
const lines = fs.readFileSync(consumedFile, 'utf8').split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l));
const seen = new Map();
const problems = [];
let unexpected = 0;
for (const line of lines) {
  const want = expected.get(line.msgId);
  if (!want) { unexpected++; continue; }
  seen.set(line.msgId, (seen.get(line.msgId) || 0) + 1);
  const got = { topic: line.topic, brokerName: line.brokerName, queueId: line.queueId, queueOffset: line.queueOffset,
    tags: line.tags, keys: line.keys, body: line.body };
  const exp = { topic: 'InteropTopic', brokerName: want.brokerName, queueId: want.queueId,
    queueOffset: want.queueOffset, tags: want.tags, keys: want.keys, body: want.body };
  for (const field of Object.keys(exp)) {
    if (got[field] !== exp[field]) {
      problems.push(`${line.msgId} ${field}: ${JSON.stringify(got[field])} != ${JSON.stringify(exp[field])}`);
    }
  }
}
const lost = [...expected.keys()].filter(id => !seen.has(id));
const duplicates = [...seen.values()].filter(n => n > 1).length;
console.log(JSON.stringify({ expected: expected.size, lines: lines.length, received: seen.size, lost: lost.length,
  lostExamples: lost.slice(0, 5), duplicates, unexpected, mismatches: problems.length,
  mismatchExamples: problems.slice(0, 5) }));
if (lost.length > 0) fail(`${lost.length} acknowledged messages never reached rmqsim consume`);
if (duplicates > 0) fail(`${duplicates} messages printed more than once`);
if (unexpected > 0) fail(`${unexpected} lines name messages ali-ons never sent`);
if (problems.length > 0) fail(`${problems.length} field mismatches`);
EOF

stop_serve
check_stored "$count"  # ali-ons spread its sends; exactly what was sent
[ "$status" -eq 0 ] && echo "PASS" || echo "FAIL (exit $status)"
exit "$status"

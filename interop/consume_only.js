'use strict';
// Interop check of the rmqsim producer core with an independent consumer: ali-ons (pure JavaScript, pinned in
// package.json) subscribes to a topic and must receive every message `rmqsim produce` reported as SEND_OK.
//
//   node consume_only.js --namesrv 127.0.0.1:9876 --topic T --group CG --ids FILE [--ids FILE2 ...]
//                        [--body TEXT] [--tags TAG] [--timeout-ms 60000]
//
// Each --ids FILE holds the JSON lines `rmqsim produce` printed. The lines with status SEND_OK name the expected
// messages: msgId (the producer's UNIQ_KEY property) and offsetMsgId (store host + commit-log offset). ali-ons
// reports msg.msgId = the offset id it computes from the stored record, and the UNIQ_KEY in msg.properties; a
// message counts as received when its UNIQ_KEY is expected, and its ali-ons msgId must then equal the offsetMsgId
// the producer was told (otherwise it is a mismatch). With --body / --tags every expected message received must
// carry that body / tag.
//
// Consumes from the first offset (a new group reads every queue from 0), so it may start before or after the
// producer ran. Prints one JSON summary line on stdout; exit code 0 when every expected message arrived with no
// mismatch, 1 otherwise, 2 on bad arguments or unreadable files.

const fs = require('fs');
const { Consumer } = require('ali-ons');

function parseArgs(argv) {
  const args = { namesrv: null, topic: null, group: 'CG_RMQSIM_PRODUCE', ids: [], body: null, tags: null,
    timeoutMs: 60000 };
  for (let i = 2; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`flag ${flag} needs a value`);
    if (flag === '--namesrv') args.namesrv = value;
    else if (flag === '--topic') args.topic = value;
    else if (flag === '--group') args.group = value;
    else if (flag === '--ids') args.ids.push(value);
    else if (flag === '--body') args.body = value;
    else if (flag === '--tags') args.tags = value;
    else if (flag === '--timeout-ms') args.timeoutMs = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.namesrv) throw new Error('--namesrv ADDR is required');
  if (!args.topic) throw new Error('--topic T is required');
  if (args.ids.length === 0) throw new Error('--ids FILE is required (the output of rmqsim produce)');
  if (!Number.isInteger(args.timeoutMs) || args.timeoutMs <= 0) throw new Error('--timeout-ms must be a positive integer');
  return args;
}

// UNIQ_KEY -> offsetMsgId of every SEND_OK line; the other lines are counted by status or error code.
function readExpected(files) {
  const expected = new Map();
  const notOk = {};
  let lines = 0;
  for (const file of files) {
    for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      let line;
      try {
        line = JSON.parse(text);
      } catch (err) {
        throw new Error(`${file}: not a JSON line: ${text.slice(0, 200)}`);
      }
      lines++;
      if (line.status === 'SEND_OK') {
        if (typeof line.msgId !== 'string' || typeof line.offsetMsgId !== 'string') {
          throw new Error(`${file}: SEND_OK line without msgId/offsetMsgId: ${text.slice(0, 200)}`);
        }
        if (expected.has(line.msgId)) throw new Error(`${file}: msgId ${line.msgId} reported twice`);
        expected.set(line.msgId, line.offsetMsgId.toUpperCase());
      } else {
        const key = line.status || `error ${line.error && line.error.code}`;
        notOk[key] = (notOk[key] || 0) + 1;
      }
    }
  }
  return { expected, notOk, lines };
}

// ali-ons asks for an HTTP client to look up nameservers; with nameSrv given it is never called.
const noHttp = { request() { throw new Error('no HTTP lookups in interop tests'); } };
const silentLogger = { info() {}, warn() {}, debug() {}, error() {} };

async function main() {
  let args;
  let expected;
  let notOk;
  let lines;
  try {
    args = parseArgs(process.argv);
    ({ expected, notOk, lines } = readExpected(args.ids));
  } catch (err) {
    console.error(`consume_only.js: ${err.message}`);
    process.exit(2);
  }
  const received = new Map();  // UNIQ_KEY -> times delivered
  const mismatches = [];
  let unexpected = 0;
  const consumer = new Consumer({
    httpclient: noHttp,
    nameSrv: args.namesrv,
    consumerGroup: args.group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger: silentLogger,
    rebalanceInterval: 2000,
  });
  consumer.subscribe(args.topic, '*', async msg => {
    const uniqKey = msg.properties && msg.properties.UNIQ_KEY;
    if (!expected.has(uniqKey)) {
      unexpected++;
      return;
    }
    received.set(uniqKey, (received.get(uniqKey) || 0) + 1);
    const problems = [];
    if (String(msg.msgId).toUpperCase() !== expected.get(uniqKey)) {
      problems.push(`ali-ons msgId ${msg.msgId} != offsetMsgId ${expected.get(uniqKey)}`);
    }
    if (args.body !== null && msg.body.toString() !== args.body) problems.push(`body ${JSON.stringify(msg.body.toString())}`);
    if (args.tags !== null && msg.tags !== args.tags) problems.push(`tags ${JSON.stringify(msg.tags)}`);
    if (problems.length > 0) mismatches.push({ msgId: uniqKey, problems });
  });
  consumer.on('error', () => {});  // the check is on delivery; transient errors may be retried by ali-ons
  await consumer.ready();

  const deadline = Date.now() + args.timeoutMs;
  const missing = () => [...expected.keys()].filter(id => !received.has(id));
  while (missing().length > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 200));
  const lost = missing();
  const summary = {
    lines, expected: expected.size, notOk, received: received.size, lost: lost.length, lostExamples: lost.slice(0, 5),
    duplicates: [...received.values()].filter(n => n > 1).length, unexpected, mismatches: mismatches.length,
    mismatchExamples: mismatches.slice(0, 5),
  };
  console.log(JSON.stringify(summary));
  await consumer.close();
  process.exit(lost.length === 0 && mismatches.length === 0 && expected.size > 0 ? 0 : 1);
}

main().catch(err => {
  console.error(`consume_only.js: ${err && err.stack || err}`);
  process.exit(1);
});

'use strict';
// Interop producer: ali-ons (pure JavaScript, pinned in package.json) sends N messages, one after another, so that
// another client (`rmqsim consume`) can be checked against what was acknowledged.
//
//   node produce_only.js --namesrv 127.0.0.1:9876 --topic T [--count 50] [--tags TAG] [--keys PREFIX]
//                        [--body PREFIX] [--group PG]
//
// Message i (from 0) has tags TAG (none when not given), KEYS "<PREFIX><i>" (none when --keys is not given) and
// body "<PREFIX><i>" (default prefix "ali-ons-").
// ali-ons sets no UNIQ_KEY property: its send result's msgId is the broker's answer (the offset msgId, store host +
// commit-log offset), which is what a consumer reports as the message id of such a message.
//
// Prints one JSON summary line on stdout:
//   {"sent":N,"ok":M,"failures":{"<status or error name>":n},
//    "messages":[{"index":0,"msgId":"…","brokerName":"…","queueId":q,"queueOffset":o,"tags":"…"|null,
//                 "keys":"…"|null,"body":"…"}, …]}   (the SEND_OK ones)
// Exit code: 0 when every send returned SEND_OK, 1 otherwise, 2 on bad arguments.

const { Producer, Message } = require('ali-ons');

function parseArgs(argv) {
  const args = { namesrv: null, topic: null, count: 50, tags: null, keys: null, body: 'ali-ons-',
    group: 'PG_ALI_ONS_INTEROP' };
  for (let i = 2; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`flag ${flag} needs a value`);
    if (flag === '--namesrv') args.namesrv = value;
    else if (flag === '--topic') args.topic = value;
    else if (flag === '--count') args.count = Number(value);
    else if (flag === '--tags') args.tags = value;
    else if (flag === '--keys') args.keys = value;
    else if (flag === '--body') args.body = value;
    else if (flag === '--group') args.group = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.namesrv) throw new Error('--namesrv ADDR is required');
  if (!args.topic) throw new Error('--topic T is required');
  if (!Number.isInteger(args.count) || args.count <= 0) throw new Error('--count must be a positive integer');
  return args;
}

// ali-ons asks for an HTTP client to look up nameservers; with nameSrv given it is never called.
const noHttp = { request() { throw new Error('no HTTP lookups in interop tests'); } };
const silentLogger = { info() {}, warn() {}, debug() {}, error() {} };

async function main() {
  let args;
  try {
    args = parseArgs(process.argv);
  } catch (err) {
    console.error(`produce_only.js: ${err.message}`);
    process.exit(2);
  }
  const producer = new Producer({ httpclient: noHttp, nameSrv: args.namesrv, producerGroup: args.group,
    logger: silentLogger });
  producer.on('error', () => {});  // a failed send is counted below
  await producer.ready();
  const messages = [];
  const failures = {};
  for (let i = 0; i < args.count; i++) {
    const body = `${args.body}${i}`;
    const msg = args.tags === null ? new Message(args.topic, body) : new Message(args.topic, args.tags, body);
    const keys = args.keys === null ? null : `${args.keys}${i}`;
    if (keys !== null) msg.keys = [ keys ];
    try {
      const result = await producer.send(msg);
      if (result.sendStatus === 'SEND_OK') {
        messages.push({ index: i, msgId: String(result.msgId).toUpperCase(),
          brokerName: result.messageQueue.brokerName, queueId: Number(result.messageQueue.queueId),
          queueOffset: Number(result.queueOffset), tags: args.tags, keys, body });
      } else {
        failures[result.sendStatus] = (failures[result.sendStatus] || 0) + 1;
      }
    } catch (err) {
      const key = (err && err.name) || 'Error';
      failures[key] = (failures[key] || 0) + 1;
    }
  }
  console.log(JSON.stringify({ sent: args.count, ok: messages.length, failures, messages }));
  await producer.close();
  process.exit(messages.length === args.count ? 0 : 1);
}

main().catch(err => {
  console.error(`produce_only.js: ${err && err.stack || err}`);
  process.exit(1);
});

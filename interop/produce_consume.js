'use strict';
// Interop check of `rmqsim serve` with an independent client: ali-ons (pure JavaScript, pinned in package.json).
// A producer sends N messages; a consumer group of two members receives them. The check passes when every
// message the producer saw acknowledged with SEND_OK is consumed at least once, and both members consumed some.
//
//   node produce_consume.js --namesrv 127.0.0.1:9876 --topic T --count 200 --timeout-ms 60000
//
// Prints one JSON summary line on stdout; exit code 0 on success, 1 on a failed check, 2 on bad arguments.

const { Producer, Consumer, Message } = require('ali-ons');

function parseArgs(argv) {
  const args = { namesrv: null, topic: 'InteropTopic', count: 200, timeoutMs: 60000, group: 'CG_INTEROP' };
  for (let i = 2; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`flag ${flag} needs a value`);
    if (flag === '--namesrv') args.namesrv = value;
    else if (flag === '--topic') args.topic = value;
    else if (flag === '--count') args.count = Number(value);
    else if (flag === '--timeout-ms') args.timeoutMs = Number(value);
    else if (flag === '--group') args.group = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.namesrv) throw new Error('--namesrv ADDR is required');
  if (!Number.isInteger(args.count) || args.count <= 0) throw new Error('--count must be a positive integer');
  return args;
}

// ali-ons asks for an HTTP client to look up nameservers; with nameSrv given it is never called.
const noHttp = { request() { throw new Error('no HTTP lookups in interop tests'); } };
const silentLogger = { info() {}, warn() {}, debug() {}, error() {} };

function newConsumer(args, instanceName, received, perMember) {
  const consumer = new Consumer({
    httpclient: noHttp,
    nameSrv: args.namesrv,
    consumerGroup: args.group,
    instanceName,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger: silentLogger,
    rebalanceInterval: 2000,
  });
  consumer.subscribe(args.topic, '*', async msg => {
    const body = msg.body.toString();
    received.set(body, (received.get(body) || 0) + 1);
    perMember[instanceName] = (perMember[instanceName] || 0) + 1;
  });
  consumer.on('error', () => {});  // fault injection makes errors expected; the check is on delivery
  return consumer;
}

async function produce(args, producer) {
  const acknowledged = [];
  const failures = {};
  for (let i = 0; i < args.count; i++) {
    const body = `interop-${i}`;
    try {
      const result = await producer.send(new Message(args.topic, 'TagA', body));
      if (result.sendStatus === 'SEND_OK') acknowledged.push(body);
      else failures[result.sendStatus] = (failures[result.sendStatus] || 0) + 1;
    } catch (err) {
      const key = (err && err.name) || 'Error';
      failures[key] = (failures[key] || 0) + 1;
    }
  }
  return { acknowledged, failures };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv);
  } catch (err) {
    console.error(`produce_consume.js: ${err.message}`);
    process.exit(2);
  }
  const received = new Map();
  const perMember = {};
  const consumers = [ newConsumer(args, 'member-1', received, perMember),
    newConsumer(args, 'member-2', received, perMember) ];
  await Promise.all(consumers.map(c => c.ready()));
  const producer = new Producer({ httpclient: noHttp, nameSrv: args.namesrv, producerGroup: 'PG_INTEROP',
    logger: silentLogger });
  producer.on('error', () => {});
  await producer.ready();
  const { acknowledged, failures } = await produce(args, producer);
  const deadline = Date.now() + args.timeoutMs;
  const missing = () => acknowledged.filter(body => !received.has(body));
  while (missing().length > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 200));
  const lost = missing();
  const summary = {
    sent: args.count, acknowledged: acknowledged.length, failures, received: received.size, perMember,
    duplicates: [...received.values()].filter(n => n > 1).length, lost: lost.length, lostExamples: lost.slice(0, 5),
  };
  console.log(JSON.stringify(summary));
  await producer.close();
  await Promise.all(consumers.map(c => c.close()));
  // Both members of the group must have consumed: the group's queues were shared between them.
  const bothConsumed = Object.keys(perMember).length === 2;
  process.exit(lost.length === 0 && acknowledged.length > 0 && bothConsumed ? 0 : 1);
}

main().catch(err => {
  console.error(`produce_consume.js: ${err && err.stack || err}`);
  process.exit(1);
});

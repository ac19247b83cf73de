// A libdatachannel pair for bench `direct`: two node-datachannel peers in this one node process over loopback, an
// ordered channel ("reliable") and an unordered maxRetransmits-0 one ("lossy"); the answerer echoes every message,
// the offerer sends `--pings` 128-byte pings every `--interval-ms` after 10 warm-up and prints one JSON line per
// channel: {"channel":"reliable","rtt_us":[...]}. node-datachannel comes from the interop tests' pinned node_modules
// (tests/RtcBench.Interop.Tests/node: `npm ci` there). Its callbacks reach JavaScript through node's event loop, so
// this is what a node-datachannel pair achieves, not bare libdatachannel in C++.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/RtcBench.Interop.Tests/node/package.json', import.meta.url));
const ndc = require('node-datachannel');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const pings = arg('--pings', 200);
const intervalMs = arg('--interval-ms', 10);
const warmup = 10;

const offerer = new ndc.PeerConnection('bench-offerer', { iceServers: [], bindAddress: '127.0.0.1' });
const answerer = new ndc.PeerConnection('bench-answerer', { iceServers: [], bindAddress: '127.0.0.1' });
offerer.onLocalDescription((sdp, type) => answerer.setRemoteDescription(sdp, type));
offerer.onLocalCandidate((candidate, mid) => answerer.addRemoteCandidate(candidate, mid));
answerer.onLocalDescription((sdp, type) => offerer.setRemoteDescription(sdp, type));
answerer.onLocalCandidate((candidate, mid) => offerer.addRemoteCandidate(candidate, mid));
answerer.onDataChannel(dc => dc.onMessage(msg => dc.sendMessageBinary(msg)));

const open = dc => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`channel ${dc.getLabel()} not open after 10 s`)), 10000);
  dc.onOpen(() => { clearTimeout(timer); resolve(dc); });
});
const reliable = offerer.createDataChannel('reliable');
const lossy = offerer.createDataChannel('lossy', { unordered: true, maxRetransmits: 0 });
await Promise.all([open(reliable), open(lossy)]);

const sleep = ms => new Promise(r => setTimeout(r, ms));
for (const [label, dc] of [['reliable', reliable], ['lossy', lossy]]) {
  const sentAt = new Map();
  const rtts = [];
  dc.onMessage(msg => {
    const buf = Buffer.from(msg);
    const seq = buf.readUInt32BE(0);
    const t0 = sentAt.get(seq);
    if (t0 === undefined) return;
    sentAt.delete(seq);
    if (seq >= warmup) rtts.push(Number(process.hrtime.bigint() - t0) / 1000);
  });
  const ping = Buffer.alloc(128);
  const start = process.hrtime.bigint();
  for (let seq = 0; seq < warmup + pings; seq++) {
    const due = start + BigInt(seq * intervalMs) * 1000000n;
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    if (wait > 0) await sleep(wait);
    ping.writeUInt32BE(seq, 0);
    sentAt.set(seq, process.hrtime.bigint());
    dc.sendMessageBinary(ping);
  }
  await sleep(1000); // the last pongs
  process.stdout.write(JSON.stringify({ channel: label, sent: pings, rtt_us: rtts }) + '\n');
}
offerer.close();
answerer.close();
ndc.cleanup();

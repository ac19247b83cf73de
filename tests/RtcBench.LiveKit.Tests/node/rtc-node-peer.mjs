// A participant on LiveKit's Rust SDK for Node (@livekit/rtc-node: libwebrtc and LiveKit's Rust signalling client,
// through its native FFI binary), driven by RtcBench.LiveKit.Tests (RustSdk/RtcNodePeer.cs) in JSON lines. Protocol
// lines on stdout start with "@rtcbench " (the SDK logs to stdout with pino: every other line is its log).
//   {"id":N,"op":"join","url","token"}                      → {"re":N,"identity","sid","others":[identity…]}
//   {"id":N,"op":"wait-participant","identity"}             → {"re":N} once that identity is in the room
//   {"id":N,"op":"send","to","reliable","first","count","prefix"} → {"re":N,"sent"}: publishData of "<prefix>-<i>"
//                                                             for i = first..first+count-1, one after the other, to
//                                                             that identity only
//   {"id":N,"op":"wait-received","kind","count","timeoutMs"} → {"re":N,"count"}: once that many packets of that kind
//                                                             have arrived, or at the timeout with how many did
//   {"id":N,"op":"received"}                                → {"re":N,"packets":[{"from","kind":"reliable"|"lossy","topic","b64"}]}
//   {"id":N,"op":"leave"}                                   → {"re":N} after disconnect
//   a failed command → {"re":N,"error":"…"}; events: {"ev":"disconnected","reason"}, {"ev":"error","text"},
//   {"ev":"log","level":"error"|"warn","target","message"}: the Rust SDK's own warnings and errors (rtc-node asks the
//   FFI to capture its logs but drops them; they are read here from the FFI events)
// End of stdin: leave (if joined), release the FFI and exit.
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

// rtc-node's CommonJS build, so that its FFI client (not exported) can be reached as the same module instance its
// Room uses: required by file, it comes from the same module cache.
const require = createRequire(import.meta.url);
const { DataPacketKind, Room, RoomEvent, dispose } = require('@livekit/rtc-node');
const { FfiClient } = require('./node_modules/@livekit/rtc-node/dist/ffi_client.cjs');
const { LogLevel } = require('@livekit/rtc-ffi-bindings');

const marker = '@rtcbench ';
const emit = message => process.stdout.write(marker + JSON.stringify(message) + '\n');
process.on('uncaughtException', e => emit({ ev: 'error', text: String(e?.stack ?? e) }));
process.on('unhandledRejection', e => emit({ ev: 'error', text: String(e?.stack ?? e) }));

FfiClient.instance.on('ffi_event', event => {
  if (event.message.case !== 'logs') return;
  for (const record of event.message.value.records) {
    if (record.level === LogLevel.LOG_ERROR || record.level === LogLevel.LOG_WARN) {
      emit({ ev: 'log', level: record.level === LogLevel.LOG_ERROR ? 'error' : 'warn', target: record.target, message: record.message });
    }
  }
});

const room = new Room();
const packets = [];
const waiters = new Set();
room.on(RoomEvent.DataReceived, (payload, participant, kind, topic) => {
  packets.push({
    from: participant?.identity ?? null,
    kind: kind === DataPacketKind.KIND_RELIABLE ? 'reliable' : kind === DataPacketKind.KIND_LOSSY ? 'lossy' : String(kind),
    topic: topic ?? null,
    b64: Buffer.from(payload).toString('base64'),
  });
  for (const waiter of [...waiters]) waiter();
});

const countOf = kind => packets.filter(p => p.kind === kind).length;
room.on(RoomEvent.Disconnected, reason => emit({ ev: 'disconnected', reason: String(reason) }));

function until(predicate, event) {
  if (predicate()) return Promise.resolve();
  return new Promise(resolve => {
    const check = () => {
      if (predicate()) {
        room.off(event, check);
        resolve();
      }
    };
    room.on(event, check);
  });
}

const commands = {
  async join({ url, token }) {
    await room.connect(url, token, { autoSubscribe: false, dynacast: false });
    const local = room.localParticipant;
    return { identity: local.identity, sid: local.sid, others: [...room.remoteParticipants.keys()] };
  },
  async 'wait-participant'({ identity }) {
    await until(() => room.remoteParticipants.has(identity), RoomEvent.ParticipantConnected);
    return {};
  },
  async send({ to, reliable, first = 1, count, prefix }) {
    for (let i = first; i < first + count; i++) {
      await room.localParticipant.publishData(new TextEncoder().encode(`${prefix}-${i}`), {
        reliable,
        destination_identities: [to],
      });
    }
    return { sent: count };
  },
  'wait-received'({ kind, count, timeoutMs }) {
    return new Promise(resolve => {
      const done = () => {
        waiters.delete(check);
        clearTimeout(timer);
        resolve({ count: countOf(kind) });
      };
      const check = () => {
        if (countOf(kind) >= count) done();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(check);
      check();
    });
  },
  async received() {
    return { packets };
  },
  async leave() {
    if (room.isConnected) await room.disconnect();
    return {};
  },
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve(); // One command at a time, in order.
lines.on('line', line => {
  let command;
  try {
    command = JSON.parse(line);
  } catch {
    emit({ ev: 'error', text: `not a JSON line: ${line.slice(0, 80)}` });
    return;
  }
  const run = commands[command.op];
  queue = queue.then(() =>
    (run ? run(command) : Promise.reject(new Error(`unknown op '${command.op}'`))).then(
      result => emit({ re: command.id, ...result }),
      e => emit({ re: command.id, error: String(e?.message ?? e) }),
    ),
  );
});
lines.on('close', async () => {
  await queue;
  try {
    if (room.isConnected) await room.disconnect();
  } finally {
    await dispose();
    process.exit(0);
  }
});

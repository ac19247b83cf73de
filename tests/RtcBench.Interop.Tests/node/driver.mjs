// An interop peer process for RtcBench.Interop.Tests: `node driver.mjs werift|libdatachannel`. Commands come as JSON
// lines on stdin ({"id":1,"cmd":"create",...}); each gets one reply line on stdout ({"id":1,"ok":true,...} or
// {"id":1,"ok":false,"error":"..."}); other lines on stdout are events ({"ev":"log",...}). The process opens no
// socket but its peer connections' (on loopback) and the HTTP requests the tests ask for (agent-runner.mjs).
// It exits when stdin closes.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createCore } from './peer-core.mjs';
import { addAgentRunner } from './agent-runner.mjs';

const name = process.argv[2];
const adapters = { werift: './stack-werift.mjs', libdatachannel: './stack-libdatachannel.mjs' };
if (!adapters[name]) {
  process.stderr.write(`usage: node driver.mjs ${Object.keys(adapters).join('|')}\n`);
  process.exit(2);
}

const write = obj => process.stdout.write(JSON.stringify(obj) + '\n');
const platform = {
  sha256hex: async bytes => createHash('sha256').update(bytes).digest('hex'),
  fromBase64: text => new Uint8Array(Buffer.from(text, 'base64')),
  nowUs: () => performance.now() * 1000,
  wallAnchorUs: performance.timeOrigin * 1000,
  emit: write,
};

// An error inside the stack (a rejected handshake, a timer callback) must show in the tests' diagnostics, not end
// the process that other cells share.
process.on('uncaughtException', e => write({ ev: 'error', error: String(e?.stack || e) }));
process.on('unhandledRejection', e => write({ ev: 'error', error: String(e?.stack || e) }));

// werift logs why DTLS failed (e.g. `need srtpProfile`) only through `debug`: turn on those two namespaces, on
// stderr, which the tests keep for failure messages.
if (name === 'werift' && !process.env.DEBUG) {
  process.env.DEBUG = 'werift:packages/webrtc/src/transport/dtls.ts,werift:packages/webrtc/src/peerConnection.ts';
}

const { stack } = await import(adapters[name]);
const core = createCore(stack, platform);
addAgentRunner(core, stack, platform);

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', async line => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    write({ ev: 'error', error: `not a JSON command: ${line.slice(0, 200)}` });
    return;
  }
  try {
    write({ id: cmd.id, ok: true, ...(await core.handle(cmd)) });
  } catch (e) {
    write({ id: cmd.id, ok: false, error: String(e?.message || e) });
  }
});
lines.on('close', async () => {
  await core.closeAll();
  process.exit(0);
});
write({ ev: 'ready', stack: stack.name, version: stack.version });

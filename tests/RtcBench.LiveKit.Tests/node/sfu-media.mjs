// The media side of the LiveKit stand-in (tests/RtcBench.LiveKit.Tests/StandIn): the SFU's peer connections, on
// werift (pure TypeScript, modelled on Pion, LiveKit's stack), unpatched. The C# stand-in keeps LiveKit's signalling
// and its DataPacket rules; every WebRTC byte on the server's side of a LiveKit leg is werift's, so no leg has our
// stack on both ends.
//
// Protocol: one JSON object per line. The C# side writes commands on stdin; this process writes replies and events on
// stdout (stderr is for diagnostics only).
//   commands  {"id":N,"op":"offer","pc":P,"channels":[{"label","ordered","maxRetransmits"?}]}  → {"re":N,"sdp","candidates":[…]}
//             {"id":N,"op":"answer","pc":P,"sdp":offer}                                       → {"re":N,"sdp","candidates":[…]}
//             {"id":N,"op":"remote-answer","pc":P,"sdp":answer}                               → {"re":N}
//             {"id":N,"op":"reoffer","pc":P,"audio":bool,"iceRestart":bool}                   → {"re":N,"sdp"}
//             {"id":N,"op":"candidate","pc":P,"init":{candidate,sdpMid,sdpMLineIndex,usernameFragment}} → {"re":N}
//             {"id":N,"op":"pair","pc":P}                         → {"re":N,"local":"ip:port","remote":"ip:port"} (or nulls)
//             {"id":N,"op":"close","pc":P}                                                    → {"re":N}
//             {"op":"send","pc":P,"label":L,"b64":data}  (no reply: the hot path; a failure is an "error" event)
//   a failed command → {"re":N,"error":"…"}
//   events    {"ev":"ready","werift":version} once; {"ev":"state","pc","state"} (RTCPeerConnectionState);
//             {"ev":"open","pc","label","stream"}; {"ev":"closed","pc","label"}; {"ev":"msg","pc","label","b64","text"};
//             {"ev":"error","pc"?,"text"} (anything werift threw outside a command: logged and counted by the C# side)
// Arguments: --address A (the only host address werift gathers on: loopback, or the root side of a test netns);
//            --ice-lite (advertise ICE-lite, as LiveKit with rtc.use_ice_lite).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { RTCPeerConnection } from 'werift';

const version = JSON.parse(readFileSync(new URL('./node_modules/werift/package.json', import.meta.url), 'utf8')).version;
const args = process.argv.slice(2);
const address = args.includes('--address') ? args[args.indexOf('--address') + 1] : '127.0.0.1';
const iceLite = args.includes('--ice-lite');
// RTCBENCH_SFU_TRACE=1: each connection's ICE and connection states, with werift's nominated pair, on stderr.
const trace = process.env.RTCBENCH_SFU_TRACE ? text => process.stderr.write(`${new Date().toISOString()} ${text}\n`) : null;

const peers = new Map(); // pc id → { pc, channels: Map<label, RTCDataChannel> }

function emit(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function report(pc, error) {
  emit({ ev: 'error', pc, text: String(error?.stack ?? error) });
}

process.on('uncaughtException', e => report(undefined, e));
process.on('unhandledRejection', e => report(undefined, e));

function createPeer(id) {
  if (peers.has(id)) throw new Error(`peer connection '${id}' exists`);
  const pc = new RTCPeerConnection({
    // werift 0.25.2 falls back to stun.l.google.com:19302 whenever no STUN server is configured, even with
    // iceServers: [] (werift-ice Connection.applyStunTurnServersFromOptions): it would look that name up and query it.
    // A STUN server on our own address, on the discard port where nothing listens, keeps every packet here; the SFU
    // has host candidates only, as a LiveKit node with its public address does, and stops waiting after 0.1 s.
    iceServers: [{ urls: `stun:${address}:9` }],
    iceStunGatherTimeout: 0.1,
    iceUseIpv4: false, // no interface addresses...
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [address], // ...only this one
    iceLite,
    bundlePolicy: 'max-bundle', // as LiveKit's server
  });
  const peer = { id, pc, channels: new Map() };
  peers.set(id, peer);
  pc.connectionStateChange.subscribe(state => emit({ ev: 'state', pc: id, state }));
  if (trace) {
    pc.iceConnectionStateChange.subscribe(state => {
      const connection = pc.iceTransports[0]?.connection;
      const pair = connection?.nominated;
      const where = c => `${c.type} ${c.host}:${c.port}`;
      trace(`${id} ice ${state} (${connection?.iceControlling ? 'controlling' : 'controlled'})` +
        (pair ? ` nominated ${where(pair.localCandidate)} <-> ${where(pair.remoteCandidate)}` : ''));
    });
    pc.connectionStateChange.subscribe(state => trace(`${id} connection ${state}`));
  }
  pc.onDataChannel.subscribe(channel => adopt(peer, channel));
  return peer;
}

function adopt(peer, channel) {
  peer.channels.set(channel.label, channel);
  let opened = false;
  const open = () => {
    if (opened) return;
    opened = true;
    emit({ ev: 'open', pc: peer.id, label: channel.label, stream: channel.id });
  };
  if (trace) trace(`${peer.id} channel '${channel.label}' (stream ${channel.id}, ordered ${channel.ordered}, maxRetransmits ${channel.maxRetransmits}) ${channel.readyState}`);
  channel.stateChanged.subscribe(state => {
    if (trace) trace(`${peer.id} channel '${channel.label}' (stream ${channel.id}) ${state}`);
    if (state === 'open') open();
    if (state === 'closed') emit({ ev: 'closed', pc: peer.id, label: channel.label });
  });
  channel.onMessage.subscribe(data => {
    const text = typeof data === 'string';
    if (trace) trace(`${peer.id} '${channel.label}' (stream ${channel.id}) received ${text ? 'text' : 'binary'} ${data.length} B`);
    emit({ ev: 'msg', pc: peer.id, label: channel.label, b64: Buffer.from(data).toString('base64'), text });
  });
  channel.error.subscribe(e => report(peer.id, e));
  if (channel.readyState === 'open') open();
}

function peerOf(id) {
  const peer = peers.get(id);
  if (!peer) throw new Error(`no peer connection '${id}'`);
  return peer;
}

// Sets the local description and waits until gathering is complete; the candidates come back apart, as the C# side
// trickles them (LiveKit sends its SDPs without candidates and trickles each one).
async function describe(pc, description) {
  const candidates = [];
  const done = new Promise(resolve => {
    const sub = pc.onIceCandidate.subscribe(candidate => {
      if (candidate) {
        candidates.push(candidate.candidate ?? candidate.toJSON().candidate);
      } else {
        sub.unSubscribe();
        resolve();
      }
    });
  });
  await pc.setLocalDescription(description);
  if (pc.iceGatheringState !== 'complete') await done;
  return { sdp: pc.localDescription.sdp, candidates };
}

const commands = {
  async offer({ pc: id, channels }) {
    const peer = createPeer(id);
    for (const c of channels) {
      const options = { ordered: c.ordered };
      if (c.maxRetransmits !== undefined) options.maxRetransmits = c.maxRetransmits;
      adopt(peer, peer.pc.createDataChannel(c.label, options));
    }
    return describe(peer.pc, await peer.pc.createOffer());
  },
  async answer({ pc: id, sdp }) {
    const { pc } = createPeer(id);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    return describe(pc, await pc.createAnswer());
  },
  async 'remote-answer'({ pc: id, sdp }) {
    await peerOf(id).pc.setRemoteDescription({ type: 'answer', sdp });
    return {};
  },
  async reoffer({ pc: id, audio, iceRestart }) {
    const { pc } = peerOf(id);
    if (audio) pc.addTransceiver('audio', { direction: 'sendonly' });
    const offer = await pc.createOffer({ iceRestart: !!iceRestart });
    await pc.setLocalDescription(offer);
    return { sdp: pc.localDescription.sdp };
  },
  async candidate({ pc: id, init }) {
    await peerOf(id).pc.addIceCandidate(init);
    return {};
  },
  async pair({ pc: id }) {
    const connection = peerOf(id).pc.iceTransports[0]?.connection;
    const pair = connection?.nominated ?? connection?.candidatePairs.find(p => p.nominated);
    const where = c => `${c.host}:${c.port}`;
    return pair ? { local: where(pair.localCandidate), remote: where(pair.remoteCandidate) } : { local: null, remote: null };
  },
  async close({ pc: id }) {
    const peer = peers.get(id);
    if (peer) {
      peers.delete(id);
      await peer.pc.close();
    }
    return {};
  },
};

function send({ pc: id, label, b64 }) {
  const peer = peers.get(id);
  const channel = peer?.channels.get(label);
  if (!channel || channel.readyState !== 'open') {
    report(id, `send on '${label}' of '${id}': the channel is ${channel ? channel.readyState : 'missing'}`);
    return;
  }
  try {
    channel.send(Buffer.from(b64, 'base64'));
  } catch (e) {
    report(id, e);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', line => {
  let command;
  try {
    command = JSON.parse(line);
  } catch (e) {
    report(undefined, `not a JSON line: ${line.slice(0, 80)}`);
    return;
  }
  if (command.op === 'send') {
    send(command);
    return;
  }
  const run = commands[command.op];
  if (!run) {
    emit({ re: command.id, error: `unknown op '${command.op}'` });
    return;
  }
  run(command).then(
    result => emit({ re: command.id, ...result }),
    e => emit({ re: command.id, error: String(e?.message ?? e) }),
  );
});
lines.on('close', async () => {
  await Promise.allSettled([...peers.values()].map(p => p.pc.close()));
  process.exit(0);
});

emit({ ev: 'ready', werift: version, address, iceLite });

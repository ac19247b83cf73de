// The stack-agnostic half of an interop peer: peer connections by id, their data channels, what each channel
// received (in order), and the commands the C# tests send. It runs unchanged in node (driver.mjs, with werift or
// libdatachannel) and in Chromium's page (ChromiumPeer.cs), so every stack is driven by the same code.
//
// A stack adapter (stack-w3c.mjs, stack-libdatachannel.mjs) gives:
//   { name, version, createPeer(options) → peer }
//   peer: createChannel(label, { ordered, maxRetransmits }) → chan; createOffer() → sdp (gathering complete);
//         acceptOffer(sdp, setup) → answer sdp (setup 'active' | 'passive' | null: the DTLS role the peer must take);
//         setAnswer(sdp); onChannel = chan => {}; onState = text => {}; connectionState() → RTCPeerConnectionState
//         ('new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed'); state() → text; close()
//   chan: label, id, readyState ('connecting' | 'open' | 'closing' | 'closed'), send(string | Uint8Array), close(),
//         onopen, onclose, onmessage = data => {} (string for text, Uint8Array for binary)
// A platform gives: sha256hex(Uint8Array) → Promise<string>, fromBase64(text) → Uint8Array, nowUs() (monotonic µs),
// wallAnchorUs (unix µs − monotonic µs), emit(event).

const utf8 = new TextEncoder();

export function createCore(stack, platform) {
  const sessions = new Map();
  const waiters = new Set();

  function notify() {
    for (const w of [...waiters]) {
      let done = false;
      try {
        done = w.pred();
      } catch (e) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(e);
        continue;
      }
      if (done) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve();
      }
    }
  }

  // Resolves once pred() holds (checked on every change this core sees); rejects after ms with what it waited for.
  function until(pred, ms, what) {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { pred, resolve, reject };
      w.timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`));
      }, ms);
      waiters.add(w);
    });
  }

  function session(id) {
    const s = sessions.get(id);
    if (!s) throw new Error(`no peer connection '${id}'`);
    return s;
  }

  function record(s, text) {
    s.log.push(`${Math.round(platform.nowUs() / 1000)} ms ${text}`);
    if (s.log.length > 200) s.log.shift();
    platform.emit({ ev: 'log', pc: s.id, text });
  }

  function attach(s, chan, local) {
    const c = { chan, inbox: [], opened: false, closed: false, mode: local ? null : s.remoteMode, local, errors: 0 };
    s.chans.set(chan.label, c);
    const opened = () => {
      if (c.opened) return;
      c.opened = true;
      record(s, `channel '${chan.label}' open (stream ${chan.id})`);
      notify();
    };
    chan.onopen = opened;
    chan.onclose = () => {
      c.closed = true;
      record(s, `channel '${chan.label}' closed`);
      notify();
    };
    chan.onmessage = data => {
      const rxUs = platform.nowUs();
      if (c.mode === 'mirror') {
        chan.send(data);
      } else if (c.mode === 'pong') {
        pong(c, data, rxUs);
      } else {
        c.inbox.push(data);
      }
      notify();
    };
    if (chan.readyState === 'open') opened();
    if (!local) record(s, `channel '${chan.label}' announced by the remote (stream ${chan.id})`);
    return c;
  }

  // A pong per PingCodec (src/RtcBench.Core/Protocol): the ping's bytes with t patched to pong and rx, tx and wc
  // inserted after ts, so run, seq, ts and pad come back exactly as sent. Anything that is not a ping is counted.
  function pong(c, data, rxUs) {
    if (typeof data !== 'string' || !data.startsWith('{"v":1,"t":"ping",')) {
      c.errors++;
      return;
    }
    const ts = /,"ts":(-?[0-9.]+)/.exec(data);
    if (!ts) {
      c.errors++;
      return;
    }
    const end = ts.index + ts[0].length;
    const head = '{"v":1,"t":"pong",' + data.slice('{"v":1,"t":"ping",'.length, end);
    const txUs = platform.nowUs();
    c.chan.send(`${head},"rx":${rxUs.toFixed(3)},"tx":${txUs.toFixed(3)},"wc":${Math.round(platform.wallAnchorUs)}${data.slice(end)}`);
  }

  function channel(s, label) {
    const c = s.chans.get(label);
    if (!c) throw new Error(`no channel '${label}' on '${s.id}' (have: ${[...s.chans.keys()].join(', ') || 'none'})`);
    return c;
  }

  function describeChannels(s) {
    return [...s.chans.entries()].map(([label, c]) =>
      `${label}:${c.chan.readyState}${c.opened ? '' : ',never opened'}${c.closed ? ',closed' : ''},stream ${c.chan.id},inbox ${c.inbox.length}`).join('; ');
  }

  async function digest(data) {
    const text = typeof data === 'string';
    const bytes = text ? utf8.encode(data) : data;
    return { t: text ? 'text' : 'bin', n: bytes.length, h: await platform.sha256hex(bytes) };
  }

  const commands = {
    hello: async () => ({ stack: stack.name, version: stack.version }),

    // A new peer connection; an offerer passes the channels it opens. remoteMode is the mode (see `mode`) of the
    // channels the remote opens, from their first message on.
    create: async cmd => {
      if (sessions.has(cmd.pc)) throw new Error(`peer connection '${cmd.pc}' exists`);
      const peer = await stack.createPeer({ iceLite: !!cmd.iceLite });
      const s = { id: cmd.pc, peer, chans: new Map(), log: [], states: ['new'], remoteMode: cmd.remoteMode || null };
      sessions.set(cmd.pc, s);
      peer.onChannel = chan => {
        attach(s, chan, false);
        notify();
      };
      peer.onState = state => {
        const connection = peer.connectionState();
        if (s.states[s.states.length - 1] !== connection) s.states.push(connection);
        record(s, `state ${state}`);
        notify();
      };
      for (const ch of cmd.channels || []) {
        attach(s, peer.createChannel(ch.label, { ordered: ch.ordered !== false, maxRetransmits: ch.maxRetransmits ?? null }), true);
      }
      return {};
    },

    offer: async cmd => ({ sdp: await session(cmd.pc).peer.createOffer() }),

    answer: async cmd => ({ sdp: await session(cmd.pc).peer.acceptOffer(cmd.sdp, cmd.setup || null) }),

    setAnswer: async cmd => {
      await session(cmd.pc).peer.setAnswer(cmd.sdp);
      return {};
    },

    // Waits until every named channel exists and is open; returns their stream ids.
    waitOpen: async cmd => {
      const s = session(cmd.pc);
      await until(() => cmd.labels.every(l => s.chans.get(l)?.opened), cmd.ms || 15000,
        () => `channels ${cmd.labels.join(', ')} open (${s.peer.state()}; ${describeChannels(s)})`);
      // Chromium raises a channel's open before its own connectionState leaves 'new'/'connecting' (the state is
      // posted from another thread: 4 ms later in one run): let it settle, then report it as it is.
      try {
        await until(() => !['new', 'connecting'].includes(s.peer.connectionState()), cmd.ms || 15000, 'the connection state to settle');
      } catch {
        // Reported below: the caller checks the state.
      }
      return { connection: s.peer.connectionState(), channels: cmd.labels.map(l => ({ label: l, id: s.chans.get(l).chan.id })) };
    },

    // Sends every message back to back, in one synchronous loop: {t:'text', d} or {t:'bin', b64}.
    send: async cmd => {
      const c = channel(session(cmd.pc), cmd.label);
      const payloads = cmd.messages.map(m => m.t === 'text' ? m.d : platform.fromBase64(m.b64));
      let sent = 0;
      for (const p of payloads) {
        c.chan.send(p);
        sent++;
      }
      return { sent };
    },

    // Waits until the channel has received at least `count` messages (or ms passed when `partial` is set) and
    // returns every message received so far, in arrival order, as {t, n, h} (type, byte length, sha-256), emptying
    // the inbox.
    take: async cmd => {
      const s = session(cmd.pc);
      const c = channel(s, cmd.label);
      try {
        await until(() => c.inbox.length >= cmd.count, cmd.ms || 15000,
          () => `${cmd.count} messages on '${cmd.label}' (have ${c.inbox.length}; ${s.peer.state()}; ${describeChannels(s)})`);
      } catch (e) {
        if (!cmd.partial) throw e;
      }
      const taken = c.inbox.splice(0, c.inbox.length);
      return { messages: await Promise.all(taken.map(digest)) };
    },

    // null: keep what arrives for take; 'mirror': send it back as it came; 'pong': answer pings with pongs.
    mode: async cmd => {
      const c = channel(session(cmd.pc), cmd.label);
      c.mode = cmd.mode || null;
      return {};
    },

    closeChannel: async cmd => {
      channel(session(cmd.pc), cmd.label).chan.close();
      return {};
    },

    waitClosed: async cmd => {
      const s = session(cmd.pc);
      const c = channel(s, cmd.label);
      await until(() => c.closed || c.chan.readyState === 'closed', cmd.ms || 15000,
        () => `channel '${cmd.label}' closed (${s.peer.state()}; ${describeChannels(s)})`);
      return { readyState: c.chan.readyState };
    },

    // The connection state now, every state it went through, the channels, and the recent log.
    describe: async cmd => {
      const s = session(cmd.pc);
      return { connection: s.peer.connectionState(), states: s.states, state: s.peer.state(), channels: describeChannels(s), log: s.log.slice(-40), pongErrors: [...s.chans.values()].reduce((n, c) => n + c.errors, 0) };
    },

    closePeer: async cmd => {
      const s = sessions.get(cmd.pc);
      if (s) {
        sessions.delete(cmd.pc);
        await s.peer.close();
      }
      return {};
    },
  };

  return {
    sessions,
    until,
    session,
    attach,
    async handle(cmd) {
      const run = commands[cmd.cmd];
      if (!run) throw new Error(`unknown command '${cmd.cmd}'`);
      return run(cmd);
    },
    addCommand(name, run) {
      commands[name] = run;
    },
    async closeAll() {
      for (const s of sessions.values()) {
        try {
          await s.peer.close();
        } catch {
          // closing anyway
        }
      }
      sessions.clear();
    },
  };
}

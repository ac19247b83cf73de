// A runner of the `direct` platform written on another stack: it does what `rtcbench run --platform direct` does
// (docs/agent-api.md) against the agent URL the test gives it, and checks every pong itself.
//   {"cmd":"agentRun","agent":"http://127.0.0.1:PORT/","count":1000,"intervalMs":2}
// POST /connect {"platforms":["direct"]} → offer with two channels, `reliable` (ordered) and `lossy` (unordered,
// maxRetransmits 0) → POST the offer to signal_url with the room token → apply the answer → every intervalMs (catching
// up when timers are late) one ping on each channel → wait for the pongs → POST /disconnect. The reply says, per
// channel: sent, pongs matched, missing, duplicates, malformed (with the first few), RTT percentiles in ms; and the
// runner's own connection state after the pings.

const hex = bytes => [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');

export function addAgentRunner(core, stack, platform) {
  core.addCommand('agentRun', async cmd => {
    const agent = new URL(cmd.agent);
    const count = cmd.count ?? 1000;
    const intervalMs = cmd.intervalMs ?? 2;
    const headers = cmd.apiKey ? { 'X-Api-Key': cmd.apiKey } : {};
    const connect = await fetch(new URL('connect', agent), {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ platforms: ['direct'], client: `interop-${stack.name}` }),
    });
    const room = await connect.json();
    if (connect.status !== 200) throw new Error(`/connect answered ${connect.status}: ${JSON.stringify(room)}`);
    const direct = room.platforms.direct;
    const pc = `agent-run-${room.room_id}`;
    try {
      await core.handle({ cmd: 'create', pc, channels: [{ label: 'reliable', ordered: true }, { label: 'lossy', ordered: false, maxRetransmits: 0 }] });
      const { sdp: offer } = await core.handle({ cmd: 'offer', pc });
      const answer = await fetch(new URL(direct.signal_url, agent), {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/sdp', Authorization: `Bearer ${direct.token}` },
        body: offer,
      });
      const answerSdp = await answer.text();
      if (answer.status !== 201) throw new Error(`the offer was answered ${answer.status}: ${answerSdp}`);
      await core.handle({ cmd: 'setAnswer', pc, sdp: answerSdp });
      await core.handle({ cmd: 'waitOpen', pc, labels: ['reliable', 'lossy'], ms: 20000 });
      const channels = await ping(core.session(pc), count, intervalMs, platform);
      return { room: room.room_id, answer: answerSdp, connection: core.session(pc).peer.connectionState(), channels };
    } finally {
      await core.handle({ cmd: 'closePeer', pc });
      await fetch(new URL('disconnect', agent), {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ room_id: room.room_id }),
      }).catch(() => {});
    }
  });
}

async function ping(session, count, intervalMs, platform) {
  const run = hex(crypto.getRandomValues(new Uint8Array(16)));
  const labels = ['reliable', 'lossy'];
  const results = {};
  for (const label of labels) {
    const r = (results[label] = { sent: new Map(), rtts: [], duplicates: 0, malformed: 0, examples: [] });
    const bad = (why, data) => {
      r.malformed++;
      if (r.examples.length < 3) r.examples.push(`${why}: ${String(data).slice(0, 200)}`);
    };
    session.chans.get(label).chan.onmessage = data => {
      const now = platform.nowUs();
      if (typeof data !== 'string') return bad('binary', data.length + ' bytes');
      let m;
      try {
        m = JSON.parse(data);
      } catch {
        return bad('not JSON', data);
      }
      if (m.v !== 1 || m.t !== 'pong' || m.run !== run || !Number.isInteger(m.seq)) return bad('not a pong of this run', data);
      if (typeof m.rx !== 'number' || typeof m.tx !== 'number' || !(m.tx >= m.rx) || typeof m.wc !== 'number') return bad('bad rx/tx/wc', data);
      const sent = r.sent.get(m.seq);
      if (sent === undefined) return r.duplicates++;
      if (/,"ts":(-?[0-9.]+)/.exec(data)?.[1] !== sent.ts) return bad(`ts not echoed (sent ${sent.ts})`, data);
      r.sent.delete(m.seq);
      r.rtts.push((now - sent.at) / 1000);
    };
  }
  const t0 = platform.nowUs();
  let seq = 0;
  await new Promise(resolve => {
    const timer = setInterval(() => {
      const due = Math.min(count, Math.floor((platform.nowUs() - t0) / 1000 / intervalMs) + 1);
      for (; seq < due; seq++) {
        for (const label of labels) {
          const at = platform.nowUs();
          const ts = at.toFixed(3);
          results[label].sent.set(seq, { at, ts });
          session.chans.get(label).chan.send(`{"v":1,"t":"ping","run":"${run}","seq":${seq},"ts":${ts}}`);
        }
      }
      if (seq >= count) {
        clearInterval(timer);
        resolve();
      }
    }, intervalMs);
  });
  const deadline = platform.nowUs() + 5e6;
  while (labels.some(l => results[l].sent.size > 0) && platform.nowUs() < deadline) {
    await new Promise(r => setTimeout(r, 10));
  }
  return labels.map(label => {
    const r = results[label];
    const s = r.rtts.slice().sort((a, b) => a - b);
    const q = p => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : -1);
    return { label, sent: count, received: s.length, missing: r.sent.size, duplicates: r.duplicates, malformed: r.malformed, examples: r.examples, p50: q(0.5), p99: q(0.99), max: s.length ? s[s.length - 1] : -1 };
  });
}

// RtcBench's Daily call page: one call object per page, joined with no media, exchanging the ping protocol
// (src/RtcBench.Core/Protocol/PingCodec.cs) as Daily app messages. Every timestamp that enters an RTT is taken
// HERE with performance.now(): p1 just before sendAppMessage, p4 first thing in the app-message handler; the
// page hands (pong, p1, p4) back to C# in batches, so the browser<->C# hops never enter the RTT.
//   role "runner": rtcbench.send([pingJson...]) sends each ping to the echo participant only.
//   role "echo":   answers every ping to its sender only, with rx/tx on this page's clock (µs) and wc = the
//                  clock's unix anchor (performance.timeOrigin), exactly as PingCodec writes a pong.
// The call object is real daily-js (window.Daily) unless the C# side asks for the offline stand-in
// (window.RtcBenchDailyStandIn, daily-standin.js), which has the same methods and events.
(() => {
  'use strict';
  const MAX_PENDING = 100000;
  const state = {
    role: null, call: null, factory: null, localId: null, peerId: null,
    pending: new Map(), batch: [], flushQueued: false,
    sent: 0, received: 0, echoed: 0, sendErrors: 0, noPeer: 0, lastError: null, foreign: 0,
    echoReportQueued: false,
  };

  const report = (obj) => {
    try { window.rtcbenchReport(JSON.stringify(obj)); } catch (e) { /* C# side gone: nothing to do */ }
  };
  const event = (name, detail) => report({ kind: 'event', name, detail: detail == null ? null : String(detail) });
  const micros = (ms) => Number((ms * 1000).toFixed(3));

  function flush() {
    state.flushQueued = false;
    if (state.batch.length === 0) return;
    const items = state.batch;
    state.batch = [];
    report({ kind: 'pongs', items });
  }

  function queueEchoReport() {
    if (state.echoReportQueued) return;
    state.echoReportQueued = true;
    setTimeout(() => {
      state.echoReportQueued = false;
      report({ kind: 'echo', echoed: state.echoed });
    }, 200);
  }

  function remoteIds() {
    const ps = state.call.participants();
    return Object.keys(ps).filter((k) => k !== 'local').map((k) => ps[k].session_id);
  }

  function onAppMessage(ev) {
    const p4 = performance.now();
    const data = ev && ev.data;
    if (!data || data.v !== 1) { state.foreign++; return; }
    if (state.role === 'runner' && data.t === 'pong') {
      const key = data.run + ':' + data.seq;
      const p1 = state.pending.get(key);
      if (p1 === undefined) { state.foreign++; return; }
      state.pending.delete(key);
      state.received++;
      state.batch.push({ m: JSON.stringify(data), p1, p4 });
      if (!state.flushQueued) { state.flushQueued = true; setTimeout(flush, 0); }
    } else if (state.role === 'echo' && data.t === 'ping') {
      const pong = { v: 1, t: 'pong', run: data.run, seq: data.seq, ts: data.ts, rx: micros(p4), tx: 0,
        wc: Math.round(performance.timeOrigin * 1000) };
      if (typeof data.pad === 'string' && data.pad.length > 0) pong.pad = data.pad;
      pong.tx = micros(performance.now());
      try {
        state.call.sendAppMessage(pong, ev.fromId);
        state.echoed++;
        queueEchoReport();
      } catch (e) {
        noteSendError(e);
      }
    } else {
      state.foreign++;
    }
  }

  function noteSendError(e) {
    state.sendErrors++;
    state.lastError = (e && e.message) || String(e);
    if (state.sendErrors === 1 || state.sendErrors % 100 === 0) event('send-error', state.lastError);
  }

  async function join(cfg) {
    state.role = cfg.role;
    const factory = cfg.standInRelay ? window.RtcBenchDailyStandIn : window.Daily;
    if (!factory) throw new Error(cfg.standInRelay ? 'the daily-js stand-in did not load' : 'daily-js did not load');
    if (cfg.standInRelay) factory.configure({ relay: cfg.standInRelay });
    state.factory = factory;
    const call = factory.createCallObject({
      videoSource: false, audioSource: false, startVideoOff: true, startAudioOff: true,
      subscribeToTracksAutomatically: false, userName: cfg.userName,
    });
    state.call = call;
    call.on('app-message', onAppMessage);
    call.on('participant-joined', (ev) => {
      const id = ev && ev.participant && ev.participant.session_id;
      if (state.role === 'runner' && !state.peerId && id) state.peerId = id;
      event('participant-joined', id);
    });
    call.on('participant-left', (ev) => {
      const id = ev && ev.participant && ev.participant.session_id;
      const wasPeer = !!id && id === state.peerId;
      if (wasPeer) state.peerId = null;
      event('participant-left', id);
      // The runner's echo is gone: the runner ends its run (echo-lost) instead of counting loss.
      if (wasPeer && state.role === 'runner') event('echo-left', id);
    });
    call.on('left-meeting', () => event('left-meeting', null));
    call.on('error', (ev) => event('error', (ev && (ev.errorMsg || ev.error && ev.error.msg)) || 'unknown error'));
    call.on('nonfatal-error', (ev) => event('nonfatal-error', ev && (ev.errorMsg || ev.type)));

    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('join did not complete within ' + cfg.joinTimeoutMs + ' ms')), cfg.joinTimeoutMs);
    });
    try {
      await Promise.race([call.join({ url: cfg.url, token: cfg.token }), timeout]);
    } finally {
      clearTimeout(timer);
    }
    state.localId = call.participants().local.session_id;
    if (state.role === 'runner') state.peerId = remoteIds()[0] || null;
    let topology = null;
    try { topology = (await call.getNetworkTopology()).topology; } catch (e) { topology = null; }
    return {
      localId: state.localId,
      topology,
      dailyVersion: typeof factory.version === 'function' ? factory.version() : null,
      standIn: !!cfg.standInRelay,
      crossOriginIsolated: !!window.crossOriginIsolated,
      now: performance.now(),
    };
  }

  function send(messages) {
    for (const text of messages) {
      let data;
      try { data = JSON.parse(text); } catch (e) { noteSendError(e); continue; }
      const to = state.peerId;
      if (!to) { state.noPeer++; continue; }
      if (state.pending.size >= MAX_PENDING) state.pending.clear();
      const key = data.run + ':' + data.seq;
      const p1 = performance.now();
      state.pending.set(key, p1);
      try {
        state.call.sendAppMessage(data, to);
        state.sent++;
      } catch (e) {
        state.pending.delete(key);
        noteSendError(e);
      }
    }
  }

  async function stats() {
    let topology = null;
    try { topology = state.call ? (await state.call.getNetworkTopology()).topology : null; } catch (e) { topology = null; }
    const t = window.__rtcbenchTransport || { dataChannel: { sends: 0, pings: 0 }, webSocket: { sends: 0, pings: 0 } };
    return {
      topology,
      meetingState: state.call ? state.call.meetingState() : 'new',
      peerId: state.peerId,
      sent: state.sent, received: state.received, echoed: state.echoed, noPeer: state.noPeer,
      sendErrors: state.sendErrors, lastError: state.lastError, foreign: state.foreign,
      dataChannel: t.dataChannel, webSocket: t.webSocket,
    };
  }

  async function leave() {
    if (!state.call) return;
    try { await state.call.leave(); } catch (e) { /* leaving a failed call */ }
  }

  window.rtcbench = { join, send, stats, leave, now: () => performance.now() };
})();

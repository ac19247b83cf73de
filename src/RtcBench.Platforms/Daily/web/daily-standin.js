// STAND-IN for daily-js, for tests and the offline demo only: NOT Daily. Daily's call machine and servers are
// unreachable offline, so this object mimics the part of the daily-js call-object API that rtcbench-call.js
// uses (createCallObject, join, leave, participants, sendAppMessage(data, to), meetingState,
// getNetworkTopology, on(...) with 'joined-meeting', 'participant-joined', 'participant-left', 'app-message',
// 'left-meeting', 'error') and relays app messages between pages through a small local WebSocket relay
// (tests: DailyStandInRelay). Semantics copied from daily-js 0.92.2: sendAppMessage throws before join and
// when JSON.stringify(data).length > 4096; '*' broadcasts to everyone but the sender; a message to an absent
// participant is dropped. getNetworkTopology() answers 'standin-relay' so a stand-in run can never pass for Daily.
(() => {
  'use strict';
  const MAX_APP_MESSAGE_SIZE = 4096;
  let relayUrl = null;

  class StandInCall {
    constructor(options) {
      this._options = options || {};
      this._handlers = new Map();
      this._state = 'new';
      this._ws = null;
      this._local = null;
      this._remote = new Map();
    }

    on(name, handler) {
      if (!this._handlers.has(name)) this._handlers.set(name, []);
      this._handlers.get(name).push(handler);
      return this;
    }

    off(name, handler) {
      const list = this._handlers.get(name) || [];
      this._handlers.set(name, list.filter((h) => h !== handler));
      return this;
    }

    _emit(name, ev) {
      for (const h of this._handlers.get(name) || []) {
        try { h(Object.assign({ action: name }, ev)); } catch (e) { setTimeout(() => { throw e; }); }
      }
    }

    meetingState() { return this._state; }

    participants() {
      const all = {};
      if (this._local) all.local = this._local;
      for (const [id, p] of this._remote) all[id] = p;
      return all;
    }

    async getNetworkTopology() { return { topology: 'standin-relay' }; }

    join(props) {
      if (!relayUrl) return Promise.reject(new Error('stand-in: no relay configured'));
      const url = (props && props.url) || '';
      const room = url.split('/').filter((s) => s.length > 0).pop() || '';
      this._state = 'joining-meeting';
      return new Promise((resolve, reject) => {
        let settled = false;
        const fail = (msg) => {
          this._state = 'error';
          this._emit('error', { errorMsg: msg });
          if (!settled) { settled = true; reject(new Error(msg)); }
        };
        const ws = new WebSocket(relayUrl);
        this._ws = ws;
        ws.onopen = () => ws.send(JSON.stringify({
          type: 'join', room, token: (props && props.token) || null, userName: this._options.userName || null,
        }));
        ws.onerror = () => fail('stand-in: cannot reach the relay at ' + relayUrl);
        ws.onclose = () => {
          if (this._state === 'joined-meeting') { this._state = 'left-meeting'; this._emit('left-meeting', {}); }
          else if (!settled) fail('stand-in: the relay closed the connection');
        };
        ws.onmessage = (m) => {
          let msg;
          try { msg = JSON.parse(m.data); } catch (e) { return; }
          switch (msg.type) {
            case 'joined':
              this._local = { session_id: msg.sessionId, user_name: this._options.userName || '', local: true };
              for (const p of msg.participants || []) this._remote.set(p.session_id, p);
              this._state = 'joined-meeting';
              settled = true;
              this._emit('joined-meeting', { participants: this.participants() });
              resolve(this.participants());
              break;
            case 'refused':
              fail(msg.error || 'stand-in: join refused');
              break;
            case 'participant-joined':
              this._remote.set(msg.participant.session_id, msg.participant);
              this._emit('participant-joined', { participant: msg.participant });
              break;
            case 'participant-left':
              this._remote.delete(msg.participant.session_id);
              this._emit('participant-left', { participant: msg.participant });
              break;
            case 'app-message':
              this._emit('app-message', { data: msg.data, fromId: msg.fromId });
              break;
            default:
              break;
          }
        };
      });
    }

    async leave() {
      if (this._ws && this._ws.readyState <= 1) {
        this._state = 'left-meeting';
        this._ws.close();
        this._emit('left-meeting', {});
      }
    }

    sendAppMessage(data, to) {
      if (this._state !== 'joined-meeting') throw new Error('sendAppMessage() only supported after join.');
      if (JSON.stringify(data).length > MAX_APP_MESSAGE_SIZE) {
        throw new Error('Message data too large. Max size is ' + MAX_APP_MESSAGE_SIZE);
      }
      this._ws.send(JSON.stringify({ type: 'app-message', to: to === undefined ? '*' : to, data }));
      return this;
    }

    async destroy() { await this.leave(); }
  }

  window.RtcBenchDailyStandIn = {
    configure(options) { relayUrl = options && options.relay; },
    createCallObject(options) { return new StandInCall(options); },
    version() { return 'standin'; },
  };
})();

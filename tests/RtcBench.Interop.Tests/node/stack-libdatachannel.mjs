// libdatachannel (C++, usrsctp, libjuice) through node-datachannel's own API, not its W3C polyfill, so nothing but
// the binding sits between the tests and the library. ICE binds 127.0.0.1 only.
import { readFileSync } from 'node:fs';
import ndc from 'node-datachannel';

const bindingVersion = JSON.parse(readFileSync(new URL('./node_modules/node-datachannel/package.json', import.meta.url), 'utf8')).version;

export const stack = {
  name: 'libdatachannel',
  version: `node-datachannel ${bindingVersion}, libdatachannel ${ndc.getLibraryVersion()}`,
  createPeer({ iceLite }) {
    if (iceLite) throw new Error('libdatachannel has no ICE-lite mode');
    const pc = new ndc.PeerConnection('rtcbench-interop', { iceServers: [], bindAddress: '127.0.0.1', enableIceUdpMux: false });
    let gathering = 'new';
    const gatheredWaiters = [];
    pc.onGatheringStateChange(state => {
      gathering = state;
      if (state === 'complete') gatheredWaiters.splice(0).forEach(f => f());
    });
    const gathered = () => new Promise((resolve, reject) => {
      if (gathering === 'complete') return resolve();
      const timer = setTimeout(() => reject(new Error(`ICE gathering not complete after 10 s (${gathering})`)), 10000);
      gatheredWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    const peer = {
      onChannel: null,
      onState: null,
      createChannel(label, { ordered, maxRetransmits }) {
        const init = { unordered: !ordered };
        if (maxRetransmits !== null && maxRetransmits !== undefined) init.maxRetransmits = maxRetransmits;
        return wrap(pc.createDataChannel(label, init), false);
      },
      async createOffer() {
        pc.setLocalDescription('offer');
        await gathered();
        return pc.localDescription().sdp;
      },
      // libdatachannel takes no munged local description, so the role is asked for the RFC 5763 way: it is handed the
      // offer with a=setup:active (it must then answer passive) or a=setup:passive (it answers active).
      async acceptOffer(sdp, setup) {
        const offer = setup ? sdp.replace(/a=setup:actpass/g, `a=setup:${setup === 'passive' ? 'active' : 'passive'}`) : sdp;
        pc.setRemoteDescription(offer, 'offer');
        await gathered();
        const answer = pc.localDescription().sdp;
        if (setup && !answer.includes(`a=setup:${setup}`)) throw new Error(`libdatachannel answered ${/a=setup:[a-z]+/.exec(answer)} when a=setup:${setup} was needed`);
        return answer;
      },
      async setAnswer(sdp) {
        pc.setRemoteDescription(sdp, 'answer');
      },
      connectionState() {
        return pc.state();
      },
      state() {
        return `connection ${pc.state()}, ice ${pc.iceState()}, signaling ${pc.signalingState()}`;
      },
      async close() {
        pc.close();
      },
    };
    pc.onStateChange(state => peer.onState?.(`connection ${state}`));
    pc.onIceStateChange(state => peer.onState?.(`ice ${state}`));
    pc.onDataChannel(dc => peer.onChannel?.(wrap(dc, true)));
    return peer;
  },
};

function wrap(dc, remote) {
  let state = remote && dc.isOpen() ? 'open' : 'connecting';
  let id = null; // getId() throws once the channel is destroyed: remember it
  const chan = {
    label: dc.getLabel(),
    get id() {
      if (state !== 'closed') {
        try {
          id = dc.getId();
        } catch {
          // destroyed: the last id seen
        }
      }
      return id;
    },
    get readyState() {
      return state;
    },
    send(data) {
      const ok = typeof data === 'string' ? dc.sendMessage(data) : dc.sendMessageBinary(data);
      if (!ok) throw new Error(`libdatachannel refused a ${typeof data === 'string' ? 'text' : 'binary'} message of ${data.length}`);
    },
    close() {
      if (state !== 'closed') state = 'closing';
      dc.close();
    },
    onopen: null,
    onclose: null,
    onmessage: null,
  };
  dc.onOpen(() => {
    state = 'open';
    chan.onopen?.();
  });
  dc.onClosed(() => {
    void chan.id;
    state = 'closed';
    chan.onclose?.();
  });
  dc.onMessage(msg => chan.onmessage?.(typeof msg === 'string' ? msg : new Uint8Array(msg.buffer ?? msg, msg.byteOffset ?? 0, msg.byteLength)));
  return chan;
}

// Adapter for stacks with the W3C RTCPeerConnection API: werift in node, libwebrtc in Chromium's page.
// `toWire` turns a Uint8Array into what the stack's send() takes for binary (werift: Buffer).

export function w3cStack({ name, version, RTCPeerConnection, config, toWire = u8 => u8 }) {
  return {
    name,
    version,
    createPeer(options) {
      const pc = new RTCPeerConnection(config(options));
      const peer = {
        onChannel: null,
        onState: null,
        createChannel(label, { ordered, maxRetransmits }) {
          const init = { ordered };
          if (maxRetransmits !== null && maxRetransmits !== undefined) init.maxRetransmits = maxRetransmits;
          return wrap(pc.createDataChannel(label, init), toWire);
        },
        async createOffer() {
          await pc.setLocalDescription(await pc.createOffer());
          await gathered(pc);
          return pc.localDescription.sdp;
        },
        // The W3C way to choose the answerer's DTLS role: set a local answer with a=setup changed (both werift and
        // libwebrtc honour the local description's a=setup).
        async acceptOffer(sdp, setup) {
          await pc.setRemoteDescription({ type: 'offer', sdp });
          const answer = await pc.createAnswer();
          const local = setup ? answer.sdp.replace(/a=setup:[a-z]+/g, `a=setup:${setup}`) : answer.sdp;
          await pc.setLocalDescription({ type: 'answer', sdp: local });
          await gathered(pc);
          return pc.localDescription.sdp;
        },
        async setAnswer(sdp) {
          await pc.setRemoteDescription({ type: 'answer', sdp });
        },
        connectionState() {
          return pc.connectionState;
        },
        state() {
          return `connection ${pc.connectionState}, ice ${pc.iceConnectionState}, signaling ${pc.signalingState}`;
        },
        async close() {
          await pc.close();
        },
      };
      pc.ondatachannel = e => peer.onChannel?.(wrap(e.channel, toWire));
      pc.onconnectionstatechange = () => peer.onState?.(`connection ${pc.connectionState}`);
      pc.oniceconnectionstatechange = () => peer.onState?.(`ice ${pc.iceConnectionState}`);
      return peer;
    },
  };
}

function gathered(pc) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (pc.iceGatheringState === 'complete') return resolve();
      if (Date.now() - started > 10000) return reject(new Error(`ICE gathering not complete after 10 s (${pc.iceGatheringState})`));
      setTimeout(check, 10);
    };
    check();
  });
}

function wrap(ch, toWire) {
  if ('binaryType' in ch) ch.binaryType = 'arraybuffer';
  const chan = {
    get label() {
      return ch.label;
    },
    get id() {
      return ch.id;
    },
    get readyState() {
      return ch.readyState;
    },
    send(data) {
      ch.send(typeof data === 'string' ? data : toWire(data));
    },
    close() {
      ch.close();
    },
    onopen: null,
    onclose: null,
    onmessage: null,
  };
  ch.onopen = () => chan.onopen?.();
  ch.onclose = () => chan.onclose?.();
  ch.onmessage = e => {
    const d = e.data;
    chan.onmessage?.(typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  };
  return chan;
}

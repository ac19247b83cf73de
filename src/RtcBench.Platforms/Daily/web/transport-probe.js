// RtcBench init script: runs before any page script. Wraps RTCDataChannel.prototype.send and
// WebSocket.prototype.send to count what carries the benchmark's app messages, because daily-js routes
// sendAppMessage over a data channel in peer-to-peer mode and over Daily's WebSocket in SFU mode, and the
// routing lives in Daily's closed call-machine bundle. A send "carries a ping" when its payload (text, or
// bytes decoded as UTF-8) contains both "ping" and "seq". The check runs after the page stamped the send time.
(() => {
  'use strict';
  const counts = { dataChannel: { sends: 0, pings: 0 }, webSocket: { sends: 0, pings: 0 } };
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const text = (d) => {
    if (typeof d === 'string') return d;
    if (d instanceof ArrayBuffer) return decoder.decode(new Uint8Array(d));
    if (ArrayBuffer.isView(d)) return decoder.decode(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    return '';
  };
  const carriesPing = (d) => { const s = text(d); return s.includes('ping') && s.includes('seq'); };
  const wrap = (proto, slot) => {
    if (!proto || typeof proto.send !== 'function') return;
    const original = proto.send;
    proto.send = function (data) {
      slot.sends++;
      if (carriesPing(data)) slot.pings++;
      return original.apply(this, arguments);
    };
  };
  wrap(window.RTCDataChannel && window.RTCDataChannel.prototype, counts.dataChannel);
  wrap(window.WebSocket && window.WebSocket.prototype, counts.webSocket);
  Object.defineProperty(window, '__rtcbenchTransport', { value: counts, enumerable: false });
})();

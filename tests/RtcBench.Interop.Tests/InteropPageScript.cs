namespace RtcBench.Interop.Tests;

/// <summary>
/// The page side of the interop tests, as <c>window.rt</c>: one RTCPeerConnection, its channels by label, an inbox
/// per channel, an optional echo (every message sent back on its channel), and helpers that fail with a reason
/// rather than hang.
/// </summary>
internal static class InteropPageScript
{
    public const string Source = """
        const rt = window.rt = {
          pc: null, chans: {}, inbox: {}, waiters: {}, echo: false, closed: {},
          start() {
            rt.pc = new RTCPeerConnection();
            rt.pc.ondatachannel = e => rt.watch(e.channel);
            return rt.pc;
          },
          watch(ch) {
            ch.binaryType = 'arraybuffer';
            rt.chans[ch.label] = ch;
            rt.inbox[ch.label] = rt.inbox[ch.label] || [];
            rt.waiters[ch.label] = rt.waiters[ch.label] || [];
            ch.onmessage = e => {
              if (rt.echo) ch.send(e.data);
              const w = rt.waiters[ch.label];
              if (w.length) w.shift()(e.data); else rt.inbox[ch.label].push(e.data);
            };
            ch.onclose = () => { rt.closed[ch.label] = true; };
            return ch;
          },
          next(label, ms) {
            const box = rt.inbox[label];
            if (box && box.length) return Promise.resolve(box.shift());
            return new Promise((resolve, reject) => {
              const waiters = rt.waiters[label];
              const timer = setTimeout(() => {
                waiters.splice(waiters.indexOf(take), 1); // A late message must go to the next waiter, not this one.
                reject(new Error('no message on ' + label + ' within ' + ms + ' ms'));
              }, ms);
              const take = data => { clearTimeout(timer); resolve(data); };
              waiters.push(take);
            });
          },
          until(pred, ms, what) {
            return new Promise((resolve, reject) => {
              const t0 = performance.now();
              const tick = () => {
                if (pred()) return resolve(true);
                if (performance.now() - t0 > ms) return reject(new Error('timeout waiting for ' + what + '; ' + rt.state()));
                setTimeout(tick, 10);
              };
              tick();
            });
          },
          state() {
            const pc = rt.pc;
            const chans = Object.values(rt.chans).map(c => c.label + '=' + c.readyState).join(',');
            return pc ? 'ice=' + pc.iceConnectionState + ' conn=' + pc.connectionState + ' chans=' + chans : 'no pc';
          },
          async gathered() {
            const pc = rt.pc;
            await rt.until(() => pc.iceGatheringState === 'complete', 5000, 'ICE gathering');
            return pc.localDescription.sdp;
          },
          allOpen(ms) {
            return rt.until(() => Object.values(rt.chans).length > 0 && Object.values(rt.chans).every(c => c.readyState === 'open'), ms, 'channels open');
          },
          same(a, b) {
            if (typeof a === 'string' || typeof b === 'string') return a === b;
            const x = new Uint8Array(a), y = new Uint8Array(b);
            if (x.length !== y.length) return false;
            for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
            return true;
          },
          async stats() {
            const out = [];
            (await rt.pc.getStats()).forEach(r => {
              if (r.type === 'data-channel') out.push(r.label + ' sent=' + r.messagesSent + ' recv=' + r.messagesReceived + ' bytesRecv=' + r.bytesReceived);
              if (r.type === 'transport') out.push('transport packetsSent=' + r.packetsSent + ' packetsReceived=' + r.packetsReceived);
            });
            return out.join('; ');
          },
          describe(d) { return typeof d === 'string' ? 'text(' + d.length + ')' : 'binary(' + d.byteLength + ')'; },
        };
        """;
}

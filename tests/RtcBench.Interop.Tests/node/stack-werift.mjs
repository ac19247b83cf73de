// werift (pure TypeScript, modelled on Pion), unpatched, through its W3C API. It gathers host candidates on two
// loopback addresses, 127.0.0.1 and 127.0.0.2, never on another interface: like werift on a real machine (one
// candidate per interface) the remote sees more than one candidate, and no packet leaves loopback.
import { readFileSync } from 'node:fs';
import { RTCPeerConnection } from 'werift';
import { w3cStack } from './stack-w3c.mjs';

const version = JSON.parse(readFileSync(new URL('./node_modules/werift/package.json', import.meta.url), 'utf8')).version;

export const stack = w3cStack({
  name: 'werift',
  version,
  RTCPeerConnection,
  config: ({ iceLite }) => ({
    // werift falls back to stun.l.google.com:19302 whenever no STUN server is configured, even with iceServers: []
    // (werift-ice's DEFAULT_STUN_SERVER): it would look that name up and query it. A STUN server on our own address,
    // on the discard port where nothing listens, keeps every packet on loopback; gathering stops waiting after 0.1 s.
    iceServers: [{ urls: 'stun:127.0.0.1:9' }],
    iceStunGatherTimeout: 0.1,
    iceUseIpv4: false, // no interface addresses...
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1', '127.0.0.2'], // ...only these
    iceLite,
  }),
  toWire: u8 => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength),
});

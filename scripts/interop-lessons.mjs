// The hand-written part of docs/interop.md: what each independent stack taught us, as facts about that stack (seen in
// the interop tests, their logs, or its source), not about the state of ours. scripts/interop-doc.mjs renders them.
export const lessons = {
  chromium: [
    'Offers `a=setup:actpass` and answers `active`; it takes a local answer changed to `a=setup:passive` and is then the DTLS server.',
    'Gathers no loopback candidates, and hides host addresses behind mDNS names unless started with `--disable-features=WebRtcHideLocalIpsWithMdns`: the tests run it in a network namespace joined by a veth (10.99.N.1 ↔ 10.99.N.2).',
    'Needs no `use_srtp` for a data-only session; sends SCTP INIT in either DTLS role; opens channels on RFC 8832 stream ids (DTLS client even, server odd).',
    'Advertises `a=max-message-size:262144`; sends and takes empty messages as PPID 56/57.',
    'A channel it closes (SCTP stream reset) reaches `closed` only once the peer has reset its own stream too.',
  ],
  libdatachannel: [
    'Answers `a=setup:active`; takes no edited local description, but honours an offer that says `a=setup:active` (answers `passive`), as RFC 5763 §5 allows: that is how the tests make it the DTLS server when we offer.',
    'Needs no `use_srtp` for a data-only session; sends SCTP INIT in either role; RFC 8832 stream-id parity.',
    'Binds the address it is given (`bindAddress`): one host candidate on 127.0.0.1.',
    'Advertises `a=max-message-size:262144`; empty messages as PPID 56/57 both ways.',
  ],
  werift: [
    'Requires an SRTP protection profile from the DTLS handshake even for a data-only session (RFC 5764 `use_srtp`): without one, `dtlsTransport.start failed Error: need srtpProfile` (logged only under `DEBUG=werift:…`; the tests turn it on) and the RTCPeerConnection goes `failed`. As DTLS server it still answers an SCTP INIT, but its data-channel layer is not set up (`TypeError … dataChannelFlush`).',
    'Sends SCTP INIT only when it is the ICE-controlling agent, and picks DCEP stream-id parity from its ICE role rather than its DTLS role (werift `RTCSctpTransport.isServer` is "not ICE-controlling": even ids when controlled, odd when controlling): a controlled werift that is the DTLS client waits for the other side\'s INIT, and a controlling werift that is the DTLS client opens channels on ids 1, 3, … where RFC 8832 expects even ones.',
    'Gathers host candidates on every interface except loopback unless told otherwise; the tests give it exactly 127.0.0.1 and 127.0.0.2 (`iceUseIpv4: false`, `iceAdditionalHostAddresses`), so the other side sees two candidates as on a real machine.',
    'Nominates towards an ICE-lite peer only with its consent checks (about 5 s in): an ICE-lite answerer must answer DTLS from any endpoint whose check succeeded.',
    'As the controlling agent it nominates aggressively (USE-CANDIDATE on every check), keeps the first pair whose own check succeeded (werift-ice `checkComplete` never overwrites `nominated`), sends DTLS only there and never renominates. A controlled peer that selects by RFC 8445 §8.1.1 (the highest-priority nominated pair its own check proved) can select another pair: it must take DTLS from any valid pair (§12), as werift itself does, or the handshake stalls (with werift\'s two candidates, every cell where werift offers to a full agent did).',
    'Advertises `a=max-message-size:65536` and refuses to send more (`max-message-size exceeded`).',
    'Cannot send an empty message: its SCTP cuts the payload into zero fragments, sends no DATA chunk and still takes a stream sequence number on an ordered channel, which stalls that channel at any conforming receiver. The matrix sends no empty message from werift and says so in the cell.',
    'Answers `a=setup:active`, and honours a local answer changed to `passive`.',
  ],
  janus: [
    'Janus 1.1.2 (Debian) hangs up with `No SRTP profile selected...` when DTLS negotiates no `use_srtp` profile, in both roles.',
    'Skips loopback candidates: it runs in a network namespace like Chromium.',
    'Opens channels on the lowest free stream id ≥ 1, with no parity rule; its answer has no `a=max-message-size` (65536 by RFC 8841).',
    'EchoTest prefixes the text it echoes; TextRoom wraps text in its JSON and drops binary (PROTOCOLS.md §2 B).',
  ],
};
